//! The Rust model the schemas and WSDL are translated into, then emitted.

/// How often a field occurs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurs {
    One,
    Optional,
    Many,
}

/// A field's value type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A Rust path (`f64`, `String`, `::wws_core::xsd::Decimal`).
    Builtin(&'static str),
    /// A generated item, by index.
    Item(usize),
    /// Kept as raw XML.
    Raw,
    /// An `xs:list` of simple values.
    List(Box<Ty>),
}

/// What a struct field is in XML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Element,
    Attribute,
    Text,
    Any,
    AnyAttribute,
    Flatten,
}

/// A struct field.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub doc: String,
    pub kind: Kind,
    pub xml_name: String,
    /// The field's namespace (elements: `""` when unqualified).
    pub ns: String,
    pub ty: Ty,
    pub occurs: Occurs,
    pub nillable: bool,
}

/// A generated Rust item.
#[derive(Clone, Debug)]
pub enum Body {
    /// Not filled yet.
    Pending,
    /// A complex type or element: a struct.
    Struct {
        fields: Vec<Field>,
        /// The element name when this is a top-level element (a `BodyElement`).
        element: Option<String>,
    },
    /// An enumeration: `(variant, value)` pairs and the variant keeping unknown values.
    Enum {
        variants: Vec<(String, String)>,
        other: String,
    },
    /// A choice of elements: `(variant, element name, namespace, value type or unit)`.
    Choice {
        variants: Vec<(String, String, String, Option<Ty>)>,
    },
    /// A named simple type that is another type.
    Alias(Ty),
    /// A named complex type and the types derived from it (`xsi:type`):
    /// `(variant, item)`, the base first.
    Family { variants: Vec<(String, usize)> },
}

/// A generated item.
#[derive(Clone, Debug)]
pub struct Item {
    pub name: String,
    pub doc: String,
    /// The XSD namespace and name (type name, or element name with `element`).
    pub ns: String,
    pub xml_name: String,
    pub body: Body,
    /// Items made for anonymous types inside this one, emitted right after it.
    pub nested: Vec<usize>,
    /// Whether this is emitted at the top level (not nested in another).
    pub top: bool,
}
