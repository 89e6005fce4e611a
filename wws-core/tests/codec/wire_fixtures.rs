//! What real peers sent and answered (`tests/fixtures/wire/`, captured by
//! `tests/interop/capture_fixtures.py` between gSOAP, zeep, spyne, PHP
//! ext/soap, WCF on Mono, JAX-WS RI and node-soap, no wws code involved),
//! read by our codec.
//!
//! Every file is read by [`Message::read`] and checked against what its name
//! says (`<peer>-<version>-<case>-<request|response|fault>.xml`): envelope
//! version, body element, typed body values, fault code and reason. The HTTP
//! headers of each capture are in the directory's README table; the action a
//! request travelled with (SOAPAction or the media type's `action`) is checked
//! from there, and each file's size against the table. A file that cannot be
//! read, is not named so, or is missing from the table fails the tests.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::common::calc::{
    ADD_ACTION, Add, AddResponse, DELAY_ACTION, DIVIDE_ACTION, Delay, DelayResponse, Divide,
    DivideResponse, ECHO_ACTION, Echo, EchoResponse, NAMESPACE,
};
use wws_core::{
    AddressingVersion, BodyElement, EnvelopeVersion, FaultCode, Message, QName, ReaderQuotas, ns,
};

const SPECIAL_TEXT: &str = "héllo <&> \"' ünïcødé ✓";

fn wire_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/wire")
}

/// Every `.xml` file of the directory, by name (a read error fails the test).
fn fixtures() -> BTreeMap<String, Vec<u8>> {
    let dir = wire_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files = BTreeMap::new();
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap_or_else(|e| panic!("fixture {name}: {e}"));
        files.insert(name, bytes);
    }
    files
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Request,
    Response,
    Fault,
}

/// What a fixture's name says.
#[derive(Debug)]
struct Name {
    peer: &'static str,
    envelope: EnvelopeVersion,
    case: &'static str,
    kind: Kind,
}

fn parse_name(file: &str) -> Result<Name, String> {
    let stem = file
        .strip_suffix(".xml")
        .ok_or_else(|| format!("{file}: not an .xml file"))?;
    let parts: Vec<&str> = stem.split('-').collect();
    let [peer, version, case, kind] = parts.as_slice() else {
        return Err(format!("{file}: not <peer>-<version>-<case>-<kind>.xml"));
    };
    let peer = [
        "gsoap",
        "gsoapfixed",
        "jaxws",
        "node",
        "php",
        "spyne",
        "wcf",
        "wcfwsa",
        "zeep",
    ]
    .into_iter()
    .find(|p| p == peer)
    .ok_or_else(|| format!("{file}: unknown peer {peer:?}"))?;
    let envelope = match *version {
        "1.1" => EnvelopeVersion::Soap11,
        "1.2" => EnvelopeVersion::Soap12,
        v => return Err(format!("{file}: unknown SOAP version {v:?}")),
    };
    let case = ["Add", "Divide", "DivideOk", "Echo", "EchoEmpty", "Delay"]
        .into_iter()
        .find(|c| c == case)
        .ok_or_else(|| format!("{file}: unknown case {case:?}"))?;
    let kind = match *kind {
        "request" => Kind::Request,
        "response" => Kind::Response,
        "fault" => Kind::Fault,
        k => return Err(format!("{file}: unknown kind {k:?}")),
    };
    Ok(Name {
        peer,
        envelope,
        case,
        kind,
    })
}

/// The HTTP side of one capture, from the README table.
#[derive(Debug)]
struct Capture {
    content_type: String,
    soap_action: Option<String>,
    bytes: usize,
}

/// The README's "Files and their HTTP headers" table, by file name.
fn captures() -> BTreeMap<String, Capture> {
    let path = wire_dir().join("README.md");
    let readme =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let unquote = |cell: &str| -> Option<String> {
        let cell = cell.trim();
        (cell != "—").then(|| cell.trim_matches('`').to_owned())
    };
    let mut rows = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        let [file, _from, _http, content_type, soap_action, _other, bytes] = cells.as_slice()
        else {
            panic!("README row with {} cells: {line}", cells.len());
        };
        let file = unquote(file).unwrap_or_else(|| panic!("README row without a file: {line}"));
        let capture = Capture {
            content_type: unquote(content_type).unwrap_or_default(),
            soap_action: unquote(soap_action),
            bytes: bytes
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("README row {file}: size {bytes:?}")),
        };
        rows.insert(file, capture);
    }
    rows
}

