//! The single-receiver cases of the W3C "SOAP Version 1.2 Specification
//! Assertions and Test Collection" and the SOAP 1.2 Part 1 rules behind
//! them, as raw HTTP against the host's SOAP 1.2 endpoint: status code
//! (Part 2 §7.5.2.2), fault code and subcode, `NotUnderstood` and `Upgrade`
//! headers. Every fault is also read back with wws-core's `Fault::read`.
//!
//! The node is the ultimate receiver; its service is the calculator, so the
//! test collection's `echoOk` body becomes `Add` where the body must be
//! processed.

use crate::common::*;
use wws_core::{EnvelopeVersion, FaultCode, QName};

const ROLE_NEXT: &str = "http://www.w3.org/2003/05/soap-envelope/role/next";
const ROLE_NONE: &str = "http://www.w3.org/2003/05/soap-envelope/role/none";
const ROLE_ULTIMATE: &str = "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";
const TS: &str = "http://example.org/ts-tests";

/// The test collection's `echoOk` header block.
fn echo_ok(attrs: &str) -> String {
    format!("<test:echoOk xmlns:test=\"{TS}\"{attrs}>foo</test:echoOk>")
}

async fn post12(addr: std::net::SocketAddr, body: &str) -> Response {
    request(addr, "POST", "/calc12", &[CT12], body).await
}

/// A Sender fault with HTTP 400 (Part 2 §7.5.2.2), in SOAP 1.2, read back.
#[track_caller]
fn assert_sender(r: &Response, case: &str) {
    assert_eq!(r.status, 400, "{case}: {}", r.body);
    let (m, f) = fault_of(&r.body);
    assert_eq!(m.envelope, EnvelopeVersion::Soap12, "{case}");
    assert_eq!(f.code, FaultCode::Sender, "{case}: {}", r.body);
    assert!(
        r.body.contains("xml:lang=\"en\""),
        "{case}: Reason/Text carries xml:lang: {}",
        r.body
    );
}

#[tokio::test]
async fn t12_t13_t16_mandatory_unknown_headers_targeted_at_us_are_must_understand_faults() {
    let (host, addr, _ev) = start(Default::default()).await;
    for (case, attrs) in [
        ("T12 no role", " e:mustUnderstand=\"true\"".to_owned()),
        (
            "T13 ultimateReceiver",
            format!(" e:role=\"{ROLE_ULTIMATE}\" e:mustUnderstand=\"1\""),
        ),
        (
            "T16 next",
            format!(" e:role=\"{ROLE_NEXT}\" e:mustUnderstand=\"true\""),
        ),
    ] {
        let unknown = format!("<test:Unknown xmlns:test=\"{TS}\"{attrs}>foo</test:Unknown>");
        let r = post12(addr, &env12(&unknown, &add_body("1", "2"))).await;
        assert_eq!(r.status, 500, "{case}: {}", r.body);
        let (m, f) = fault_of(&r.body);
        assert_eq!(f.code, FaultCode::MustUnderstand, "{case}");
        assert!(f.detail.is_none(), "{case}: header faults carry no detail");
        assert_eq!(m.headers.len(), 1, "{case}: one NotUnderstood");
        assert_eq!(
            m.headers[0].name,
            QName::new(SOAP12, "NotUnderstood"),
            "{case}"
        );
        // The qname attribute resolves to the block's name.
        let nu = std::str::from_utf8(&m.headers[0].xml).expect("utf8");
        assert!(
            nu.contains(":Unknown\"") && nu.contains(&format!("=\"{TS}\"")),
            "{case}: {nu}"
        );
    }
    host.abort();
}

