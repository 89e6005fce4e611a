//! Malformed and hostile input: each gives its own error, never a panic.

use std::time::{Duration, Instant};

use wws_core::{Error, Message, ReaderQuotas};

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";

fn read(xml: &[u8]) -> Result<Message, Error> {
    Message::read(xml, &ReaderQuotas::default())
}

fn envelope(body: &str) -> String {
    format!(r#"<s:Envelope xmlns:s="{SOAP11}"><s:Body>{body}</s:Body></s:Envelope>"#)
}

#[track_caller]
fn invalid(xml: &[u8], needle: &str) {
    match read(xml) {
        Err(Error::InvalidFormat(msg)) => assert!(
            msg.contains(needle),
            "message {msg:?} should mention {needle:?}"
        ),
        other => panic!("expected InvalidFormat({needle}), got {other:?}"),
    }
}

#[track_caller]
fn quota(xml: &[u8], quotas: &ReaderQuotas, name: &str, limit: u64) {
    match Message::read(xml, quotas) {
        Err(Error::QuotaExceeded { quota, limit: l }) => {
            assert_eq!((quota, l), (name, limit));
        }
        other => panic!("expected QuotaExceeded({name}), got {other:?}"),
    }
}

#[test]
fn well_formed_baseline_reads() {
    // The inputs below differ from this one only in their defect.
    read(envelope("<a xmlns=\"urn:a\">x</a>").as_bytes()).expect("baseline");
}

#[test]
fn every_truncation_is_invalid_format() {
    let full = r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">urn:x</a:Action><h xmlns="urn:h" k='v'>t</h></s:Header><s:Body><Add xmlns="urn:c"><a>1</a><![CDATA[x]]>&amp;</Add></s:Body></s:Envelope>"#;
    read(full.as_bytes()).expect("the whole document reads");
    for cut in 0..full.len() {
        match read(&full.as_bytes()[..cut]) {
            Err(Error::InvalidFormat(_)) => {}
            other => panic!("cut at {cut}: expected InvalidFormat, got {other:?}"),
        }
    }
}

#[test]
fn two_root_elements() {
    let one = envelope("");
    invalid(format!("{one}{one}").as_bytes(), "second root");
    invalid(format!("{one}<x/>").as_bytes(), "second root");
}

#[test]
fn unknown_envelope_namespace_is_version_mismatch() {
    let xml = r#"<s:Envelope xmlns:s="urn:not-soap"><s:Body/></s:Envelope>"#;
    match read(xml.as_bytes()) {
        Err(Error::VersionMismatch { namespace }) => assert_eq!(namespace, "urn:not-soap"),
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
    match read(b"<Envelope><Body/></Envelope>") {
        Err(Error::VersionMismatch { namespace }) => assert_eq!(namespace, ""),
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
}

#[test]
fn root_that_is_not_an_envelope() {
    invalid(
        format!(r#"<s:Body xmlns:s="{SOAP11}"/>"#).as_bytes(),
        "not a SOAP Envelope",
    );
}

#[test]
fn missing_body() {
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}"><s:Header/></s:Envelope>"#).as_bytes(),
        "no Body",
    );
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}"/>"#).as_bytes(),
        "no Body",
    );
}

#[test]
fn header_after_body() {
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}"><s:Body/><s:Header/></s:Envelope>"#).as_bytes(),
        "Header after Body",
    );
}

#[test]
fn second_body_and_foreign_element_before_body() {
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}"><s:Body/><s:Body/></s:Envelope>"#).as_bytes(),
        "second Body",
    );
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}"><x xmlns="urn:x"/><s:Body/></s:Envelope>"#)
            .as_bytes(),
        "unexpected element",
    );
}

#[test]
fn dtd_is_rejected() {
    let xml = format!(
        r#"<!DOCTYPE s:Envelope [<!ELEMENT a ANY>]>{}"#,
        envelope("")
    );
    invalid(xml.as_bytes(), "DTD");
}

#[test]
fn billion_laughs_is_rejected_without_expansion() {
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        dtd.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    dtd.push_str("]>");
    let xml = format!("{dtd}{}", envelope("<a xmlns=\"urn:a\">&lol9;</a>"));
    let start = Instant::now();
    invalid(xml.as_bytes(), "DTD");
    assert!(start.elapsed() < Duration::from_secs(1));
    // Without the DTD the reference is simply undeclared.
    invalid(
        envelope("<a xmlns=\"urn:a\">&lol9;</a>").as_bytes(),
        "&lol9;",
    );
}

#[test]
fn undeclared_entity_in_attribute_is_rejected() {
    invalid(
        envelope("<a xmlns=\"urn:a\" v=\"&ext;\"/>").as_bytes(),
        "attribute v",
    );
    // Predefined entities and character references are fine.
    let m = read(envelope("<a xmlns=\"urn:a\" v=\"&lt;&#65;&#x42;\">&gt;&apos;</a>").as_bytes())
        .expect("predefined entities read");
    assert!(!m.body.is_empty());
}

