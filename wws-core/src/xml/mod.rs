//! Low-level XML helpers behind the codec, public for hand-written
//! [`BodyElement`](crate::BodyElement) implementations.
//!
//! [`XmlReader`] is a streaming, namespace-aware pull reader over quick-xml
//! that enforces [`ReaderQuotas`](crate::ReaderQuotas), rejects DTDs and
//! undeclared entities, and cuts standalone fragments (re-declaring the
//! namespaces they inherit) without building a tree. The writer functions
//! escape text and attribute values. Both hold to XML 1.0's `Char`
//! production ([`chars`]): the reader refuses a document with a character
//! outside it, raw or as a reference, and the writer refuses to write one.

pub mod chars;
pub mod reader;
pub mod writer;

pub use chars::{find_non_char, is_xml_char};
pub use reader::{StartTag, XmlEvent, XmlReader};
pub use writer::{escape_attr, escape_text, write_attr_value, write_text};