#[tokio::test]
async fn t17_two_unknown_mandatory_headers_give_two_not_understood_blocks() {
    let (host, addr, _ev) = start(Default::default()).await;
    let headers = format!(
        "<test:One xmlns:test=\"{TS}\" e:mustUnderstand=\"true\"/><x:Two xmlns:x=\"urn:x\" e:mustUnderstand=\"1\"/>"
    );
    let r = post12(addr, &env12(&headers, &add_body("1", "2"))).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let (m, f) = fault_of(&r.body);
    assert_eq!(f.code, FaultCode::MustUnderstand);
    let names: Vec<QName> = m.headers.iter().map(|h| h.name.clone()).collect();
    assert_eq!(names, vec![QName::new(SOAP12, "NotUnderstood"); 2]);
    assert!(
        r.body.contains(":One\"") && r.body.contains(":Two\""),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn t5_t15_headers_for_role_none_or_a_role_we_do_not_play_are_never_processed() {
    let (host, addr, _ev) = start(Default::default()).await;
    for (case, attrs) in [
        (
            "T5 role none, mustUnderstand",
            format!(" e:role=\"{ROLE_NONE}\" e:mustUnderstand=\"true\""),
        ),
        (
            "T15 role B, mustUnderstand",
            " e:role=\"http://example.org/ts-tests/B\" e:mustUnderstand=\"1\"".to_owned(),
        ),
        (
            "next, not mandatory, relay",
            format!(" e:role=\"{ROLE_NEXT}\" e:relay=\"true\""),
        ),
        ("T10 unknown optional", String::new()),
        (
            "mustUnderstand false",
            " e:mustUnderstand=\"false\"".to_owned(),
        ),
        ("mustUnderstand 0", " e:mustUnderstand=\"0\"".to_owned()),
    ] {
        let unknown = format!("<test:Unknown xmlns:test=\"{TS}\"{attrs}>foo</test:Unknown>");
        let r = post12(addr, &env12(&unknown, &add_body("1", "2"))).await;
        assert_eq!(r.status, 200, "{case}: {}", r.body);
        assert!(r.body.contains("AddResponse"), "{case}: {}", r.body);
    }
    host.abort();
}

#[tokio::test]
async fn t14_t39_must_understand_that_is_not_a_boolean_is_a_sender_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    for value in ["wrong", "9", "TRUE"] {
        let h = echo_ok(&format!(
            " e:role=\"{ROLE_ULTIMATE}\" e:mustUnderstand=\"{value}\""
        ));
        let r = post12(addr, &env12(&h, &add_body("1", "2"))).await;
        assert_sender(&r, value);
    }
    // relay is an xs:boolean too (Part 1 §5.2.4).
    let h = echo_ok(&format!(" e:role=\"{ROLE_NEXT}\" e:relay=\"wrong\""));
    assert_sender(
        &post12(addr, &env12(&h, &add_body("1", "2"))).await,
        "relay",
    );
    host.abort();
}

#[tokio::test]
async fn t24_wrong_envelope_namespace_is_version_mismatch_with_upgrade() {
    let (host, addr, _ev) = start(Default::default()).await;
    let body = format!(
        "<?xml version='1.0' ?><env:Envelope xmlns:env=\"http://wrong-version/\"><env:Body>{}</env:Body></env:Envelope>",
        add_body("1", "2")
    );
    let r = post12(addr, &body).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let (m, f) = fault_of(&r.body);
    assert_eq!(m.envelope, EnvelopeVersion::Soap12);
    assert_eq!(f.code, FaultCode::VersionMismatch);
    // Part 1 §5.4.7: an Upgrade block listing the supported envelope by QName.
    assert_eq!(m.headers.len(), 1, "{}", r.body);
    assert_eq!(m.headers[0].name, QName::new(SOAP12, "Upgrade"));
    let up = std::str::from_utf8(&m.headers[0].xml).expect("utf8");
    assert!(
        up.contains("SupportedEnvelope qname=\"v0:Envelope\"")
            && up.contains(&format!("xmlns:v0=\"{SOAP12}\"")),
        "{up}"
    );
    host.abort();
}

#[tokio::test]
async fn appendix_a_soap11_envelope_gets_a_soap11_version_mismatch_naming_soap12() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[CT11],
        &env11("", &add_body("1", "2")),
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    let (m, f) = fault_of(&r.body);
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    assert_eq!(f.code, FaultCode::VersionMismatch);
    assert_eq!(m.headers[0].name, QName::new(SOAP12, "Upgrade"));
    host.abort();
}

#[tokio::test]
async fn t25_t64_t65_a_dtd_is_a_sender_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    let env = env12("", &add_body("1", "2"));
    let env = env.trim_start_matches("<?xml version=\"1.0\"?>");
    for dtd in [
        "<!DOCTYPE env:Envelope SYSTEM \"env.dtd\"[]>",
        "<!DOCTYPE DOC [<!NOTATION application_xml SYSTEM 'http://www.isi.edu/in-notes/iana/assignments/media-types/application/xml'>]>",
        "<!DOCTYPE DOC [<!ELEMENT Envelope (Body) >]>",
    ] {
        let r = post12(addr, &format!("<?xml version='1.0' ?>{dtd}{env}")).await;
        assert_sender(&r, dtd);
    }
    host.abort();
}

#[tokio::test]
async fn t26_a_processing_instruction_is_a_sender_fault() {
    // Part 1 §5: receivers SHOULD answer a message holding a processing
    // instruction with env:Sender (the test collection's T26 message).
    let (host, addr, _ev) = start(Default::default()).await;
    let pi = "<?xml-stylesheet href=\"http://example.org/ts-tests/sub.xsl\" type = \"text/xsl\"?>";
    let env = env12("", &add_body("1", "2"));
    for (case, msg) in [
        (
            "inside Envelope",
            env.replacen("<e:Header>", &format!("{pi}<e:Header>"), 1),
        ),
        (
            "before Envelope",
            env.replacen("<e:Envelope", &format!("{pi}<e:Envelope"), 1),
        ),
        (
            "inside the body",
            env.replacen("<c:a>", &format!("<c:a>{pi}"), 1),
        ),
    ] {
        assert_sender(&post12(addr, &msg).await, case);
    }
    host.abort();
}

