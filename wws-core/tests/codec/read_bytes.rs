//! `Message::read_bytes`: the same message as `Message::read`, the body
//! sliced from the input when it needs none of its inherited declarations.

use crate::common::{canon, fixture};
use bytes::Bytes;
use wws_core::{Error, Message, ReaderQuotas};

fn both(xml: &[u8]) -> (Message, Message, Bytes) {
    let input = Bytes::copy_from_slice(xml);
    let q = ReaderQuotas::default();
    let copied = Message::read(xml, &q).expect("read");
    let shared = Message::read_bytes(input.clone(), &q).expect("read_bytes");
    (copied, shared, input)
}

fn is_slice_of(part: &Bytes, whole: &Bytes) -> bool {
    let (p, w) = (part.as_ptr() as usize, whole.as_ptr() as usize);
    !part.is_empty() && p >= w && p + part.len() <= w + whole.len()
}

/// Everything but the body is equal, and the body means the same.
fn assert_same(copied: &Message, shared: &Message) {
    let mut a = copied.clone();
    let mut b = shared.clone();
    assert_eq!(
        canon(&a.body).expect("copied body"),
        canon(&b.body).expect("shared body")
    );
    a.body = Bytes::new();
    b.body = Bytes::new();
    assert_eq!(a, b);
}

const ENV: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">urn:x</a:Action></s:Header><s:Body>"#;
const END: &str = "</s:Body></s:Envelope>";

#[test]
fn body_without_inherited_prefixes_is_a_slice_of_the_input() {
    let xml = format!(
        r#"{ENV}<Echo xmlns="urn:calc"><text>lorem ipsum http://x/ &amp; &#x41;</text></Echo>{END}"#
    );
    let (copied, shared, input) = both(xml.as_bytes());
    assert!(is_slice_of(&shared.body, &input), "body was copied");
    assert!(!is_slice_of(&copied.body, &input));
    assert_eq!(
        &shared.body[..],
        br#"<Echo xmlns="urn:calc"><text>lorem ipsum http://x/ &amp; &#x41;</text></Echo>"#
    );
    assert_same(&copied, &shared);
}

#[test]
fn body_using_an_inherited_prefix_gets_its_declarations() {
    for body in [
        // In an element name, an attribute name, an attribute value, QName text.
        r#"<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang="en">x</s:Text></s:Reason></s:Fault>"#,
        r#"<e xmlns="urn:e" a:x="1"/>"#,
        r#"<e xmlns="urn:e"><a:x>t</a:x></e>"#,
        r#"<e xmlns="urn:e" t="a:Thing"/>"#,
        r#"<e xmlns="urn:e">a:Thing</e>"#,
        // A prefix or colon spelled with character references.
        r#"<e xmlns="urn:e">&#97;:Thing</e>"#,
        r#"<e xmlns="urn:e">a&#58;Thing</e>"#,
        r#"<e xmlns="urn:e">a&#x3A;Thing</e>"#,
    ] {
        let xml = format!("{ENV}{body}{END}");
        let (copied, shared, input) = both(xml.as_bytes());
        assert!(
            !is_slice_of(&shared.body, &input),
            "{body}: sliced without declarations"
        );
        assert_eq!(copied, shared, "{body}");
    }
}

#[test]
fn prefixed_element_after_body_makes_the_body_a_copy() {
    // SOAP 1.1 allows elements after Body; the look-ahead sees them and stays safe.
    let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><e xmlns="urn:e">t</e></s:Body><s:Extra/></s:Envelope>"#;
    let (copied, shared, _) = both(xml.as_bytes());
    assert_eq!(copied, shared);
}

#[test]
fn inherited_default_namespace_is_carried() {
    let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:d"><s:Body><e>t</e></s:Body></s:Envelope>"#;
    let (copied, shared, input) = both(xml.as_bytes());
    assert!(!is_slice_of(&shared.body, &input));
    assert_eq!(copied, shared);
}

#[test]
fn golden_fixtures_read_the_same_either_way() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("name");
        let xml = fixture(&name);
        let q = ReaderQuotas::default();
        match (
            Message::read(&xml, &q),
            Message::read_bytes(Bytes::from(xml.clone()), &q),
        ) {
            (Ok(a), Ok(b)) => {
                assert_same(&a, &b);
                count += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{name}"),
            (a, b) => panic!("{name}: read {a:?} but read_bytes {b:?}"),
        }
    }
    assert!(count > 0, "no fixture read");
}

#[test]
fn bom_and_invalid_utf8_and_size_quota() {
    let xml = format!("\u{FEFF}{ENV}<e xmlns=\"urn:e\">t</e>{END}");
    let (copied, shared, input) = both(xml.as_bytes());
    assert!(is_slice_of(&shared.body, &input));
    assert_eq!(&shared.body[..], br#"<e xmlns="urn:e">t</e>"#);
    assert_same(&copied, &shared);

    let mut bad = format!("{ENV}<e xmlns=\"urn:e\">").into_bytes();
    bad.extend_from_slice(b"\xFF\xFE</e>");
    bad.extend_from_slice(END.as_bytes());
    let err =
        Message::read_bytes(Bytes::from(bad), &ReaderQuotas::default()).expect_err("invalid UTF-8");
    assert!(
        matches!(err, Error::InvalidFormat(ref m) if m.contains("UTF-8")),
        "{err}"
    );

    let q = {
        let mut props = ReaderQuotas::default();
        props.max_message_size = 64;
        props
    };
    let big = format!("{ENV}<e xmlns=\"urn:e\">t</e>{END}");
    assert!(matches!(
        Message::read_bytes(Bytes::from(big), &q),
        Err(Error::QuotaExceeded {
            quota: "max message size",
            ..
        })
    ));
}

#[test]
fn typed_echo_body_is_sliced() {
    use crate::common::calc::{ECHO_ACTION, Echo};
    use wws_core::{AddressingVersion, EnvelopeVersion};
    let input = Message::from_body(
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        ECHO_ACTION,
        &Echo {
            text: "lorem ipsum ".repeat(1000),
        },
    )
    .expect("from_body")
    .to_bytes()
    .expect("to_bytes");
    let m = Message::read_bytes(input.clone(), &ReaderQuotas::default()).expect("read");
    assert!(
        is_slice_of(&m.body, &input),
        "{}",
        String::from_utf8_lossy(&input[..400])
    );
    let echo: Echo = m.read_body().expect("echo");
    assert_eq!(echo.text, "lorem ipsum ".repeat(1000));
}
