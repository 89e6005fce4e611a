//! write → read round trips for every message shape: both envelope
//! versions, every addressing version, header blocks with mustUnderstand,
//! role and relay, faults with subcodes and detail, typed bodies; proptest
//! for arbitrary text and numbers.

use crate::common::assert_equivalent;
use crate::common::calc::*;
use proptest::prelude::*;
use wws_core::{
    AddressingVersion, EnvelopeVersion, Fault, FaultCode, Header, Message, QName, ReaderQuotas, ns,
};

const ENVELOPES: [EnvelopeVersion; 2] = [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12];
const ADDRESSINGS: [AddressingVersion; 3] = [
    AddressingVersion::Transport,
    AddressingVersion::WsAddressing10,
    AddressingVersion::WsAddressing200408,
];

fn roundtrip(m: &Message) -> Message {
    let bytes = m.to_bytes().expect("to_bytes");
    Message::read(&bytes, &ReaderQuotas::default())
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)))
}

fn header(env: EnvelopeVersion, xml: String) -> Header {
    Header::from_xml(env, xml).expect("header")
}

fn full_message(env: EnvelopeVersion, addressing: AddressingVersion) -> Message {
    let mut m = Message::from_body(env, addressing, ADD_ACTION, &Add { a: 1.25, b: -3.0 })
        .expect("from_body");
    m.to = Some("http://localhost:8080/calculator?x=1&y=<2>".into());
    m.message_id = Some("urn:uuid:6b29fc40-ca47-1067-b31d-00dd010662da".into());
    m.relates_to = Some("urn:uuid:00000000-0000-0000-0000-000000000001".into());
    m.reply_to = Some("http://www.w3.org/2005/08/addressing/anonymous".into());
    m.fault_to = Some("http://client.example/faults".into());
    let env_ns = env.namespace();
    let (role, relay) = match env {
        EnvelopeVersion::Soap11 => ("actor", ""),
        EnvelopeVersion::Soap12 => ("role", " e:relay=\"true\""),
    };
    m.headers.push(header(
        env,
        format!(
            r#"<t:Trace xmlns:t="urn:trace" xmlns:e="{env_ns}" e:mustUnderstand="1" e:{role}="urn:role:a"{relay}>x &amp; y</t:Trace>"#
        ),
    ));
    m.headers.push(header(
        env,
        r#"<Plain xmlns="urn:plain"><Inner kind="q:n" xmlns:q="urn:q">1</Inner></Plain>"#.into(),
    ));
    m
}

#[track_caller]
fn assert_same(got: &Message, sent: &Message) {
    assert_eq!(got.envelope, sent.envelope);
    if sent.addressing == AddressingVersion::Transport {
        // The action travels in HTTP; nothing addressing-wise is in the envelope.
        assert_eq!(got.addressing, AddressingVersion::Transport);
        assert_eq!(
            (&got.action, &got.to, &got.message_id, &got.relates_to),
            (&None, &None, &None, &None)
        );
        assert_eq!((&got.reply_to, &got.fault_to), (&None, &None));
    } else {
        assert_eq!(got.addressing, sent.addressing);
        assert_eq!(got.action, sent.action);
        assert_eq!(got.to, sent.to);
        assert_eq!(got.message_id, sent.message_id);
        assert_eq!(got.relates_to, sent.relates_to);
        assert_eq!(got.reply_to, sent.reply_to);
        assert_eq!(got.fault_to, sent.fault_to);
    }
    assert_eq!(got.headers.len(), sent.headers.len());
    for (g, s) in got.headers.iter().zip(&sent.headers) {
        assert_eq!(g.name, s.name);
        assert_eq!(g.must_understand, s.must_understand);
        assert_eq!(g.role, s.role);
        assert_eq!(g.relay, s.relay);
        assert_equivalent(&g.xml, &s.xml);
    }
    assert_equivalent(&got.body, &sent.body);
}

