//! Fuzz targets over wws-core alone: the message reader and its accessors,
//! typed bodies, read→write→read. Each panics only when an invariant breaks
//! (an error is a fine answer to bad input; a panic, hang or wrong round
//! trip is not).
//!
//! Uses nothing but `wws_core` and `std`, so that
//! `wws-core/tests/fuzz_regressions.rs` can include it by path.

use calc::{Add, AddResponse, Delay, DelayResponse, Divide, DivideResponse, Echo, EchoResponse};
use wws_core::bytes::{Bytes, BytesMut};
use wws_core::xml::{XmlEvent, XmlReader, find_non_char};
use wws_core::{BodyElement, Fault, Header, Message, ReaderQuotas};

/// The calculator contract's shapes, shared with wws-core's codec tests.
#[path = "../../wws-core/tests/shapes/calc.rs"]
mod calc;

fn quotas() -> ReaderQuotas {
    ReaderQuotas::default()
}

/// Every event of `xml` read as a standalone fragment; its result, whatever it is.
fn walk(xml: &[u8]) -> wws_core::Result<usize> {
    let mut r = XmlReader::new(xml)?;
    let mut events = 0;
    loop {
        match r.next()? {
            XmlEvent::Eof => return Ok(events),
            XmlEvent::Start(tag) => {
                let _ = r.attributes(&tag)?;
                let _ = r.is_nil(&tag);
            }
            XmlEvent::Text(t) => {
                // What the reader hands out is always XML 1.0 characters.
                assert!(
                    find_non_char(t.as_bytes()).is_none(),
                    "text {t:?} holds a non-character"
                );
            }
            XmlEvent::End => {}
        }
        events += 1;
    }
}

/// Every accessor of a message that was read; XML it hands out must read again.
fn exercise(m: &Message) {
    let _ = m.body_element();
    let _ = m.body_encoding_style();
    let is_fault = m.is_fault();
    // The name check is_fault makes first only rules out what the reader would.
    assert_eq!(
        is_fault,
        m.body_element().is_some_and(|q| q.local == "Fault"
            && matches!(
                q.namespace.as_str(),
                wws_core::ns::SOAP11 | wws_core::ns::SOAP12
            )),
        "is_fault disagrees with body_element"
    );
    let fault = m.fault();
    if !is_fault {
        assert!(
            matches!(fault, Ok(None)),
            "not a fault, yet fault() says {fault:?}"
        );
    }
    if let Ok(Some(f)) = &fault {
        // A fault read from the wire writes in both versions.
        for v in [
            wws_core::EnvelopeVersion::Soap11,
            wws_core::EnvelopeVersion::Soap12,
        ] {
            let xml = f.to_xml(v).expect("a fault that was read writes");
            Fault::read(&xml).expect("a fault we wrote reads");
        }
    }
    for field in [
        &m.action,
        &m.to,
        &m.message_id,
        &m.relates_to,
        &m.reply_to,
        &m.fault_to,
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            find_non_char(field.as_bytes()).is_none(),
            "field {field:?} holds a non-character"
        );
    }
    for h in &m.headers {
        walk(&h.xml).expect("a header block that was read is standalone XML");
        let again = Header::from_xml(m.envelope, h.xml.clone()).expect("header reads alone");
        assert_eq!(
            &again, h,
            "a header block reads alone as it read in its envelope"
        );
    }
    walk(&m.body).expect("a body that was read is standalone XML");
    typed(&m.body);
}

