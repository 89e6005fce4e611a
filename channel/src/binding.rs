//! The SOAP HTTP binding: media types, the transport action, fault status codes.
//!
//! SOAP 1.1 (W3C Note §6) sends `text/xml` and the action in a `SOAPAction`
//! header; SOAP 1.2 (Part 2 §7) sends `application/soap+xml` with the action
//! as a media-type parameter.

use http::{HeaderMap, HeaderValue, StatusCode};
use wws_core::{EnvelopeVersion, Error, Fault, FaultCode, Result};

/// Name of the SOAP 1.1 action header.
pub const SOAP_ACTION: &str = "soapaction";

/// The `Content-Type` of a message: SOAP 1.1 `text/xml; charset=utf-8`,
/// SOAP 1.2 `application/soap+xml; charset=utf-8` with `action="..."` when
/// there is an action.
pub fn content_type(envelope: EnvelopeVersion, action: Option<&str>) -> Result<HeaderValue> {
    let value = match (envelope, action) {
        (EnvelopeVersion::Soap11, _) | (EnvelopeVersion::Soap12, None) => {
            format!("{}; charset=utf-8", envelope.media_type())
        }
        (EnvelopeVersion::Soap12, Some(action)) => format!(
            "{}; charset=utf-8; action={}",
            envelope.media_type(),
            quote(action)
        ),
    };
    HeaderValue::from_str(&value).map_err(|_| {
        Error::invalid_format(format!("action {action:?} cannot go in an HTTP header"))
    })
}

/// The value of the SOAP 1.1 `SOAPAction` header: the action quoted, `""` when none.
pub fn soap_action_header(action: Option<&str>) -> Result<HeaderValue> {
    HeaderValue::from_str(&quote(action.unwrap_or(""))).map_err(|_| {
        Error::invalid_format(format!("action {action:?} cannot go in an HTTP header"))
    })
}

/// The HTTP status of a reply: 200, or for a fault 500 (SOAP 1.1 §6.2) or,
/// in SOAP 1.2 (Part 2 §7.5.2.2), 400 for `env:Sender` and 500 for every other code.
pub fn reply_status(envelope: EnvelopeVersion, fault: Option<&Fault>) -> StatusCode {
    match (envelope, fault) {
        (_, None) => StatusCode::OK,
        (EnvelopeVersion::Soap11, Some(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        (EnvelopeVersion::Soap12, Some(f)) if f.code == FaultCode::Sender => {
            StatusCode::BAD_REQUEST
        }
        (EnvelopeVersion::Soap12, Some(_)) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The envelope version a media type announces (`text/xml` → 1.1, `application/soap+xml` → 1.2).
pub fn envelope_version_of(content_type: &str) -> Option<EnvelopeVersion> {
    let media = media_type(content_type);
    if media.eq_ignore_ascii_case(EnvelopeVersion::Soap11.media_type()) {
        Some(EnvelopeVersion::Soap11)
    } else if media.eq_ignore_ascii_case(EnvelopeVersion::Soap12.media_type()) {
        Some(EnvelopeVersion::Soap12)
    } else {
        None
    }
}

/// The action a request carries in its transport: the `SOAPAction` header
/// (quotes stripped) or else the `action` parameter of the content type.
/// An empty action is `None`.
pub fn transport_action(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get(SOAP_ACTION).and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(v);
        if !v.is_empty() {
            return Some(v.to_owned());
        }
    }
    let ct = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())?;
    media_type_param(ct, "action").filter(|a| !a.is_empty())
}

/// The media type of a `Content-Type` value, without parameters, trimmed.
pub fn media_type(content_type: &str) -> &str {
    content_type
        .split(';')
        .next()
        .unwrap_or(content_type)
        .trim()
}

/// The value of parameter `name` in a `Content-Type` value (quoted strings unescaped).
pub fn media_type_param(content_type: &str, name: &str) -> Option<String> {
    let mut rest = content_type.split_once(';')?.1;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            return None;
        }
        let (key, after) = rest.split_once('=')?;
        let key = key.trim();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            unquote(quoted)?
        } else {
            match after.split_once(';') {
                Some((v, r)) => (v.trim().to_owned(), r),
                None => (after.trim().to_owned(), ""),
            }
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        rest = remaining;
    }
}