#[test]
fn every_envelope_and_addressing_version_round_trips() {
    for env in ENVELOPES {
        for addressing in ADDRESSINGS {
            let sent = full_message(env, addressing);
            assert!(sent.headers[0].must_understand);
            assert_eq!(sent.headers[0].role.as_deref(), Some("urn:role:a"));
            assert_eq!(sent.headers[0].relay, env == EnvelopeVersion::Soap12);
            let got = roundtrip(&sent);
            assert_same(&got, &sent);
            assert_eq!(
                got.read_body::<Add>().expect("Add"),
                Add { a: 1.25, b: -3.0 }
            );
        }
    }
}

#[test]
fn written_envelope_uses_s_and_a_prefixes_and_marks_action_must_understand() {
    let m = full_message(EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10);
    let text = String::from_utf8(m.to_bytes().expect("to_bytes").to_vec()).expect("utf8");
    assert!(text.starts_with(
        r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">"#
    ));
    assert!(text.contains(
        r#"<a:To s:mustUnderstand="1">http://localhost:8080/calculator?x=1&amp;y=&lt;2&gt;</a:To>"#
    ));
    assert!(text.contains("<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>"));
    assert!(text.ends_with("</s:Body></s:Envelope>"));
}

#[test]
fn header_element_only_when_needed() {
    for env in ENVELOPES {
        let bare = Message::from_body(
            env,
            AddressingVersion::Transport,
            ECHO_ACTION,
            &Echo { text: "x".into() },
        )
        .expect("from_body");
        let text = String::from_utf8(bare.to_bytes().expect("to_bytes").to_vec()).expect("utf8");
        assert!(!text.contains("Header"), "{text}");
        assert!(!text.contains("xmlns:a="), "{text}");
        // Addressing with no field set writes no header either; the reader then sees Transport.
        let mut empty = Message::new(env, AddressingVersion::WsAddressing10);
        empty.body = bare.body.clone();
        let text = String::from_utf8(empty.to_bytes().expect("to_bytes").to_vec()).expect("utf8");
        assert!(!text.contains("Header"), "{text}");
        assert_eq!(roundtrip(&empty).addressing, AddressingVersion::Transport);
        // A raw header alone opens the Header.
        let mut with_header = bare.clone();
        with_header
            .headers
            .push(header(env, "<h xmlns=\"urn:h\"/>".into()));
        let got = roundtrip(&with_header);
        assert_eq!(got.headers.len(), 1);
        assert_eq!(got.headers[0].name, QName::new("urn:h", "h"));
    }
}

#[test]
fn every_calculator_body_round_trips_in_both_versions() {
    for env in ENVELOPES {
        for addressing in ADDRESSINGS {
            macro_rules! check {
                ($action:expr, $value:expr) => {{
                    let value = $value;
                    let got = roundtrip(
                        &Message::from_body(env, addressing, $action, &value).expect("from_body"),
                    );
                    assert_eq!(got.read_body().ok(), Some(value));
                    if addressing != AddressingVersion::Transport {
                        assert_eq!(got.action.as_deref(), Some($action));
                    }
                }};
            }
            check!(ADD_ACTION, Add { a: 0.1, b: 1e300 });
            check!(ADD_ACTION, AddResponse { result: -0.0 });
            check!(
                DIVIDE_ACTION,
                Divide {
                    a: f64::INFINITY,
                    b: f64::NEG_INFINITY
                }
            );
            check!(DIVIDE_ACTION, DivideResponse { result: 5e-324 });
            check!(
                ECHO_ACTION,
                Echo {
                    text: "<&>\"' \r\n\t é 中 🦀".into()
                }
            );
            check!(
                ECHO_ACTION,
                EchoResponse {
                    text: String::new()
                }
            );
            check!(
                DELAY_ACTION,
                Delay {
                    milliseconds: i32::MIN
                }
            );
            check!(
                DELAY_ACTION,
                DelayResponse {
                    milliseconds: i32::MAX
                }
            );
        }
    }
}

