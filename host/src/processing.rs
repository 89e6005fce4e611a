//! The SOAP processing model for a single receiving node, as pure functions:
//! which header blocks target this node, which of those it does not
//! understand, and which operation a request dispatches to.

use wws_core::{AddressingVersion, EnvelopeVersion, Message, QName};

use crate::contract::{ByAction, Dispatch, Operation};

pub(crate) use wws_core::message::is_addressing_header;

/// The names of the mandatory header blocks targeted at this node that it
/// does not understand (SOAP 1.2 Part 1 §2.4, §5.2.3; SOAP 1.1 §4.2.3);
/// see [`Message::not_understood`].
pub(crate) fn not_understood(message: &Message, understood: &[QName]) -> Vec<QName> {
    message.not_understood(understood)
}

/// The WS-Addressing 1.0 anonymous address.
const WSA10_ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
/// The WS-Addressing 1.0 `none` address: replies are discarded.
const WSA10_NONE: &str = "http://www.w3.org/2005/08/addressing/none";
/// The WS-Addressing 2004/08 anonymous address.
const WSA200408_ANONYMOUS: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous";

/// What is wrong with the addressing headers of a WS-Addressing request
/// (WS-Addressing 1.0 SOAP Binding §6.4).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AddressingProblem {
    /// A header that may appear once appears again (`InvalidCardinality`).
    Repeated(QName),
    /// No action anywhere: neither `wsa:Action` nor the transport's
    /// (`MessageAddressingHeaderRequired`).
    MissingAction,
    /// `SOAPAction` / the `action` parameter names another action than
    /// `wsa:Action` (`ActionMismatch`).
    ActionMismatch,
    /// `ReplyTo` or `FaultTo` (the local name) is neither anonymous nor
    /// `none`: replies go only on the HTTP response (`OnlyAnonymousAddressSupported`).
    NotAnonymous(&'static str),
}

/// Checks the addressing headers of `message` when it uses WS-Addressing.
///
/// The transport action may be absent or empty (the WS-Addressing 1.0 SOAP
/// Binding: `SOAPAction` and the `action` parameter are either the same IRI
/// as `wsa:Action` or empty); a
/// missing `wsa:Action` is tolerated when the transport carries one, since
/// the channel fills [`Message::action`] from it.
pub(crate) fn addressing_problem(
    message: &Message,
    transport_action: Option<&str>,
) -> Option<AddressingProblem> {
    if message.addressing == AddressingVersion::Transport {
        return None;
    }
    if let Some(h) = message
        .headers
        .iter()
        .find(|h| is_addressing_header(&h.name))
    {
        return Some(AddressingProblem::Repeated(h.name.clone()));
    }
    let Some(action) = message.action.as_deref().filter(|a| !a.is_empty()) else {
        return Some(AddressingProblem::MissingAction);
    };
    if transport_action.is_some_and(|t| !t.is_empty() && t != action) {
        return Some(AddressingProblem::ActionMismatch);
    }
    let replyable = |address: &Option<String>| {
        address.as_deref().is_none_or(|a| {
            let a = a.trim();
            a == WSA10_ANONYMOUS || a == WSA10_NONE || a == WSA200408_ANONYMOUS
        })
    };
    if !replyable(&message.reply_to) {
        return Some(AddressingProblem::NotAnonymous("ReplyTo"));
    }
    if !replyable(&message.fault_to) {
        return Some(AddressingProblem::NotAnonymous("FaultTo"));
    }
    None
}

/// Which answers a WS-Addressing request asks to be dropped: those whose
/// endpoint (`ReplyTo` for replies; `FaultTo`, else `ReplyTo`, for faults)
/// is the `none` address (WS-Addressing 1.0 Core, §3.4 formulating a reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Discard {
    replies: bool,
    faults: bool,
}

impl Discard {
    /// Whether an answer (a fault when `fault`) is to be dropped.
    pub(crate) fn discards(self, fault: bool) -> bool {
        if fault { self.faults } else { self.replies }
    }

    /// Whether some answer is to be dropped (else the reply need not be looked at).
    pub(crate) fn any(self) -> bool {
        self.replies || self.faults
    }
}

/// What [`Discard`] a request asks for.
pub(crate) fn discarded_replies(message: &Message) -> Discard {
    let none = |a: &Option<String>| a.as_deref().is_some_and(|a| a.trim() == WSA10_NONE);
    let replies = none(&message.reply_to);
    let faults = match &message.fault_to {
        Some(_) => none(&message.fault_to),
        None => replies,
    };
    Discard { replies, faults }
}

