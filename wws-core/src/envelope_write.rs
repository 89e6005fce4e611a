//! Writing a [`Message`] as a SOAP envelope.
//!
//! The envelope uses prefix `s:`, WS-Addressing `a:`, as WCF writes them
//! (other prefixes when a header block or the body mentions those; see
//! [`Prefixes`]); header blocks and the body are standalone XML and are
//! copied verbatim.

use std::borrow::Cow;

use bytes::BytesMut;

use crate::error::Result;
use crate::message::{AddressingVersion, EnvelopeVersion, Message};
use crate::xml::writer::{write_attr_value, write_text};

/// The namespace of each envelope version.
fn envelope_ns(v: EnvelopeVersion) -> &'static str {
    match v {
        EnvelopeVersion::Soap11 => "http://schemas.xmlsoap.org/soap/envelope/",
        EnvelopeVersion::Soap12 => "http://www.w3.org/2003/05/soap-envelope",
    }
}

/// The prefixes the envelope and WS-Addressing are written under: `s` and
/// `a`, unless a header block or the body mentions that prefix itself.
///
/// Header blocks and the body are standalone: every prefix their markup uses
/// is declared in them. A prefix they mention but do not declare can only
/// sit in text or an attribute value (a QName such as a fault code, say, that
/// resolved to nothing where it was read); written under an envelope of the
/// same prefix it would silently resolve to the SOAP (or WS-Addressing)
/// namespace. So the envelope takes the first of `s`, `s1`, `s2`, … (and
/// addressing of `a`, `a1`, …) that no fragment mentions.
struct Prefixes {
    env: Cow<'static, str>,
    wsa: Cow<'static, str>,
}

impl Prefixes {
    fn choose(msg: &Message) -> Prefixes {
        let fragments = || {
            msg.headers
                .iter()
                .map(|h| &h.xml[..])
                .chain(std::iter::once(&msg.body[..]))
        };
        // One pass finds nearly every message free of the question.
        if !fragments().any(may_mention_s_or_a) {
            return Prefixes {
                env: Cow::Borrowed("s"),
                wsa: Cow::Borrowed("a"),
            };
        }
        let pick = |base: &'static str| {
            let mut candidate = Cow::Borrowed(base);
            let mut n = 0u32;
            while fragments().any(|f| mentions_prefix(f, candidate.as_bytes())) {
                n += 1;
                candidate = Cow::Owned(format!("{base}{n}"));
            }
            candidate
        };
        Prefixes {
            env: pick("s"),
            wsa: pick("a"),
        }
    }
}

/// A quick, conservative test that `xml` mentions neither `s:` nor `a:`
/// (false means it surely does not): a colon after a lone `s` or `a`, or
/// after a reference, is a maybe.
fn may_mention_s_or_a(xml: &[u8]) -> bool {
    memchr::memchr_iter(b':', xml).any(|i| {
        let before = |back: usize| i.checked_sub(back).and_then(|j| xml.get(j)).copied();
        match before(1) {
            Some(b';') => true,
            Some(b's' | b'a') => !before(2).is_some_and(is_name_byte),
            _ => false,
        }
    })
}

/// Whether `xml` has `prefix:` anywhere as a whole name before a colon
/// (conservative: in names, attribute values and text alike), character
/// references in the name decoded as a reader would.
fn mentions_prefix(xml: &[u8], prefix: &[u8]) -> bool {
    memchr::memchr_iter(b':', xml).any(|i| {
        let before = xml.get(..i).unwrap_or_default();
        if !before.ends_with(prefix) && !before.ends_with(b";") {
            return false;
        }
        // The run of name bytes and references that ends at the colon.
        let start = before
            .iter()
            .rposition(|&b| !(is_name_byte(b) || matches!(b, b'&' | b'#' | b';')))
            .map_or(0, |p| p + 1);
        let run = before.get(start..).unwrap_or_default();
        let whole_name = |token: &[u8]| {
            let name_start = token
                .iter()
                .rposition(|&b| !is_name_byte(b))
                .map_or(0, |p| p + 1);
            token.get(name_start..) == Some(prefix)
        };
        if run.contains(&b'&') {
            // Rare: a reference in the name, decoded as a reader would.
            whole_name(&decode_refs(run))
        } else {
            whole_name(run)
        }
    })
}