#[tokio::test]
async fn t66_t67_t68_declarations_and_whitespace_are_accepted() {
    let (host, addr, _ev) = start(Default::default()).await;
    let inner = env12("", &add_body("1", "2"));
    let inner = inner.trim_start_matches("<?xml version=\"1.0\"?>");
    for (case, msg) in [
        (
            "T66 encoding UTF8",
            format!("<?xml version='1.0' encoding='UTF8'?>{inner}"),
        ),
        (
            "T67 standalone",
            format!("<?xml version='1.0' standalone='yes'?>{inner}"),
        ),
        (
            "T68 no declaration, whitespace",
            inner
                .replace("<e:Header>", "\n\n <e:Header   >\n\n")
                .replace("<e:Body>", "\n <e:Body>\n\n")
                .replace("</e:Body>", "\n\n </e:Body>\n\n\n"),
        ),
        ("a comment", inner.replace("<e:Body>", "<!-- c --><e:Body>")),
    ] {
        let r = post12(addr, &msg).await;
        assert_eq!(r.status, 200, "{case}: {}", r.body);
        assert!(r.body.contains("AddResponse"), "{case}: {}", r.body);
    }
    host.abort();
}

#[tokio::test]
async fn t69_t70_envelope_structure_violations_are_sender_faults() {
    let (host, addr, _ev) = start(Default::default()).await;
    let h = echo_ok("");
    let add = add_body("1", "2");
    let e = format!("<env:Envelope xmlns:env=\"{SOAP12}\">");
    for (case, msg) in [
        (
            "T69 no Body",
            format!("{e}<env:Header>{h}</env:Header></env:Envelope>"),
        ),
        (
            "T70 element after Body",
            format!(
                "{e}<env:Header>{h}</env:Header><env:Body>{add}</env:Body><Trailer></Trailer></env:Envelope>"
            ),
        ),
        (
            "Header after Body",
            format!("{e}<env:Body>{add}</env:Body><env:Header/></env:Envelope>"),
        ),
        (
            "two Headers",
            format!("{e}<env:Header/><env:Header/><env:Body>{add}</env:Body></env:Envelope>"),
        ),
        (
            "two Bodies",
            format!("{e}<env:Body>{add}</env:Body><env:Body/></env:Envelope>"),
        ),
        (
            "unqualified header block",
            format!(
                "{e}<env:Header><echoOk>foo</echoOk></env:Header><env:Body>{add}</env:Body></env:Envelope>"
            ),
        ),
        (
            "text in Envelope",
            format!("{e}text<env:Body>{add}</env:Body></env:Envelope>"),
        ),
        (
            // Not an envelope at all: the sender's error (see the crate docs).
            "root is not an Envelope",
            format!("<env:Body xmlns:env=\"{SOAP12}\">{add}</env:Body>"),
        ),
        (
            "not well-formed",
            format!("{e}<env:Body>{add}</env:Envelope>"),
        ),
    ] {
        assert_sender(&post12(addr, &msg).await, case);
    }
    host.abort();
}

#[tokio::test]
async fn t71_t72_envelope_attributes_must_be_qualified_and_not_encoding_style() {
    let (host, addr, _ev) = start(Default::default()).await;
    let add = add_body("1", "2");
    let style = "env:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\"";
    for (case, msg) in [
        (
            "T71 unqualified attribute on Envelope",
            format!(
                "<env:Envelope xmlns:env=\"{SOAP12}\" attr1=\"a-value\"><env:Body>{add}</env:Body></env:Envelope>"
            ),
        ),
        (
            "T72 encodingStyle on Envelope",
            format!(
                "<env:Envelope xmlns:env=\"{SOAP12}\" {style}><env:Body>{add}</env:Body></env:Envelope>"
            ),
        ),
        (
            "encodingStyle on Body",
            format!(
                "<env:Envelope xmlns:env=\"{SOAP12}\"><env:Body {style}>{add}</env:Body></env:Envelope>"
            ),
        ),
        (
            "encodingStyle on Header",
            format!(
                "<env:Envelope xmlns:env=\"{SOAP12}\"><env:Header {style}/><env:Body>{add}</env:Body></env:Envelope>"
            ),
        ),
    ] {
        assert_sender(&post12(addr, &msg).await, case);
    }
    // A namespace-qualified attribute of another namespace is fine (§5.1).
    let ok = format!(
        "<env:Envelope xmlns:env=\"{SOAP12}\" xmlns:x=\"urn:x\" x:a=\"1\"><env:Body>{add}</env:Body></env:Envelope>"
    );
    assert_eq!(post12(addr, &ok).await.status, 200);
    host.abort();
}

