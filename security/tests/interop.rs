//! Foreign WS-Security clients against our host (issue 15 §3), on both
//! calculator ports: zeep's `UsernameToken` (text, digest, digest with a
//! timestamp; `zeep_wsse.py`) and node-soap's `WSSecurity` (digest with
//! timestamp and mustUnderstand, text; `node_wsse.js`). Each is SKIPPED
//! loudly when its peer is missing. And our proxy against a node-soap
//! server whose `authenticate` checks the token (`node_wsse_server.js`).
//! zeep's X.509 `BinarySignature` (python-xmlsec; `zeep_signature.py`)
//! and node-soap's `WSSecurityCert` (`node_wsse_cert.js`) against a host
//! behind a `SignatureValidator`; python-xmlsec verifying what our proxy
//! signs; WCF on Mono's UserName over HTTPS (`wcf_wsse.cs`).
//! Each is SKIPPED loudly when its peer is missing (`tests/interop/install.sh` installs
//! zeep and python-xmlsec, and node-soap into `~/.cache/wws-interop/node-soap-<version>`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse, WSDL};
use wws_proxy::{CallOptions, ServiceProxy};
use wws_security::{UsernameCredentials, UsernameTokenLayer};

use wws_examples::calculator::Calculator;
use wws_security::SignatureValidator;

mod common;
use common::sign::{Pki, SIGNER_KEY, pem, pki_for};
use wws_host::ServiceHost;
use wws_security::{Principal, UserEntry, UsernameTokenValidator};

/// Exit code of a peer that cannot run here.
const EXIT_SKIPPED: i32 = 77;

fn loud_skip(why: &str) {
    let line = "=".repeat(65);
    eprintln!("{line}\nSKIPPED: {why}\n{line}");
}

/// A calculator host behind the validator (alice / secret) and its WSDL URL.
async fn host() -> (ServiceHost, String) {
    let users = |n: &str| (n == "alice").then(|| UserEntry::new("secret", Principal::new("Alice")));
    calculator_behind(UsernameTokenValidator::new(users)).await
}

/// A calculator host behind `layer` and its WSDL URL.
async fn calculator_behind(layer: impl wws_host::HostLayer) -> (ServiceHost, String) {
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .layer(layer)
        .build()
        .expect("host");
    for e in Calculator::new().endpoints() {
        host.add_endpoint(e).expect("endpoint");
    }
    host.open().await.expect("open");
    let wsdl = format!(
        "http://{}/calculator?wsdl",
        host.local_addr().expect("bound")
    );
    (host, wsdl)
}

/// The signer's key and certificate, and another CA's certificate for the
/// same key, as PEM files in a scratch directory removed on drop.
struct SignerFiles {
    dir: PathBuf,
    key: PathBuf,
    cert: PathBuf,
    other_cert: PathBuf,
}

impl SignerFiles {
    fn new(tag: &str, trusted: &Pki, other: &Pki) -> SignerFiles {
        let dir = std::env::temp_dir().join(format!("wws-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let write = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write pem");
            path
        };
        SignerFiles {
            key: write("key.pem", SIGNER_KEY.to_owned()),
            cert: write("cert.pem", pem("CERTIFICATE", &trusted.signer_der)),
            other_cert: write("other.pem", pem("CERTIFICATE", &other.signer_der)),
            dir,
        }
    }
}