/// Reads a quoted-string body (after the opening quote); returns the value and the rest.
fn unquote(s: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?.1),
            '"' => return Some((value, s.get(i + 1..).unwrap_or(""))),
            c => value.push(c),
        }
    }
    None
}

/// `s` as an HTTP quoted-string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_per_version() {
        assert_eq!(
            content_type(EnvelopeVersion::Soap11, Some("urn:a")).expect("valid"),
            "text/xml; charset=utf-8"
        );
        assert_eq!(
            content_type(EnvelopeVersion::Soap12, None).expect("valid"),
            "application/soap+xml; charset=utf-8"
        );
        assert_eq!(
            content_type(EnvelopeVersion::Soap12, Some("urn:x/\"a\"")).expect("valid"),
            "application/soap+xml; charset=utf-8; action=\"urn:x/\\\"a\\\"\""
        );
        assert_eq!(
            soap_action_header(Some("urn:a")).expect("valid"),
            "\"urn:a\""
        );
        assert_eq!(soap_action_header(None).expect("valid"), "\"\"");
        assert!(soap_action_header(Some("a\nb")).is_err());
    }

    #[test]
    fn params_parse_with_quotes_and_case() {
        let ct = "Application/SOAP+xml ; Charset=UTF-8;ACTION=\"urn:a;b\\\"c\"; x=1";
        assert_eq!(
            media_type_param(ct, "action").as_deref(),
            Some("urn:a;b\"c")
        );
        assert_eq!(media_type_param(ct, "x").as_deref(), Some("1"));
        assert_eq!(media_type_param(ct, "charset").as_deref(), Some("UTF-8"));
        assert_eq!(media_type_param(ct, "none"), None);
        assert_eq!(media_type_param("text/xml", "action"), None);
        assert_eq!(
            media_type_param("a/b; action=\"unterminated", "action"),
            None
        );
        assert_eq!(envelope_version_of(ct), Some(EnvelopeVersion::Soap12));
        assert_eq!(
            envelope_version_of("TEXT/XML;charset=utf-8"),
            Some(EnvelopeVersion::Soap11)
        );
        assert_eq!(envelope_version_of("application/json"), None);
    }

    #[test]
    fn transport_action_from_header_or_param() {
        let mut h = HeaderMap::new();
        h.insert(SOAP_ACTION, HeaderValue::from_static("\"urn:one\""));
        assert_eq!(transport_action(&h).as_deref(), Some("urn:one"));
        h.insert(SOAP_ACTION, HeaderValue::from_static("\"\""));
        assert_eq!(transport_action(&h), None);
        h.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/soap+xml; action=\"urn:two\""),
        );
        assert_eq!(transport_action(&h).as_deref(), Some("urn:two"));
        h.remove(SOAP_ACTION);
        assert_eq!(transport_action(&h).as_deref(), Some("urn:two"));
        h.insert(SOAP_ACTION, HeaderValue::from_static("urn:bare"));
        assert_eq!(transport_action(&h).as_deref(), Some("urn:bare"));
    }

    #[test]
    fn fault_status_follows_soap12_part2() {
        let fault = |code| Fault {
            code,
            subcodes: vec![],
            reasons: vec![],
            actor: None,
            node: None,
            detail: None,
        };
        use EnvelopeVersion::*;
        assert_eq!(reply_status(Soap11, None), StatusCode::OK);
        assert_eq!(reply_status(Soap11, Some(&fault(FaultCode::Sender))), 500);
        assert_eq!(reply_status(Soap12, Some(&fault(FaultCode::Sender))), 400);
        for code in [
            FaultCode::Receiver,
            FaultCode::VersionMismatch,
            FaultCode::MustUnderstand,
            FaultCode::DataEncodingUnknown,
        ] {
            assert_eq!(reply_status(Soap12, Some(&fault(code))), 500);
        }
    }
}