/// A media-type parameter's value, quotes removed.
fn param(content_type: &str, name: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn action_of(case: &str) -> &'static str {
    match case {
        "Add" => ADD_ACTION,
        "Divide" | "DivideOk" => DIVIDE_ACTION,
        "Echo" | "EchoEmpty" => ECHO_ACTION,
        _ => DELAY_ACTION,
    }
}

fn read_typed<T: BodyElement + std::fmt::Debug + PartialEq>(
    m: &Message,
    want: T,
) -> Result<(), String> {
    let got: T = m.read_body().map_err(|e| format!("{}: {e}", T::NAME))?;
    if got == want {
        Ok(())
    } else {
        Err(format!("{} is {got:?}, expected {want:?}", T::NAME))
    }
}

/// The typed body a request of `case` carries, checked.
fn check_request(m: &Message, case: &str) -> Result<(), String> {
    match case {
        "Add" => read_typed(m, Add { a: 1.5, b: 2.25 }),
        "Divide" => read_typed(m, Divide { a: 1.0, b: 0.0 }),
        "DivideOk" => read_typed(m, Divide { a: 1.0, b: 4.0 }),
        "Echo" => read_typed(
            m,
            Echo {
                text: SPECIAL_TEXT.into(),
            },
        ),
        "EchoEmpty" => read_typed(
            m,
            Echo {
                text: String::new(),
            },
        ),
        "Delay" => read_typed(m, Delay { milliseconds: 50 }),
        c => Err(format!("no request check for case {c}")),
    }
}

/// The typed body a response of `case` carries, checked.
fn check_response(m: &Message, case: &str) -> Result<(), String> {
    match case {
        "Add" => read_typed(m, AddResponse { result: 3.75 }),
        "DivideOk" => read_typed(m, DivideResponse { result: 0.25 }),
        "Echo" => read_typed(
            m,
            EchoResponse {
                text: SPECIAL_TEXT.into(),
            },
        ),
        "EchoEmpty" => read_typed(
            m,
            EchoResponse {
                text: String::new(),
            },
        ),
        "Delay" => read_typed(m, DelayResponse { milliseconds: 50 }),
        c => Err(format!("no response check for case {c}")),
    }
}

/// The element the body of `name` starts with.
fn body_element_of(name: &Name) -> QName {
    let op = match name.case {
        "DivideOk" => "Divide",
        "EchoEmpty" => "Echo",
        c => c,
    };
    match name.kind {
        Kind::Request => QName::new(NAMESPACE, op),
        Kind::Response => QName::new(NAMESPACE, format!("{op}Response")),
        Kind::Fault => QName::new(name.envelope.namespace(), "Fault"),
    }
}

/// Every check of one fixture; `Err` lists what is wrong.
fn check(file: &str, bytes: &[u8], capture: &Capture) -> Result<(), String> {
    let name = parse_name(file)?;
    if bytes.len() != capture.bytes {
        return Err(format!(
            "{} bytes, the README says {} (changed since the capture?)",
            bytes.len(),
            capture.bytes
        ));
    }
    let m = Message::read(bytes, &ReaderQuotas::default())
        .map_err(|e| format!("Message::read: {e}"))?;
    check_message(&m, &name, capture)?;
    // What we read, written by us and read again, says the same. (The bytes
    // differ: a body keeps the namespace declarations it inherited.)
    let ours = m
        .to_bytes()
        .map_err(|e| format!("writing what we read: {e}"))?;
    let again = Message::read(&ours, &ReaderQuotas::default())
        .map_err(|e| format!("re-reading our own write: {e}"))?;
    check_message(&again, &name, capture).map_err(|e| format!("after write and read: {e}"))
}

/// The header WCF on Mono puts on its faults even without addressing
/// (`mustUnderstand`, in the namespace of `AddressingVersion.None`).
const MONO_NONE_ACTION: (&str, &str) = (
    "http://schemas.microsoft.com/ws/2005/05/addressing/none",
    "Action",
);

