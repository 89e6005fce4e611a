//! `xsi:nil`: [`Nillable`] tells a nil element from a value (and, inside
//! `Option`, from an absent one).

use super::read::XsdReader;
use super::types::{XmlName, XmlType};
use super::write::XsdWriter;
use crate::error::Result;
use crate::xml::StartTag;

/// A value of a `nillable="true"` element: `Nil` is `xsi:nil="true"`.
/// `Option<Nillable<T>>` tells absent (`None`), nil and a value apart.
///
/// ```
/// # use wws_core::xsd::Nillable;
/// let v: Nillable<i32> = Nillable::Value(3);
/// assert_eq!(v.into_option(), Some(3));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Nillable<T> {
    /// `xsi:nil="true"`.
    #[default]
    Nil,
    /// A value.
    Value(T),
}

impl<T> Nillable<T> {
    /// The value, `None` for nil.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }

    /// The value by reference, `None` for nil.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nillable::Nil => None,
            Nillable::Value(v) => Some(v),
        }
    }

    /// True for nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }
}

impl<T> From<Option<T>> for Nillable<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Nillable::Nil, Nillable::Value)
    }
}

impl<T: XmlType> XmlType for Nillable<T> {
    const ELEMENTS: Option<&'static [XmlName]> = T::ELEMENTS;
    const NILLABLE: bool = true;
    const UNQUALIFIED_CHILDREN: bool = T::UNQUALIFIED_CHILDREN;

    fn read_xml<'a>(r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<Self> {
        if r.xml().is_nil(tag) {
            r.xml().skip_element()?;
            return Ok(Nillable::Nil);
        }
        T::read_xml(r, tag).map(Nillable::Value)
    }

    fn write_xml(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()> {
        match self {
            Nillable::Nil => w.nil_element(name.namespace, name.local),
            Nillable::Value(v) => v.write_xml(w, name),
        }
    }
}