#[test]
fn nan_round_trips_as_nan() {
    let got = roundtrip(
        &Message::from_body(
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            ADD_ACTION,
            &AddResponse { result: f64::NAN },
        )
        .expect("from_body"),
    );
    assert!(
        got.read_body::<AddResponse>()
            .expect("body")
            .result
            .is_nan()
    );
}

#[test]
fn characters_xml_cannot_carry_are_an_error_on_write() {
    let err = Message::from_body(
        EnvelopeVersion::Soap12,
        AddressingVersion::Transport,
        ECHO_ACTION,
        &Echo {
            text: "a\u{0}b".into(),
        },
    )
    .expect_err("a NUL cannot be written");
    assert!(
        err.to_string()
            .contains("U+0000 is not an XML 1.0 character"),
        "{err}"
    );
}

fn rich_fault() -> Fault {
    Fault::sender("Division by zero")
        .with_reason("Division durch null", "de")
        .with_subcode(QName::new("urn:example:errors", "Arithmetic"))
        .with_subcode(QName::new("", "Unqualified"))
        .with_subcode(QName::new(ns::SOAP12, "Inner"))
        .with_actor("urn:role:calc")
        .with_node("http://localhost/calc")
        .with_detail(&br#"<e:DivideByZero xmlns:e="urn:example:errors"><e:a>1</e:a></e:DivideByZero><plain>t &amp; u</plain>"#[..])
}

#[track_caller]
fn assert_fault(got: &Fault, expected: &Fault) {
    assert_eq!(got.code, expected.code);
    assert_eq!(got.subcodes, expected.subcodes);
    assert_eq!(got.reasons, expected.reasons);
    assert_eq!(got.actor, expected.actor);
    assert_eq!(got.node, expected.node);
    match (&got.detail, &expected.detail) {
        (Some(g), Some(e)) => assert_equivalent(g, e),
        (g, e) => assert_eq!(g, e),
    }
}

#[test]
fn soap12_fault_round_trips_whole() {
    for addressing in ADDRESSINGS {
        let sent = rich_fault();
        let m = roundtrip(
            &Message::from_fault(EnvelopeVersion::Soap12, addressing, &sent).expect("from_fault"),
        );
        assert!(m.is_fault());
        let got = m.fault().expect("reads").expect("is a fault");
        assert_fault(&got, &sent);
    }
}

#[test]
fn soap11_fault_round_trips_what_soap11_can_carry() {
    for addressing in ADDRESSINGS {
        let sent = rich_fault();
        let m = roundtrip(
            &Message::from_fault(EnvelopeVersion::Soap11, addressing, &sent).expect("from_fault"),
        );
        let got = m.fault().expect("reads").expect("is a fault");
        // Dotted suffixes: subcodes come back in faultcode's namespace; one
        // reason, in English; no node.
        let mut expected = sent.clone();
        expected.subcodes = ["Arithmetic", "Unqualified", "Inner"]
            .iter()
            .map(|l| QName::new(ns::SOAP11, *l))
            .collect();
        expected.reasons.truncate(1);
        expected.node = None;
        assert_fault(&got, &expected);
    }
}

#[test]
fn fault_codes_map_between_versions() {
    let cases = [
        (FaultCode::Sender, "s:Client", "s:Sender"),
        (FaultCode::Receiver, "s:Server", "s:Receiver"),
        (
            FaultCode::VersionMismatch,
            "s:VersionMismatch",
            "s:VersionMismatch",
        ),
        (
            FaultCode::MustUnderstand,
            "s:MustUnderstand",
            "s:MustUnderstand",
        ),
        (
            FaultCode::DataEncodingUnknown,
            "s:DataEncodingUnknown",
            "s:DataEncodingUnknown",
        ),
    ];
    for (code, v11, v12) in cases {
        let fault = Fault::new(code.clone(), "r");
        let x11 = String::from_utf8(
            fault
                .to_xml(EnvelopeVersion::Soap11)
                .expect("to_xml")
                .to_vec(),
        )
        .expect("utf8");
        assert!(
            x11.contains(&format!("<faultcode>{v11}</faultcode>")),
            "{x11}"
        );
        let x12 = String::from_utf8(
            fault
                .to_xml(EnvelopeVersion::Soap12)
                .expect("to_xml")
                .to_vec(),
        )
        .expect("utf8");
        assert!(x12.contains(&format!("<s:Value>{v12}</s:Value>")), "{x12}");
        for xml in [x11, x12] {
            assert_eq!(Fault::read(xml.as_bytes()).expect("reads").code, code);
        }
    }
}

#[test]
fn application_fault_code() {
    let custom = QName::new("urn:app", "Custom");
    let fault = Fault::new(FaultCode::Other(custom.clone()), "app")
        .with_subcode(QName::new("urn:app", "Detail"));
    // SOAP 1.1 carries it as is.
    let got = Fault::read(&fault.to_xml(EnvelopeVersion::Soap11).expect("to_xml")).expect("1.1");
    assert_eq!(got.code, FaultCode::Other(custom.clone()));
    assert_eq!(got.subcodes, vec![QName::new("urn:app", "Detail")]);
    // SOAP 1.2 allows only its own codes: Receiver, the code first among the subcodes.
    let got = Fault::read(&fault.to_xml(EnvelopeVersion::Soap12).expect("to_xml")).expect("1.2");
    assert_eq!(got.code, FaultCode::Receiver);
    assert_eq!(got.subcodes, vec![custom, QName::new("urn:app", "Detail")]);
}

#[test]
fn fault_message_action_follows_addressing() {
    let f = Fault::receiver("x");
    let m = Message::from_fault(
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        &f,
    )
    .expect("from_fault");
    assert_eq!(
        m.action.as_deref(),
        Some("http://www.w3.org/2005/08/addressing/fault")
    );
    let m = Message::from_fault(
        EnvelopeVersion::Soap11,
        AddressingVersion::WsAddressing200408,
        &f,
    )
    .expect("from_fault");
    assert_eq!(
        m.action.as_deref(),
        Some("http://schemas.xmlsoap.org/ws/2004/08/addressing/fault")
    );
    let m = Message::from_fault(EnvelopeVersion::Soap11, AddressingVersion::Transport, &f)
        .expect("from_fault");
    assert_eq!(m.action, None);
    assert_eq!(
        roundtrip(&m).fault().expect("reads"),
        Some(Fault::receiver("x"))
    );
}

/// Strings of characters XML 1.0 can carry, rich in markup characters.
fn xml_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => prop::sample::select(vec!['<', '>', '&', '"', '\'', '\r', '\n', '\t', ' ', ']', 'é', '中', '🦀']),
        5 => any::<char>().prop_filter("XML 1.0 character", |c| {
            matches!(*c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        }),
    ];
    prop::collection::vec(ch, 0..48).prop_map(|v| v.into_iter().collect())
}

