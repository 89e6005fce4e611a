//! The one generic reader: walks a [`TypeDesc`](super::TypeDesc) over the
//! input, prefix-independent, lax by default (unknown children and
//! attributes skipped or kept by `xs:any`), strict on request.

use std::borrow::Cow;

use super::desc::Access;
use super::raw::XmlAttribute;
use super::simple::{NamespaceScope, SimpleType};
use super::types::{ComplexType, XmlName, XmlType};
use crate::error::{Error, Result};
use crate::message::QName;
use crate::properties::ReaderQuotas;
use crate::xml::{StartTag, XmlReader};

/// How a typed value is read.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Unknown child elements and attributes are errors instead of being
    /// skipped (`xsi:` attributes and namespace declarations are always allowed).
    pub strict: bool,
    /// Size, depth and attribute quotas of the XML reader.
    pub quotas: ReaderQuotas,
}

impl ReadOptions {
    /// Lax reading under the default quotas.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets strict reading (for tests: a contract drift is an error).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Sets the reader quotas.
    pub fn quotas(mut self, quotas: ReaderQuotas) -> Self {
        self.quotas = quotas;
        self
    }
}

/// The reading side of the binding: an [`XmlReader`] and the mode.
#[derive(Debug)]
pub struct XsdReader<'a> {
    xml: XmlReader<'a>,
    strict: bool,
}

/// Prefixes as they stand at a start tag (attribute values).
struct TagScope<'r, 'a> {
    xml: &'r XmlReader<'a>,
    tag: &'r StartTag<'a>,
}

impl NamespaceScope for TagScope<'_, '_> {
    fn resolve(&self, prefix: &str) -> Option<String> {
        self.xml
            .resolve_prefix(self.tag, prefix)
            .map(Cow::into_owned)
    }
}

/// Prefixes as they stood inside an element whose end has been read (text content).
struct AfterScope<'r, 'a> {
    xml: &'r XmlReader<'a>,
    own: &'r [(&'a str, Cow<'a, str>)],
}

impl NamespaceScope for AfterScope<'_, '_> {
    fn resolve(&self, prefix: &str) -> Option<String> {
        self.xml
            .resolve_after(self.own, prefix)
            .map(Cow::into_owned)
    }
}

/// Adds the type and field to an error about a field's content.
fn in_field(e: Error, ty: &str, field: &str) -> Error {
    match e {
        Error::InvalidFormat(m) => Error::InvalidFormat(format!("{ty}.{field}: {m}")),
        other => other,
    }
}

impl<'a> XsdReader<'a> {
    /// A reader over `xml` with `options`' mode (its quotas are the ones `xml` was built with).
    pub fn new(xml: XmlReader<'a>, options: &ReadOptions) -> Self {
        XsdReader {
            xml,
            strict: options.strict,
        }
    }

    /// The XML reader underneath.
    pub fn xml(&mut self) -> &mut XmlReader<'a> {
        &mut self.xml
    }

    /// True in strict mode.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Reads the text of the element whose start `tag` was just read and
    /// hands it to `f` with the namespaces in scope there.
    pub fn read_value<R>(
        &mut self,
        tag: &StartTag<'a>,
        f: impl FnOnce(&str, &dyn NamespaceScope) -> Result<R>,
    ) -> Result<R> {
        let own = self.xml.own_declarations(tag);
        let text = self.xml.read_text(tag)?;
        f(
            &text,
            &AfterScope {
                xml: &self.xml,
                own: &own,
            },
        )
    }

    /// Reads a simple value from the text of the element whose start `tag` was just read.
    pub fn read_simple<T: SimpleType>(&mut self, tag: &StartTag<'a>) -> Result<T> {
        if T::NEEDS_SCOPE {
            return self.read_value(tag, |text, scope| {
                T::parse_in(text, scope).map_err(Error::InvalidFormat)
            });
        }
        let text = self.xml.read_text(tag)?;
        T::parse(&text).map_err(Error::InvalidFormat)
    }

    /// The `xsi:type` of `tag`, resolved.
    pub fn xsi_type(&self, tag: &StartTag<'a>) -> Result<Option<QName>> {
        let Some(value) = self.xml.attribute(tag, crate::ns::XSI, "type") else {
            return Ok(None);
        };
        let scope = TagScope {
            xml: &self.xml,
            tag,
        };
        QName::parse_in(&value, &scope)
            .map(Some)
            .map_err(|e| Error::InvalidFormat(format!("xsi:type: {e}")))
    }
}

