//! The one generic writer: walks a [`TypeDesc`](super::TypeDesc) over a
//! value, declaring namespaces where first needed. Every step returns a
//! `Result`: a value that XML cannot carry is an error, never a silent change.

use bytes::BytesMut;

use super::desc::Access;
use super::raw::RawXml;
use super::simple::{PrefixScope, SimpleType};
use super::types::{ComplexType, XmlName, XmlType};
use crate::error::{Error, Result};

/// A namespace declaration in scope while writing.
#[derive(Debug)]
struct Binding {
    /// Empty for the default namespace.
    prefix: String,
    namespace: String,
    /// Depth of the element that declares it.
    depth: usize,
}

/// The writing side of the binding: appends XML to a buffer.
#[derive(Debug)]
pub struct XsdWriter<'o> {
    out: &'o mut BytesMut,
    bindings: Vec<Binding>,
    /// Byte ranges of the names of the open elements (their end tags copy them).
    open: Vec<(usize, usize)>,
    /// A start tag is not closed yet: attributes and declarations may still be added.
    tag_open: bool,
    /// The root element gets a prefix rather than a default namespace.
    root_prefixed: bool,
    next_prefix: usize,
    /// Reused for lexical forms.
    scratch: String,
    /// A value asked for a QName in no namespace while a default namespace
    /// was in scope: [`value_element`](Self::value_element) writes its
    /// element again with the default undeclared.
    needs_no_default: bool,
    /// Prefixes this writer must not make up: raw XML written earlier
    /// mentioned them (see [`clashed`](Self::clashed)).
    reserved: Vec<String>,
    /// Prefixes bound by this writer that a raw fragment mentions without
    /// declaring them itself: the fragment would read differently under
    /// them (a `p:x` in its text or values now resolving), so the value is
    /// written again with them reserved.
    clashed: Vec<String>,
}

fn well_known_prefix(namespace: &str) -> Option<&'static str> {
    match namespace {
        crate::ns::XSI => Some("xsi"),
        "http://www.w3.org/2001/XMLSchema" => Some("xs"),
        _ => None,
    }
}

/// Checks that `name` is an XML local name (an NCName: no colon, no
/// space, a letter or `_` first), so no value can break the markup.
fn check_name(name: &str) -> Result<()> {
    let ok = name.chars().enumerate().all(|(i, c)| match c {
        'a'..='z' | 'A'..='Z' | '_' => true,
        '0'..='9' | '-' | '.' => i > 0,
        '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}' => i > 0,
        '\u{C0}'..='\u{D6}'
        | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}' => true,
        _ => false,
    });
    if ok && !name.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidFormat(format!(
            "{name:?} is not an XML local name"
        )))
    }
}

impl<'o> XsdWriter<'o> {
    /// A writer appending to `out`, with no namespace in scope.
    pub fn new(out: &'o mut BytesMut) -> Self {
        XsdWriter {
            out,
            bindings: Vec::new(),
            open: Vec::new(),
            tag_open: false,
            root_prefixed: false,
            next_prefix: 0,
            scratch: String::new(),
            needs_no_default: false,
            reserved: Vec::new(),
            clashed: Vec::new(),
        }
    }

    /// Makes the root element use a prefix instead of a default namespace
    /// (for types with unqualified children, which then need no `xmlns=""`).
    pub fn prefix_root(&mut self, yes: bool) {
        self.root_prefixed = yes;
    }

    fn default_namespace(&self) -> &str {
        self.bindings
            .iter()
            .rev()
            .find(|b| b.prefix.is_empty())
            .map_or("", |b| b.namespace.as_str())
    }

    fn bound_prefix(&self, namespace: &str) -> Option<&str> {
        self.bindings.iter().enumerate().rev().find_map(|(i, b)| {
            let live = !b.prefix.is_empty()
                && b.namespace == namespace
                && !self
                    .bindings
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .any(|later| later.prefix == b.prefix);
            live.then_some(b.prefix.as_str())
        })
    }

    fn close_tag(&mut self) {
        if self.tag_open {
            self.out.extend_from_slice(b">");
            self.tag_open = false;
        }
    }

    fn push_attr_value(&mut self, value: &str) -> Result<()> {
        self.out.extend_from_slice(b"=\"");
        crate::xml::write_attr_value(self.out, value)?;
        self.out.extend_from_slice(b"\"");
        Ok(())
    }

