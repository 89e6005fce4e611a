//! XSD → the Rust model: complex types become structs, enumerations enums,
//! choices choice enums, other simple types aliases; what cannot be mapped
//! becomes raw XML and a warning.

use std::collections::{BTreeMap, BTreeSet};

use crate::Warnings;
use crate::dom::{Node, XML, XS};
use crate::load::{Index, QName, SchemaCtx};
use crate::model::{Body, Field, Item, Kind, Occurs, Ty};
use crate::names::{Scope, pascal, snake};

/// Namespace of SOAP 1.1 encoding (rpc/encoded contracts).
const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
/// Nesting deeper than this (groups in groups, bases of bases) is refused.
const MAX_DEPTH: usize = 48;

/// Names reserved in the generated module: the prelude, and the op module.
const RESERVED: &[&str] = &[
    "String",
    "Option",
    "Vec",
    "Result",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Send",
    "Sync",
    "Sized",
    "Copy",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "Iterator",
    "From",
    "Into",
    "ToString",
    "ToOwned",
    "AsRef",
    "Unpin",
    "op",
    "XmlType",
    "BodyElement",
];

/// The translation's state.
pub struct Gen<'a> {
    pub ix: &'a Index<'a>,
    pub items: Vec<Item>,
    pub scope: Scope,
    complex: BTreeMap<QName, usize>,
    simple: BTreeMap<QName, usize>,
    elements: BTreeMap<QName, usize>,
    /// Items that are structs (complex types, elements), known before they are translated.
    structs: std::collections::BTreeSet<usize>,
    /// Substitution groups: head element → the elements naming it as their
    /// `substitutionGroup` directly.
    substitutes: BTreeMap<QName, Vec<QName>>,
    /// The choice item made for each substitution group head used.
    groups: BTreeMap<QName, usize>,
    pub warn: &'a mut Warnings,
}

fn occurs_of(n: &Node) -> Occurs {
    let max = n.attr("maxOccurs").unwrap_or("1").trim();
    let min = n.attr("minOccurs").unwrap_or("1").trim();
    if max == "unbounded" || max.parse::<u64>().is_ok_and(|m| m > 1) {
        Occurs::Many
    } else if min == "0" {
        Occurs::Optional
    } else {
        Occurs::One
    }
}

fn combine(outer: Occurs, inner: Occurs) -> Occurs {
    use Occurs::*;
    match (outer, inner) {
        (Many, _) | (_, Many) => Many,
        (Optional, _) | (_, Optional) => Optional,
        _ => One,
    }
}

/// The Rust type of a built-in XSD (or SOAP-encoding) simple type.
pub fn builtin(local: &str) -> Option<Ty> {
    let p = match local {
        "string" | "normalizedString" => "String",
        "token" | "language" | "Name" | "NCName" | "NMTOKEN" | "ID" | "IDREF" | "ENTITY" => {
            "::wws_core::xsd::Token"
        }
        "NMTOKENS" | "IDREFS" | "ENTITIES" => {
            return Some(Ty::List(Box::new(Ty::Builtin("::wws_core::xsd::Token"))));
        }
        "anyURI" => "::wws_core::xsd::AnyUri",
        "boolean" => "bool",
        "decimal" => "::wws_core::xsd::Decimal",
        "integer" | "nonNegativeInteger" | "positiveInteger" | "nonPositiveInteger"
        | "negativeInteger" => "::wws_core::xsd::Integer",
        "long" => "i64",
        "int" => "i32",
        "short" => "i16",
        "byte" => "i8",
        "unsignedLong" => "u64",
        "unsignedInt" => "u32",
        "unsignedShort" => "u16",
        "unsignedByte" => "u8",
        "double" => "f64",
        "float" => "f32",
        "dateTime" => "::wws_core::xsd::DateTime",
        "date" => "::wws_core::xsd::Date",
        "time" => "::wws_core::xsd::Time",
        "duration" => "::wws_core::xsd::Duration",
        "base64Binary" => "::wws_core::xsd::Base64Binary",
        "hexBinary" => "::wws_core::xsd::HexBinary",
        "QName" => "::wws_core::QName",
        // Not in the binding (gYear, gMonth, …, NOTATION): their text, as it is.
        "anySimpleType" | "gYear" | "gYearMonth" | "gMonth" | "gMonthDay" | "gDay" | "NOTATION"
        | "dateTimeStamp" | "dayTimeDuration" | "yearMonthDuration" => "String",
        _ => return None,
    };
    Some(Ty::Builtin(p))
}

fn is_stringy(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::Builtin("String" | "::wws_core::xsd::Token" | "::wws_core::xsd::AnyUri")
    )
}