/// Reads a complex type from the element whose start `tag` was just read, to its end.
pub fn read_complex<'a, T: ComplexType>(r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<T> {
    let desc = T::DESC;
    let strict = r.strict || desc.strict;
    let mut slots = T::Slots::default();
    if T::HAS_ATTRIBUTES || strict {
        let xml = &r.xml;
        let scope = TagScope { xml, tag };
        xml.for_each_attribute(tag, |ns, local, value| {
            // xsi: is the binding's own; SOAP's encodingStyle may stand on any
            // element (SOAP 1.1 §4.1.1, SOAP 1.2 Part 1 §5.1.1); xml:lang and
            // friends belong to XML itself. None of them is the type's content.
            if matches!(
                ns,
                crate::ns::XSI | crate::ns::SOAP11 | crate::ns::SOAP12 | crate::ns::XML
            ) {
                return Ok(());
            }
            if !accept_attribute::<T>(&mut slots, ns, local, &value, &scope)? && strict {
                return Err(Error::InvalidFormat(format!(
                    "unexpected attribute {} in {}",
                    QName::new(ns, local),
                    desc.name
                )));
            }
            Ok(())
        })?;
    }
    if T::HAS_TEXT {
        let own = r.xml.own_declarations(tag);
        let text = r.xml.read_text(tag)?;
        let scope = AfterScope {
            xml: &r.xml,
            own: &own,
        };
        accept_text::<T>(&mut slots, &text, &scope)?;
    } else {
        while let Some(child) = r.xml.next_child()? {
            if accept_child::<T>(&mut slots, r, &child, false)?
                || accept_child::<T>(&mut slots, r, &child, true)?
            {
                continue;
            }
            if strict {
                return Err(unexpected_child::<T>(&child));
            }
            r.xml.skip_element()?;
        }
    }
    T::build(slots)
}

fn matches(child: &StartTag<'_>, name: XmlName, choice: Option<&'static [XmlName]>) -> bool {
    match choice {
        Some(names) => names.iter().any(|n| child.is(n.namespace, n.local)),
        None => child.is(name.namespace, name.local),
    }
}

/// Offers `child` to the fields of `T`: named fields first (`any` false), then `xs:any` fields.
pub fn accept_child<'a, T: ComplexType>(
    slots: &mut T::Slots,
    r: &mut XsdReader<'a>,
    child: &StartTag<'a>,
    any: bool,
) -> Result<bool> {
    for f in T::DESC.fields {
        match &f.access {
            Access::Element { read, choice, .. } if !any && matches(child, f.name, *choice) => {
                read(slots, r, child).map_err(|e| in_field(e, T::DESC.name, f.name.local))?;
                return Ok(true);
            }
            Access::Any { read, .. } if any => {
                read(slots, r, child).map_err(|e| in_field(e, T::DESC.name, f.name.local))?;
                return Ok(true);
            }
            Access::Flatten { child: offer, .. } if offer(slots, r, child, any)? => {
                return Ok(true);
            }
            _ => {}
        }
    }
    Ok(false)
}

/// Offers an attribute (namespace, local name, value) to the fields of `T`.
pub fn accept_attribute<T: ComplexType>(
    slots: &mut T::Slots,
    namespace: &str,
    local: &str,
    value: &str,
    scope: &dyn NamespaceScope,
) -> Result<bool> {
    for f in T::DESC.fields {
        match &f.access {
            Access::Attribute { read, .. }
                if local == f.name.local && namespace == f.name.namespace =>
            {
                read(slots, value, scope).map_err(|e| in_field(e, T::DESC.name, f.name.local))?;
                return Ok(true);
            }
            Access::Flatten { attribute, .. }
                if attribute(slots, namespace, local, value, scope)? =>
            {
                return Ok(true);
            }
            _ => {}
        }
    }
    for f in T::DESC.fields {
        if let Access::AnyAttribute { read, .. } = &f.access {
            read(
                slots,
                XmlAttribute {
                    name: QName::new(namespace, local),
                    value: value.to_owned(),
                },
            );
            return Ok(true);
        }
    }
    Ok(false)
}

/// Offers the text content to the fields of `T`.
pub fn accept_text<T: ComplexType>(
    slots: &mut T::Slots,
    text: &str,
    scope: &dyn NamespaceScope,
) -> Result<bool> {
    for f in T::DESC.fields {
        match &f.access {
            Access::Text { read, .. } => {
                read(slots, text, scope).map_err(|e| in_field(e, T::DESC.name, f.name.local))?;
                return Ok(true);
            }
            Access::Flatten { text: offer, .. } if offer(slots, text, scope)? => return Ok(true),
            _ => {}
        }
    }
    Ok(false)
}