    /// A prefix not bound yet, well-known for `xsi` and `xs`.
    fn fresh_prefix(&mut self, namespace: &str) -> String {
        let free = |w: &Self, p: &str| {
            !w.bindings.iter().any(|b| b.prefix == p) && !w.reserved.iter().any(|r| r == p)
        };
        let known = well_known_prefix(namespace).filter(|p| free(self, p));
        if let Some(p) = known {
            return p.to_owned();
        }
        loop {
            let p = format!("ns{}", self.next_prefix);
            self.next_prefix += 1;
            if free(self, &p) {
                return p;
            }
        }
    }

    /// Writes a declaration on the open start tag and brings it into scope.
    fn push_declaration(&mut self, prefix: String, namespace: &str) -> Result<()> {
        if prefix.is_empty() {
            self.out.extend_from_slice(b" xmlns");
        } else {
            self.out.extend_from_slice(b" xmlns:");
            self.out.extend_from_slice(prefix.as_bytes());
        }
        self.push_attr_value(namespace)?;
        self.bindings.push(Binding {
            prefix,
            namespace: namespace.to_owned(),
            depth: self.open.len(),
        });
        Ok(())
    }

    /// Declares a fresh prefix for `namespace` on the open start tag.
    fn declare(&mut self, namespace: &str) -> Result<String> {
        if !self.tag_open {
            return Err(Error::InvalidFormat(format!(
                "no start tag open to declare namespace {namespace:?} on"
            )));
        }
        let prefix = self.fresh_prefix(namespace);
        self.push_declaration(prefix.clone(), namespace)?;
        Ok(prefix)
    }

    /// Opens element `{namespace}local`; attributes may follow until content is written.
    pub fn start_element(&mut self, namespace: &str, local: &str) -> Result<()> {
        check_name(local)?;
        self.close_tag();
        let (prefix, declare) = if namespace == self.default_namespace() {
            (String::new(), false)
        } else if let Some(p) = self.bound_prefix(namespace) {
            (p.to_owned(), false)
        } else if namespace.is_empty() || (self.open.is_empty() && !self.root_prefixed) {
            (String::new(), true)
        } else {
            (self.fresh_prefix(namespace), true)
        };
        self.open_tag(&prefix, local);
        if declare {
            self.push_declaration(prefix, namespace)?;
        }
        Ok(())
    }

    /// Writes `<prefix:local` (or `<local`) and opens the element.
    fn open_tag(&mut self, prefix: &str, local: &str) {
        self.out.extend_from_slice(b"<");
        let start = self.out.len();
        if !prefix.is_empty() {
            self.out.extend_from_slice(prefix.as_bytes());
            self.out.extend_from_slice(b":");
        }
        self.out.extend_from_slice(local.as_bytes());
        self.open.push((start, self.out.len() - start));
        self.tag_open = true;
    }

    /// A prefix for an attribute in `namespace` on the open start tag (`""` for no namespace).
    fn attribute_prefix(&mut self, namespace: &str) -> Result<String> {
        if namespace.is_empty() {
            return Ok(String::new());
        }
        if namespace == crate::ns::XML {
            return Ok("xml".to_owned());
        }
        match self.bound_prefix(namespace) {
            Some(p) => Ok(p.to_owned()),
            None => self.declare(namespace),
        }
    }

    /// Adds attribute `{namespace}local` to the open start tag.
    pub fn attribute(&mut self, namespace: &str, local: &str, value: &str) -> Result<()> {
        if !self.tag_open {
            return Err(Error::InvalidFormat(format!(
                "attribute {local} written outside a start tag"
            )));
        }
        check_name(local)?;
        if namespace.is_empty() && local == "xmlns" {
            return Err(Error::invalid_format("xmlns is no attribute name"));
        }
        let prefix = self.attribute_prefix(namespace)?;
        self.out.extend_from_slice(b" ");
        if !prefix.is_empty() {
            self.out.extend_from_slice(prefix.as_bytes());
            self.out.extend_from_slice(b":");
        }
        self.out.extend_from_slice(local.as_bytes());
        self.push_attr_value(value)
    }

    /// Adds `xsi:type` naming `{namespace}local` to the open start tag.
    pub fn xsi_type(&mut self, namespace: &str, local: &str) -> Result<()> {
        let mut value = String::new();
        crate::message::QName::new(namespace, local).format_in(&mut value, self)?;
        self.attribute(crate::ns::XSI, "type", &value)
    }

    /// Appends character data (escaped), closing the start tag.
    pub fn text(&mut self, text: &str) -> Result<()> {
        self.close_tag();
        crate::xml::write_text(self.out, text)
    }

