//! The SOAP processing model for a single receiving node, as pure functions:
//! which header blocks target this node, which of those it does not
//! understand, and which operation a request dispatches to.

use wws_core::{AddressingVersion, EnvelopeVersion, Message, QName, ns};

use crate::contract::{Dispatch, Operation};

/// Whether a header block with `role` (SOAP 1.2 `role`, SOAP 1.1 `actor`) is
/// targeted at this node, which is the ultimate receiver.
///
/// SOAP 1.1 §4.2.2: no actor, or the `next` actor. SOAP 1.2 Part 1 §2.2: no
/// role, `ultimateReceiver` or `next`; `none` never is. Any other role names a
/// node this host does not act as. An empty value counts as absent, as most
/// stacks treat it.
pub(crate) fn is_targeted(envelope: EnvelopeVersion, role: Option<&str>) -> bool {
    let Some(role) = role.map(str::trim).filter(|r| !r.is_empty()) else {
        return true;
    };
    match envelope {
        EnvelopeVersion::Soap11 => role == ns::ACTOR_NEXT_11,
        EnvelopeVersion::Soap12 => role == ns::ROLE_NEXT || role == ns::ROLE_ULTIMATE_RECEIVER,
    }
}

/// The names of the mandatory header blocks targeted at this node that it
/// does not understand (SOAP 1.2 Part 1 §2.4, §5.2.3; SOAP 1.1 §4.2.3).
///
/// Addressing headers are read by the codec into the message's fields and
/// are understood; `understood` names the other ones the endpoint handles.
pub(crate) fn not_understood(message: &Message, understood: &[QName]) -> Vec<QName> {
    message
        .headers
        .iter()
        .filter(|h| h.must_understand)
        .filter(|h| is_targeted(message.envelope, h.role.as_deref()))
        .filter(|h| !understood.contains(&h.name))
        .map(|h| h.name.clone())
        .collect()
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
pub(crate) fn route<'a>(
    dispatch: &'a Dispatch,
    message: &Message,
    element: Option<&QName>,
) -> Route<'a> {
    let action = message.action.as_deref().filter(|a| !a.is_empty());
    if let Some(op) = action.and_then(|a| dispatch.by_action(a)) {
        return Route::Operation(op);
    }
    if let (Some(a), true) = (action, message.addressing != AddressingVersion::Transport) {
        return Route::ActionNotSupported(a.to_owned());
    }
    if let Some(op) = element.and_then(|q| dispatch.by_body(q)) {
        return Route::Operation(op);
    }
    Route::Unknown {
        action: action.map(str::to_owned),
        element: element.cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use wws_core::Header;

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
        Message {
            envelope,
            addressing: AddressingVersion::Transport,
            action: None,
            to: None,
            message_id: None,
            relates_to: None,
            reply_to: None,
            fault_to: None,
            headers,
            body: Bytes::new(),
        }
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