/// Whether the request's body names an encoding this host does not read.
///
/// SOAP 1.2 Part 1 §5.1.1, §5.4.6: a body child scoped with an unsupported
/// `encodingStyle` is a `DataEncodingUnknown` fault. The host reads literal
/// XML only, so any style but `encoding/none` is unknown to it. SOAP 1.1 has
/// no such fault and its clients mark rpc/encoded bodies freely: not checked.
pub(crate) fn unknown_encoding(message: &Message) -> Option<String> {
    if message.envelope != EnvelopeVersion::Soap12 {
        return None;
    }
    let style = message.body_encoding_style()?;
    let literal = style
        .split_ascii_whitespace()
        .all(|uri| uri == "http://www.w3.org/2003/05/soap-envelope/encoding/none");
    (!literal).then_some(style)
}

/// Where a request goes.
pub(crate) enum Route<'a> {
    /// To this operation.
    Operation(&'a Operation),
    /// Nowhere: its WS-Addressing action names no operation.
    ActionNotSupported(String),
    /// Nowhere: neither its action nor its body element names an operation.
    Unknown {
        /// The transport action, if any.
        action: Option<String>,
        /// The first body element, if any.
        element: Option<QName>,
    },
}

/// Picks the operation: by action (the `wsa:Action` header, else the
/// transport action the channel put in [`Message::action`]), else by the
/// qualified name of the first body element.
///
/// A WS-Addressing action is authoritative: when it names no operation the
/// request faults with `ActionNotSupported`. A transport action is a hint
/// (SOAP 1.1 §6.1.1): when it names no operation the body element decides.
/// An action several operations share is completed by the body element,
/// which must be one of theirs.
pub(crate) fn route<'a>(
    dispatch: &'a Dispatch,
    message: &Message,
    element: impl FnOnce() -> Option<QName>,
) -> Route<'a> {
    let action = message.action.as_deref().filter(|a| !a.is_empty());
    match action.and_then(|a| dispatch.by_action(a)) {
        Some(ByAction::One(op)) => return Route::Operation(op),
        Some(ByAction::Shared(ops)) => {
            let element = element();
            let op = element
                .as_ref()
                .and_then(|q| ops.into_iter().find(|op| op.body.as_ref() == Some(q)));
            return match op {
                Some(op) => Route::Operation(op),
                None => Route::Unknown {
                    action: action.map(str::to_owned),
                    element,
                },
            };
        }
        None => {}
    }
    if let (Some(a), true) = (action, message.addressing != AddressingVersion::Transport) {
        return Route::ActionNotSupported(a.to_owned());
    }
    // Only now: finding the body element parses the body.
    let element = element();
    if let Some(op) = element.as_ref().and_then(|q| dispatch.by_body(q)) {
        return Route::Operation(op);
    }
    Route::Unknown {
        action: action.map(str::to_owned),
        element,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use wws_core::Header;
    use wws_core::message::is_targeted;
    use wws_core::ns;

    fn header(name: &str, mu: bool, role: Option<&str>) -> Header {
        Header {
            name: QName::new("urn:h", name),
            must_understand: mu,
            role: role.map(str::to_owned),
            relay: false,
            xml: Bytes::new(),
        }
    }

    fn message(envelope: EnvelopeVersion, headers: Vec<Header>) -> Message {
        let mut m = Message::new(envelope, AddressingVersion::Transport);
        m.headers = headers;
        m
    }

    #[test]
    fn soap12_roles_next_and_ultimate_receiver_target_us_none_and_others_do_not() {
        let v = EnvelopeVersion::Soap12;
        assert!(is_targeted(v, None));
        assert!(is_targeted(v, Some(ns::ROLE_NEXT)));
        assert!(is_targeted(v, Some(ns::ROLE_ULTIMATE_RECEIVER)));
        assert!(!is_targeted(v, Some(ns::ROLE_NONE)));
        assert!(!is_targeted(v, Some("http://example.org/ts-tests/B")));
        // A SOAP 1.1 actor URI means nothing special in SOAP 1.2.
        assert!(!is_targeted(v, Some(ns::ACTOR_NEXT_11)));
    }

    #[test]
    fn soap11_actor_next_targets_us_others_do_not() {
        let v = EnvelopeVersion::Soap11;
        assert!(is_targeted(v, None));
        assert!(is_targeted(v, Some(ns::ACTOR_NEXT_11)));
        assert!(!is_targeted(v, Some(ns::ROLE_NEXT)));
        assert!(!is_targeted(v, Some("urn:other-actor")));
    }

    fn wsa_message(action: Option<&str>) -> Message {
        let mut m = message(EnvelopeVersion::Soap12, Vec::new());
        m.addressing = AddressingVersion::WsAddressing10;
        m.action = action.map(str::to_owned);
        m
    }

    #[test]
    fn addressing_problems_in_the_order_they_are_checked() {
        let plain = message(EnvelopeVersion::Soap12, Vec::new());
        assert_eq!(addressing_problem(&plain, Some("urn:x")), None);
        let ok = wsa_message(Some("urn:a"));
        assert_eq!(addressing_problem(&ok, None), None);
        assert_eq!(addressing_problem(&ok, Some("")), None);
        assert_eq!(addressing_problem(&ok, Some("urn:a")), None);
        assert_eq!(
            addressing_problem(&ok, Some("urn:b")),
            Some(AddressingProblem::ActionMismatch)
        );
        assert_eq!(
            addressing_problem(&wsa_message(None), None),
            Some(AddressingProblem::MissingAction)
        );
        let mut repeated = wsa_message(Some("urn:a"));
        repeated.headers.push(Header {
            name: QName::new(ns::WSA10, "To"),
            ..header("x", false, None)
        });
        assert_eq!(
            addressing_problem(&repeated, None),
            Some(AddressingProblem::Repeated(QName::new(ns::WSA10, "To")))
        );
        let mut reply = wsa_message(Some("urn:a"));
        reply.reply_to = Some(WSA10_ANONYMOUS.to_owned());
        reply.fault_to = Some(WSA10_NONE.to_owned());
        assert_eq!(addressing_problem(&reply, None), None);
        reply.reply_to = Some("http://client.example/callback".to_owned());
        assert_eq!(
            addressing_problem(&reply, None),
            Some(AddressingProblem::NotAnonymous("ReplyTo"))
        );
        reply.reply_to = None;
        reply.fault_to = Some("http://client.example/faults".to_owned());
        assert_eq!(
            addressing_problem(&reply, None),
            Some(AddressingProblem::NotAnonymous("FaultTo"))
        );
    }

    #[test]
    fn none_reply_endpoints_discard_replies_and_faults() {
        let mut m = wsa_message(Some("urn:a"));
        assert!(!discarded_replies(&m).discards(false) && !discarded_replies(&m).discards(true));
        m.reply_to = Some(WSA10_NONE.to_owned());
        assert!(discarded_replies(&m).discards(false) && discarded_replies(&m).discards(true));
        m.fault_to = Some(WSA10_ANONYMOUS.to_owned());
        assert!(discarded_replies(&m).discards(false) && !discarded_replies(&m).discards(true));
        m.reply_to = None;
        m.fault_to = Some(WSA10_NONE.to_owned());
        assert!(!discarded_replies(&m).discards(false) && discarded_replies(&m).discards(true));
    }

    #[test]
    fn only_soap12_non_literal_encodings_are_unknown() {
        let mut m = message(EnvelopeVersion::Soap12, Vec::new());
        m.body = Bytes::from_static(b"<t:a xmlns:t=\"urn:t\"/>");
        assert_eq!(unknown_encoding(&m), None);
        let poison = "<t:a xmlns:t=\"urn:t\" xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\" e:encodingStyle=\"http://example.org/PoisonEncoding\"/>";
        m.body = Bytes::from(poison);
        assert_eq!(
            unknown_encoding(&m).as_deref(),
            Some("http://example.org/PoisonEncoding")
        );
        m.body = Bytes::from(poison.replace(
            "http://example.org/PoisonEncoding",
            "http://www.w3.org/2003/05/soap-envelope/encoding/none",
        ));
        assert_eq!(unknown_encoding(&m), None);
        let mut m11 = message(EnvelopeVersion::Soap11, Vec::new());
        m11.body = Bytes::from(poison.replace(
            "http://www.w3.org/2003/05/soap-envelope\"",
            "http://schemas.xmlsoap.org/soap/envelope/\"",
        ));
        assert_eq!(unknown_encoding(&m11), None);
    }

    #[test]
    fn a_repeated_addressing_header_is_not_a_must_understand_fault() {
        let mut m = message(EnvelopeVersion::Soap12, Vec::new());
        m.headers.push(Header {
            name: QName::new(ns::WSA10, "Action"),
            ..header("x", true, None)
        });
        assert!(not_understood(&m, &[]).is_empty());
    }

    #[test]
    fn only_mandatory_targeted_unknown_headers_are_not_understood() {
        let m = message(
            EnvelopeVersion::Soap12,
            vec![
                header("A", true, None),
                header("B", false, None),
                header("C", true, Some(ns::ROLE_NONE)),
                header("D", true, Some("urn:someone-else")),
                header("E", true, Some(ns::ROLE_NEXT)),
                header("Known", true, None),
            ],
        );
        let got = not_understood(&m, &[QName::new("urn:h", "Known")]);
        assert_eq!(
            got,
            vec![QName::new("urn:h", "A"), QName::new("urn:h", "E")]
        );
    }
}