impl Drop for SignerFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `cmd` (a peer script) on a blocking thread and checks it: at least
/// `min_pass` PASS lines and exit 0, or a loud skip on 77 or no interpreter.
async fn run_peer(what: &str, mut cmd: Command, min_pass: usize) {
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("peer thread");
    let out = match out {
        Ok(out) => out,
        Err(e) => return loud_skip(&format!("{what} cannot run ({e})")),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {
            print!("{stdout}");
            let passed = stdout.lines().filter(|l| l.starts_with("PASS")).count();
            assert!(
                passed >= min_pass,
                "{what}: {passed} cases passed\n{stdout}"
            );
        }
        Some(EXIT_SKIPPED) => loud_skip(&format!(
            "{}: {what} did not run",
            stderr.trim().trim_start_matches("SKIPPED: ")
        )),
        _ => panic!("{what} failed ({}):\n{stdout}\n{stderr}", out.status),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_username_tokens_authenticate_against_our_host() {
    let (host, wsdl) = host().await;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(&python);
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zeep_wsse.py"))
        .arg(&wsdl)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    run_peer("zeep WS-Security", cmd, 12).await;
    host.close().await.expect("close");
}

/// zeep (python-xmlsec) signs Add with RSA-SHA256 over Body and Timestamp,
/// its certificate in a BinarySecurityToken: our host verifies it and
/// answers; zeep's default RSA-SHA1 is refused, or answered where the host
/// allows SHA-1; a signer of another CA is refused with a fault.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_signatures_verify_on_our_host() {
    for allow_sha1 in [false, true] {
        zeep_signatures(allow_sha1).await;
    }
}

/// zeep's signed calls against a host that allows RSA-SHA1 or not.
async fn zeep_signatures(allow_sha1: bool) {
    let trusted = pki_for("interop CA", "zeep client");
    let other = pki_for("untrusted CA", "zeep client");
    let validator = SignatureValidator::new([trusted.ca_der.clone()]).allow_sha1(allow_sha1);
    let (host, wsdl) = calculator_behind(validator).await;
    let files = SignerFiles::new("zeep-signature", &trusted, &other);
    let (key, cert, other_cert) = (&files.key, &files.cert, &files.other_cert);

    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(&python);
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/zeep_signature.py"
    ))
    .args([
        "client".as_ref(),
        wsdl.as_ref(),
        key.as_os_str(),
        cert.as_os_str(),
    ])
    .args([key.as_os_str(), other_cert.as_os_str()])
    .env("PYTHONDONTWRITEBYTECODE", "1");
    if allow_sha1 {
        cmd.env("WWS_ZEEP_SHA1", "accepted");
    }
    run_peer("zeep X.509 signature", cmd, 3).await;
    host.close().await.expect("close");
}

