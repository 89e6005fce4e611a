//! Writing a [`Message`] as a SOAP envelope.
//!
//! The envelope uses prefix `s:`, WS-Addressing `a:`, as WCF writes them;
//! header blocks and the body are standalone XML and are copied verbatim.
//! Every fixed piece of markup is a precomputed constant.

use bytes::BytesMut;

use crate::error::Result;
use crate::message::{AddressingVersion, EnvelopeVersion, Message};
use crate::xml::writer::write_text;

/// Fixed markup of one envelope version.
struct Markup {
    envelope_open: &'static str,
    header_open: &'static str,
    header_close: &'static str,
    body_open: &'static str,
    body_close_envelope_close: &'static str,
    action_open: &'static str,
    to_open: &'static str,
}

const SOAP11: Markup = Markup {
    envelope_open: "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"",
    header_open: "<s:Header>",
    header_close: "</s:Header>",
    body_open: "<s:Body>",
    body_close_envelope_close: "</s:Body></s:Envelope>",
    action_open: "<a:Action s:mustUnderstand=\"1\">",
    to_open: "<a:To s:mustUnderstand=\"1\">",
};

const SOAP12: Markup = Markup {
    envelope_open: "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"",
    ..SOAP11
};

const WSA10_DECL: &str = " xmlns:a=\"http://www.w3.org/2005/08/addressing\"";
const WSA200408_DECL: &str = " xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"";

fn markup(v: EnvelopeVersion) -> &'static Markup {
    match v {
        EnvelopeVersion::Soap11 => &SOAP11,
        EnvelopeVersion::Soap12 => &SOAP12,
    }
}

fn text_element(out: &mut BytesMut, open: &str, value: &str, close: &str) -> Result<()> {
    out.extend_from_slice(open.as_bytes());
    write_text(out, value)?;
    out.extend_from_slice(close.as_bytes());
    Ok(())
}

fn endpoint_element(out: &mut BytesMut, name: &str, address: &str) -> Result<()> {
    out.extend_from_slice(b"<a:");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"><a:Address>");
    write_text(out, address)?;
    out.extend_from_slice(b"</a:Address></a:");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b">");
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
    let m = markup(msg.envelope);
    out.reserve(size_hint(msg));
    let addressing_decl = match msg.addressing {
        AddressingVersion::Transport => None,
        AddressingVersion::WsAddressing10 => Some(WSA10_DECL),
        AddressingVersion::WsAddressing200408 => Some(WSA200408_DECL),
    };
    let has_addressing = addressing_decl.is_some()
        && (msg.action.is_some()
            || msg.to.is_some()
            || msg.message_id.is_some()
            || msg.relates_to.is_some()
            || msg.reply_to.is_some()
            || msg.fault_to.is_some());
    out.extend_from_slice(m.envelope_open.as_bytes());
    if has_addressing {
        if let Some(decl) = addressing_decl {
            out.extend_from_slice(decl.as_bytes());
        }
    }
    out.extend_from_slice(b">");
    if has_addressing || !msg.headers.is_empty() {
        out.extend_from_slice(m.header_open.as_bytes());
        if has_addressing {
            if let Some(action) = &msg.action {
                text_element(out, m.action_open, action, "</a:Action>")?;
            }
            if let Some(id) = &msg.message_id {
                text_element(out, "<a:MessageID>", id, "</a:MessageID>")?;
            }
            if let Some(relates_to) = &msg.relates_to {
                text_element(out, "<a:RelatesTo>", relates_to, "</a:RelatesTo>")?;
            }
            if let Some(reply_to) = &msg.reply_to {
                endpoint_element(out, "ReplyTo", reply_to)?;
            }
            if let Some(fault_to) = &msg.fault_to {
                endpoint_element(out, "FaultTo", fault_to)?;
            }
            if let Some(to) = &msg.to {
                text_element(out, m.to_open, to, "</a:To>")?;
            }
        }
        for h in &msg.headers {
            out.extend_from_slice(&h.xml);
        }
        out.extend_from_slice(m.header_close.as_bytes());
    }
    out.extend_from_slice(m.body_open.as_bytes());
    out.extend_from_slice(&msg.body);
    out.extend_from_slice(m.body_close_envelope_close.as_bytes());
    Ok(())
}
