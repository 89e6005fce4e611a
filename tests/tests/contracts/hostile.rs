//! The ONVIF types never panic on mutated input (the binding's
//! own property tests cover its constructs; these are the shapes real
//! services send, nested, with arrays, attributes and `xs:any`).

use wws_core::BodyElement;

use crate::onvif::{
    GetCapabilitiesResponse, GetNetworkInterfacesResponse, GetSystemDateAndTimeResponse,
};
use crate::onvif_service::Camera;
use crate::support::to_xml;

fn all_readers(bytes: &[u8]) {
    let _ = GetCapabilitiesResponse::read_element(bytes);
    let _ = GetNetworkInterfacesResponse::read_element(bytes);
    let _ = GetSystemDateAndTimeResponse::read_element(bytes);
}

#[test]
fn every_truncation_and_byte_substitution_of_real_documents_is_an_error_or_a_value() {
    let seeds = [
        to_xml(&GetCapabilitiesResponse {
            capabilities: Camera::capabilities(true, false),
        }),
        to_xml(&GetNetworkInterfacesResponse {
            network_interfaces: Camera::interfaces(),
        }),
        to_xml(&GetSystemDateAndTimeResponse {
            system_date_and_time: Camera::clock(),
        }),
    ];
    for seed in &seeds {
        let seed = seed.as_bytes();
        assert!(
            GetCapabilitiesResponse::read_element(seed).is_ok()
                || GetNetworkInterfacesResponse::read_element(seed).is_ok()
                || GetSystemDateAndTimeResponse::read_element(seed).is_ok()
        );
        for at in 0..seed.len() {
            all_readers(seed.get(..at).unwrap_or_default());
            for with in [b'<', b'&', 0xff] {
                let mut bytes = seed.to_vec();
                bytes[at] = with;
                all_readers(&bytes);
            }
        }
    }
}
