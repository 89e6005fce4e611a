//! The XSD data binding: datatypes, namespaces and prefixes, every XSD
//! construct the derive maps, hostile input, and hand-written types for
//! real contracts (CountryInfoService, ONVIF device management).
//!
//! One test binary with a module per behaviour (one link instead of eight).

mod countryinfo;
mod datatypes;
mod features;
mod hostile;
mod namespaces;
mod onvif;

use wws_core::BodyElement;
use wws_core::bytes::BytesMut;

/// Writes a body element as a string.
pub fn to_xml<T: BodyElement>(v: &T) -> String {
    let mut out = BytesMut::new();
    v.write_element(&mut out).expect("writes");
    String::from_utf8(out.to_vec()).expect("utf8")
}

/// Writes `v` and reads it back.
pub fn round_trip<T: BodyElement>(v: &T) -> T {
    let xml = to_xml(v);
    T::read_element(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

/// The folder of real-world contracts next to the repository, if present
/// (prints a loud SKIPPED line when it is not).
pub fn shared_wsdl(relative: &str) -> Option<String> {
    let path = format!(
        "{}/../../shared/wsdl/{relative}",
        env!("CARGO_MANIFEST_DIR")
    );
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!(
                "SKIPPED: {path} is not readable ({e}); the contract check against it did not run"
            );
            None
        }
    }
}