#[test]
fn deep_nesting_fails_fast_on_depth() {
    let depth = 100_000;
    let xml = envelope(&format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth)));
    let start = Instant::now();
    quota(
        xml.as_bytes(),
        &ReaderQuotas::default(),
        "max element depth",
        32,
    );
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn deep_nesting_within_a_raised_quota_reads_without_recursion() {
    let depth = 100_000;
    let xml = envelope(&format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth)));
    let quotas = {
        let mut props = ReaderQuotas::default();
        props.max_depth = depth + 2;
        props
    };
    let m = Message::read(xml.as_bytes(), &quotas).expect("deep but allowed");
    // The body is the nest itself plus the envelope prefix it inherits.
    let decl = format!(" xmlns:s=\"{SOAP11}\"");
    assert_eq!(m.body.len(), depth * 7 + decl.len());
    // One level less is refused.
    let tight = {
        let mut props = ReaderQuotas::default();
        props.max_depth = depth + 1;
        props
    };
    quota(
        xml.as_bytes(),
        &tight,
        "max element depth",
        (depth + 1) as u64,
    );
}

#[test]
fn depth_boundary_is_exact() {
    // Envelope (1) + Body (2) + 30 levels = 32: allowed; 31 levels: refused.
    let ok = envelope(&format!("{}{}", "<a>".repeat(30), "</a>".repeat(30)));
    read(ok.as_bytes()).expect("depth 32 is allowed");
    let over = envelope(&format!("{}{}", "<a>".repeat(31), "</a>".repeat(31)));
    quota(
        over.as_bytes(),
        &ReaderQuotas::default(),
        "max element depth",
        32,
    );
}

#[test]
fn invalid_utf8() {
    let mut xml = envelope("<a xmlns=\"urn:a\">ok</a>").into_bytes();
    let at = xml.iter().position(|&b| b == b'k').expect("k");
    xml[at] = 0xFF;
    invalid(&xml, "not UTF-8");
}

#[test]
fn declared_encoding_other_than_utf8() {
    let xml = format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1"?>{}"#,
        envelope("")
    );
    invalid(xml.as_bytes(), "encoding");
    let ok = format!(r#"<?xml version="1.0" encoding="utf-8"?>{}"#, envelope(""));
    read(ok.as_bytes()).expect("utf-8 declared");
}

#[test]
fn utf8_bom_is_accepted() {
    let xml = format!("\u{FEFF}{}", envelope(""));
    read(xml.as_bytes()).expect("BOM");
}

#[test]
fn five_mib_body_against_four_mib_quota() {
    let body = format!("<a xmlns=\"urn:a\">{}</a>", "x".repeat(5 << 20));
    let xml = envelope(&body);
    quota(
        xml.as_bytes(),
        &ReaderQuotas::default(),
        "max message size",
        4 << 20,
    );
    let roomy = ReaderQuotas::default().with_max_message_size(6 << 20);
    Message::read(xml.as_bytes(), &roomy).expect("fits a larger quota");
}

fn with_attributes(n: usize) -> String {
    let attrs: String = (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect();
    envelope(&format!("<x xmlns=\"urn:x\"><y{attrs}/></x>"))
}

#[test]
fn too_many_attributes() {
    // The limit is 128 attributes on one element.
    read(with_attributes(128).as_bytes()).expect("128 attributes");
    quota(
        with_attributes(129).as_bytes(),
        &ReaderQuotas::default(),
        "max attributes per element",
        128,
    );
}

fn with_headers(n: usize) -> String {
    let headers: String = (0..n).map(|i| format!("<h{i} xmlns=\"urn:h\"/>")).collect();
    format!(
        r#"<s:Envelope xmlns:s="{SOAP11}"><s:Header>{headers}</s:Header><s:Body/></s:Envelope>"#
    )
}

#[test]
fn too_many_headers() {
    let m = read(with_headers(64).as_bytes()).expect("64 headers");
    assert_eq!(m.headers.len(), 64);
    quota(
        with_headers(65).as_bytes(),
        &ReaderQuotas::default(),
        "max headers",
        64,
    );
}

#[test]
fn undeclared_prefix() {
    invalid(envelope("<p:a/>").as_bytes(), "undeclared namespace prefix");
    invalid(
        envelope("<a xmlns=\"urn:a\" q:x=\"1\"/>").as_bytes(),
        "undeclared namespace prefix",
    );
}

#[test]
fn duplicate_attribute() {
    invalid(
        envelope("<a xmlns=\"urn:a\" x=\"1\" x=\"2\"/>").as_bytes(),
        "duplicate attribute",
    );
}

#[test]
fn mismatched_end_tag() {
    invalid(
        envelope("<a xmlns=\"urn:a\"></b>").as_bytes(),
        "malformed XML",
    );
}

#[test]
fn content_after_the_envelope() {
    let base = envelope("");
    invalid(format!("{base}trailing").as_bytes(), "outside the root");
    read(format!("{base}\n<!-- c -->\n").as_bytes()).expect("comments after");
    // SOAP 1.1 §3, SOAP 1.2 Part 1 §5: no processing instruction, even after the root.
    invalid(
        format!("{base}\n<?pi x?>\n").as_bytes(),
        "processing instruction",
    );
}

#[test]
fn text_directly_in_envelope_or_header() {
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}">text<s:Body/></s:Envelope>"#).as_bytes(),
        "unexpected text",
    );
    invalid(
        format!(r#"<s:Envelope xmlns:s="{SOAP11}"><s:Header>x</s:Header><s:Body/></s:Envelope>"#)
            .as_bytes(),
        "unexpected text",
    );
}

