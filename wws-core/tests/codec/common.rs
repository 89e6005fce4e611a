//! Helpers shared by the codec tests.
#![allow(dead_code)]

use wws_core::xml::{XmlEvent, XmlReader};
use wws_core::{QName, ReaderQuotas};

/// A fixture's bytes.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A namespace-resolved view of XML: what a consumer can observe, prefixes aside.
#[derive(Debug, PartialEq, Eq)]
pub enum Canon {
    Start(QName, Vec<(QName, String)>),
    End,
    Text(String),
}

/// Parses `xml` as a standalone fragment (failing on any undeclared prefix)
/// into its namespace-resolved events.
pub fn canon(xml: &[u8]) -> Result<Vec<Canon>, wws_core::Error> {
    let mut r = XmlReader::with_quotas(xml, &ReaderQuotas::default())?;
    let mut out = Vec::new();
    loop {
        match r.next()? {
            XmlEvent::Start(tag) => {
                let mut attrs: Vec<(QName, String)> = r
                    .attributes(&tag)?
                    .into_iter()
                    .map(|(q, v)| (q, v.into_owned()))
                    .collect();
                attrs.sort();
                out.push(Canon::Start(tag.qname(), attrs));
            }
            XmlEvent::End => out.push(Canon::End),
            XmlEvent::Text(t) => match out.last_mut() {
                Some(Canon::Text(prev)) => prev.push_str(&t),
                _ => out.push(Canon::Text(t.into_owned())),
            },
            XmlEvent::Eof => return Ok(out),
        }
    }
}

/// Asserts that two fragments say the same thing, namespace-wise.
pub fn assert_equivalent(actual: &[u8], expected: &[u8]) {
    let a = canon(actual).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(actual)));
    let b =
        canon(expected).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(expected)));
    assert_eq!(
        a,
        b,
        "\nactual:   {}\nexpected: {}",
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(expected)
    );
}

/// The qualified names of the top-level elements of a standalone fragment.
pub fn top_level_names(xml: &[u8]) -> Vec<QName> {
    let events = canon(xml).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(xml)));
    let mut depth = 0usize;
    let mut names = Vec::new();
    for e in events {
        match e {
            Canon::Start(q, _) => {
                if depth == 0 {
                    names.push(q);
                }
                depth += 1;
            }
            Canon::End => depth -= 1,
            Canon::Text(_) => {}
        }
    }
    names
}

pub const CALC: &str = crate::common::calc::NAMESPACE;

/// The shapes of the calculator messages in the fixtures.
#[path = "../shapes/calc.rs"]
pub mod calc;
