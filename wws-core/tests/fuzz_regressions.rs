//! The saved crash inputs of the core fuzz targets (`fuzz/regressions/`),
//! through the targets' own code (`fuzz/src/core_targets.rs`), under a plain
//! `cargo test`.

#[allow(dead_code)]
#[path = "../../fuzz/src/core_targets.rs"]
mod core_targets;

#[allow(dead_code)]
#[path = "../../fuzz/src/derive_target.rs"]
mod derive_target;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8])) {
    for (name, bytes) in inputs(target) {
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{target}: {name} fails again");
    }
}

#[test]
fn message_read_regressions() {
    replay("message_read", core_targets::message_read);
}

#[test]
fn typed_body_regressions() {
    replay("typed_body", core_targets::typed_body);
}

#[test]
fn roundtrip_regressions() {
    replay("roundtrip", core_targets::roundtrip);
}

#[test]
fn derive_reader_regressions() {
    replay("derive_reader", derive_target::derive_reader);
}

/// The derive target's invariants hold on values of its own types, written
/// by the writer: it reads what it must (a target that reads nothing checks
/// nothing).
#[test]
fn derive_target_reads_its_own_types() {
    use derive_target::*;
    use wws_core::BodyElement;
    let record = Record {
        id: 9,
        name: "n".into(),
        home: Place {
            street: "s".into(),
            zip: Some(1),
            kind: Some(wws_core::xsd::Token("k".into())),
        },
        other: vec![Place {
            street: "t".into(),
            zip: None,
            kind: None,
        }],
        nick: Some(wws_core::xsd::Nillable::Nil),
        partner: None,
        shade: vec![Shade::Red, Shade::DarkBlue, Shade::Other("x".into())],
        reach: vec![Reach::Mail("m".into()), Reach::Nothing],
        amount: Some(Amount {
            value: "1.50".parse().expect("decimal"),
            currency: "EUR".into(),
            closed: Some(Closed::No),
        }),
        lucky: vec![-1, 2],
        tags: wws_core::xsd::List(vec!["a".into()]),
        shapes: vec![AnyBase::Box(Square {
            base: Base {
                id: "b".into(),
                label: None,
            },
            side: 2.0,
            items: vec![],
        })],
        foreign: Some(true),
        photo: None,
        hex: None,
        code: Some(wws_core::QName::new("urn:q", "c")),
        extra: vec![],
        extra_attributes: vec![],
    };
    let mut xml = wws_core::bytes::BytesMut::new();
    record.write_element(&mut xml).expect("writes");
    assert_eq!(Record::read_element(&xml).expect("reads"), record);
    derive_target::derive_reader(&xml);
}

/// The targets' invariants hold on every peer's wire fixture (their seeds).
#[test]
fn targets_pass_on_the_wire_fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/wire");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.filter_map(Result::ok) {
        let bytes = std::fs::read(entry.path()).expect("fixture reads");
        core_targets::message_read(&bytes);
        derive_target::derive_reader(&bytes);
        core_targets::typed_body(&bytes);
        core_targets::roundtrip(&bytes);
    }
}

/// The derive target's seeds (`fuzz/seeds/derive_reader/`) hold its
/// invariants and read as the types they are written for, so the fuzzer
/// starts from values that read.
#[test]
fn derive_target_seeds_read() {
    use derive_target::{Data, Order, Record};
    use wws_core::BodyElement;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/derive_reader");
    let seed = |name: &str| std::fs::read(dir.join(name)).expect("seed reads");
    let record = Record::read_element(&seed("record.xml")).expect("record.xml is a Record");
    assert_eq!((record.shapes.len(), record.shade.len()), (3, 3));
    Data::read_element(&seed("data.xml")).expect("data.xml is a Data");
    Order::read_element(&seed("order.xml")).expect("order.xml is an order");
    for name in ["record.xml", "data.xml", "order.xml", "message.xml"] {
        derive_target::derive_reader(&seed(name));
    }
}