/// Values of an addressing header: no surrounding whitespace (they are collapsed on read).
fn uri_text() -> impl Strategy<Value = String> {
    xml_text().prop_map(|s| s.trim_matches([' ', '\t', '\r', '\n']).to_string())
}

fn envelope() -> impl Strategy<Value = EnvelopeVersion> {
    prop::sample::select(ENVELOPES.to_vec())
}

fn wsa() -> impl Strategy<Value = AddressingVersion> {
    prop::sample::select(vec![
        AddressingVersion::WsAddressing10,
        AddressingVersion::WsAddressing200408,
    ])
}

fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

proptest! {
    #[test]
    fn echo_text_round_trips(text in xml_text(), env in envelope(), addressing in wsa()) {
        let sent = Message::from_body(env, addressing, ECHO_ACTION, &Echo { text: text.clone() }).expect("from_body");
        let got = roundtrip(&sent);
        prop_assert_eq!(got.read_body::<Echo>().expect("Echo").text, text);
    }

    #[test]
    fn addressing_fields_round_trip(
        action in uri_text(), to in uri_text(), id in uri_text(),
        relates in uri_text(), reply in uri_text(), fault_to in uri_text(),
        env in envelope(), addressing in wsa(),
    ) {
        let mut sent = Message::new(env, addressing);
        sent.action = Some(action);
        sent.to = Some(to);
        sent.message_id = Some(id);
        sent.relates_to = Some(relates);
        sent.reply_to = Some(reply);
        sent.fault_to = Some(fault_to);
        let got = roundtrip(&sent);
        prop_assert_eq!(&got, &sent);
    }

    #[test]
    fn numbers_round_trip(a in any::<f64>(), b in any::<f64>(), ms in any::<i32>(), env in envelope()) {
        let got = roundtrip(&Message::from_body(env, AddressingVersion::Transport, ADD_ACTION, &Add { a, b }).expect("from_body"));
        let add = got.read_body::<Add>().expect("Add");
        prop_assert!(same_f64(add.a, a) && same_f64(add.b, b), "{:?} vs {} {}", add, a, b);
        let got = roundtrip(&Message::from_body(env, AddressingVersion::Transport, DELAY_ACTION, &Delay { milliseconds: ms }).expect("from_body"));
        prop_assert_eq!(got.read_body::<Delay>().expect("Delay").milliseconds, ms);
    }

    #[test]
    fn fault_text_round_trips(reason in xml_text(), actor in uri_text(), env in envelope()) {
        let sent = Fault::sender(reason).with_actor(actor);
        let got = roundtrip(&Message::from_fault(env, AddressingVersion::Transport, &sent).expect("from_fault"));
        prop_assert_eq!(got.fault().expect("reads"), Some(sent));
    }
}

