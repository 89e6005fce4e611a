//! The envelope construction rules of SOAP 1.1 (§3, §4) and SOAP 1.2 Part 1
//! (§5) that the reader enforces, so that a receiver can answer a broken
//! message with a Sender/Client fault.

use wws_core::{EnvelopeVersion, Error, Message, ReaderQuotas};

const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

fn read(xml: &str) -> Result<Message, Error> {
    Message::read(xml.as_bytes(), &ReaderQuotas::default())
}

#[track_caller]
fn invalid(xml: &str, needle: &str) {
    match read(xml) {
        Err(Error::InvalidFormat(msg)) => assert!(
            msg.contains(needle),
            "message {msg:?} should mention {needle:?}"
        ),
        other => panic!("expected InvalidFormat({needle}), got {other:?}"),
    }
}

fn env12(envelope_attrs: &str, header: &str, body: &str) -> String {
    format!(
        r#"<e:Envelope xmlns:e="{SOAP12}"{envelope_attrs}><e:Header>{header}</e:Header><e:Body>{body}</e:Body></e:Envelope>"#
    )
}

fn env11(envelope_attrs: &str, header: &str, body: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="{SOAP11}"{envelope_attrs}><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

#[test]
fn processing_instructions_are_rejected_anywhere() {
    let ok = env12("", "", "<t:echoOk xmlns:t=\"urn:t\">foo</t:echoOk>");
    read(&format!("<?xml version='1.0' standalone='yes'?>{ok}")).expect("XML declaration");
    read(&format!("<?xml version='1.0' encoding='UTF8'?>{ok}")).expect("UTF8 alias");
    let pi = "<?xml-stylesheet href=\"s.xsl\" type=\"text/xsl\"?>";
    invalid(&format!("{pi}{ok}"), "processing instruction");
    invalid(
        &ok.replace("<e:Body>", &format!("{pi}<e:Body>")),
        "processing instruction",
    );
    invalid(
        &ok.replace("foo", &format!("f{pi}oo")),
        "processing instruction",
    );
    invalid(
        &env11("", &format!("<h:x xmlns:h=\"urn:h\">{pi}</h:x>"), ""),
        "processing instruction",
    );
    // Inside a comment it is only text.
    read(&ok.replace("<e:Body>", &format!("<!--{pi}--><e:Body>"))).expect("comment");
}

#[test]
fn soap12_envelope_header_and_body_take_only_qualified_attributes() {
    let with_foreign = env12(" xmlns:x=\"urn:x\" x:a=\"1\"", "", "");
    read(&with_foreign).expect("namespace-qualified attribute on Envelope");
    invalid(
        &env12(" attr1=\"a-value\"", "", ""),
        "not namespace-qualified",
    );
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Header a="1"/><e:Body/></e:Envelope>"#),
        "not namespace-qualified",
    );
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Body a="1"/></e:Envelope>"#),
        "not namespace-qualified",
    );
}

#[test]
fn soap12_encoding_style_is_not_allowed_on_envelope_header_or_body() {
    let style = " e:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\"";
    invalid(&env12(style, "", ""), "encodingStyle");
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Header{style}/><e:Body/></e:Envelope>"#),
        "encodingStyle",
    );
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Body{style}/></e:Envelope>"#),
        "encodingStyle",
    );
    // On a body child it is allowed (and read by the receiver).
    let m = read(&env12(
        "",
        "",
        &format!("<t:echoOk xmlns:t=\"urn:t\"{style}>foo</t:echoOk>"),
    ))
    .expect("on a body child");
    assert_eq!(
        m.body_encoding_style().as_deref(),
        Some("http://www.w3.org/2003/05/soap-encoding")
    );
    // SOAP 1.1 allows encodingStyle on any element (§4.1.1).
    let s11 = " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"";
    let m = read(&env11(s11, "", &format!("<t:a xmlns:t=\"urn:t\"{s11}/>"))).expect("1.1");
    assert_eq!(
        m.body_encoding_style().as_deref(),
        Some("http://schemas.xmlsoap.org/soap/encoding/")
    );
    assert_eq!(
        read(&env12("", "", "<t:a xmlns:t=\"urn:t\"/>"))
            .expect("plain")
            .body_encoding_style(),
        None
    );
}

#[test]
fn must_understand_must_be_a_boolean() {
    for (value, expected) in [
        ("true", true),
        ("1", true),
        (" 1 ", true),
        ("false", false),
        ("0", false),
    ] {
        let h = format!("<t:h xmlns:t=\"urn:t\" e:mustUnderstand=\"{value}\"/>");
        let m = read(&env12("", &h, "")).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(m.headers[0].must_understand, expected, "{value:?}");
    }
    for value in ["wrong", "9", "", "TRUE", "yes"] {
        let h = format!("<t:h xmlns:t=\"urn:t\" e:mustUnderstand=\"{value}\"/>");
        invalid(&env12("", &h, ""), "is not a boolean");
    }
    // SOAP 1.1: "1"/"0" (and, leniently, "true"/"false").
    for (value, expected) in [("1", true), ("0", false), ("true", true), ("false", false)] {
        let h = format!("<t:h xmlns:t=\"urn:t\" s:mustUnderstand=\"{value}\"/>");
        let m = read(&env11("", &h, "")).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(m.headers[0].must_understand, expected, "{value:?}");
    }
    invalid(
        &env11("", "<t:h xmlns:t=\"urn:t\" s:mustUnderstand=\"2\"/>", ""),
        "is not a boolean",
    );
    // Also on a WS-Addressing header, which is otherwise read into a field.
    invalid(
        &env12(
            "",
            "<a:Action xmlns:a=\"http://www.w3.org/2005/08/addressing\" e:mustUnderstand=\"maybe\">x</a:Action>",
            "",
        ),
        "is not a boolean",
    );
}

#[test]
fn soap12_relay_must_be_a_boolean() {
    let ok = read(&env12("", "<t:h xmlns:t=\"urn:t\" e:relay=\"true\"/>", "")).expect("relay");
    assert!(ok.headers[0].relay);
    invalid(
        &env12("", "<t:h xmlns:t=\"urn:t\" e:relay=\"wrong\"/>", ""),
        "relay value",
    );
}

#[test]
fn header_blocks_are_namespace_qualified() {
    invalid(
        &env12("", "<echoOk>foo</echoOk>", ""),
        "not namespace-qualified",
    );
    invalid(
        &env11("", "<echoOk>foo</echoOk>", ""),
        "not namespace-qualified",
    );
}

#[test]
fn soap12_allows_nothing_after_body_soap11_does() {
    let trailer = "<Trailer/>";
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Body/>{trailer}</e:Envelope>"#),
        "unexpected element",
    );
    let m = read(&format!(
        r#"<s:Envelope xmlns:s="{SOAP11}"><s:Body/><x:Trailer xmlns:x="urn:x"/></s:Envelope>"#
    ))
    .expect("SOAP 1.1 §4.1.1 allows elements after Body");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
}

#[test]
fn missing_body_and_header_order_in_soap12() {
    invalid(
        &format!(
            r#"<e:Envelope xmlns:e="{SOAP12}"><e:Header><t:x xmlns:t="urn:t"/></e:Header></e:Envelope>"#
        ),
        "no Body",
    );
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Body/><e:Header/></e:Envelope>"#),
        "Header after Body",
    );
    invalid(
        &format!(r#"<e:Envelope xmlns:e="{SOAP12}"><e:Header/><e:Header/><e:Body/></e:Envelope>"#),
        "second Header",
    );
}