#[tokio::test]
async fn t80_an_unknown_encoding_on_the_body_is_data_encoding_unknown() {
    let (host, addr, _ev) = start(Default::default()).await;
    for body in [
        // The test collection's message: the node has no echoOk operation,
        // and still the encoding is what it cannot read.
        format!(
            "<test:echoOk xmlns:test=\"{TS}\" e:encodingStyle=\"http://example.org/PoisonEncoding\">foo</test:echoOk>"
        ),
        // An operation it has, in SOAP encoding (it reads literal XML only).
        add_body("1", "2").replacen(
            "<c:Add ",
            "<c:Add e:encodingStyle=\"http://www.w3.org/2003/05/soap-encoding\" ",
            1,
        ),
    ] {
        let r = post12(addr, &env12("", &body)).await;
        assert_eq!(r.status, 500, "{}", r.body);
        let (_, f) = fault_of(&r.body);
        assert_eq!(f.code, FaultCode::DataEncodingUnknown, "{}", r.body);
    }
    // "No claims" is literal.
    let none = add_body("1", "2").replacen(
        "<c:Add ",
        "<c:Add e:encodingStyle=\"http://www.w3.org/2003/05/soap-envelope/encoding/none\" ",
        1,
    );
    let r = post12(addr, &env12("", &none)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn must_understand_comes_before_body_processing() {
    // Part 1 §2.6: with a MustUnderstand fault no further processing is done,
    // so an unknown body or encoding does not change the fault.
    let (host, addr, _ev) = start(Default::default()).await;
    let h = format!("<test:Unknown xmlns:test=\"{TS}\" e:mustUnderstand=\"true\"/>");
    let body = format!(
        "<test:echoOk xmlns:test=\"{TS}\" e:encodingStyle=\"http://example.org/PoisonEncoding\">foo</test:echoOk>"
    );
    let r = post12(addr, &env12(&h, &body)).await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert_eq!(fault_of(&r.body).1.code, FaultCode::MustUnderstand);
    host.abort();
}

#[tokio::test]
async fn a_fault_sent_as_a_request_is_not_answered_with_a_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    let fault = wws_core::Fault::receiver("upstream failed")
        .to_xml(EnvelopeVersion::Soap12)
        .expect("to_xml");
    let fault = std::str::from_utf8(&fault).expect("utf8").to_owned();
    let mut c = Conn::connect(addr).await;
    c.send("POST", "/calc12", &[CT12], &env12("", &fault)).await;
    let r = c.read().await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(r.body.is_empty(), "{}", r.body);
    // The connection serves the next request.
    c.send("POST", "/calc12", &[CT12], &env12("", &add_body("1", "2")))
        .await;
    assert_eq!(c.read().await.status, 200);
    host.abort();
}

#[tokio::test]
async fn fault_status_codes_follow_part2_table_and_every_fault_reads_back() {
    let (host, addr, _ev) = start(Default::default()).await;
    let cases = [
        (env12("", &echo_body("panic")), 500, FaultCode::Receiver),
        (
            env12("", "<x:Nope xmlns:x=\"urn:x\"/>"),
            400,
            FaultCode::Sender,
        ),
        (env12("", &add_body("one", "2")), 400, FaultCode::Sender),
    ];
    for (msg, status, code) in cases {
        let r = post12(addr, &msg).await;
        assert_eq!(r.status, status, "{}", r.body);
        assert!(
            r.header("content-type")
                .unwrap_or_default()
                .starts_with("application/soap+xml"),
            "{:?}",
            r.headers
        );
        let (m, f) = fault_of(&r.body);
        assert_eq!(
            (m.envelope, f.code),
            (EnvelopeVersion::Soap12, code),
            "{}",
            r.body
        );
        assert_eq!(f.reasons[0].lang, "en");
    }
    host.abort();
}

#[tokio::test]
async fn http_binding_post_only_and_the_action_parameter_dispatches() {
    let (host, addr, _ev) = start(Default::default()).await;
    // Part 2 §7: this node implements the request-response MEP over POST;
    // GET (the SOAP response MEP) is only for the WSDL.
    for method in ["GET", "PUT", "DELETE"] {
        let r = request(addr, method, "/calc12", &[CT12], "").await;
        assert_eq!(r.status, 405, "{method}");
        assert!(r.header("allow").is_some_and(|a| a.contains("POST")));
    }
    let ct = ct12_action("http://example.org/wws/calculator/Echo");
    // The action parameter dispatches; the reply names its own action there.
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[("Content-Type", &ct)],
        &env12("", &echo_body("hi")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type").is_some_and(|c| c.contains(
            "action=\"http://example.org/wws/calculator/CalculatorPortType/EchoResponse\""
        )),
        "{:?}",
        r.headers
    );
    host.abort();
}
