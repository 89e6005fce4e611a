//! XML 1.0 §2.2 `Char`: a character outside it, raw or as a reference,
//! anywhere in a message, makes it not well-formed (`InvalidFormat` naming
//! the character); the writer refuses to write one; every character inside
//! it round-trips unchanged.

use crate::common::calc::{ECHO_ACTION, Echo};
use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use wws_core::xml::{XmlEvent, XmlReader};
use wws_core::{
    AddressingVersion, EnvelopeVersion, Error, Fault, Header, Message, QName, ReaderQuotas,
};

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const WSA10: &str = "http://www.w3.org/2005/08/addressing";

/// Raw characters outside `Char`, with the code point the error must name.
const FORBIDDEN: [(char, &str); 8] = [
    ('\u{0}', "U+0000"),
    ('\u{1}', "U+0001"),
    ('\u{8}', "U+0008"),
    ('\u{B}', "U+000B"),
    ('\u{C}', "U+000C"),
    ('\u{1F}', "U+001F"),
    ('\u{FFFE}', "U+FFFE"),
    ('\u{FFFF}', "U+FFFF"),
];

/// Character references to non-characters, with the code point the error must name.
const FORBIDDEN_REFS: [(&str, &str); 11] = [
    ("&#x1;", "U+0001"),
    ("&#1;", "U+0001"),
    ("&#0;", "U+0000"),
    ("&#x0;", "U+0000"),
    ("&#xB;", "U+000B"),
    ("&#x1F;", "U+001F"),
    ("&#31;", "U+001F"),
    ("&#xFFFE;", "U+FFFE"),
    ("&#65535;", "U+FFFF"),
    ("&#xD800;", "U+D800"),
    ("&#xDFFF;", "U+DFFF"),
];