/// Bytes that may be part of an XML name (every non-ASCII byte counts).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
}

/// `token` with its character references (`&#N;`, `&#xN;`) decoded; other
/// references become a byte that is no name byte.
fn decode_refs(token: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(token.len());
    let mut rest = token;
    while let Some((&b, tail)) = rest.split_first() {
        if b != b'&' {
            out.push(b);
            rest = tail;
            continue;
        }
        let Some(end) = tail.iter().position(|&c| c == b';') else {
            out.push(b' ');
            rest = tail;
            continue;
        };
        let body = tail.get(..end).unwrap_or_default();
        let value = match body {
            [b'#', b'x', hex @ ..] => std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u32::from_str_radix(h, 16).ok()),
            [b'#', dec @ ..] => std::str::from_utf8(dec).ok().and_then(|d| d.parse().ok()),
            _ => None,
        };
        match value.and_then(char::from_u32) {
            Some(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            None => out.push(b' '),
        }
        rest = tail.get(end + 1..).unwrap_or_default();
    }
    out
}

/// Appends each piece.
fn put(out: &mut BytesMut, pieces: &[&str]) {
    for p in pieces {
        out.extend_from_slice(p.as_bytes());
    }
}

/// ` wsu:Id="id" xmlns:wsu="…"` when `id` is given (the element stays standalone).
fn id_attribute(out: &mut BytesMut, id: Option<&str>) -> Result<()> {
    if let Some(id) = id {
        put(out, &[" wsu:Id=\""]);
        write_attr_value(out, id)?;
        put(out, &["\" xmlns:wsu=\"", crate::ns::WSU, "\""]);
    }
    Ok(())
}

/// `<a:Name s:mustUnderstand="1" wsu:Id="…">value</a:Name>` (with the
/// prefixes chosen; `mu` the envelope's prefix if mandatory), the value escaped.
fn text_element(
    out: &mut BytesMut,
    name: &str,
    mu: Option<&str>,
    id: Option<&str>,
    value: &str,
    wsa: &str,
) -> Result<()> {
    put(out, &["<", wsa, ":", name]);
    if let Some(s) = mu {
        put(out, &[" ", s, ":mustUnderstand=\"1\""]);
    }
    id_attribute(out, id)?;
    out.extend_from_slice(b">");
    write_text(out, value)?;
    put(out, &["</", wsa, ":", name, ">"]);
    Ok(())
}

fn endpoint_element(
    out: &mut BytesMut,
    name: &str,
    id: Option<&str>,
    address: &str,
    wsa: &str,
) -> Result<()> {
    put(out, &["<", wsa, ":", name]);
    id_attribute(out, id)?;
    put(out, &["><", wsa, ":Address>"]);
    write_text(out, address)?;
    put(out, &["</", wsa, ":Address></", wsa, ":", name, ">"]);
    Ok(())
}

/// A guess of the written size, so one reservation usually suffices.
pub(crate) fn size_hint(msg: &Message) -> usize {
    let fields = [
        &msg.action,
        &msg.to,
        &msg.message_id,
        &msg.relates_to,
        &msg.reply_to,
        &msg.fault_to,
    ];
    let addressing: usize = fields
        .iter()
        .filter_map(|f| f.as_ref())
        .map(|s| s.len() + 96)
        .sum();
    let headers: usize = msg.headers.iter().map(|h| h.xml.len()).sum();
    256 + addressing + headers + msg.body.len()
}