/// The checks of a message read from the fixture `name`.
fn check_message(m: &Message, name: &Name, capture: &Capture) -> Result<(), String> {
    if m.envelope != name.envelope {
        return Err(format!(
            "envelope {:?}, expected {:?}",
            m.envelope, name.envelope
        ));
    }
    if name.peer == "wcfwsa" {
        // WCF's Soap12WSAddressing10 requests: the action is the wsa:Action header.
        let want = action_of(name.case);
        if m.addressing != AddressingVersion::WsAddressing10
            || m.action.as_deref() != Some(want)
            || m.message_id.is_none()
            || !m.headers.is_empty()
        {
            return Err(format!(
                "addressing {:?}, action {:?}, message id {:?}, {} other headers: expected WS-Addressing 1.0 with {want}",
                m.addressing,
                m.action,
                m.message_id,
                m.headers.len()
            ));
        }
    } else {
        let mono_header = |h: &wws_core::Header| {
            name.peer == "wcf"
                && name.kind == Kind::Fault
                && h.name == QName::new(MONO_NONE_ACTION.0, MONO_NONE_ACTION.1)
        };
        // Every other peer used no WS-Addressing: the action travelled in HTTP.
        if m.addressing != AddressingVersion::Transport
            || m.action.is_some()
            || !m.headers.iter().all(mono_header)
        {
            return Err(format!(
                "addressing {:?}, action {:?}, {} headers: expected none",
                m.addressing,
                m.action,
                m.headers.len()
            ));
        }
    }
    let want = body_element_of(name);
    if m.body_element().as_ref() != Some(&want) {
        return Err(format!(
            "body element {:?}, expected {want}",
            m.body_element()
        ));
    }

    let media = capture.content_type.split(';').next().unwrap_or("").trim();
    // Stock gSOAP answers a 1.1 request with the 1.2 media type (README).
    let hybrid = name.peer == "gsoap"
        && name.envelope == EnvelopeVersion::Soap11
        && name.kind != Kind::Request;
    let want_media = if hybrid {
        EnvelopeVersion::Soap12.media_type()
    } else {
        name.envelope.media_type()
    };
    if media != want_media {
        return Err(format!(
            "Content-Type {:?}, expected {want_media}",
            capture.content_type
        ));
    }

    match name.kind {
        Kind::Request => {
            let action = action_of(name.case);
            let in_header = capture.soap_action.as_deref().map(|a| a.trim_matches('"'));
            let in_media_type = param(&capture.content_type, "action");
            let travelled = match (name.envelope, name.peer) {
                (EnvelopeVersion::Soap11, _) => in_header.map(str::to_owned),
                // WS-Addressing: the action header is the action (checked above).
                (EnvelopeVersion::Soap12, "wcfwsa") => m.action.clone(),
                // Mono's SOAP 1.2 without addressing sends SOAPAction, not the
                // media type's parameter (README).
                (EnvelopeVersion::Soap12, "wcf") => in_header.map(str::to_owned),
                (EnvelopeVersion::Soap12, _) => in_media_type.clone(),
            };
            if travelled.as_deref() != Some(action) {
                return Err(format!(
                    "action {travelled:?} (SOAPAction {in_header:?}, media type {in_media_type:?}), expected {action}"
                ));
            }
            if in_header.is_some_and(|a| a != action) {
                return Err(format!("SOAPAction {in_header:?} differs from {action}"));
            }
            if m.is_fault() {
                return Err("a request read as a fault".into());
            }
            check_request(m, name.case)
        }
        Kind::Response => {
            if m.fault().map_err(|e| format!("fault(): {e}"))?.is_some() {
                return Err("a response read as a fault".into());
            }
            check_response(m, name.case)
        }
        Kind::Fault => {
            let fault = m
                .fault()
                .map_err(|e| format!("Fault::read: {e}"))?
                .ok_or("not read as a fault")?;
            if fault.code != FaultCode::Sender || fault.reason_text() != "division by zero" {
                return Err(format!(
                    "fault {:?}: {:?}, expected Sender: \"division by zero\"",
                    fault.code,
                    fault.reason_text()
                ));
            }
            if !fault.subcodes.is_empty() || fault.detail.is_some() {
                return Err(format!("unexpected subcodes or detail in {fault:?}"));
            }
            // The typed reading of a fault body must refuse it, not misread it.
            if m.read_body::<DivideResponse>().is_ok() {
                return Err("a fault body read as a DivideResponse".into());
            }
            Ok(())
        }
    }
}

