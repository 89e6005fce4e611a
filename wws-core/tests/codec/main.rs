//! The SOAP codec: golden envelopes of real peers, malformed and hostile input, round trips, envelope rules, in-place reads, typed bodies and captured wire fixtures.

mod common;

mod envelope_rules;
mod golden;
mod malformed;
mod read_bytes;
mod roundtrip;
mod typed;
mod wire_fixtures;
mod xml_chars;