/// Found by the typed_body fuzz target: a faultcode that is no QName
/// (`s:Clip...://...`, with empty dotted parts) was read, and the fault then
/// written in SOAP 1.2 did not read back ("empty QName").
#[test]
fn fault_codes_are_qnames_of_ncnames_on_read_and_on_write() {
    let fault = |code: &str| {
        format!(
            "<s:Fault xmlns:s=\"{}\"><faultcode>{code}</faultcode><faultstring>r</faultstring></s:Fault>",
            ns::SOAP11
        )
    };
    let f = Fault::read(fault("s:Client..Auth").as_bytes()).expect("empty parts are skipped");
    assert_eq!(f.code, FaultCode::Sender);
    assert_eq!(f.subcodes, vec![QName::new(ns::SOAP11, "Auth")]);
    // A part that is no name (found by typed_body again): one code, not dotted.
    let f = Fault::read(fault("s:Client.3.x").as_bytes()).expect("reads");
    assert_eq!(
        (f.code.clone(), f.subcodes.len()),
        (FaultCode::Other(QName::new(ns::SOAP11, "Client.3.x")), 0)
    );
    let back = Fault::read(&f.to_xml(EnvelopeVersion::Soap11).expect("writes")).expect("reads");
    assert_eq!(back.code, f.code);
    // SOAP 1.2 carries an `Other` code as the first subcode of Receiver.
    let back = Fault::read(&f.to_xml(EnvelopeVersion::Soap12).expect("writes")).expect("reads");
    assert_eq!(
        back.subcodes.first(),
        Some(&QName::new(ns::SOAP11, "Client.3.x"))
    );
    for bad in ["s:Cl/x", "s:a:b", "s:1x", "s:", "s :x"] {
        let err = Fault::read(fault(bad).as_bytes()).expect_err(bad);
        assert!(
            matches!(err, wws_core::Error::InvalidFormat(_)),
            "{bad}: {err}"
        );
    }
    for bad in ["", "a b", "x:y", "1st"] {
        let f = Fault::sender("r").with_subcode(QName::new("urn:x", bad));
        for v in ENVELOPES {
            let err = f.to_xml(v).expect_err(bad).to_string();
            assert!(err.contains("is not an XML name"), "{bad:?} {v:?}: {err}");
        }
    }
}