impl<'a> Gen<'a> {
    /// Names every top-level definition, then translates each.
    pub fn new(ix: &'a Index<'a>, warn: &'a mut Warnings) -> Self {
        let mut g = Gen {
            ix,
            items: Vec::new(),
            scope: Scope::with(RESERVED),
            complex: BTreeMap::new(),
            simple: BTreeMap::new(),
            elements: BTreeMap::new(),
            structs: Default::default(),
            substitutes: BTreeMap::new(),
            groups: BTreeMap::new(),
            warn,
        };
        for (q, def) in &ix.elements {
            if let Some(head) = def
                .node
                .attr("substitutionGroup")
                .and_then(|h| def.node.qname(h))
                && head != *q
            {
                g.substitutes.entry(head).or_default().push(q.clone());
            }
        }
        for (kind, q) in &ix.order {
            match *kind {
                "complex" => {
                    let i = g.alloc(&q.1, "Type", &q.0, &q.1, true);
                    g.complex.insert(q.clone(), i);
                    g.structs.insert(i);
                }
                "simple" => {
                    let i = g.alloc(&q.1, "Type", &q.0, &q.1, true);
                    g.simple.insert(q.clone(), i);
                }
                _ => {
                    let Some(def) = ix.elements.get(q) else {
                        continue;
                    };
                    if def.node.attr("type").is_none()
                        && def.node.first(XS, "complexType").is_some()
                    {
                        let i = g.alloc(&q.1, "Element", &q.0, &q.1, true);
                        g.elements.insert(q.clone(), i);
                        g.structs.insert(i);
                    }
                }
            }
        }
        g
    }

    /// Translates every top-level definition named by [`new`](Self::new).
    pub fn translate(&mut self) {
        let ix = self.ix;
        for (q, &i) in self.complex.clone().iter() {
            if let Some(def) = ix.complex.get(q) {
                let doc = def.node.documentation();
                let fields = self.complex_fields(def.node, def.ctx, i, 0);
                let item = &mut self.items[i];
                item.doc = doc;
                item.body = Body::Struct {
                    fields,
                    element: None,
                };
            }
        }
        for (q, &i) in self.simple.clone().iter() {
            if let Some(def) = ix.simple.get(q) {
                self.items[i].doc = def.node.documentation();
                let body = self.simple_body(def.node, &q.1, 0);
                self.items[i].body = body;
            }
        }
        for (q, &i) in self.elements.clone().iter() {
            if let Some(def) = ix.elements.get(q) {
                let mut doc = def.node.documentation();
                let mut fields = Vec::new();
                if let Some(ct) = def.node.first(XS, "complexType") {
                    if doc.is_empty() {
                        doc = ct.documentation();
                    }
                    fields = self.complex_fields(ct, def.ctx, i, 0);
                }
                let item = &mut self.items[i];
                item.doc = doc;
                item.body = Body::Struct {
                    fields,
                    element: Some(q.1.clone()),
                };
            }
        }
    }

    /// `xsi:type` polymorphism: each named complex type that other named
    /// types extend (`complexContent/extension`, at any depth) gets a
    /// family enum (`{Base}Family`: the base first, then every derived type
    /// in schema order), and the element fields and choice alternatives
    /// declared with the base type hold the family, so a derived value sent
    /// in the base's place keeps its own content. The bases' own derived
    /// structs keep flattening the base itself, and body elements keep
    /// their declared type.
    pub fn polymorphism(&mut self) {
        let named: BTreeSet<usize> = self.complex.values().copied().collect();
        let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &i in &named {
            if let Body::Struct {
                fields,
                element: None,
            } = &self.items[i].body
                && let Some(Field {
                    kind: Kind::Flatten,
                    ty: Ty::Item(b),
                    ..
                }) = fields.first()
                && named.contains(b)
                && *b != i
            {
                children.entry(*b).or_default().push(i);
            }
        }
        let mut family = BTreeMap::new();
        for &base in children.keys() {
            // Every type derived from `base`, depth first in schema order (a
            // cycle of extensions, which XSD forbids, is cut by `seen`).
            let mut seen = BTreeSet::from([base]);
            let mut order = Vec::new();
            let mut stack: Vec<usize> = children[&base].iter().rev().copied().collect();
            while let Some(d) = stack.pop() {
                if !seen.insert(d) {
                    continue;
                }
                order.push(d);
                if let Some(c) = children.get(&d) {
                    stack.extend(c.iter().rev().copied());
                }
            }
            let (ns, xml_name, name) = {
                let b = &self.items[base];
                (b.ns.clone(), b.xml_name.clone(), b.name.clone())
            };
            let f = self.alloc(&format!("{name}Family"), "", &ns, &xml_name, true);
            let variants = std::iter::once(base)
                .chain(order)
                .map(|i| (self.items[i].name.clone(), i))
                .collect();
            self.items[f].doc = format!(
                "`{name}` or a type derived from it, told apart by `xsi:type` \
                 (a type this contract does not define reads as `{name}`)."
            );
            self.items[f].body = Body::Family { variants };
            family.insert(base, f);
        }
        let retarget = |ty: &mut Ty| {
            if let Ty::Item(i) = ty
                && let Some(&f) = family.get(i)
            {
                *ty = Ty::Item(f);
            }
        };
        for item in &mut self.items {
            match &mut item.body {
                Body::Struct { fields, .. } => fields
                    .iter_mut()
                    .filter(|f| f.kind == Kind::Element)
                    .for_each(|f| retarget(&mut f.ty)),
                Body::Choice { variants } => variants
                    .iter_mut()
                    .filter_map(|v| v.3.as_mut())
                    .for_each(retarget),
                _ => {}
            }
        }
    }

