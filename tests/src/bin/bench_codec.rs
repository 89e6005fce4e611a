//! Codec benchmark: `Message::read` and `Message::write` throughput beside a
//! floor measured in the same run, a bare quick-xml event scan of the same
//! bytes. Prints a table; asserts nothing. Run in release:
//! `cargo run --release -p wws-tests --bin bench_codec`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use quick_xml::Reader;
use quick_xml::events::Event;
use wws_core::{AddressingVersion, EnvelopeVersion, Message, ReaderQuotas};
use wws_examples::calculator::{ADD_ACTION, Add, ECHO_ACTION, Echo};

/// Rounds per measurement; the median is reported.
const ROUNDS: usize = 5;
/// Target duration of one round.
const ROUND_TIME: Duration = Duration::from_millis(250);

/// How many iterations of `op` fill one round.
fn calibrate(op: &mut dyn FnMut()) -> u64 {
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        let took = start.elapsed();
        if took >= ROUND_TIME / 10 || iters >= 1 << 30 {
            let per = took.as_secs_f64() / iters as f64;
            return ((ROUND_TIME.as_secs_f64() / per.max(1e-9)) as u64).max(1);
        }
        iters *= 10;
    }
}

/// Median throughput (MB = 10^6 bytes per second) of each op over `len`
/// bytes. Rounds of the ops alternate, so a busy machine slows all alike
/// and the ratios stay meaningful.
fn throughputs(len: usize, ops: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let iters: Vec<u64> = ops.iter_mut().map(|op| calibrate(&mut **op)).collect();
    let mut rates = vec![Vec::with_capacity(ROUNDS); ops.len()];
    for _ in 0..ROUNDS {
        for ((op, &n), rates) in ops.iter_mut().zip(&iters).zip(&mut rates) {
            let start = Instant::now();
            for _ in 0..n {
                op();
            }
            rates.push((len as f64 * n as f64) / start.elapsed().as_secs_f64() / 1e6);
        }
    }
    rates
        .into_iter()
        .map(|mut r| {
            r.sort_by(|a, b| a.total_cmp(b));
            r[ROUNDS / 2]
        })
        .collect()
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
            .expect("from_body")
            .to_bytes()
            .expect("to_bytes"),
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
            .expect("from_body")
            .to_bytes()
            .expect("to_bytes"),
        ),
    ];

    println!("| input | bytes | operation | MB/s | floor MB/s | ratio |");
    println!("|---|---:|---|---:|---:|---:|");
    let started = Instant::now();
    for (name, bytes) in &inputs {
        let msg = Message::read(bytes, &quotas).expect("benchmark input reads");
        let mut out = BytesMut::with_capacity(bytes.len() * 2);
        let mut floor_op = || {
            black_box(scan(black_box(bytes)));
        };
        let mut read_op = || {
            black_box(Message::read(black_box(bytes), &quotas).expect("reads"));
        };
        let mut read_bytes_op = || {
            black_box(Message::read_bytes(black_box(bytes.clone()), &quotas).expect("reads"));
        };
        let mut write_op = || {
            out.clear();
            black_box(&msg).write(&mut out).expect("writes");
            black_box(&out);
        };
        let rates = throughputs(
            bytes.len(),
            &mut [
                &mut floor_op,
                &mut read_op,
                &mut read_bytes_op,
                &mut write_op,
            ],
        );
        let (floor, read, read_bytes, write) = (rates[0], rates[1], rates[2], rates[3]);
        for (op, rate) in [
            ("Message::read", read),
            ("Message::read_bytes", read_bytes),
            ("Message::write", write),
        ] {
            println!(
                "| {name} | {} | {op} | {rate:.0} | {floor:.0} | {:.2} |",
                bytes.len(),
                rate / floor
            );
        }
    }
    println!();
    println!(
        "floor: quick-xml Reader::read_event loop over the same bytes; median of {ROUNDS} interleaved rounds of ~{} ms; total {:.1} s",
        ROUND_TIME.as_millis(),
        started.elapsed().as_secs_f64()
    );
}