fn unexpected_child<T: ComplexType>(child: &StartTag<'_>) -> Error {
    let same_local = T::DESC
        .fields
        .iter()
        .find(|f| matches!(f.access, Access::Element { .. }) && f.name.local == child.local());
    match same_local {
        Some(f) => Error::InvalidFormat(format!(
            "{}.{} is in namespace {:?}, expected {:?}",
            T::DESC.name,
            f.name.local,
            child.namespace(),
            f.name.namespace
        )),
        None => Error::InvalidFormat(format!(
            "unexpected element {} in {}",
            child.qname(),
            T::DESC.name
        )),
    }
}

/// True if `name` is the `xsi:type` name of `T`.
pub fn is_type<T: ComplexType>(name: &QName) -> bool {
    name.local == T::DESC.name && name.namespace == T::DESC.namespace
}

/// The index of the choice alternative `tag` is, if any.
pub fn choice_index(tag: &StartTag<'_>, names: &[XmlName]) -> Option<usize> {
    names.iter().position(|n| tag.is(n.namespace, n.local))
}

/// The error for an element that is none of a choice's alternatives.
pub fn not_in_choice(tag: &StartTag<'_>, ty: &str) -> Error {
    Error::InvalidFormat(format!("{} is no alternative of {ty}", tag.qname()))
}

/// The error for an enumeration value that is not in the list.
pub fn unknown_value(text: &str, ty: &str, expected: &[&str]) -> String {
    format!(
        "{text:?} is not a value of {ty} (expected one of {})",
        expected.join(", ")
    )
}

/// The error for an `xsi:type` no variant of a family knows (strict mode).
pub fn unknown_type(name: &QName, ty: &str) -> Error {
    Error::InvalidFormat(format!("xsi:type {name} is no known type of {ty}"))
}

/// Reads `{namespace}name` from standalone XML (as kept in [`Message::body`](crate::Message::body)) as `T`.
pub fn read_element<T: XmlType>(
    xml: &[u8],
    namespace: &str,
    name: &str,
    options: &ReadOptions,
) -> Result<T> {
    if xml.len() > options.quotas.max_message_size {
        return Err(Error::QuotaExceeded {
            quota: "max message size",
            limit: options.quotas.max_message_size as u64,
        });
    }
    let mut xml = XmlReader::with_quotas(xml, &options.quotas)?;
    let root = xml.root()?;
    if !root.is(namespace, name) {
        return Err(Error::InvalidFormat(format!(
            "expected element {{{namespace}}}{name}, found {}",
            root.qname()
        )));
    }
    let mut r = XsdReader::new(xml, options);
    T::read_xml(&mut r, &root)
}

/// [`read_element`] of a message body, for
/// [`BodyElement::read_body_element`](crate::BodyElement::read_body_element):
/// the same reading in one parse, refusing what the provided method
/// refuses, with its errors for another first element or none.
pub fn read_body_element<T: XmlType>(
    xml: &[u8],
    namespace: &str,
    name: &str,
    options: &ReadOptions,
) -> Result<T> {
    // No start tag first (nothing, or a CDATA section, a declaration or an
    // end tag before any): an empty body, as the provided method says.
    if crate::envelope_read::first_local_name(xml).is_none() {
        return Err(crate::message::not_the_body_element(namespace, name, None));
    }
    if xml.len() > options.quotas.max_message_size {
        // Another element is named before the size, as the provided method does.
        return Err(match crate::envelope_read::first_element(xml) {
            Some(q) if q.namespace == namespace && q.local == name => Error::QuotaExceeded {
                quota: "max message size",
                limit: options.quotas.max_message_size as u64,
            },
            found => crate::message::not_the_body_element(
                namespace,
                name,
                found.as_ref().map(ToString::to_string),
            ),
        });
    }
    let mut reader = XmlReader::with_quotas(xml, &options.quotas)?;
    let root = reader.root()?;
    if !root.is(namespace, name) {
        return Err(crate::message::not_the_body_element(
            namespace,
            name,
            Some(root.qname().to_string()),
        ));
    }
    let mut r = XsdReader::new(reader, options);
    T::read_xml(&mut r, &root)
}