#[test]
fn every_wire_fixture_reads_as_its_name_says() {
    let files = fixtures();
    let table = captures();
    let mut problems = Vec::new();
    for (file, bytes) in &files {
        let Some(capture) = table.get(file) else {
            problems.push(format!("{file}: not in the README table"));
            continue;
        };
        if let Err(e) = check(file, bytes, capture) {
            problems.push(format!("{file}: {e}"));
        }
    }
    for file in table.keys().filter(|f| !files.contains_key(*f)) {
        problems.push(format!(
            "{file}: in the README table but not in the directory"
        ));
    }
    assert!(
        problems.is_empty(),
        "{} of {} wire fixtures failed:\n{}",
        problems.len(),
        files.len(),
        problems.join("\n")
    );
}

/// The directory holds what issue 6 asks for: each peer's requests or
/// responses in both versions, and every peer server's Divide fault.
#[test]
fn every_peer_and_version_is_covered() {
    let names: Vec<Name> = fixtures()
        .keys()
        .map(|f| parse_name(f).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let has = |peer: &str, envelope, kind| {
        names
            .iter()
            .any(|n| n.peer == peer && n.envelope == envelope && n.kind == kind)
    };
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        for client in ["gsoap", "jaxws", "node", "php", "wcf", "zeep"] {
            assert!(
                has(client, envelope, Kind::Request),
                "{client} {envelope:?} requests"
            );
        }
        for server in ["gsoap", "jaxws", "node", "spyne", "wcf"] {
            assert!(
                has(server, envelope, Kind::Response),
                "{server} {envelope:?} responses"
            );
            assert!(
                has(server, envelope, Kind::Fault),
                "{server} {envelope:?} fault"
            );
        }
    }
    assert!(has("gsoapfixed", EnvelopeVersion::Soap11, Kind::Fault));
    assert!(has("wcfwsa", EnvelopeVersion::Soap12, Kind::Request));
}

/// Stock gSOAP's answer to a SOAP 1.1 request: a 1.1 envelope whose fault has
/// the SOAP 1.2 elements (`Code/Value`, `Reason/Text`). Read liberally.
#[test]
fn gsoap_soap12_shaped_fault_in_soap11_envelope() {
    let files = fixtures();
    let bytes = files
        .get("gsoap-1.1-Divide-fault.xml")
        .expect("gsoap-1.1-Divide-fault.xml");
    let text = String::from_utf8_lossy(bytes);
    assert!(
        text.contains(ns::SOAP11) && text.contains("<SOAP-ENV:Reason>"),
        "the fixture no longer has the hybrid shape"
    );
    let m = Message::read(bytes, &ReaderQuotas::default()).expect("read");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    let fault = m.fault().expect("fault").expect("is a fault");
    assert_eq!(fault.code, FaultCode::Sender);
    assert_eq!(fault.reason_text(), "division by zero");
    assert_eq!(fault.reasons[0].lang, "en");
}

/// spyne's SOAP 1.1 fault has an empty `faultactor`, its 1.2 fault an empty
/// `Role`; neither is a reason to fail, and the reason text is intact.
#[test]
fn spyne_faults_with_empty_actor_and_role() {
    let files = fixtures();
    for (file, envelope) in [
        ("spyne-1.1-Divide-fault.xml", EnvelopeVersion::Soap11),
        ("spyne-1.2-Divide-fault.xml", EnvelopeVersion::Soap12),
    ] {
        let bytes = files.get(file).unwrap_or_else(|| panic!("{file} missing"));
        let m = Message::read(bytes, &ReaderQuotas::default()).expect(file);
        assert_eq!(m.envelope, envelope, "{file}");
        let fault = m.fault().expect(file).expect(file);
        assert_eq!(fault.code, FaultCode::Sender, "{file}");
        assert_eq!(fault.reason_text(), "division by zero", "{file}");
        assert!(
            fault.actor.as_deref().unwrap_or("").is_empty(),
            "{file}: actor {:?}",
            fault.actor
        );
    }
}

#[test]
fn fixture_names_are_parsed_strictly() {
    assert!(parse_name("zeep-1.1-Add-request.xml").is_ok());
    for bad in [
        "zeep-1.1-Add-request.txt",
        "zeep-1.3-Add-request.xml",
        "axis-1.1-Add-request.xml",
        "zeep-1.1-Sub-request.xml",
        "zeep-1.1-Add-reply.xml",
        "zeep-1.1-Add.xml",
    ] {
        assert!(parse_name(bad).is_err(), "{bad}");
    }
    assert_eq!(
        param(
            "application/soap+xml; charset=utf-8; action=\"urn:a\"",
            "action"
        )
        .as_deref(),
        Some("urn:a")
    );
    assert_eq!(param("text/xml; charset=utf-8", "action"), None);
}
