//! Codec benchmark: `Message::read` and `Message::write` throughput beside a
//! floor measured in the same run, a bare quick-xml event scan of the same
//! bytes. Prints a table; asserts nothing. Run in release:
//! `cargo run --release -p wws-tests --bin bench_codec`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use quick_xml::Reader;
use quick_xml::events::Event;
use wws_core::calculator::{ADD_ACTION, Add, ECHO_ACTION, Echo};
use wws_core::{AddressingVersion, EnvelopeVersion, Message, ReaderQuotas};

/// Rounds per measurement; the median is reported.
const ROUNDS: usize = 5;
/// Target duration of one round.
const ROUND_TIME: Duration = Duration::from_millis(250);

/// Bytes processed per second (MB = 10^6 bytes) of `op` over `len` bytes, median of [`ROUNDS`].
fn throughput(len: usize, mut op: impl FnMut()) -> f64 {
    // Calibrate: how many iterations fill one round.
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        let took = start.elapsed();
        if took >= ROUND_TIME / 10 || iters >= 1 << 30 {
            let per = took.as_secs_f64() / iters as f64;
            iters = ((ROUND_TIME.as_secs_f64() / per.max(1e-9)) as u64).max(1);
            break;
        }
        iters *= 10;
    }
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                op();
            }
            let secs = start.elapsed().as_secs_f64();
            (len as f64 * iters as f64) / secs / 1e6
        })
        .collect();
    rates.sort_by(|a, b| a.total_cmp(b));
    rates[ROUNDS / 2]
}

/// The floor: every event of `input` through quick-xml, nothing else.
fn scan(input: &[u8]) -> usize {
    let mut reader = Reader::from_reader(input);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(e) => {
                black_box(&e);
                events += 1;
            }
            Err(e) => panic!("benchmark input is not well-formed: {e}"),
        }
    }
}

fn echo_text(len: usize) -> String {
    let words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
    ];
    let mut text = String::with_capacity(len + 16);
    let mut i = 0;
    while text.len() < len {
        text.push_str(words[i % words.len()]);
        text.push(' ');
        i += 1;
    }
    text.truncate(len);
    text
}

fn main() {
    let quotas = ReaderQuotas::default();
    let inputs: Vec<(&str, Bytes)> = vec![
        (
            "Add (SOAP 1.1)",
            Message::from_body(
                EnvelopeVersion::Soap11,
                AddressingVersion::Transport,
                ADD_ACTION,
                &Add { a: 1.5, b: 2.25 },
            )
            .to_bytes(),
        ),
        (
            "Echo 1 MiB (SOAP 1.2, WS-Addr)",
            Message::from_body(
                EnvelopeVersion::Soap12,
                AddressingVersion::WsAddressing10,
                ECHO_ACTION,
                &Echo {
                    text: echo_text(1 << 20),
                },
            )
            .to_bytes(),
        ),
    ];

    println!("| input | bytes | operation | MB/s | floor MB/s | ratio |");
    println!("|---|---:|---|---:|---:|---:|");
    let started = Instant::now();
    for (name, bytes) in &inputs {
        let msg = Message::read(bytes, &quotas).expect("benchmark input reads");
        let floor = throughput(bytes.len(), || {
            black_box(scan(black_box(bytes)));
        });
        let read = throughput(bytes.len(), || {
            black_box(Message::read(black_box(bytes), &quotas).expect("reads"));
        });
        let mut out = BytesMut::with_capacity(bytes.len() * 2);
        let write = throughput(bytes.len(), || {
            out.clear();
            black_box(&msg).write(&mut out);
            black_box(&out);
        });
        for (op, rate) in [("Message::read", read), ("Message::write", write)] {
            println!(
                "| {name} | {} | {op} | {rate:.0} | {floor:.0} | {:.2} |",
                bytes.len(),
                rate / floor
            );
        }
    }
    println!();
    println!(
        "floor: quick-xml Reader::read_event loop over the same bytes; median of {ROUNDS} rounds of ~{} ms; total {:.1} s",
        ROUND_TIME.as_millis(),
        started.elapsed().as_secs_f64()
    );
}