    /// Appends a raw element, closing the start tag.
    pub fn raw(&mut self, xml: &RawXml) -> Result<()> {
        self.close_tag();
        for b in &self.bindings {
            if !b.prefix.is_empty()
                && !self.clashed.contains(&b.prefix)
                && xml.relies_on_prefix(&b.prefix)
            {
                self.clashed.push(b.prefix.clone());
            }
        }
        match xml.pieces(self.default_namespace()) {
            (all, None) => self.out.extend_from_slice(all),
            (head, Some(tail)) => {
                self.out.extend_from_slice(head);
                self.out.extend_from_slice(b" xmlns=\"\"");
                self.out.extend_from_slice(tail);
            }
        }
        Ok(())
    }

    /// Closes the innermost open element.
    pub fn end_element(&mut self) -> Result<()> {
        let (start, len) = self
            .open
            .pop()
            .ok_or_else(|| Error::invalid_format("end of an element that was not started"))?;
        self.close_tag();
        self.out.extend_from_slice(b"</");
        self.out.extend_from_within(start..start + len);
        self.out.extend_from_slice(b">");
        let depth = self.open.len() + 1;
        while self.bindings.last().is_some_and(|b| b.depth >= depth) {
            self.bindings.pop();
        }
        Ok(())
    }

    /// Writes `<name xsi:nil="true"></name>`.
    pub fn nil_element(&mut self, namespace: &str, local: &str) -> Result<()> {
        self.start_element(namespace, local)?;
        self.attribute(crate::ns::XSI, "nil", "true")?;
        self.end_element()
    }

    /// Writes an element whose text is formatted by `f` (which returns `false` when there is nothing to write).
    pub fn value_element(
        &mut self,
        namespace: &str,
        local: &str,
        mut f: impl FnMut(&mut String, &mut dyn PrefixScope) -> Result<bool>,
    ) -> Result<()> {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        // The parent's start tag is closed first, so taking this element back leaves it closed.
        self.close_tag();
        let depth = self.open.len();
        let mark = self.out.len();
        let next_prefix = self.next_prefix;
        self.start_element(namespace, local)?;
        self.needs_no_default = false;
        let mut result = f(&mut text, self);
        if result.is_err() && self.needs_no_default {
            // A QName in no namespace under a default namespace (XSD resolves
            // unprefixed QNames with the default): write the element again,
            // prefixed, with the default namespace undeclared on it.
            self.needs_no_default = false;
            self.take_back(mark, depth, next_prefix);
            text.clear();
            self.start_element_without_default(namespace, local)?;
            result = f(&mut text, self);
        }
        let result = match result {
            Ok(true) => self.text(&text).and_then(|()| self.end_element()),
            Ok(false) => {
                // Nothing to write: take the start tag back.
                self.take_back(mark, depth, self.next_prefix);
                Ok(())
            }
            Err(e) => Err(e),
        };
        self.scratch = text;
        result
    }

    /// Takes back a start tag written at `mark` at depth `depth`, with its declarations.
    fn take_back(&mut self, mark: usize, depth: usize, next_prefix: usize) {
        self.out.truncate(mark);
        self.open.truncate(depth);
        self.tag_open = false;
        while self.bindings.last().is_some_and(|b| b.depth > depth) {
            self.bindings.pop();
        }
        self.next_prefix = next_prefix;
    }

    /// Starts element `{namespace}local` under a prefix (never as the
    /// default namespace) and undeclares the default namespace on it.
    fn start_element_without_default(&mut self, namespace: &str, local: &str) -> Result<()> {
        check_name(local)?;
        self.close_tag();
        let (prefix, declare) = match self.bound_prefix(namespace) {
            Some(p) if !namespace.is_empty() => (p.to_owned(), false),
            _ if namespace.is_empty() => (String::new(), false),
            _ => (self.fresh_prefix(namespace), true),
        };
        self.open_tag(&prefix, local);
        if declare {
            self.push_declaration(prefix, namespace)?;
        }
        self.push_declaration(String::new(), "")
    }

    /// Writes a simple value as element `{namespace}local`.
    pub fn simple_element<T: SimpleType>(
        &mut self,
        namespace: &str,
        local: &str,
        v: &T,
    ) -> Result<()> {
        self.value_element(namespace, local, |out, scope| {
            v.format_in(out, scope).map(|()| true)
        })
    }

    /// Formats a value with the open start tag as its prefix scope; `None` if absent.
    fn format_value(
        &mut self,
        f: impl FnOnce(&mut String, &mut dyn PrefixScope) -> Result<bool>,
    ) -> Result<Option<String>> {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        let present = f(&mut text, self)?;
        Ok(present.then_some(text))
    }
}

