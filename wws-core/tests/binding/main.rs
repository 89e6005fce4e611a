//! The XSD data binding: datatypes, namespaces and prefixes, every XSD
//! construct the derive maps, hostile input. Hand-written types for real
//! contracts (CountryInfoService, ONVIF device management) live with the
//! services and clients that use them, in `tests/tests/contracts/`.
//!
//! One test binary with a module per behaviour (one link instead of eight).

mod datatypes;
mod features;
mod hostile;
mod namespaces;

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