/// An envelope with the WS-Addressing Action `action`, a header block
/// `header` and body `body`; `prolog` goes before the root.
fn envelope(prolog: &str, action: &str, header: &str, body: &str) -> String {
    format!(
        r#"{prolog}<s:Envelope xmlns:s="{SOAP11}" xmlns:a="{WSA10}"><s:Header><a:Action s:mustUnderstand="1">{action}</a:Action>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn echo(text: &str) -> String {
    format!(r#"<Echo xmlns="http://example.org/wws/calculator"><text>{text}</text></Echo>"#)
}

/// The places a character can stand, `X` marking it.
const PLACES: [(&str, &str, &str, &str, &str); 14] = [
    (
        "body text",
        "",
        "urn:act",
        "",
        "<Echo xmlns=\"http://example.org/wws/calculator\"><text>aXb</text></Echo>",
    ),
    (
        "body attribute",
        "",
        "urn:act",
        "",
        "<Echo xmlns=\"http://example.org/wws/calculator\" x=\"aXb\"><text/></Echo>",
    ),
    (
        "single-quoted attribute",
        "",
        "urn:act",
        "",
        "<Echo xmlns=\"http://example.org/wws/calculator\" x='aXb'><text/></Echo>",
    ),
    (
        "namespace declaration",
        "",
        "urn:act",
        "",
        "<Echo xmlns=\"urn:aXb\"><text/></Echo>",
    ),
    (
        "body comment",
        "",
        "urn:act",
        "",
        "<Echo xmlns=\"http://example.org/wws/calculator\"><!-- aXb --><text/></Echo>",
    ),
    (
        "body CDATA",
        "",
        "urn:act",
        "",
        "<Echo xmlns=\"http://example.org/wws/calculator\"><text><![CDATA[aXb]]></text></Echo>",
    ),
    (
        "element name",
        "",
        "urn:act",
        "",
        "<EchoX xmlns=\"http://example.org/wws/calculator\"/>",
    ),
    ("action text", "", "urn:aXb", "", "<e xmlns=\"urn:e\"/>"),
    (
        "header text",
        "",
        "urn:act",
        "<h:T xmlns:h=\"urn:h\">aXb</h:T>",
        "<e xmlns=\"urn:e\"/>",
    ),
    (
        "header attribute",
        "",
        "urn:act",
        "<h:T xmlns:h=\"urn:h\" v=\"aXb\"/>",
        "<e xmlns=\"urn:e\"/>",
    ),
    (
        "header comment",
        "",
        "urn:act",
        "<h:T xmlns:h=\"urn:h\"><!--X--></h:T>",
        "<e xmlns=\"urn:e\"/>",
    ),
    (
        "comment before the root",
        "<!-- X -->",
        "urn:act",
        "",
        "<e xmlns=\"urn:e\"/>",
    ),
    (
        "XML declaration",
        "<?xml version=\"1.0\"X?>",
        "urn:act",
        "",
        "<e xmlns=\"urn:e\"/>",
    ),
    (
        "whitespace between elements",
        "",
        "urn:act",
        "",
        "<e xmlns=\"urn:e\"> X </e>",
    ),
];

/// Places where a reference is a reference (not in comments, CDATA, names).
const REF_PLACES: [&str; 6] = [
    "body text",
    "body attribute",
    "single-quoted attribute",
    "action text",
    "header text",
    "header attribute",
];

fn place(what: &str, x: &str) -> String {
    let (_, prolog, action, header, body) = PLACES
        .iter()
        .find(|p| p.0 == what)
        .copied()
        .expect("known place");
    let fill = |s: &str| s.replace('X', x);
    envelope(&fill(prolog), &fill(action), &fill(header), &fill(body))
}

#[track_caller]
fn assert_not_a_char(result: wws_core::Result<impl std::fmt::Debug>, code: &str, ctx: &str) {
    let needle = format!("{code} is not an XML 1.0 character");
    match result {
        Err(Error::InvalidFormat(msg)) => {
            assert!(
                msg.contains(&needle),
                "{ctx}: {msg:?} should say {needle:?}"
            )
        }
        other => panic!("{ctx}: expected InvalidFormat({needle}), got {other:?}"),
    }
}

fn read(xml: &[u8]) -> wws_core::Result<Message> {
    Message::read(xml, &ReaderQuotas::default())
}

fn read_bytes(xml: &[u8]) -> wws_core::Result<Message> {
    Message::read_bytes(Bytes::copy_from_slice(xml), &ReaderQuotas::default())
}

#[test]
fn the_places_are_well_formed_with_a_legal_character() {
    for (what, ..) in PLACES {
        let xml = place(what, " ");
        read(xml.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}\n{xml}"));
    }
}

#[test]
fn a_raw_forbidden_character_anywhere_is_not_well_formed() {
    for (what, ..) in PLACES {
        for (c, code) in FORBIDDEN {
            let xml = place(what, &c.to_string());
            let ctx = format!("{code} in {what}");
            assert_not_a_char(read(xml.as_bytes()), code, &ctx);
            assert_not_a_char(read_bytes(xml.as_bytes()), code, &ctx);
        }
    }
}

#[test]
fn a_reference_to_a_non_character_is_not_well_formed() {
    for what in REF_PLACES {
        for (r, code) in FORBIDDEN_REFS {
            let xml = place(what, r);
            let ctx = format!("{r} in {what}");
            assert_not_a_char(read(xml.as_bytes()), code, &ctx);
            assert_not_a_char(read_bytes(xml.as_bytes()), code, &ctx);
        }
    }
}

#[test]
fn references_beyond_unicode_and_malformed_ones_are_errors() {
    for r in [
        "&#x110000;",
        "&#1114112;",
        "&#xFFFFFFFFFF;",
        "&#x;",
        "&#;",
        "&#X41;",
        "&#+65;",
        "&#x-1;",
    ] {
        for what in REF_PLACES {
            let xml = place(what, r);
            assert!(
                matches!(read(xml.as_bytes()), Err(Error::InvalidFormat(_))),
                "{r} in {what}"
            );
        }
    }
}

#[test]
fn fragments_headers_and_faults_are_checked_too() {
    for (c, code) in FORBIDDEN {
        let xml = format!("<h:T xmlns:h=\"urn:h\">a{c}</h:T>");
        assert_not_a_char(XmlReader::new(xml.as_bytes()).map(|_| ()), code, "fragment");
        assert_not_a_char(
            Header::from_xml(EnvelopeVersion::Soap11, xml),
            code,
            "header",
        );
        let fault = format!(
            "<s:Fault xmlns:s=\"{SOAP11}\"><faultcode>s:Client</faultcode><faultstring>{c}</faultstring></s:Fault>"
        );
        assert_not_a_char(Fault::read(fault.as_bytes()), code, "fault");
    }
    for (r, code) in FORBIDDEN_REFS {
        let fault = format!(
            "<s:Fault xmlns:s=\"{SOAP11}\"><faultcode>s:Client</faultcode><faultstring xml:lang=\"e{r}\">x</faultstring></s:Fault>"
        );
        assert_not_a_char(Fault::read(fault.as_bytes()), code, "fault lang");
        let body =
            format!("<Echo xmlns=\"http://example.org/wws/calculator\"><text>{r}</text></Echo>");
        let mut m = Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
        m.body = Bytes::from(body);
        assert_not_a_char(m.read_body::<Echo>(), code, "typed body");
    }
}

fn echo_text(xml: &str) -> String {
    let m = read(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}: {xml}"));
    m.read_body::<Echo>().expect("Echo").text
}

/// The value of attribute `v` of the first element of `xml`.
fn attr(xml: &str) -> String {
    let mut r = XmlReader::new(xml.as_bytes()).expect("reader");
    let tag = r.root().expect("root");
    r.attribute(&tag, "", "v")
        .expect("attribute v")
        .into_owned()
}

#[test]
fn legal_characters_read_as_themselves() {
    let read_text = |t: &str| echo_text(&envelope("", "urn:a", "", &echo(t)));
    assert_eq!(read_text("&#x10FFFF;"), "\u{10FFFF}");
    assert_eq!(read_text("&#1114111;"), "\u{10FFFF}");
    assert_eq!(read_text("&#x1F600;&#x10000;"), "\u{1F600}\u{10000}");
    assert_eq!(read_text("\u{1F600}\u{10FFFF}"), "\u{1F600}\u{10FFFF}");
    assert_eq!(
        read_text("&#xFFFD;&#xE000;&#xD7FF;"),
        "\u{FFFD}\u{E000}\u{D7FF}"
    );
    assert_eq!(
        read_text("\u{7F}\u{85}\u{9F}\u{FFFD}"),
        "\u{7F}\u{85}\u{9F}\u{FFFD}"
    );
    assert_eq!(read_text("\t\n&#x9;&#xA;&#32;"), "\t\n\t\n ");
    // End-of-line handling turns a raw CR (alone or before LF) into LF;
    // a reference stays CR.
    assert_eq!(read_text("a\rb\r\nc"), "a\nb\nc");
    assert_eq!(read_text("a&#xD;b&#13;&#xD;&#xA;"), "a\rb\r\r\n");
    assert_eq!(read_text("<![CDATA[a\r\nb\tc]]>"), "a\nb\tc");
}

#[test]
fn attribute_values_are_normalised_and_references_kept() {
    assert_eq!(attr("<e v=\"a\tb\nc\rd\r\ne\"/>"), "a b c d e");
    assert_eq!(attr("<e v=\"&#x9;&#xA;&#xD;&#9;\"/>"), "\t\n\r\t");
    assert_eq!(
        attr("<e v='&#x10FFFF;&lt;&amp;&quot;&apos;&gt;'/>"),
        "\u{10FFFF}<&\"'>"
    );
    assert_eq!(attr("<e v=\"  two  spaces \"/>"), "  two  spaces ");
}

fn echo_message(text: &str) -> wws_core::Result<Message> {
    Message::from_body(
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        ECHO_ACTION,
        &Echo { text: text.into() },
    )
}

#[test]
fn legal_characters_round_trip_unchanged() {
    let text =
        "a\tb\nc\rd\r\ne \u{10FFFF}\u{1F600}\u{10000}\u{FFFD}\u{E000}\u{D7FF}\u{7F}\u{85} <&>\"'";
    let sent = echo_message(text).expect("writes");
    let wire = sent.to_bytes().expect("writes");
    let got = read(&wire).expect("reads");
    assert_eq!(got.read_body::<Echo>().expect("Echo").text, text);
    // A CR is written as a reference, so it is not taken for a line end.
    assert!(!wire.contains(&b'\r'), "{}", String::from_utf8_lossy(&wire));
    // Attributes: the fault's xml:lang carries tab, LF and CR through normalisation.
    let fault = Fault::sender("r").with_reason("x", "a\tb\nc\rd");
    let back = Fault::read(&fault.to_xml(EnvelopeVersion::Soap12).expect("writes")).expect("reads");
    assert_eq!(
        back.reasons.get(1).map(|r| r.lang.as_str()),
        Some("a\tb\nc\rd")
    );
}

#[test]
fn the_writer_refuses_what_xml_cannot_carry() {
    for (c, code) in FORBIDDEN {
        let bad = format!("a{c}b");
        assert_not_a_char(echo_message(&bad), code, "Echo body");
        let mut m = Message::new(EnvelopeVersion::Soap11, AddressingVersion::WsAddressing10);
        m.action = Some(bad.clone());
        assert_not_a_char(m.to_bytes(), code, "action");
        for field in 0..5 {
            let mut m = Message::new(
                EnvelopeVersion::Soap12,
                AddressingVersion::WsAddressing200408,
            );
            m.action = Some("urn:ok".into());
            let slot = match field {
                0 => &mut m.to,
                1 => &mut m.message_id,
                2 => &mut m.relates_to,
                3 => &mut m.reply_to,
                _ => &mut m.fault_to,
            };
            *slot = Some(bad.clone());
            assert_not_a_char(m.write(&mut BytesMut::new()), code, "addressing field");
        }
        let faults = [
            Fault::sender(bad.clone()),
            Fault::sender("r").with_reason("x", bad.clone()),
            Fault::sender("r").with_actor(bad.clone()),
            Fault::sender("r").with_node(bad.clone()),
            Fault::sender("r").with_subcode(QName::new("urn:x", bad.clone())),
            Fault::sender("r").with_subcode(QName::new(bad.clone(), "x")),
        ];
        for (i, fault) in faults.iter().enumerate() {
            // SOAP 1.1 writes neither the node, a second reason nor a subcode's namespace.
            if !matches!(i, 1 | 3 | 5) {
                assert_not_a_char(fault.to_xml(EnvelopeVersion::Soap11), code, "fault 1.1");
            }
            assert_not_a_char(fault.to_xml(EnvelopeVersion::Soap12), code, "fault 1.2");
            assert_not_a_char(
                Message::from_fault(EnvelopeVersion::Soap12, AddressingVersion::Transport, fault),
                code,
                "fault message",
            );
        }
        assert_not_a_char(
            wws_core::xml::write_attr_value(&mut BytesMut::new(), &bad),
            code,
            "attribute",
        );
    }
}

/// Characters XML 1.0 allows, rich in the ones its rules treat specially.
fn legal_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '<', '>', '&', '"', '\'', '\r', '\n', '\t', ' ', ']', 'é', '\u{85}',
            '\u{D7FF}', '\u{E000}', '\u{FFFD}', '\u{10000}', '\u{10FFFF}', '\u{1F600}',
        ]),
        5 => any::<char>().prop_filter("XML 1.0 character", |&c| wws_core::xml::is_xml_char(c)),
    ]
}

