//! HTTP authentication headers (`Authorization: Basic` and `Bearer`) and
//! the checks on the extra HTTP headers a caller adds to requests.
//!
//! ```
//! use http::header::AUTHORIZATION;
//! use wws_channel::{Channel, auth};
//!
//! let channel = Channel::builder()
//!     .http_header(AUTHORIZATION, auth::basic("calc", Some("s3cret")))
//!     .build()?;
//! assert_eq!(
//!     channel.properties().http_headers[AUTHORIZATION],
//!     "Basic Y2FsYzpzM2NyZXQ="
//! );
//! # Ok::<(), wws_core::Error>(())
//! ```

use http::{HeaderMap, HeaderName, HeaderValue, header};
use wws_core::xsd::{Base64Binary, SimpleType};
use wws_core::{Error, Result};

/// `Basic base64(user:password)` (RFC 7617), marked sensitive (not logged
/// by hyper). The user and password are sent as UTF-8.
pub fn basic(user: &str, password: Option<&str>) -> HeaderValue {
    let credentials = format!("{user}:{}", password.unwrap_or(""));
    let mut text = String::from("Basic ");
    // Formatting base64 cannot fail.
    let _ = Base64Binary(credentials.into_bytes()).format(&mut text);
    let mut value = HeaderValue::try_from(text).unwrap_or_else(|_| HeaderValue::from_static(""));
    value.set_sensitive(true);
    value
}

/// `Bearer <token>` (RFC 6750), marked sensitive; a token with characters
/// a header cannot carry is [`Error::InvalidProperty`].
pub fn bearer(token: &str) -> Result<HeaderValue> {
    let mut value =
        HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| Error::InvalidProperty {
            object: "HTTP authentication",
            property: "bearer token",
            reason: "a bearer token must be visible ASCII".to_owned(),
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The headers the SOAP HTTP binding writes itself; a caller may not set them.
const OWNED: [&str; 6] = [
    "host",
    "content-type",
    "content-length",
    "transfer-encoding",
    "connection",
    "soapaction",
];

/// Refuses headers the binding owns, naming the first.
pub(crate) fn check_headers(object: &'static str, headers: &HeaderMap) -> Result<()> {
    match headers.keys().find(|name| is_owned(name)) {
        Some(name) => Err(Error::InvalidProperty {
            object,
            property: "http_headers",
            reason: format!("the {name} header is written by the SOAP HTTP binding"),
        }),
        None => Ok(()),
    }
}

fn is_owned(name: &HeaderName) -> bool {
    name == header::HOST || OWNED.contains(&name.as_str())
}
