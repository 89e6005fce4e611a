//! Typed bodies: Rust types that map to document/literal wrapped elements.

use bytes::BytesMut;

use crate::error::Result;

/// A type that is the single child of a SOAP `Body` in document/literal wrapped style.
pub trait BodyElement: Sized {
    /// Namespace URI of the wrapper element.
    const NAMESPACE: &'static str;
    /// Local name of the wrapper element.
    const NAME: &'static str;

    /// Writes the wrapper element, declaring every namespace it uses on itself.
    fn write_element(&self, out: &mut BytesMut);

    /// Reads the wrapper element from standalone XML (as kept in [`Message::body`](crate::Message::body)).
    fn read_element(xml: &[u8]) -> Result<Self>;
}