/// A legal string and, for each of its characters, whether to write it as a reference.
fn legal_chars() -> impl Strategy<Value = Vec<(char, bool)>> {
    prop::collection::vec((legal_char(), any::<bool>()), 0..40)
}

/// Writes `c` by hand as text (`attr`: inside a double-quoted attribute).
fn hand_escape(c: char, as_ref: bool, attr: bool) -> String {
    match c {
        '<' => "&lt;".into(),
        '&' => "&amp;".into(),
        '"' if attr => "&quot;".into(),
        _ if as_ref => format!("&#x{:X};", c as u32),
        _ => c.to_string(),
    }
}

/// What XML 1.0 makes of `chars` as hand-escaped: raw CR LF and CR become
/// LF in text; raw tab, LF and CR (CR LF as one) become a space in attributes.
fn expected(chars: &[(char, bool)], attr: bool) -> String {
    let mut out = String::new();
    let mut i = 0;
    while let Some(&(c, as_ref)) = chars.get(i) {
        i += 1;
        let raw_ws = !as_ref && matches!(c, '\t' | '\n' | '\r');
        if !raw_ws || (!attr && c != '\r') {
            out.push(c);
            continue;
        }
        if c == '\r' && chars.get(i) == Some(&('\n', false)) {
            i += 1;
        }
        out.push(if attr { ' ' } else { '\n' });
    }
    out
}