/// The body as each calculator type; a value that reads writes, and reads back the same.
fn typed(body: &[u8]) {
    fn one<T: BodyElement>(body: &[u8]) {
        // read_body accepts exactly what a check of the first element
        // followed by read_element accepts (the derive reads it in one parse).
        let mut m = Message::new(
            wws_core::EnvelopeVersion::Soap11,
            wws_core::AddressingVersion::Transport,
        );
        m.body = Bytes::copy_from_slice(body);
        let named = m
            .body_element()
            .is_some_and(|q| q.namespace == T::NAMESPACE && q.local == T::NAME);
        assert_eq!(
            m.read_body::<T>().is_ok(),
            named && T::read_element(body).is_ok(),
            "read_body disagrees with its first-element check and read_element"
        );
        let Ok(v) = T::read_element(body) else {
            return;
        };
        let mut first = BytesMut::new();
        v.write_element(&mut first)
            .expect("a value that was read writes");
        let back = T::read_element(&first).expect("what we wrote reads");
        let mut second = BytesMut::new();
        back.write_element(&mut second).expect("writes again");
        // Bytes, not values: NaN is not equal to itself.
        assert_eq!(first, second, "a typed body changed through write and read");
    }
    one::<Add>(body);
    one::<AddResponse>(body);
    one::<Divide>(body);
    one::<DivideResponse>(body);
    one::<Echo>(body);
    one::<EchoResponse>(body);
    one::<Delay>(body);
    one::<DelayResponse>(body);
    if let Ok(f) = Fault::read(body) {
        for v in [
            wws_core::EnvelopeVersion::Soap11,
            wws_core::EnvelopeVersion::Soap12,
        ] {
            let xml = f.to_xml(v).expect("a fault that was read writes");
            Fault::read(&xml).expect("a fault we wrote reads");
        }
    }
}

/// `message_read`: [`Message::read`] and [`Message::read_bytes`] agree, and
/// every accessor of what they read works; the input also walked as a fragment.
pub fn message_read(data: &[u8]) {
    let copied = Message::read(data, &quotas());
    let shared = Message::read_bytes(Bytes::copy_from_slice(data), &quotas());
    match (&copied, &shared) {
        (Ok(a), Ok(b)) => {
            exercise(a);
            exercise(b);
            // The shared body may lack declarations it does not need; the rest is equal.
            assert_eq!(
                (
                    a.envelope,
                    a.addressing,
                    &a.action,
                    &a.to,
                    &a.message_id,
                    &a.relates_to
                ),
                (
                    b.envelope,
                    b.addressing,
                    &b.action,
                    &b.to,
                    &b.message_id,
                    &b.relates_to
                )
            );
            assert_eq!(a.body_element(), b.body_element());
            assert_eq!(a.headers, b.headers);
        }
        (Err(_), Err(_)) => {}
        _ => panic!("read and read_bytes disagree: {copied:?} vs {shared:?}"),
    }
    let _ = walk(data);
}

/// `typed_body`: the typed body reader on the body of a message, or on the
/// input itself when it is no message.
pub fn typed_body(data: &[u8]) {
    match Message::read(data, &quotas()) {
        Ok(m) => typed(&m.body),
        Err(_) => typed(data),
    }
}

/// `roundtrip`: whatever reads writes, reads back, and reads back the same.
///
/// The first write may differ from the input (a body child carries the
/// declarations it inherited); from then on write∘read is the identity.
pub fn roundtrip(data: &[u8]) {
    let Ok(first) = Message::read(data, &quotas()) else {
        return;
    };
    let wire = first.to_bytes().expect("a message that was read writes");
    let second = Message::read(&wire, &quotas()).unwrap_or_else(|e| {
        panic!(
            "what we wrote does not read: {e}\n{}",
            String::from_utf8_lossy(&wire)
        )
    });
    assert_eq!(
        (
            first.envelope,
            first.addressing,
            &first.action,
            &first.to,
            &first.message_id
        ),
        (
            second.envelope,
            second.addressing,
            &second.action,
            &second.to,
            &second.message_id
        )
    );
    assert_eq!(
        (&first.relates_to, &first.reply_to, &first.fault_to),
        (&second.relates_to, &second.reply_to, &second.fault_to)
    );
    assert_eq!(first.body_element(), second.body_element());
    assert_eq!(first.headers.len(), second.headers.len());
    for (a, b) in first.headers.iter().zip(&second.headers) {
        assert_eq!(
            (&a.name, a.must_understand, &a.role, a.relay),
            (&b.name, b.must_understand, &b.role, b.relay)
        );
    }
    // The detail is XML that may gain inherited declarations; the rest is equal.
    let fault = |m: &Message| {
        m.fault()
            .ok()
            .flatten()
            .map(|f| (f.code, f.subcodes, f.reasons, f.actor, f.node))
    };
    assert_eq!(fault(&first), fault(&second));
    let again = second.to_bytes().expect("writes again");
    let third = Message::read(&again, &quotas()).expect("reads again");
    assert_eq!(
        third, second,
        "write then read is not the identity on what we wrote"
    );
}
