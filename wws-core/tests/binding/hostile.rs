//! No panic on any input, and everything under the reader quotas. (The
//! real contracts' types get the same treatment in `tests/tests/contracts/`.)

use proptest::prelude::*;
use wws_core::xsd::{ReadOptions, read_element};
use wws_core::{BodyElement, Error, ReaderQuotas, XmlType};

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:n", name = "Node")]
struct Node {
    #[xml(attribute)]
    id: Option<u32>,
    child: Vec<Leaf>,
    #[xml(any)]
    rest: Vec<wws_core::xsd::RawXml>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:n")]
struct Leaf {
    #[xml(text)]
    text: String,
    #[xml(attribute)]
    n: Option<i64>,
}

const SEED: &str = r#"<n:Node xmlns:n="urn:n" id="1"><n:child n="2">a &amp; b</n:child><n:child>c</n:child><x:y xmlns:x="urn:x"><x:z/></x:y></n:Node>"#;

fn all_readers(bytes: &[u8]) {
    let _ = Node::read_element(bytes);
    let _ = read_element::<Node>(bytes, "urn:n", "Node", &ReadOptions::new().strict(true));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        all_readers(&bytes);
    }

    #[test]
    fn mutated_documents_never_panic(at in 0usize..SEED.len(), len in 0usize..8, with in prop::collection::vec(prop::sample::select(b"<>/=\"' &;:#xn1".to_vec()), 0..8), cut in any::<bool>()) {
        let mut bytes = SEED.as_bytes().to_vec();
        let end = (at + len).min(bytes.len());
        bytes.splice(at..end, with);
        if cut {
            bytes.truncate(at);
        }
        all_readers(&bytes);
        if let Ok(node) = Node::read_element(&bytes) {
            // Whatever was read writes and reads back the same.
            prop_assert_eq!(super::round_trip(&node), node);
        }
    }
}

#[test]
fn the_seed_reads() {
    let node = Node::read_element(SEED.as_bytes()).expect("seed");
    assert_eq!(node.child.len(), 2);
    assert_eq!(node.child[0].text, "a & b");
    assert_eq!(node.rest.len(), 1);
}

#[test]
fn depth_attribute_and_size_quotas_hold() {
    let deep = format!(
        "<n:Node xmlns:n=\"urn:n\">{}{}</n:Node>",
        "<x>".repeat(40),
        "</x>".repeat(40)
    );
    assert!(matches!(
        Node::read_element(deep.as_bytes()),
        Err(Error::QuotaExceeded {
            quota: "max element depth",
            ..
        })
    ));

    let attrs: String = (0..200).map(|i| format!(" a{i}=\"v\"")).collect();
    let many = format!("<n:Node xmlns:n=\"urn:n\"{attrs}/>");
    assert!(matches!(
        Node::read_element(many.as_bytes()),
        Err(Error::QuotaExceeded {
            quota: "max attributes per element",
            ..
        })
    ));

    let small = ReaderQuotas::default().with_max_message_size(64);
    let opts = ReadOptions::new().quotas(small);
    assert!(matches!(
        read_element::<Node>(SEED.as_bytes(), "urn:n", "Node", &opts),
        Err(Error::QuotaExceeded {
            quota: "max message size",
            ..
        })
    ));

    let shallow = ReaderQuotas::default().with_max_depth(2);
    let opts = ReadOptions::new().quotas(shallow);
    assert!(matches!(
        read_element::<Node>(SEED.as_bytes(), "urn:n", "Node", &opts),
        Err(Error::QuotaExceeded {
            quota: "max element depth",
            ..
        })
    ));
}

#[test]
fn a_dtd_and_entities_are_refused() {
    let dtd = r#"<!DOCTYPE n [<!ENTITY a "aaaa">]><n:Node xmlns:n="urn:n"><n:child>&a;</n:child></n:Node>"#;
    assert!(Node::read_element(dtd.as_bytes()).is_err());
    let undeclared = r#"<n:Node xmlns:n="urn:n"><n:child>&a;</n:child></n:Node>"#;
    assert!(Node::read_element(undeclared.as_bytes()).is_err());
}