    fn alloc(&mut self, xml: &str, suffix: &str, ns: &str, xml_name: &str, top: bool) -> usize {
        let base = pascal(xml);
        let name = if self.scope.taken(&base) {
            self.scope.unique(&format!("{base}{suffix}"))
        } else {
            self.scope.unique(&base)
        };
        self.items.push(Item {
            name,
            doc: String::new(),
            ns: ns.to_owned(),
            xml_name: xml_name.to_owned(),
            body: Body::Pending,
            nested: Vec::new(),
            top,
        });
        self.items.len() - 1
    }

    /// A new item for an anonymous type inside `owner`.
    fn nested(&mut self, owner: usize, part: &str, suffix: &str, ns: &str) -> usize {
        let hint = format!("{}_{}", self.items[owner].name, pascal(part));
        let i = self.alloc(&hint, suffix, ns, "", false);
        self.items[owner].nested.push(i);
        i
    }

    /// The item of a top-level element used as a message part: a
    /// `BodyElement` struct (its anonymous type, or a wrapper of its named type).
    pub fn element_item(&mut self, q: &QName) -> Option<usize> {
        if let Some(&i) = self.elements.get(q) {
            return Some(i);
        }
        let def = *self.ix.elements.get(q)?;
        let i = self.alloc(&q.1, "Element", &q.0, &q.1, true);
        self.elements.insert(q.clone(), i);
        self.structs.insert(i);
        let (ty, kind) = match def.node.attr("type").and_then(|t| def.node.qname(t)) {
            Some(tq) => {
                let ty = self.type_ref(&tq, &q.1);
                let kind = if self.is_struct(&ty) {
                    Kind::Flatten
                } else {
                    Kind::Text
                };
                (ty, kind)
            }
            None => match def.node.first(XS, "simpleType") {
                Some(st) => (self.simple_ty(st, i, "value", 0), Kind::Text),
                None => (Ty::Raw, Kind::Any),
            },
        };
        let ty = if kind == Kind::Text {
            self.simple_only(ty)
        } else {
            ty
        };
        let (name, occurs) = match kind {
            Kind::Flatten => ("value", Occurs::One),
            Kind::Text => ("value", Occurs::One),
            _ => ("any", Occurs::Many),
        };
        let field = Field {
            name: name.to_owned(),
            doc: format!("The content of element `{}`.", q.1),
            kind,
            xml_name: name.to_owned(),
            ns: String::new(),
            ty,
            occurs,
            nillable: false,
        };
        let item = &mut self.items[i];
        item.doc = def.node.documentation();
        item.body = Body::Struct {
            fields: vec![field],
            element: Some(q.1.clone()),
        };
        Some(i)
    }

    /// A struct for an rpc/literal wrapper element with `parts` as its unqualified children.
    pub fn rpc_item(&mut self, ns: &str, name: &str, parts: &[&Node]) -> usize {
        let i = self.alloc(name, "Rpc", ns, name, true);
        let mut fields = Vec::new();
        for p in parts {
            let pname = p.attr("name").unwrap_or("part");
            let (ty, ns, xml_name, nillable) = if let Some(el) = p.attr("element") {
                let q = p.qname(el).unwrap_or_default();
                let (ty, nil) = self.top_element_ty(&q, i);
                (ty, q.0.clone(), q.1.clone(), nil)
            } else if let Some(t) = p.attr("type").and_then(|t| p.qname(t)) {
                (
                    self.type_ref(&t, pname),
                    String::new(),
                    pname.to_owned(),
                    false,
                )
            } else {
                (Ty::Raw, String::new(), pname.to_owned(), false)
            };
            fields.push(Field {
                name: String::new(),
                doc: p.documentation(),
                kind: Kind::Element,
                xml_name,
                ns,
                ty,
                occurs: Occurs::One,
                nillable,
            });
        }
        let fields = self.finish(i, fields);
        let item = &mut self.items[i];
        item.doc = format!("The rpc/literal wrapper element `{name}`.");
        item.body = Body::Struct {
            fields,
            element: Some(name.to_owned()),
        };
        i
    }

