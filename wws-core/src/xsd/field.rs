//! How a field's Rust type maps to occurrences: `T` (exactly once),
//! `Option<T>` (`minOccurs="0"`), `Vec<T>` (`maxOccurs`) for elements
//! ([`Field`]), and for lexical values — attributes, text, lists
//! ([`ValueField`]). Generic over every `T`, so derived types need no impls.

use super::raw::XmlAttribute;
use super::read::XsdReader;
use super::simple::{NamespaceScope, PrefixScope, SimpleType};
use super::text::List;
use super::types::{XmlName, XmlType};
use super::write::XsdWriter;
use crate::error::{Error, Result};
use crate::xml::StartTag;

/// Which field of which type, for errors.
#[derive(Clone, Copy, Debug)]
pub struct FieldRef {
    /// The type's XSD name.
    pub ty: &'static str,
    /// The field's XML name.
    pub field: &'static str,
}

impl FieldRef {
    fn missing(self) -> Error {
        Error::InvalidFormat(format!("{}.{} is missing", self.ty, self.field))
    }
}

fn twice() -> Error {
    Error::invalid_format("occurs twice")
}

/// A field held in child elements.
pub trait Field: Sized {
    /// The accumulator while reading.
    type Slot: Default;
    /// The element names of a choice type (see [`XmlType::ELEMENTS`]).
    const ELEMENTS: Option<&'static [XmlName]> = None;

    /// Reads one occurrence from the element whose start `tag` was just read.
    fn read_one<'a>(slot: &mut Self::Slot, r: &mut XsdReader<'a>, tag: &StartTag<'a>)
    -> Result<()>;
    /// The field once every child was read; errors if a required one is missing.
    fn finish(slot: Self::Slot, at: FieldRef) -> Result<Self>;
    /// Writes every occurrence as element `name`.
    fn write(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()>;
}

/// Exactly one element (`minOccurs="1" maxOccurs="1"`).
impl<T: XmlType> Field for T {
    type Slot = Option<T>;
    const ELEMENTS: Option<&'static [XmlName]> = T::ELEMENTS;

    fn read_one<'a>(slot: &mut Option<T>, r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<()> {
        if slot.is_some() {
            return Err(twice());
        }
        if !T::NILLABLE && r.xml().is_nil(tag) {
            return Err(Error::invalid_format("is nil but required"));
        }
        *slot = Some(T::read_xml(r, tag)?);
        Ok(())
    }

    fn finish(slot: Option<T>, at: FieldRef) -> Result<T> {
        slot.ok_or_else(|| at.missing())
    }

    fn write(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()> {
        self.write_xml(w, name)
    }
}

/// An optional element (`minOccurs="0"`); `xsi:nil` reads as `None` unless `T` is [`Nillable`](super::Nillable).
impl<T: XmlType> Field for Option<T> {
    type Slot = Option<Option<T>>;
    const ELEMENTS: Option<&'static [XmlName]> = T::ELEMENTS;

    fn read_one<'a>(
        slot: &mut Option<Option<T>>,
        r: &mut XsdReader<'a>,
        tag: &StartTag<'a>,
    ) -> Result<()> {
        if slot.is_some() {
            return Err(twice());
        }
        if !T::NILLABLE && r.xml().is_nil(tag) {
            r.xml().skip_element()?;
            *slot = Some(None);
            return Ok(());
        }
        *slot = Some(Some(T::read_xml(r, tag)?));
        Ok(())
    }

    fn finish(slot: Option<Option<T>>, _at: FieldRef) -> Result<Option<T>> {
        Ok(slot.flatten())
    }

    fn write(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()> {
        match self {
            Some(v) => v.write_xml(w, name),
            None => Ok(()),
        }
    }
}

/// A repeated element (`maxOccurs` > 1); nil occurrences are dropped unless `T` is [`Nillable`](super::Nillable).
impl<T: XmlType> Field for Vec<T> {
    type Slot = Vec<T>;
    const ELEMENTS: Option<&'static [XmlName]> = T::ELEMENTS;

    fn read_one<'a>(slot: &mut Vec<T>, r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<()> {
        if !T::NILLABLE && r.xml().is_nil(tag) {
            return r.xml().skip_element();
        }
        slot.push(T::read_xml(r, tag)?);
        Ok(())
    }