/// python-xmlsec (through zeep's `verify_envelope`) verifies what our
/// `SigningLayer` signs, in SOAP 1.1 and in SOAP 1.2 with WS-Addressing,
/// and refuses it once its Body is changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xmlsec_verifies_what_our_proxy_signs() {
    use wws_core::Message;
    use wws_security::{SigningLayer, X509Credentials};

    let pki = pki_for("interop CA", "wws client");
    let cert_pem = pem("CERTIFICATE", &pki.signer_der);
    let layer = SigningLayer::new(
        X509Credentials::from_pem(cert_pem.as_bytes(), SIGNER_KEY.as_bytes()).expect("credentials"),
    );
    let dir = std::env::temp_dir().join(format!("wws-xmlsec-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let cert = dir.join("cert.pem");
    std::fs::write(&cert, &cert_pem).expect("write cert");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zeep_signature.py");
    let run = |name: &str, envelope: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, envelope).expect("write envelope");
        let mut cmd = Command::new(&python);
        cmd.args([script.as_ref(), "verify".as_ref(), cert.as_os_str()])
            .stdin(std::fs::File::open(&path).expect("envelope file"))
            .env("PYTHONDONTWRITEBYTECODE", "1");
        cmd
    };
    for (envelope, addressing) in [
        (EnvelopeVersion::Soap11, AddressingVersion::Transport),
        (EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
    ] {
        let mut m = Message::from_body(envelope, addressing, ADD_ACTION, &Add { a: 1.5, b: 2.25 })
            .expect("message");
        m.to = Some("http://127.0.0.1/calculator".into());
        m.message_id = Some("urn:uuid:0e7c".into());
        layer.sign(&mut m).expect("signs");
        let wire = m.to_bytes().expect("writes").to_vec();
        run_peer(
            "xmlsec verifying our signature",
            run("signed.xml", &wire),
            1,
        )
        .await;

        let text = String::from_utf8(wire).expect("utf-8");
        let tampered = text.replace(">1.5<", ">100<");
        assert_ne!(tampered, text);
        let out = tokio::task::spawn_blocking({
            let mut cmd = run("tampered.xml", tampered.as_bytes());
            move || cmd.output()
        })
        .await
        .expect("peer thread");
        match out.map(|o| {
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        }) {
            Ok((Some(1), stdout)) => assert!(stdout.contains("FAIL verified"), "{stdout}"),
            Ok((Some(EXIT_SKIPPED), _)) | Err(_) => {}
            Ok((code, stdout)) => panic!("a tampered Body: exit {code:?}\n{stdout}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// node-soap's `WSSecurityCert` (xml-crypto) signs Add with its defaults
/// and with RSA-SHA256 named; our host verifies both on both ports and
/// refuses a signer of another CA.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_soap_signatures_verify_on_our_host() {
    let trusted = pki_for("interop CA", "node client");
    let other = pki_for("untrusted CA", "node client");
    let (host, wsdl) = calculator_behind(SignatureValidator::new([trusted.ca_der.clone()])).await;
    let files = SignerFiles::new("node-signature", &trusted, &other);
    let (key, cert, other_cert) = (&files.key, &files.cert, &files.other_cert);
    let mut cmd = Command::new("node");
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/node_wsse_cert.js"
    ))
    .arg(&wsdl)
    .args([key.as_os_str(), cert.as_os_str(), other_cert.as_os_str()])
    .env("NODE_PATH", node_soap_modules());
    run_peer("node-soap WSSecurityCert", cmd, 7).await;
    host.close().await.expect("close");
}

/// WCF on Mono: "UserName over HTTPS" (`TransportWithMessageCredential`,
/// `wcf_wsse.cs`) against the calculator over TLS behind a
/// `UsernameTokenValidator`. Mono 6.8's WCF cannot build that binding
/// (`TransportSecurityBindingElement` is not implemented there): the client
/// then exits 77 and this test is SKIPPED loudly; on a Mono (or .NET) that
/// can, the three cases must pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wcf_username_over_https_against_our_host() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join(format!("wws-wcf-wsse-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let exe = dir.join("wcf_wsse.exe");
    let built = Command::new("mcs")
        .args([
            "-nologo",
            "-r:System.ServiceModel.dll",
            "-r:System.Runtime.Serialization.dll",
        ])
        .arg(format!("-out:{}", exe.display()))
        .arg(root.join("tests/interop/wcf/Contract.cs"))
        .arg(root.join("security/tests/wcf_wsse.cs"))
        .output();
    match built {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("mcs failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return loud_skip(&format!("mcs cannot run ({e}): WCF on Mono did not run"));
        }
    }
    // A server certificate for 127.0.0.1 (the client does not check it: test only).
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("cert");
    let (cert_file, key_file) = (dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&cert_file, cert.pem()).expect("cert file");
    std::fs::write(&key_file, key.serialize_pem()).expect("key file");
    let users = |n: &str| (n == "alice").then(|| UserEntry::new("secret", Principal::new("Alice")));
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .tls_pem_files(&cert_file, &key_file)
        .layer(UsernameTokenValidator::new(users))
        .build()
        .expect("host");
    for e in Calculator::new().endpoints() {
        host.add_endpoint(e).expect("endpoint");
    }
    host.open().await.expect("open");
    let base = format!(
        "https://127.0.0.1:{}",
        host.local_addr().expect("bound").port()
    );
    let mut cmd = Command::new("mono");
    cmd.arg(&exe).arg(&base);
    run_peer("WCF on Mono, UserName over HTTPS", cmd, 3).await;
    let _ = std::fs::remove_dir_all(&dir);
    host.close().await.expect("close");
}

