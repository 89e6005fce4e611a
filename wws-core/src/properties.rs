//! What every layer shares: the reader quotas, and the checks the layers'
//! builders run on their properties.
//!
//! Each object's own properties live with it (`wws_channel::ChannelProperties`,
//! `wws_listener::ListenerProperties`, `wws_proxy::ProxyProperties`,
//! `wws_host::ServiceHostProperties`), with WWSAPI's defaults, and are
//! checked when the object is built. A timeout of `None` means "infinite"
//! (WWSAPI's `INFINITE`).

use std::time::Duration;

use crate::error::{Error, Result};

/// Limits enforced while a message is read, never after buffering it whole.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReaderQuotas {
    /// Largest message accepted, in bytes (default 4 MiB, WWSAPI's streamed default).
    pub max_message_size: usize,
    /// Deepest element nesting accepted (default 32, as WWSAPI's XML reader).
    pub max_depth: usize,
    /// Most attributes on one element (default 128, as WWSAPI's XML reader).
    pub max_attributes: usize,
    /// Most SOAP header blocks in one envelope (default 64).
    pub max_headers: usize,
}

impl Default for ReaderQuotas {
    fn default() -> Self {
        ReaderQuotas {
            max_message_size: 4 * 1024 * 1024,
            max_depth: 32,
            max_attributes: 128,
            max_headers: 64,
        }
    }
}

impl ReaderQuotas {
    /// The default quotas with `max_message_size` set.
    pub fn with_max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// The quotas with `max_depth` set.
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// The quotas with `max_attributes` set.
    pub fn with_max_attributes(mut self, attributes: usize) -> Self {
        self.max_attributes = attributes;
        self
    }

    /// The quotas with `max_headers` set.
    pub fn with_max_headers(mut self, headers: usize) -> Self {
        self.max_headers = headers;
        self
    }

    /// Checks the quotas for `object`'s builder: a message must be able to
    /// hold an envelope (64 bytes at least) and be at least two elements deep.
    pub fn validate(&self, object: &'static str) -> Result<()> {
        at_least(object, "max_message_size", self.max_message_size, 64)?;
        at_least(object, "max_depth", self.max_depth, 2)?;
        at_least(object, "max_attributes", self.max_attributes, 1)?;
        Ok(())
    }
}

/// `Err(InvalidProperty)` naming `property` unless `value >= min`.
pub fn at_least(
    object: &'static str,
    property: &'static str,
    value: usize,
    min: usize,
) -> Result<()> {
    if value < min {
        return Err(Error::InvalidProperty {
            object,
            property,
            reason: format!("{value} is below the smallest useful value, {min}"),
        });
    }
    Ok(())
}

/// `Err(InvalidProperty)` naming `property` when a timeout is zero
/// (`None`, infinite, is allowed; a zero timeout would fail every operation).
pub fn timeout(
    object: &'static str,
    property: &'static str,
    value: Option<Duration>,
) -> Result<()> {
    if value == Some(Duration::ZERO) {
        return Err(Error::InvalidProperty {
            object,
            property,
            reason: "a timeout must be above zero (None is infinite)".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_wwsapi() {
        let q = ReaderQuotas::default();
        assert_eq!(
            (
                q.max_message_size,
                q.max_depth,
                q.max_attributes,
                q.max_headers
            ),
            (4 << 20, 32, 128, 64)
        );
        assert!(q.validate("X").is_ok());
    }

    #[test]
    fn checks_name_the_property() {
        let r = ReaderQuotas::default()
            .with_max_message_size(0)
            .validate("Channel");
        assert!(
            matches!(
                r,
                Err(Error::InvalidProperty {
                    object: "Channel",
                    property: "max_message_size",
                    ..
                })
            ),
            "{r:?}"
        );
        let r = timeout("Listener", "send_timeout", Some(Duration::ZERO));
        assert!(matches!(
            r,
            Err(Error::InvalidProperty {
                property: "send_timeout",
                ..
            })
        ));
        assert!(timeout("Listener", "send_timeout", None).is_ok());
    }
}