    fn finish(slot: Vec<T>, _at: FieldRef) -> Result<Vec<T>> {
        Ok(slot)
    }

    fn write(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()> {
        self.iter().try_for_each(|v| v.write_xml(w, name))
    }
}

/// For `#[xml(nillable)]` on an `Option<T>` field: `None` is written as `xsi:nil="true"` instead of being left out.
pub fn write_nil_if_none<T: XmlType>(
    v: &Option<T>,
    w: &mut XsdWriter<'_>,
    name: XmlName,
) -> Result<()> {
    match v {
        Some(v) => v.write_xml(w, name),
        None => w.nil_element(name.namespace, name.local),
    }
}

fn value_error(e: String) -> Error {
    Error::InvalidFormat(e)
}

/// A field held in a lexical value: an attribute, the text content, or the text of a list element.
pub trait ValueField: Sized {
    /// The accumulator while reading.
    type Slot: Default;

    /// Parses a value into the slot.
    fn parse_into(slot: &mut Self::Slot, text: &str, scope: &dyn NamespaceScope) -> Result<()>;
    /// The field once read; errors if a required one is missing.
    fn finish(slot: Self::Slot, at: FieldRef) -> Result<Self>;
    /// Formats the value; `false` if absent (nothing is written).
    fn format(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<bool>;
}

/// A required value.
impl<T: SimpleType> ValueField for T {
    type Slot = Option<T>;

    fn parse_into(slot: &mut Option<T>, text: &str, scope: &dyn NamespaceScope) -> Result<()> {
        if slot.is_some() {
            return Err(twice());
        }
        *slot = Some(T::parse_in(text, scope).map_err(value_error)?);
        Ok(())
    }

    fn finish(slot: Option<T>, at: FieldRef) -> Result<T> {
        slot.ok_or_else(|| at.missing())
    }

    fn format(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<bool> {
        self.format_in(out, scope).map(|()| true)
    }
}

/// An optional value (`use="optional"`).
impl<T: SimpleType> ValueField for Option<T> {
    type Slot = Option<T>;

    fn parse_into(slot: &mut Option<T>, text: &str, scope: &dyn NamespaceScope) -> Result<()> {
        <T as ValueField>::parse_into(slot, text, scope)
    }

    fn finish(slot: Option<T>, _at: FieldRef) -> Result<Option<T>> {
        Ok(slot)
    }

    fn format(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<bool> {
        match self {
            Some(v) => v.format_in(out, scope).map(|()| true),
            None => Ok(false),
        }
    }
}

/// An `xs:list` value; absent reads as empty, empty is not written.
impl<T: SimpleType> ValueField for Vec<T> {
    type Slot = Option<Vec<T>>;

    fn parse_into(slot: &mut Option<Vec<T>>, text: &str, scope: &dyn NamespaceScope) -> Result<()> {
        if slot.is_some() {
            return Err(twice());
        }
        *slot = Some(List::<T>::parse_in(text, scope).map_err(value_error)?.0);
        Ok(())
    }

    fn finish(slot: Option<Vec<T>>, _at: FieldRef) -> Result<Vec<T>> {
        Ok(slot.unwrap_or_default())
    }

    fn format(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<bool> {
        if self.is_empty() {
            return Ok(false);
        }
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            item.format_in(out, scope)?;
        }
        Ok(true)
    }
}

/// Reads an element whose text is a [`ValueField`] (`#[xml(list)]` elements).
pub fn read_value_element<'a, V: ValueField>(
    slot: &mut V::Slot,
    r: &mut XsdReader<'a>,
    tag: &StartTag<'a>,
) -> Result<()> {
    r.read_value(tag, |text, scope| V::parse_into(slot, text, scope))
}

/// Writes an element whose text is a [`ValueField`]; nothing if absent.
pub fn write_value_element<V: ValueField>(
    v: &V,
    w: &mut XsdWriter<'_>,
    name: XmlName,
) -> Result<()> {
    w.value_element(name.namespace, name.local, |out, scope| {
        v.format(out, scope)
    })
}

/// Writes the attributes of an `xs:anyAttribute` field.
pub fn write_any_attributes(attrs: &[XmlAttribute], w: &mut XsdWriter<'_>) -> Result<()> {
    attrs
        .iter()
        .try_for_each(|a| w.attribute(&a.name.namespace, &a.name.local, &a.value))
}