/// Where `tests/interop/install.sh` puts node-soap (as `lib.sh` finds it).
fn node_soap_modules() -> PathBuf {
    let version = std::env::var("WWS_NODE_SOAP_VERSION").unwrap_or_else(|_| "1.13.0".into());
    let dir = std::env::var_os("WWS_NODE_SOAP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into()))
                        .join(".cache")
                });
            cache
                .join("wws-interop")
                .join(format!("node-soap-{version}"))
        });
    dir.join("node_modules")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_soap_ws_security_authenticates_against_our_host() {
    let (host, wsdl) = host().await;
    let mut cmd = Command::new("node");
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/node_wsse.js"))
        .arg(&wsdl)
        .env("NODE_PATH", node_soap_modules());
    run_peer("node-soap WS-Security", cmd, 12).await;
    host.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_proxy_s_tokens_pass_a_node_soap_server_s_authenticate() {
    let wsdl =
        std::env::temp_dir().join(format!("wws-wssec-calculator-{}.wsdl", std::process::id()));
    std::fs::write(&wsdl, WSDL).expect("wsdl file");
    let spawned = Command::new("node")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/node_wsse_server.js"
        ))
        .arg(&wsdl)
        .env("NODE_PATH", node_soap_modules())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut server = match spawned {
        Ok(child) => child,
        Err(e) => {
            return loud_skip(&format!(
                "node cannot run ({e}): node-soap server did not run"
            ));
        }
    };
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let port = match lines.next() {
        Some(Ok(line)) if line.starts_with("listening on ") => {
            line["listening on ".len()..].to_owned()
        }
        _ => {
            let status = server.wait().expect("wait");
            let mut err = String::new();
            if let Some(mut e) = server.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            if status.code() == Some(EXIT_SKIPPED) {
                return loud_skip(&format!("{}: node-soap server did not run", err.trim()));
            }
            panic!("node-soap server failed ({status}): {err}");
        }
    };
    let call = |path: &'static str, envelope, creds: UsernameCredentials| {
        let url = format!("http://127.0.0.1:{port}{path}");
        async move {
            let proxy = ServiceProxy::builder(&url)
                .envelope(envelope)
                .addressing(AddressingVersion::Transport)
                .layer(UsernameTokenLayer::new(creds))
                .build()?;
            proxy.open().await?;
            let r = proxy
                .call::<Add, AddResponse>(ADD_ACTION, &Add { a: 1.5, b: 2.25 }, CallOptions::new())
                .await;
            proxy.close().await?;
            r
        }
    };
    let mut expected = Vec::new();
    for (path, envelope) in [
        ("/calculator", EnvelopeVersion::Soap11),
        ("/calculator12", EnvelopeVersion::Soap12),
    ] {
        for creds in [
            UsernameCredentials::digest("alice", "secret"),
            UsernameCredentials::text("alice", "secret"),
        ] {
            let what = format!("{path} {creds:?}");
            let r = call(path, envelope, creds).await;
            // node-soap answers with a Timestamp in a mustUnderstand
            // Security header, which our layer understands.
            assert_eq!(r.expect(&what).result, 3.75, "{what}");
            expected.push("ok=true");
        }
        // node-soap refuses it with a fault whose code uses a prefix it
        // never declares (`SOAP-ENV:Client` in a SOAP 1.2 shaped `Code`), so
        // the call fails as InvalidFormat or FaultReceived: refused either way.
        let wrong = call(
            path,
            envelope,
            UsernameCredentials::digest("alice", "guess"),
        )
        .await;
        assert!(wrong.is_err(), "{path}: {wrong:?}");
        expected.push("ok=false");
    }
    drop(server.stdin.take());
    let seen: Vec<String> = lines
        .map_while(Result::ok)
        .filter(|l| l.starts_with("auth "))
        .collect();
    let _ = server.wait();
    let _ = std::fs::remove_file(&wsdl);
    println!("{}", seen.join("\n"));
    assert_eq!(seen.len(), expected.len(), "{seen:?}");
    for (line, ok) in seen.iter().zip(&expected) {
        assert!(line.ends_with(ok), "{line}");
        assert!(line.contains("timestamp=yes mustUnderstand=1"), "{line}");
    }
}
