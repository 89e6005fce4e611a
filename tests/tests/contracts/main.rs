//! Contracts: typed operations (shared actions dispatched by body element,
//! WS-Addressing default reply actions, typed faults, per-call options),
//! service traits and typed clients, and real contracts written by hand
//! with the derive (CountryInfoService, ONVIF device management) served on
//! loopback and called by the typed client and by zeep.

mod support;

mod call_options;
mod countryinfo;
mod countryinfo_service;
mod hostile;
mod onvif;
mod onvif_service;
mod reply_action;
mod service_trait;
mod shared_action;
mod typed_faults;
mod zeep;