/// Writes `msg`; see [`Message::write`].
pub(crate) fn write_message(msg: &Message, out: &mut BytesMut) -> Result<()> {
    out.reserve(size_hint(msg));
    let addressing_ns = match msg.addressing {
        AddressingVersion::Transport => None,
        AddressingVersion::WsAddressing10 => Some("http://www.w3.org/2005/08/addressing"),
        AddressingVersion::WsAddressing200408 => {
            Some("http://schemas.xmlsoap.org/ws/2004/08/addressing")
        }
    };
    let has_addressing = addressing_ns.is_some()
        && (msg.action.is_some()
            || msg.to.is_some()
            || msg.message_id.is_some()
            || msg.relates_to.is_some()
            || msg.reply_to.is_some()
            || msg.fault_to.is_some());
    let prefixes = Prefixes::choose(msg);
    let (s, a) = (&*prefixes.env, &*prefixes.wsa);
    put(
        out,
        &[
            "<",
            s,
            ":Envelope xmlns:",
            s,
            "=\"",
            envelope_ns(msg.envelope),
            "\"",
        ],
    );
    if has_addressing {
        if let Some(ns) = addressing_ns {
            put(out, &[" xmlns:", a, "=\"", ns, "\""]);
        }
    }
    out.extend_from_slice(b">");
    if has_addressing || !msg.headers.is_empty() {
        put(out, &["<", s, ":Header>"]);
        if has_addressing {
            let ids = &msg.ids;
            if let Some(action) = &msg.action {
                let id = ids.action.as_deref();
                text_element(out, "Action", Some(s), id, action, a)?;
            }
            if let Some(id) = &msg.message_id {
                let wsu = ids.message_id.as_deref();
                text_element(out, "MessageID", None, wsu, id, a)?;
            }
            if let Some(relates_to) = &msg.relates_to {
                let id = ids.relates_to.as_deref();
                text_element(out, "RelatesTo", None, id, relates_to, a)?;
            }
            if let Some(reply_to) = &msg.reply_to {
                endpoint_element(out, "ReplyTo", ids.reply_to.as_deref(), reply_to, a)?;
            }
            if let Some(fault_to) = &msg.fault_to {
                endpoint_element(out, "FaultTo", ids.fault_to.as_deref(), fault_to, a)?;
            }
            if let Some(to) = &msg.to {
                text_element(out, "To", Some(s), ids.to.as_deref(), to, a)?;
            }
        }
        for h in &msg.headers {
            out.extend_from_slice(&h.xml);
        }
        put(out, &["</", s, ":Header>"]);
    }
    put(out, &["<", s, ":Body"]);
    id_attribute(out, msg.ids.body.as_deref())?;
    out.extend_from_slice(b">");
    out.extend_from_slice(&msg.body);
    put(out, &["</", s, ":Body></", s, ":Envelope>"]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::properties::ReaderQuotas;

    #[test]
    fn a_prefix_is_mentioned_only_as_a_whole_name_before_a_colon() {
        assert!(mentions_prefix(b"<c>s:Client</c>", b"s"));
        assert!(mentions_prefix(b"<c q=\"s:x\"/>", b"s"));
        assert!(mentions_prefix(b"s:", b"s"));
        assert!(mentions_prefix(b"<c>&#115;:x</c>", b"s"));
        assert!(mentions_prefix(b"<c>&#x73;:x</c>", b"s"));
        assert!(mentions_prefix(b"<c>a&#x73;:x</c>", b"as"));
        assert!(!mentions_prefix(b"<c xmlns:s=\"urn:x\"/>", b"s"));
        assert!(!mentions_prefix(b"<c>ns:x tns:y</c>", b"s"));
        assert!(!mentions_prefix(b"<c>s1:x</c>", b"s"));
        assert!(!mentions_prefix(b"<c>&amp;s;:x</c>", b"s;"));
        assert!(!mentions_prefix(b"<c>&#x110000;:x</c>", b"s"));
    }

    #[test]
    fn the_quick_test_never_misses_a_mention() {
        for xml in [
            &b"s:x"[..],
            b"<c>a:x</c>",
            b"<c> s:x</c>",
            b"<c>&#115;:x</c>",
            b"<c>x&#59;s:y</c>",
        ] {
            assert!(may_mention_s_or_a(xml), "{}", String::from_utf8_lossy(xml));
        }
        for xml in [
            &b"<p:x xmlns:p=\"urn:p\">ns:y tns:z</p:x>"[..],
            b"<c>plain</c>",
        ] {
            assert!(!may_mention_s_or_a(xml), "{}", String::from_utf8_lossy(xml));
        }
    }

    #[test]
    fn element_ids_are_written_on_the_body_and_addressing_headers() {
        let mut m = Message::new(EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10);
        m.action = Some("urn:act".into());
        m.to = Some("http://x/svc".into());
        m.message_id = Some("urn:uuid:1".into());
        m.reply_to = Some("http://r".into());
        m.body = bytes::Bytes::from_static(b"<x xmlns=\"urn:x\"/>");
        let plain = String::from_utf8(m.to_bytes().expect("writes").to_vec()).expect("utf-8");
        assert!(!plain.contains("wsu"), "{plain}");
        m.ids.body = Some("B&1".into());
        m.ids.action = Some("A".into());
        m.ids.to = Some("T".into());
        m.ids.message_id = Some("M".into());
        m.ids.reply_to = Some("R".into());
        let wire = String::from_utf8(m.to_bytes().expect("writes").to_vec()).expect("utf-8");
        let wsu = crate::ns::WSU;
        for (open, id) in [
            ("<s:Body", "B&amp;1"),
            ("<a:Action s:mustUnderstand=\"1\"", "A"),
            ("<a:To s:mustUnderstand=\"1\"", "T"),
            ("<a:MessageID", "M"),
            ("<a:ReplyTo", "R"),
        ] {
            let tag = format!("{open} wsu:Id=\"{id}\" xmlns:wsu=\"{wsu}\">");
            assert!(wire.contains(&tag), "{tag} in {wire}");
        }
        // It reads back as the same message (the reader keeps no ids; the
        // body's child gets the declarations in scope, as always).
        let back = Message::read(wire.as_bytes(), &ReaderQuotas::default()).expect("reads");
        assert!(back.body.ends_with(b" xmlns=\"urn:x\"/>"));
        let mut expected = m.clone();
        expected.ids = Default::default();
        expected.body = back.body.clone();
        assert_eq!(back, expected);
        // An id XML cannot carry is an error, not a changed value.
        m.ids.body = Some("\u{1}".into());
        assert!(m.to_bytes().is_err());
    }

    #[test]
    fn the_envelope_takes_a_prefix_no_fragment_mentions() {
        let mut m = Message::new(EnvelopeVersion::Soap11, AddressingVersion::WsAddressing10);
        m.action = Some("urn:act".into());
        m.body = bytes::Bytes::from_static(b"<x xmlns=\"urn:x\">s:one s1:two a:three</x>");
        let wire = String::from_utf8(m.to_bytes().expect("writes").to_vec()).expect("utf-8");
        assert!(wire.starts_with("<s2:Envelope xmlns:s2="), "{wire}");
        assert!(
            wire.contains("<a1:Action s2:mustUnderstand=\"1\">urn:act</a1:Action>"),
            "{wire}"
        );
        let back = Message::read(wire.as_bytes(), &ReaderQuotas::default()).expect("reads");
        assert_eq!(back.action.as_deref(), Some("urn:act"));
        let body = String::from_utf8_lossy(&back.body);
        assert!(body.ends_with(">s:one s1:two a:three</x>"), "{body}");
    }

    #[test]
    fn an_undeclared_prefix_in_a_fault_code_is_not_captured_on_writing_again() {
        // fuzz/regressions/roundtrip/prefix-capture.xml, found by the roundtrip target.
        let input = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
        let quotas = ReaderQuotas::default();
        let first = Message::read(input, &quotas).expect("reads");
        assert!(
            first.fault().is_err(),
            "an undeclared prefix in the code is refused"
        );
        let again = Message::read(&first.to_bytes().expect("writes"), &quotas).expect("reads");
        assert!(
            again.fault().is_err(),
            "written again, the code must not resolve to the SOAP namespace: {:?}",
            again.fault()
        );
    }

    #[test]
    fn plain_messages_keep_the_wcf_prefixes() {
        let mut m = Message::new(EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10);
        m.to = Some("http://x/".into());
        m.body = bytes::Bytes::from_static(b"<p:x xmlns:p=\"urn:p\">1</p:x>");
        let wire = String::from_utf8(m.to_bytes().expect("writes").to_vec()).expect("utf-8");
        assert_eq!(
            wire,
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://www.w3.org/2005/08/addressing\"><s:Header><a:To s:mustUnderstand=\"1\">http://x/</a:To></s:Header><s:Body><p:x xmlns:p=\"urn:p\">1</p:x></s:Body></s:Envelope>"
        );
    }
}