proptest! {
    #[test]
    fn read_write_read_is_equal_over_legal_strings(chars in legal_chars()) {
        let text: String = chars.iter().map(|&(c, r)| hand_escape(c, r, false)).collect();
        let value: String = chars.iter().map(|&(c, r)| hand_escape(c, r, true)).collect();
        let header = format!("<h:T xmlns:h=\"urn:h\" v=\"{value}\">{text}</h:T>");
        let xml = envelope("", &text, &header, &echo(&text));
        let first = read(xml.as_bytes()).expect("a legal document reads");
        let again = read(&first.to_bytes().expect("what was read writes")).expect("reads back");
        prop_assert_eq!(&again, &first);
        let shared = read_bytes(xml.as_bytes()).expect("reads shared");
        prop_assert_eq!(read(&shared.to_bytes().expect("writes")).expect("reads back"), again);
        prop_assert_eq!(first.read_body::<Echo>().expect("Echo").text, expected(&chars, false));
        let header = first.headers.first().expect("header");
        let mut r = XmlReader::new(&header.xml).expect("header reads");
        let tag = r.root().expect("root");
        prop_assert_eq!(
            r.attribute(&tag, "", "v").map(|v| v.into_owned()),
            Some(expected(&chars, true))
        );
        let mut header_text = String::new();
        while let XmlEvent::Text(t) = r.next().expect("text") {
            header_text.push_str(&t);
        }
        prop_assert_eq!(header_text, expected(&chars, false));
    }

    #[test]
    fn legal_strings_write_and_read_back_unchanged(chars in legal_chars()) {
        let s: String = chars.iter().map(|&(c, _)| c).collect();
        let sent = echo_message(&s).expect("a legal string writes");
        let got = read(&sent.to_bytes().expect("writes")).expect("reads");
        prop_assert_eq!(got.read_body::<Echo>().expect("Echo").text, s.clone());
        let fault = Fault::sender(s.clone()).with_reason("x", s.clone());
        let back = Fault::read(&fault.to_xml(EnvelopeVersion::Soap12).expect("writes")).expect("reads");
        prop_assert_eq!(back, fault);
    }
}