#[test]
fn empty_and_non_xml_input() {
    invalid(b"", "no root");
    invalid(b"   ", "no root");
    invalid(b"not xml", "outside the root");
}

#[test]
fn duplicate_addressing_header_is_kept_as_a_plain_header_block() {
    // The first fills the field; the repeat stays visible so that a receiver
    // can fault with WS-Addressing's InvalidCardinality.
    let xml = format!(
        r#"<s:Envelope xmlns:s="{SOAP11}" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>x</a:Action><a:Action>y</a:Action></s:Header><s:Body/></s:Envelope>"#
    );
    let m = read(xml.as_bytes()).expect("reads");
    assert_eq!(m.action.as_deref(), Some("x"));
    assert_eq!(m.headers.len(), 1);
    assert_eq!(
        m.headers[0].name,
        wws_core::QName::new("http://www.w3.org/2005/08/addressing", "Action")
    );
}

#[test]
fn too_many_namespaces_in_scope() {
    let decls = |prefix: &str, n: usize| -> String {
        (0..n)
            .map(|i| format!(" xmlns:{prefix}{i}=\"urn:{prefix}{i}\""))
            .collect()
    };
    // The envelope's own prefix counts: 1 + 100 + 27 = 128 is the limit.
    let at_limit = format!(
        r#"<s:Envelope xmlns:s="{SOAP11}"{}><s:Body{}/></s:Envelope>"#,
        decls("p", 100),
        decls("q", 27)
    );
    read(at_limit.as_bytes()).expect("128 namespaces");
    let over = format!(
        r#"<s:Envelope xmlns:s="{SOAP11}"{}><s:Body{}/></s:Envelope>"#,
        decls("p", 100),
        decls("q", 28)
    );
    quota(
        over.as_bytes(),
        &ReaderQuotas::default(),
        "max namespaces in scope",
        128,
    );
}

#[test]
fn inherited_declarations_cannot_amplify_the_body() {
    // 64 prefixes of 1 KiB each on the Envelope; every body child must carry
    // them all, so a few hundred empty children would grow the body past the quota.
    let uri = "u".repeat(1024);
    let decls: String = (0..64)
        .map(|i| format!(" xmlns:p{i}=\"urn:{uri}\""))
        .collect();
    let build = |children: usize| {
        format!(
            r#"<s:Envelope xmlns:s="{SOAP11}"{decls}><s:Body>{}</s:Body></s:Envelope>"#,
            "<a/>".repeat(children)
        )
    };
    let few = read(build(10).as_bytes()).expect("ten children");
    assert!(few.body.len() > 10 * 64 * 1024);
    let start = Instant::now();
    quota(
        build(100).as_bytes(),
        &ReaderQuotas::default(),
        "max message size",
        4 << 20,
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
}

/// Names that are no QNames (XML 1.0 §2.3, Namespaces §4) are refused where
/// they are read, not carried along for the writer to refuse (found by the
/// `derive_reader` fuzz target: an attribute `q:f@lag` kept as an
/// `anyAttribute` that could not be written back).
#[test]
fn element_and_attribute_names_must_be_qnames() {
    for (body, needle) in [
        (r#"<a q:f@lag="1" xmlns:q="urn:q"/>"#, "is not a QName"),
        (r#"<a f@lag="1"/>"#, "is not a QName"),
        (r#"<a x:y:z="1"/>"#, "is not a QName"),
        ("<a@b/>", "is not a QName"),
        ("<p:q:r xmlns:p=\"urn:p\"/>", "is not a QName"),
    ] {
        invalid(envelope(body).as_bytes(), needle);
    }
    assert!(read(envelope(r#"<é:中文 xmlns:é="urn:x" é:ä="1"/>"#).as_bytes()).is_ok());
}
