//! `wws-wsdl [--out FILE.rs] [--no-client] [--no-server] [--unimplemented-by-default] [--catalog URL=FILE]... WSDL...`: generates
//! one Rust module from WSDL 1.1 contracts and their schemas, to `FILE.rs`
//! or stdout; warnings go to stderr.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: wws-wsdl [--out FILE.rs] [--no-client] [--no-server] [--unimplemented-by-default] [--catalog URL-OR-NAMESPACE=FILE]... WSDL...";

fn main() -> ExitCode {
    let mut out = None;
    let mut inputs = Vec::new();
    let mut builder = wws_build::configure().rerun_if_changed(false);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" | "-o" => match args.next() {
                Some(f) => out = Some(f),
                None => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--catalog" => match args.next().as_deref().and_then(|m| m.split_once('=')) {
                Some((location, file)) => builder = builder.catalog(location, file),
                None => {
                    eprintln!("--catalog takes LOCATION=FILE\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--no-client" => builder = builder.client(false),
            "--no-server" => builder = builder.server(false),
            "--unimplemented-by-default" => builder = builder.unimplemented_by_default(true),
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => {
                eprintln!("unknown option {s}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => inputs.push(a),
        }
    }
    if inputs.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let result = match &out {
        Some(f) => builder.compile(&inputs, f),
        None => builder.generate(&inputs),
    };
    match result {
        Ok(g) => {
            for w in &g.warnings {
                eprintln!("warning: {w}");
            }
            if out.is_none() {
                let mut stdout = std::io::stdout().lock();
                if writeln!(stdout, "{}", g.code).is_err() {
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