    fn is_struct(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Raw => true,
            Ty::Item(i) => match &self.items[*i].body {
                Body::Struct { .. } | Body::Choice { .. } | Body::Family { .. } => true,
                Body::Enum { .. } => false,
                Body::Alias(t) => self.is_struct(t),
                Body::Pending => self.structs.contains(i),
            },
            _ => false,
        }
    }

    /// `ty` where a simple type is needed (attributes, text): a complex type becomes its text, `String`.
    fn simple_only(&self, ty: Ty) -> Ty {
        if self.is_struct(&ty) {
            Ty::Builtin("String")
        } else {
            ty
        }
    }

    /// The type a named type reference maps to.
    fn type_ref(&mut self, q: &QName, context: &str) -> Ty {
        if q.0 == XS || q.0 == SOAP_ENC {
            if q.1 == "anyType" {
                return Ty::Raw;
            }
            if let Some(t) = builtin(&q.1) {
                return t;
            }
            if q.0 == SOAP_ENC {
                self.warn.push(format!(
                    "{context}: SOAP-encoded type soapenc:{} maps to raw XML",
                    q.1
                ));
                return Ty::Raw;
            }
            self.warn.push(format!(
                "{context}: unknown XSD type xs:{} maps to String",
                q.1
            ));
            return Ty::Builtin("String");
        }
        if let Some(&i) = self.complex.get(q) {
            return Ty::Item(i);
        }
        if let Some(&i) = self.simple.get(q) {
            return Ty::Item(i);
        }
        self.warn.push(format!(
            "type {{{}}}{} is not defined in any schema read (remote or missing import); it maps to raw XML",
            q.0, q.1
        ));
        Ty::Raw
    }

    /// For a reference to `head` when other elements name it as their
    /// `substitutionGroup` (at any depth): a choice of the head (unless
    /// abstract) and every member, one variant each, made once per head.
    fn substitution_group(&mut self, head: &QName, owner: usize) -> Option<usize> {
        if let Some(&i) = self.groups.get(head) {
            return Some(i);
        }
        // Members depth first, in name order; `seen` cuts a cycle (which XSD forbids).
        let mut members = Vec::new();
        let mut seen = BTreeSet::from([head.clone()]);
        let mut stack: Vec<QName> = self.substitutes.get(head)?.iter().rev().cloned().collect();
        while let Some(m) = stack.pop() {
            if !seen.insert(m.clone()) {
                continue;
            }
            if let Some(next) = self.substitutes.get(&m) {
                stack.extend(next.iter().rev().cloned());
            }
            members.push(m);
        }
        let abstract_head = self
            .ix
            .elements
            .get(head)
            .is_some_and(|d| d.node.attr("abstract") == Some("true"));
        let i = self.alloc(&format!("{}Group", head.1), "", &head.0, "", true);
        self.groups.insert(head.clone(), i);
        self.items[i].doc = format!(
            "Element `{}` or an element of its substitution group, told apart by name.",
            head.1
        );
        let mut scope = Scope::with(&[]);
        let mut variants = Vec::new();
        let all = std::iter::once(head.clone())
            .filter(|_| !abstract_head)
            .chain(members);
        for m in all {
            if self
                .ix
                .elements
                .get(&m)
                .is_some_and(|d| d.node.attr("abstract") == Some("true"))
            {
                continue;
            }
            let (ty, _) = self.top_element_ty(&m, owner);
            variants.push((
                scope.unique(&pascal(&m.1)),
                m.1.clone(),
                m.0.clone(),
                Some(ty),
            ));
        }
        self.items[i].body = if variants.is_empty() {
            // Every element of the group is abstract: nothing can stand there.
            Body::Alias(Ty::Raw)
        } else {
            Body::Choice { variants }
        };
        Some(i)
    }

    /// The value type of a top-level element, and whether it is nillable.
    fn top_element_ty(&mut self, q: &QName, owner: usize) -> (Ty, bool) {
        let Some(def) = self.ix.elements.get(q).copied() else {
            self.warn.push(format!(
                "element {{{}}}{} is not declared in any schema read (remote or missing import); it maps to raw XML",
                q.0, q.1
            ));
            return (Ty::Raw, false);
        };
        let nil = def.node.attr("nillable") == Some("true");
        if let Some(t) = def.node.attr("type").and_then(|t| def.node.qname(t)) {
            return (self.type_ref(&t, &q.1), nil);
        }
        if let Some(&i) = self.elements.get(q) {
            return (Ty::Item(i), nil);
        }
        if let Some(st) = def.node.first(XS, "simpleType") {
            return (self.simple_ty(st, owner, &q.1, 0), nil);
        }
        (Ty::Raw, nil)
    }

    /// The fields of a complex type's content.
    fn complex_fields(
        &mut self,
        ct: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        depth: usize,
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        if depth > MAX_DEPTH {
            self.warn.push(format!(
                "{}: types nested too deep; the rest maps to raw XML",
                self.items[owner].name
            ));
            fields.push(any_field());
            return fields;
        }
        if ct.attr("mixed") == Some("true") {
            self.warn.push(format!(
                "{}: mixed content is not supported; its text is not kept",
                self.items[owner].name
            ));
        }
        if let Some(sc) = ct.first(XS, "simpleContent") {
            let der = sc
                .first(XS, "extension")
                .or_else(|| sc.first(XS, "restriction"));
            if let Some(der) = der {
                let base = der.attr("base").and_then(|b| der.qname(b));
                let base_ct = base.as_ref().and_then(|b| self.ix.complex.get(b).copied());
                match (base_ct, base) {
                    (Some(b), _) => {
                        // A complex base with simple content: its text and attributes, inlined.
                        fields.extend(self.complex_fields(b.node, b.ctx, owner, depth + 1));
                    }
                    (None, Some(b)) => {
                        let name = self.items[owner].name.clone();
                        let ty = self.type_ref(&b, &name);
                        let ty = self.simple_only(ty);
                        fields.push(text_field(ty));
                    }
                    (None, None) => {
                        let ty = match der.first(XS, "simpleType") {
                            Some(st) => self.simple_ty(st, owner, "value", depth + 1),
                            None => Ty::Builtin("String"),
                        };
                        fields.push(text_field(ty));
                    }
                }
                self.attributes(der, ctx, owner, &mut fields, depth);
            }
        } else if let Some(cc) = ct.first(XS, "complexContent") {
            if cc.attr("mixed") == Some("true") {
                self.warn.push(format!(
                    "{}: mixed content is not supported; its text is not kept",
                    self.items[owner].name
                ));
            }
            if let Some(ext) = cc.first(XS, "extension") {
                let base = ext.attr("base").and_then(|b| ext.qname(b));
                match base {
                    Some(b) if b.0 == XS && b.1 == "anyType" => {}
                    Some(b) => match self.complex.get(&b) {
                        Some(&bi) => fields.push(Field {
                            name: "base".to_owned(),
                            doc: format!("The base type `{}`'s content.", b.1),
                            kind: Kind::Flatten,
                            xml_name: "base".to_owned(),
                            ns: String::new(),
                            ty: Ty::Item(bi),
                            occurs: Occurs::One,
                            nillable: false,
                        }),
                        None => {
                            self.warn.push(format!(
                                "{}: base type {{{}}}{} is not defined in any schema read; its content is kept as raw XML",
                                self.items[owner].name, b.0, b.1
                            ));
                            fields.push(any_field());
                        }
                    },
                    None => {}
                }
                self.particles(ext, ctx, owner, Occurs::One, &mut fields, depth);
                self.attributes(ext, ctx, owner, &mut fields, depth);
            } else if let Some(res) = cc.first(XS, "restriction") {
                let base = res.attr("base").and_then(|b| res.qname(b));
                if base.as_ref().is_some_and(|b| b.0 == SOAP_ENC) {
                    self.warn.push(format!(
                        "{}: a SOAP-encoded array (rpc/encoded) is kept as raw XML",
                        self.items[owner].name
                    ));
                    fields.push(any_field());
                } else {
                    self.particles(res, ctx, owner, Occurs::One, &mut fields, depth);
                    self.attributes(res, ctx, owner, &mut fields, depth);
                }
            }
        } else {
            self.particles(ct, ctx, owner, Occurs::One, &mut fields, depth);
            self.attributes(ct, ctx, owner, &mut fields, depth);
        }
        if depth == 0 {
            self.finish(owner, fields)
        } else {
            fields
        }
    }

    /// The particles (sequence, all, choice, group, element, any) among `node`'s children.
    fn particles(
        &mut self,
        node: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        outer: Occurs,
        fields: &mut Vec<Field>,
        depth: usize,
    ) {
        for c in node.kids(XS) {
            self.particle(c, ctx, owner, outer, fields, depth);
        }
    }

    fn particle(
        &mut self,
        c: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        outer: Occurs,
        fields: &mut Vec<Field>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            fields.push(any_field());
            return;
        }
        match c.local.as_str() {
            "sequence" | "all" => {
                let occ = combine(outer, occurs_of(c));
                self.particles(c, ctx, owner, occ, fields, depth + 1);
            }
            "element" => {
                if let Some(f) = self.element_field(c, ctx, owner, outer, depth) {
                    fields.push(f);
                }
            }
            "any" => fields.push(any_field()),
            "choice" => self.choice(c, ctx, owner, outer, fields, depth),
            "group" => {
                let occ = combine(outer, occurs_of(c));
                let q = c.attr("ref").and_then(|r| c.qname(r));
                match q.as_ref().and_then(|q| self.ix.groups.get(q).copied()) {
                    Some(g) => self.particles(g.node, g.ctx, owner, occ, fields, depth + 1),
                    None => {
                        self.warn.push(format!(
                            "{}: group {:?} is not defined in any schema read; its content is kept as raw XML",
                            self.items[owner].name,
                            c.attr("ref").unwrap_or("")
                        ));
                        fields.push(any_field());
                    }
                }
            }
            _ => {}
        }
    }

    fn choice(
        &mut self,
        c: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        outer: Occurs,
        fields: &mut Vec<Field>,
        depth: usize,
    ) {
        let mut occ = combine(outer, occurs_of(c));
        let alts: Vec<&Node> = c.kids(XS).filter(|a| a.local != "annotation").collect();
        if alts.iter().any(|a| a.local != "element") {
            self.warn.push(format!(
                "{}: a choice with a sequence, group or any alternative is kept as raw XML",
                self.items[owner].name
            ));
            fields.push(any_field());
            return;
        }
        if alts.len() == 1 {
            if let Some(f) = self.element_field(alts[0], ctx, owner, occ, depth) {
                fields.push(f);
            }
            return;
        }
        if alts.is_empty() {
            return;
        }
        let ci = self.nested(owner, "Choice", "", &ctx.tns);
        let mut variants = Vec::new();
        let mut vscope = Scope::default();
        for a in alts {
            let Some(f) = self.element_field(a, ctx, ci, Occurs::One, depth + 1) else {
                continue;
            };
            occ = combine(occ, f.occurs);
            // A substitution group head: its elements are alternatives of this choice.
            let group = match f.ty {
                Ty::Item(g) if self.groups.values().any(|&i| i == g) => Some(g),
                _ => None,
            };
            if let Some(g) = group {
                if let Body::Choice { variants: members } = &self.items[g].body {
                    for (name, xml, ns, ty) in members.clone() {
                        variants.push((vscope.unique(&name), xml, ns, ty));
                    }
                }
                continue;
            }
            let v = vscope.unique(&pascal(&f.xml_name));
            variants.push((v, f.xml_name, f.ns, Some(f.ty)));
        }
        let doc = if c.documentation().is_empty() {
            format!(
                "A choice inside `{}`: one of its elements.",
                self.items[owner].name
            )
        } else {
            c.documentation()
        };
        self.items[ci].doc = doc;
        self.items[ci].body = Body::Choice { variants };
        fields.push(Field {
            name: "choice".to_owned(),
            doc: "One of the choice's elements.".to_owned(),
            kind: Kind::Element,
            xml_name: "choice".to_owned(),
            ns: ctx.tns.clone(),
            ty: Ty::Item(ci),
            occurs: occ,
            nillable: false,
        });
    }

    fn element_field(
        &mut self,
        el: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        outer: Occurs,
        depth: usize,
    ) -> Option<Field> {
        let occurs = combine(outer, occurs_of(el));
        if el.attr("maxOccurs") == Some("0") {
            return None;
        }
        if let Some(r) = el.attr("ref") {
            let q = el.qname(r)?;
            let (ty, nillable) = match self.substitution_group(&q, owner) {
                // The head or any element of its group, told apart by name.
                Some(group) => (Ty::Item(group), false),
                None => self.top_element_ty(&q, owner),
            };
            let doc = match self.ix.elements.get(&q) {
                Some(d) if el.documentation().is_empty() => d.node.documentation(),
                _ => el.documentation(),
            };
            return Some(Field {
                name: String::new(),
                doc,
                kind: Kind::Element,
                xml_name: q.1,
                ns: q.0,
                ty,
                occurs,
                nillable,
            });
        }
        let name = el.attr("name")?.to_owned();
        let qualified = match el.attr("form") {
            Some(f) => f == "qualified",
            None => ctx.qualified,
        };
        let ns = if qualified {
            ctx.tns.clone()
        } else {
            String::new()
        };
        let ty = if let Some(t) = el.attr("type").and_then(|t| el.qname(t)) {
            let context = format!("{}.{name}", self.items[owner].name);
            self.type_ref(&t, &context)
        } else if let Some(ct) = el.first(XS, "complexType") {
            let i = self.nested(owner, &name, "Type", &ctx.tns);
            let fields = self.complex_fields(ct, ctx, i, depth + 1);
            let fields = self.finish(i, fields);
            self.items[i].xml_name = name.clone();
            self.items[i].doc = format!("The anonymous type of element `{name}`.");
            self.items[i].body = Body::Struct {
                fields,
                element: None,
            };
            Ty::Item(i)
        } else if let Some(st) = el.first(XS, "simpleType") {
            self.simple_ty(st, owner, &name, depth + 1)
        } else {
            Ty::Raw
        };
        Some(Field {
            name: String::new(),
            doc: el.documentation(),
            kind: Kind::Element,
            xml_name: name,
            ns,
            ty,
            occurs,
            nillable: el.attr("nillable") == Some("true"),
        })
    }

    fn attributes(
        &mut self,
        node: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        fields: &mut Vec<Field>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        for c in node.kids(XS) {
            match c.local.as_str() {
                "attribute" => {
                    if let Some(f) = self.attribute_field(c, ctx, owner, depth) {
                        fields.push(f);
                    }
                }
                "attributeGroup" => {
                    let q = c.attr("ref").and_then(|r| c.qname(r));
                    match q
                        .as_ref()
                        .and_then(|q| self.ix.attribute_groups.get(q).copied())
                    {
                        Some(g) => self.attributes(g.node, g.ctx, owner, fields, depth + 1),
                        None => {
                            self.warn.push(format!(
                                "{}: attribute group {:?} is not defined in any schema read; its attributes are kept raw",
                                self.items[owner].name,
                                c.attr("ref").unwrap_or("")
                            ));
                            fields.push(any_attribute_field());
                        }
                    }
                }
                "anyAttribute" => fields.push(any_attribute_field()),
                _ => {}
            }
        }
    }

    fn attribute_field(
        &mut self,
        a: &Node,
        ctx: &SchemaCtx,
        owner: usize,
        depth: usize,
    ) -> Option<Field> {
        if a.attr("use") == Some("prohibited") {
            return None;
        }
        let occurs = if a.attr("use") == Some("required") {
            Occurs::One
        } else {
            Occurs::Optional
        };
        let (xml_name, ns, ty) = if let Some(r) = a.attr("ref") {
            let q = a.qname(r)?;
            let ty = if q.0 == XML {
                Ty::Builtin("String")
            } else {
                match self.ix.attributes.get(&q).copied() {
                    Some(d) => self.attribute_ty(d.node, owner, &q.1, depth),
                    None => {
                        self.warn.push(format!(
                            "attribute {{{}}}{} is not declared in any schema read; it maps to String",
                            q.0, q.1
                        ));
                        Ty::Builtin("String")
                    }
                }
            };
            (q.1, q.0, ty)
        } else {
            let name = a.attr("name")?.to_owned();
            let qualified = match a.attr("form") {
                Some(f) => f == "qualified",
                None => ctx.attr_qualified,
            };
            let ns = if qualified {
                ctx.tns.clone()
            } else {
                String::new()
            };
            let ty = self.attribute_ty(a, owner, &name, depth);
            (name, ns, ty)
        };
        Some(Field {
            name: String::new(),
            doc: a.documentation(),
            kind: Kind::Attribute,
            xml_name,
            ns,
            ty,
            occurs,
            nillable: false,
        })
    }

    fn attribute_ty(&mut self, a: &Node, owner: usize, name: &str, depth: usize) -> Ty {
        let ty = if let Some(t) = a.attr("type").and_then(|t| a.qname(t)) {
            self.type_ref(&t, name)
        } else if let Some(st) = a.first(XS, "simpleType") {
            self.simple_ty(st, owner, name, depth + 1)
        } else {
            Ty::Builtin("String")
        };
        self.simple_only(ty)
    }

    /// The type of an anonymous simple type: a new enum for an
    /// enumeration, else the type it restricts or lists.
    fn simple_ty(&mut self, st: &Node, owner: usize, name: &str, depth: usize) -> Ty {
        let body = self.simple_body(st, name, depth);
        match body {
            Body::Alias(t) => t,
            body => {
                let i = self.nested(owner, name, "Type", "");
                self.items[i].xml_name = name.to_owned();
                self.items[i].doc = if st.documentation().is_empty() {
                    format!("The values of `{name}`.")
                } else {
                    st.documentation()
                };
                self.items[i].body = body;
                Ty::Item(i)
            }
        }
    }

    /// A simple type's body: an enumeration, or an alias of what it restricts, lists or unites.
    fn simple_body(&mut self, st: &Node, name: &str, depth: usize) -> Body {
        if depth > MAX_DEPTH {
            return Body::Alias(Ty::Builtin("String"));
        }
        if let Some(r) = st.first(XS, "restriction") {
            let base = match r.attr("base").and_then(|b| r.qname(b)) {
                Some(b) => self.type_ref(&b, name),
                None => match r.first(XS, "simpleType") {
                    Some(inner) => {
                        match self.simple_body(inner, name, depth + 1) {
                            Body::Alias(t) => t,
                            // Restricting an anonymous enumeration: its values are the restriction's.
                            _ => Ty::Builtin("String"),
                        }
                    }
                    None => Ty::Builtin("String"),
                },
            };
            let base = self.simple_only(base);
            let values: Vec<&str> = r
                .all(XS, "enumeration")
                .filter_map(|e| e.attr("value"))
                .collect();
            let enum_base = is_stringy(&base)
                || matches!(&base, Ty::Item(i) if matches!(self.items[*i].body, Body::Enum { .. }));
            if !values.is_empty() && enum_base {
                let mut scope = Scope::default();
                let mut variants = Vec::new();
                let mut seen = std::collections::BTreeSet::new();
                for v in values {
                    if !seen.insert(v) {
                        continue;
                    }
                    let base = if v.trim().is_empty() {
                        "Empty".to_owned()
                    } else {
                        pascal(v)
                    };
                    variants.push((scope.unique(&base), v.to_owned()));
                }
                let other = scope.unique("Other");
                return Body::Enum { variants, other };
            }
            return Body::Alias(base);
        }
        if let Some(l) = st.first(XS, "list") {
            let item = match l.attr("itemType").and_then(|t| l.qname(t)) {
                Some(t) => self.type_ref(&t, name),
                None => match l.first(XS, "simpleType") {
                    Some(inner) => match self.simple_body(inner, name, depth + 1) {
                        Body::Alias(t) => t,
                        _ => Ty::Builtin("String"),
                    },
                    None => Ty::Builtin("String"),
                },
            };
            let item = self.simple_only(item);
            return Body::Alias(Ty::List(Box::new(item)));
        }
        // xs:union: the text as it is.
        Body::Alias(Ty::Builtin("String"))
    }

    /// Merges repeated fields and gives every field a unique Rust name.
    fn finish(&mut self, owner: usize, fields: Vec<Field>) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let items = &self.items;
        let is_choice =
            |f: &Field| matches!(f.ty, Ty::Item(i) if matches!(items[i].body, Body::Choice { .. }));
        for f in fields {
            if is_choice(&f) {
                // Each choice is a field of its own, whatever its alternatives.
                out.push(f);
                continue;
            }
            let dup = out.iter_mut().find(|o| {
                o.kind == f.kind
                    && (matches!(
                        f.kind,
                        Kind::Any | Kind::AnyAttribute | Kind::Text | Kind::Flatten
                    ) || (o.xml_name == f.xml_name && o.ns == f.ns))
            });
            if let Some(o) = dup {
                if f.kind == Kind::Element {
                    // The same element again (a repeated sequence, a restriction restating it).
                    o.occurs = Occurs::Many;
                }
                continue;
            }
            out.push(f);
        }
        let has_elements = out
            .iter()
            .any(|f| matches!(f.kind, Kind::Element | Kind::Any));
        if has_elements && out.iter().any(|f| f.kind == Kind::Text) {
            self.warn.push(format!(
                "{}: text and elements together (mixed content) are not supported; the text is not kept",
                self.items[owner].name
            ));
            out.retain(|f| f.kind != Kind::Text);
        }
        let mut scope = Scope::default();
        for f in &mut out {
            let base = match f.kind {
                Kind::Element | Kind::Attribute => snake(&f.xml_name),
                Kind::Text => "value".to_owned(),
                Kind::Any => "any".to_owned(),
                Kind::AnyAttribute => "any_attribute".to_owned(),
                Kind::Flatten => "base".to_owned(),
            };
            let base = if f.name == "choice"
                && f.kind == Kind::Element
                && matches!(f.ty, Ty::Item(i) if matches!(self.items[i].body, Body::Choice { .. }))
            {
                "choice".to_owned()
            } else {
                base
            };
            f.name = scope.unique(&base);
        }
        out
    }
}

fn any_field() -> Field {
    Field {
        name: "any".to_owned(),
        doc: "Elements kept as raw XML (`xs:any`, or what could not be mapped).".to_owned(),
        kind: Kind::Any,
        xml_name: "any".to_owned(),
        ns: String::new(),
        ty: Ty::Raw,
        occurs: Occurs::Many,
        nillable: false,
    }
}

fn any_attribute_field() -> Field {
    Field {
        name: "any_attribute".to_owned(),
        doc: "Other attributes (`xs:anyAttribute`).".to_owned(),
        kind: Kind::AnyAttribute,
        xml_name: "any_attribute".to_owned(),
        ns: String::new(),
        ty: Ty::Raw,
        occurs: Occurs::Many,
        nillable: false,
    }
}

fn text_field(ty: Ty) -> Field {
    Field {
        name: "value".to_owned(),
        doc: "The element's text.".to_owned(),
        kind: Kind::Text,
        xml_name: "value".to_owned(),
        ns: String::new(),
        ty,
        occurs: Occurs::One,
        nillable: false,
    }
}