impl PrefixScope for XsdWriter<'_> {
    fn prefix_for(&mut self, namespace: &str) -> Result<String> {
        if namespace == self.default_namespace() {
            return Ok(String::new());
        }
        if let Some(p) = self.bound_prefix(namespace) {
            return Ok(p.to_owned());
        }
        if namespace.is_empty() {
            // An element value is written again without the default namespace.
            self.needs_no_default = true;
            return Err(Error::invalid_format(
                "a QName without namespace cannot be written under a default namespace",
            ));
        }
        self.declare(namespace)
    }
}

/// Writes a complex type as element `name`; `xsi_type` adds `xsi:type` naming `T` (a derived type written where its base is expected).
pub fn write_complex<T: ComplexType>(
    v: &T,
    w: &mut XsdWriter<'_>,
    name: XmlName,
    xsi_type: bool,
) -> Result<()> {
    w.start_element(name.namespace, name.local)?;
    if xsi_type {
        w.xsi_type(T::DESC.namespace, T::DESC.name)?;
    }
    write_attributes(v, w)?;
    declare_child_namespaces::<T>(w)?;
    write_content(v, w)?;
    w.end_element()
}

/// Declares on the open start tag the namespaces of `T`'s child elements
/// not yet in scope, so that children and their descendants share one
/// declaration instead of one each.
fn declare_child_namespaces<T: ComplexType>(w: &mut XsdWriter<'_>) -> Result<()> {
    for f in T::DESC.fields {
        let names = match &f.access {
            Access::Element {
                choice: Some(names),
                ..
            } => names,
            Access::Element { .. } => std::slice::from_ref(&f.name),
            _ => continue,
        };
        for n in names {
            if !n.namespace.is_empty()
                && n.namespace != w.default_namespace()
                && w.bound_prefix(n.namespace).is_none()
            {
                w.declare(n.namespace)?;
            }
        }
    }
    Ok(())
}

/// Writes the attributes of `v` (a flattened base's first) on the open start tag.
pub fn write_attributes<T: ComplexType>(v: &T, w: &mut XsdWriter<'_>) -> Result<()> {
    for f in T::DESC.fields {
        match &f.access {
            Access::Attribute { write, .. } => {
                if let Some(value) = w.format_value(|out, scope| write(v, out, scope))? {
                    let result = w.attribute(f.name.namespace, f.name.local, &value);
                    w.scratch = value;
                    result?;
                }
            }
            Access::AnyAttribute { write, .. } => write(v, w)?,
            Access::Flatten {
                write_attributes, ..
            } => write_attributes(v, w)?,
            _ => {}
        }
    }
    Ok(())
}

/// Writes the content of `v`: text, or child elements in field order.
pub fn write_content<T: ComplexType>(v: &T, w: &mut XsdWriter<'_>) -> Result<()> {
    for f in T::DESC.fields {
        match &f.access {
            Access::Element { write, .. } | Access::Any { write, .. } => write(v, w, f.name)?,
            Access::Text { write, .. } => {
                if let Some(text) = w.format_value(|out, scope| write(v, out, scope))? {
                    let result = w.text(&text);
                    w.scratch = text;
                    result?;
                }
            }
            Access::Flatten { write_content, .. } => write_content(v, w)?,
            _ => {}
        }
    }
    Ok(())
}

/// Writes `value` as element `{namespace}name` into `out` (the root declares its namespace).
pub fn write_element<T: XmlType>(
    value: &T,
    out: &mut BytesMut,
    namespace: &'static str,
    name: &'static str,
) -> Result<()> {
    let mark = out.len();
    let mut reserved: Vec<String> = Vec::new();
    // Each pass reserves the prefixes raw XML clashed with in the one before;
    // a fragment names finitely many, so this ends (bounded all the same).
    for _ in 0..MAX_PASSES {
        let mut w = XsdWriter::new(out);
        w.prefix_root(T::UNQUALIFIED_CHILDREN);
        w.reserved = reserved.clone();
        let result = value.write_xml(&mut w, XmlName::new(namespace, name));
        let clashed = std::mem::take(&mut w.clashed);
        if result.is_err() || !clashed.is_empty() {
            // No half-written element is left behind.
            out.truncate(mark);
        }
        if result.is_err() || clashed.is_empty() {
            return result;
        }
        reserved.extend(clashed);
    }
    Err(Error::InvalidFormat(format!(
        "raw XML in {name} mentions too many of the prefixes the writer would use"
    )))
}

/// Passes of [`write_element`] before raw XML that keeps clashing with the
/// writer's prefixes is an error.
const MAX_PASSES: usize = 32;
