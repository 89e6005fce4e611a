//! The Rust model → source text.

use std::fmt::Write as _;

use crate::Warnings;
use crate::model::{Body, Field, Item, Kind, Occurs, Ty};
use crate::names::{doc, lit};
use crate::wsdl::Port;

/// Breaks by-value cycles (a type holding itself through single or
/// optional fields, which Rust cannot size): in each cycle, the latest
/// element field or choice alternative on it becomes raw XML. A family
/// (`xsi:type`) keeps all its variants: a type that holds, by value, a
/// family it belongs to has that field kept as raw XML, and a derived type's
/// flattened base is never cut.
pub fn break_cycles(items: &mut [Item], warn: &mut Warnings) {
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; items.len()];
    let mut path = Vec::new();
    let mut cut = std::collections::BTreeSet::new();
    for start in 0..items.len() {
        if state[start] == 0 {
            visit(items, start, &mut state, &mut path, &mut cut, warn);
        }
    }
}

fn target(items: &[Item], ty: &Ty) -> Option<usize> {
    match ty {
        Ty::Item(i) => match &items[*i].body {
            Body::Alias(t) => target(items, t),
            Body::Struct { .. } | Body::Choice { .. } | Body::Family { .. } => Some(*i),
            _ => None,
        },
        _ => None,
    }
}

/// The by-value edges of item `i`: (edge number, target item).
fn edges(items: &[Item], i: usize) -> Vec<(usize, usize)> {
    match &items[i].body {
        Body::Struct { fields, .. } => fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.occurs != Occurs::Many)
            .filter_map(|(n, f)| target(items, &f.ty).map(|t| (n, t)))
            .collect(),
        Body::Choice { variants } => variants
            .iter()
            .enumerate()
            .filter_map(|(n, v)| v.3.as_ref().and_then(|t| target(items, t)).map(|t| (n, t)))
            .collect(),
        Body::Family { variants } => variants
            .iter()
            .enumerate()
            .map(|(n, &(_, t))| (n, t))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether edge `n` of item `i` may be cut: an element field or a choice
/// alternative (not a flattened base, not a family's variant).
fn cuttable(items: &[Item], (i, n): (usize, usize)) -> bool {
    match &items[i].body {
        Body::Struct { fields, .. } => fields.get(n).is_some_and(|f| f.kind != Kind::Flatten),
        Body::Choice { .. } => true,
        _ => false,
    }
}

/// Makes edge `n` of item `i` raw XML, with a warning.
fn cut_edge(items: &mut [Item], (i, n): (usize, usize), warn: &mut Warnings) {
    let owner = items[i].name.clone();
    match &mut items[i].body {
        Body::Struct { fields, .. } => {
            if let Some(f) = fields.get_mut(n) {
                warn.push(format!(
                    "{owner}.{}: a recursive type held by value is kept as raw XML",
                    f.name
                ));
                if f.kind == Kind::Flatten {
                    f.kind = Kind::Any;
                    f.occurs = Occurs::Many;
                }
                f.ty = Ty::Raw;
                f.nillable = false;
            }
        }
        Body::Choice { variants } => {
            if let Some(v) = variants.get_mut(n) {
                warn.push(format!(
                    "{owner}::{}: a recursive type held by value is kept as raw XML",
                    v.0
                ));
                v.3 = Some(Ty::Raw);
            }
        }
        _ => {}
    }
}

fn visit(
    items: &mut [Item],
    i: usize,
    state: &mut [u8],
    path: &mut Vec<(usize, usize)>,
    cut: &mut std::collections::BTreeSet<(usize, usize)>,
    warn: &mut Warnings,
) {
    state[i] = 1;
    for (n, t) in edges(items, i) {
        if cut.contains(&(i, n)) {
            continue;
        }
        if state[t] == 1 {
            // The cycle: the path from `t` to here, then this edge.
            let from = path
                .iter()
                .rposition(|&(p, _)| p == t)
                .unwrap_or(path.len());
            let cycle: Vec<(usize, usize)> = path[from..].iter().copied().chain([(i, n)]).collect();
            if cycle.iter().any(|e| cut.contains(e)) {
                continue;
            }
            // The latest edge of the cycle that may be cut; else this one.
            let edge = cycle
                .iter()
                .rev()
                .copied()
                .find(|&e| cuttable(items, e))
                .unwrap_or((i, n));
            cut.insert(edge);
            cut_edge(items, edge, warn);
        } else if state[t] == 0 {
            path.push((i, n));
            visit(items, t, state, path, cut, warn);
            path.pop();
        }
    }
    state[i] = 2;
}

/// Which items can derive `Default`: structs whose every field can (an
/// optional or repeated field always can; a required enum, choice,
/// `Decimal` or date cannot).
pub fn defaults(items: &[Item]) -> Vec<bool> {
    fn ty_ok(items: &[Item], d: &[bool], ty: &Ty) -> bool {
        match ty {
            Ty::Builtin(p) => !matches!(
                *p,
                "::wws_core::xsd::Decimal"
                    | "::wws_core::xsd::Integer"
                    | "::wws_core::xsd::DateTime"
                    | "::wws_core::xsd::Date"
                    | "::wws_core::xsd::Time"
            ),
            Ty::List(_) => true,
            Ty::Raw => false,
            Ty::Item(i) => match &items[*i].body {
                Body::Alias(t) => ty_ok(items, d, t),
                _ => d[*i],
            },
        }
    }
    let mut d = vec![false; items.len()];
    loop {
        let mut changed = false;
        for (i, item) in items.iter().enumerate() {
            if d[i] {
                continue;
            }
            let ok = match &item.body {
                Body::Struct { fields, .. } => fields.iter().all(|f| {
                    f.occurs != Occurs::One
                        || matches!(f.kind, Kind::Any | Kind::AnyAttribute)
                        || (f.nillable && f.kind == Kind::Element)
                        || ty_ok(items, &d, &f.ty)
                }),
                // Its default is the base's.
                Body::Family { variants } => variants.first().is_some_and(|&(_, b)| d[b]),
                _ => false,
            };
            if ok {
                d[i] = true;
                changed = true;
            }
        }
        if !changed {
            return d;
        }
    }
}

/// Emits the module.
pub struct Emitter<'a> {
    pub items: &'a [Item],
    /// Per item: whether it derives `Default`.
    pub defaults: Vec<bool>,
    pub out: String,
    /// Whether the header helper function has been emitted.
    pub header_helper: bool,
}

impl Emitter<'_> {
    fn ty(&self, ty: &Ty) -> String {
        match ty {
            Ty::Builtin(p) => (*p).to_owned(),
            Ty::Item(i) => self.items[*i].name.clone(),
            Ty::Raw => "::wws_core::xsd::RawXml".to_owned(),
            Ty::List(t) => format!("::wws_core::xsd::List<{}>", self.ty(t)),
        }
    }

    fn field_ty(&self, f: &Field) -> String {
        match f.kind {
            Kind::Any => return "Vec<::wws_core::xsd::RawXml>".to_owned(),
            Kind::AnyAttribute => return "Vec<::wws_core::xsd::XmlAttribute>".to_owned(),
            _ => {}
        }
        let mut t = self.ty(&f.ty);
        if f.kind == Kind::Attribute && matches!(f.ty, Ty::Raw) {
            t = "String".to_owned();
        }
        if f.nillable && f.kind == Kind::Element && f.occurs != Occurs::Many {
            t = format!("::wws_core::xsd::Nillable<{t}>");
        }
        match (f.kind, f.occurs) {
            (Kind::Flatten | Kind::Text, _) | (_, Occurs::One) => t,
            (_, Occurs::Optional) => format!("Option<{t}>"),
            (_, Occurs::Many) => format!("Vec<{t}>"),
        }
    }

    /// Emits item `i` and the items nested in it.
    pub fn item(&mut self, i: usize) {
        let item = &self.items[i];
        let text = if item.doc.trim().is_empty() {
            default_doc(item)
        } else {
            item.doc.clone()
        };
        let mut o = String::new();
        doc(&mut o, "", &text);
        match &item.body {
            Body::Pending => {
                // Declared but never filled (cannot happen for indexed definitions): raw XML.
                o.push_str(&format!(
                    "pub type {} = ::wws_core::xsd::RawXml;\n",
                    item.name
                ));
            }
            Body::Alias(t) => {
                let _ = writeln!(o, "pub type {} = {};", item.name, self.ty(t));
            }
            Body::Enum { variants, other } => {
                o.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash, ::wws_core::XmlType)]\n");
                let _ = writeln!(o, "pub enum {} {{", item.name);
                for (v, value) in variants {
                    let _ = writeln!(o, "    /// `{}`", value.replace('`', "'"));
                    let _ = writeln!(o, "    #[xml(rename = {})]", lit(value));
                    let _ = writeln!(o, "    {v},");
                }
                o.push_str("    /// A value the schema does not list (kept as it was read).\n");
                let _ = writeln!(o, "    #[xml(other)]\n    {other}(String),");
                o.push_str("}\n");
            }
            Body::Choice { variants } => {
                o.push_str("#[derive(Debug, Clone, PartialEq, ::wws_core::XmlType)]\n");
                o.push_str("#[allow(clippy::large_enum_variant)]\n");
                let mut attrs = vec!["choice".to_owned()];
                if !item.ns.is_empty() {
                    attrs.insert(0, format!("namespace = {}", lit(&item.ns)));
                }
                let _ = writeln!(o, "#[xml({})]", attrs.join(", "));
                let _ = writeln!(o, "pub enum {} {{", item.name);
                for (v, xml, ns, t) in variants {
                    let _ = writeln!(o, "    /// Element `{xml}`.");
                    let mut a = vec![format!("rename = {}", lit(xml))];
                    if ns != &item.ns {
                        if ns.is_empty() {
                            a.push("unqualified".to_owned());
                        } else {
                            a.push(format!("namespace = {}", lit(ns)));
                        }
                    }
                    let _ = writeln!(o, "    #[xml({})]", a.join(", "));
                    match t {
                        Some(t) => {
                            let _ = writeln!(o, "    {v}({}),", self.ty(t));
                        }
                        None => {
                            let _ = writeln!(o, "    {v},");
                        }
                    }
                }
                o.push_str("}\n");
            }
            Body::Family { variants } => {
                o.push_str("#[derive(Debug, Clone, PartialEq, ::wws_core::XmlType)]\n");
                o.push_str("#[allow(clippy::large_enum_variant)]\n");
                o.push_str("#[xml(polymorphic)]\n");
                let _ = writeln!(o, "pub enum {} {{", item.name);
                for (n, (v, t)) in variants.iter().enumerate() {
                    let what = if n == 0 {
                        "The base type"
                    } else {
                        "Derived type"
                    };
                    let t = &self.items[*t];
                    let _ = writeln!(o, "    /// {what} `{}`.", t.xml_name);
                    let _ = writeln!(o, "    {v}({}),", t.name);
                }
                o.push_str("}\n");
                if let Some((v, b)) = variants.first()
                    && self.defaults[i]
                {
                    let _ = writeln!(
                        o,
                        "\nimpl Default for {} {{\n    fn default() -> Self {{\n        {}::{v}({}::default())\n    }}\n}}",
                        item.name, item.name, self.items[*b].name
                    );
                }
            }
            Body::Struct { fields, element } => {
                let mut derives = "Debug, Clone, PartialEq".to_owned();
                if self.defaults[i] {
                    derives.push_str(", Default");
                }
                derives.push_str(", ::wws_core::XmlType");
                if element.is_some() {
                    derives.push_str(", ::wws_core::BodyElement");
                }
                let _ = writeln!(o, "#[derive({derives})]");
                let elems = || fields.iter().filter(|f| f.kind == Kind::Element);
                let unqualified = !item.ns.is_empty()
                    && elems().filter(|f| f.ns.is_empty()).count()
                        > elems().filter(|f| f.ns == item.ns).count();
                let mut attrs = Vec::new();
                if !item.ns.is_empty() {
                    attrs.push(format!("namespace = {}", lit(&item.ns)));
                }
                if !item.xml_name.is_empty() {
                    attrs.push(format!("name = {}", lit(&item.xml_name)));
                }
                if unqualified {
                    attrs.push("unqualified".to_owned());
                }
                if !attrs.is_empty() {
                    let _ = writeln!(o, "#[xml({})]", attrs.join(", "));
                }
                if fields.is_empty() {
                    let _ = writeln!(o, "pub struct {} {{}}", item.name);
                } else {
                    let _ = writeln!(o, "pub struct {} {{", item.name);
                    let default_ns = if unqualified { "" } else { item.ns.as_str() };
                    for f in fields {
                        self.field(&mut o, f, default_ns);
                    }
                    o.push_str("}\n");
                }
            }
        }
        o.push('\n');
        self.out.push_str(&o);
        for n in self.items[i].nested.clone() {
            self.item(n);
        }
    }

    fn field(&self, o: &mut String, f: &Field, default_ns: &str) {
        let text = if f.doc.trim().is_empty() {
            match f.kind {
                Kind::Element => format!("Element `{}`.", f.xml_name),
                Kind::Attribute => format!("Attribute `{}`.", f.xml_name),
                _ => String::new(),
            }
        } else {
            f.doc.clone()
        };
        doc(o, "    ", &text);
        let mut a = Vec::new();
        match f.kind {
            Kind::Element => {
                if f.name != f.xml_name {
                    a.push(format!("rename = {}", lit(&f.xml_name)));
                }
                if f.ns != default_ns {
                    if f.ns.is_empty() {
                        a.push("unqualified".to_owned());
                    } else {
                        a.push(format!("namespace = {}", lit(&f.ns)));
                    }
                }
            }
            Kind::Attribute => {
                a.push("attribute".to_owned());
                if f.name != f.xml_name {
                    a.push(format!("rename = {}", lit(&f.xml_name)));
                }
                if !f.ns.is_empty() {
                    a.push(format!("namespace = {}", lit(&f.ns)));
                }
            }
            Kind::Text => a.push("text".to_owned()),
            Kind::Any => a.push("any".to_owned()),
            Kind::AnyAttribute => a.push("any_attribute".to_owned()),
            Kind::Flatten => a.push("flatten".to_owned()),
        }
        if !a.is_empty() {
            let _ = writeln!(o, "    #[xml({})]", a.join(", "));
        }
        let _ = writeln!(o, "    pub {}: {},", f.name, self.field_ty(f));
    }

    /// Emits a port type's operations module, client and service trait.
    pub fn port(&mut self, p: &Port, client: bool, server: bool, unimplemented: bool) {
        let items = self.items;
        let name = |i: usize| items[i].name.clone();
        let mut o = String::new();
        let versions: Vec<String> = p
            .bindings
            .iter()
            .map(|(v, b, a)| {
                if a.is_empty() {
                    format!("{v} binding `{b}`")
                } else {
                    let a: Vec<String> = a.iter().map(|a| format!("`{a}`")).collect();
                    format!("{v} binding `{b}` at {}", a.join(", "))
                }
            })
            .collect();
        let mut mdoc = format!(
            "Operations of port type `{}` (namespace `{}`).",
            p.name.1, p.name.0
        );
        if !p.doc.trim().is_empty() {
            mdoc = format!("{}\n\n{mdoc}", p.doc.trim());
        }
        mdoc.push_str(&format!("\n\nBindings: {}.", versions.join("; ")));
        doc(&mut o, "", &mdoc);
        let _ = writeln!(o, "pub mod {} {{", p.module);
        let macro_ops: Vec<_> = p.ops.iter().filter(|op| op.by_macro).collect();
        if !macro_ops.is_empty() {
            o.push_str("    ::wws_core::operations! {\n");
            let _ = writeln!(
                o,
                "        namespace = {}, port_type = {};",
                lit(&p.name.0),
                lit(&p.name.1)
            );
            for op in &macro_ops {
                doc(&mut o, "        ", &op_doc(op));
                let _ = write!(
                    o,
                    "        pub {}(super::{}) -> super::{} {{ action: {}",
                    op.ident,
                    name(op.request),
                    name(op.response),
                    lit(&op.action)
                );
                if let Some(r) = &op.reply_action {
                    let _ = write!(o, ", reply_action: {}", lit(r));
                }
                if let Some(f) = op.fault {
                    let _ = write!(o, ", fault: super::{}", name(f));
                }
                o.push_str(" }\n");
            }
            o.push_str("    }\n");
        }
        for op in p.ops.iter().filter(|op| !op.by_macro) {
            o.push('\n');
            doc(&mut o, "    ", &op_doc(op));
            o.push_str("    #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n");
            let _ = writeln!(o, "    pub struct {};", op.ident);
            let _ = writeln!(
                o,
                "    impl ::wws_core::operation::Operation for {} {{",
                op.ident
            );
            let _ = writeln!(
                o,
                "        const NAMESPACE: &'static str = {};",
                lit(&p.name.0)
            );
            let _ = writeln!(
                o,
                "        const PORT_TYPE: &'static str = {};",
                lit(&p.name.1)
            );
            let _ = writeln!(
                o,
                "        const NAME: &'static str = {};",
                lit(&op.wsdl_name)
            );
            let _ = writeln!(
                o,
                "        const ACTION: &'static str = {};",
                lit(&op.action)
            );
            if let Some(r) = &op.reply_action {
                let _ = writeln!(
                    o,
                    "        const REPLY_ACTION: Option<&'static str> = Some({});",
                    lit(r)
                );
            }
            let _ = writeln!(o, "        type Request = super::{};", name(op.request));
            let _ = writeln!(o, "        type Response = super::{};", name(op.response));
            let fault = op
                .fault
                .map(|f| format!("super::{}", name(f)))
                .unwrap_or_else(|| "::wws_core::operation::NoFault".to_owned());
            let _ = writeln!(o, "        type Fault = {fault};");
            o.push_str("    }\n");
        }
        o.push_str("}\n\n");

        let m = &p.module;
        for op in &p.ops {
            for (dir, set) in ["request", "response"].iter().zip(&op.headers) {
                if let Some(set) = set {
                    self.headers(&mut o, op, dir, set, client);
                }
            }
        }
        if client {
            doc(
                &mut o,
                "",
                &format!(
                    "A typed client of port type `{}`: one method per operation, each returning the \
                     pending call at once (its id known, abandoned when dropped), and a `_with` \
                     variant taking call options (call id, timeout, SOAP headers).\n\n\
                     Cheap to clone; clones share the proxy, and calls from any of them run concurrently.",
                    p.name.1
                ),
            );
            o.push_str("#[derive(Clone, Debug)]\n");
            let _ = writeln!(
                o,
                "pub struct {} {{\n    proxy: ::wws_proxy::ServiceProxy,\n}}\n",
                p.client
            );
            let _ = writeln!(o, "impl {} {{", p.client);
            o.push_str("    /// A client over `proxy` (opened by the caller).\n");
            o.push_str("    pub fn new(proxy: ::wws_proxy::ServiceProxy) -> Self {\n");
            let _ = writeln!(o, "        {} {{ proxy }}\n    }}\n", p.client);
            o.push_str("    /// The proxy, to open, close, abort or abandon calls.\n");
            o.push_str("    pub fn proxy(&self) -> &::wws_proxy::ServiceProxy {\n        &self.proxy\n    }\n");
            for op in &p.ops {
                let (req, resp) = (name(op.request), name(op.response));
                o.push('\n');
                doc(&mut o, "    ", &op_doc(op));
                let _ = writeln!(
                    o,
                    "    pub fn {}(&self, req: &{req}) -> ::wws_proxy::PendingCall<{resp}> {{\n        self.{}_with(req, ::wws_proxy::CallOptions::new())\n    }}\n",
                    op.method, op.method
                );
                let _ = writeln!(o, "    /// `{}` with call options.", op.wsdl_name);
                let _ = writeln!(
                    o,
                    "    pub fn {}_with(&self, req: &{req}, opts: ::wws_proxy::CallOptions) -> ::wws_proxy::PendingCall<{resp}> {{\n        self.proxy.invoke::<{m}::{}>(req, opts)\n    }}",
                    op.method, op.ident
                );
                let request_headers = op.headers[0].as_ref().map(|h| h.name.as_str());
                let response_headers = op.headers[1].as_ref().map(|h| h.name.as_str());
                // The reply's typed headers come back beside its body.
                let (out, call) = match response_headers {
                    Some(rname) => (
                        format!("({resp}, {rname})"),
                        format!(
                            "self.proxy.invoke_with_reply_headers::<{m}::{}, {rname}>(req, opts)",
                            op.ident
                        ),
                    ),
                    None => (
                        resp.to_string(),
                        format!("self.{}_with(req, opts)", op.method),
                    ),
                };
                let returns = if response_headers.is_some() {
                    " and returns the reply's typed headers beside its body"
                } else {
                    ""
                };
                match request_headers {
                    Some(hname) => {
                        let _ = writeln!(
                            o,
                            "\n    /// `{}` with its SOAP headers and call options{returns} (fails only when a header cannot be written).",
                            op.wsdl_name
                        );
                        let _ = writeln!(
                            o,
                            "    pub fn {}_with_headers(\n        &self,\n        req: &{req},\n        headers: &{hname},\n        opts: ::wws_proxy::CallOptions,\n    ) -> ::wws_core::Result<::wws_proxy::PendingCall<{out}>> {{\n        let opts = headers.add_to(self.proxy.envelope_version(), opts)?;\n        Ok({call})\n    }}",
                            op.method
                        );
                    }
                    None if response_headers.is_some() => {
                        let _ = writeln!(
                            o,
                            "\n    /// `{}` with call options{returns}.",
                            op.wsdl_name
                        );
                        let _ = writeln!(
                            o,
                            "    pub fn {}_with_headers(\n        &self,\n        req: &{req},\n        opts: ::wws_proxy::CallOptions,\n    ) -> ::wws_proxy::PendingCall<{out}> {{\n        {call}\n    }}",
                            op.method
                        );
                    }
                    None => {}
                }
            }
            o.push_str("}\n\n");
        }
        if server {
            doc(
                &mut o,
                "",
                &format!(
                    "The operations of port type `{}`, implemented by a service and served by a \
                     host with `into_contract`.\n\n\
                     Each method may be written `async fn` in the impl; its future must be `Send` \
                     (the host runs it on its connection's task).\n\n\
                     Cancel safety: when the operation is cancelled the host polls the method's \
                     future once more and drops it; hand `OperationContext::token` to any work it spawns.",
                    p.name.1
                ),
            );
            let _ = writeln!(
                o,
                "pub trait {}: Send + Sync + Sized + 'static {{",
                p.service
            );
            for op in &p.ops {
                doc(&mut o, "    ", &op_doc(op));
                let _ = write!(
                    o,
                    "    fn {}(\n        &self,\n        ctx: &::wws_host::OperationContext,\n        req: {},\n    ) -> impl ::std::future::Future<Output = ::wws_core::operation::Reply<{m}::{}>> + Send",
                    op.method,
                    name(op.request),
                    op.ident
                );
                if unimplemented {
                    let _ = writeln!(
                        o,
                        " {{\n        let _ = (ctx, req);\n        async {{ Err(::wws_core::Fault::receiver({}).into()) }}\n    }}\n",
                        lit(&format!(
                            "{} is not implemented by this service",
                            op.wsdl_name
                        ))
                    );
                } else {
                    o.push_str(";\n\n");
                }
            }
            o.push_str("    /// The contract serving this service's methods; the service is shared, never cloned.\n");
            o.push_str(
                "    fn into_contract(self: ::std::sync::Arc<Self>) -> ::wws_host::Contract {\n",
            );
            o.push_str("        ::wws_host::Contract::from_service(self)\n");
            for op in &p.ops {
                let _ = writeln!(
                    o,
                    "            .serve::<{m}::{}, _, _>(|s, ctx, r| async move {{ s.{}(&ctx, r).await }})",
                    op.ident, op.method
                );
            }
            o.push_str("            .into()\n    }\n}\n\n");
        }
        self.out.push_str(&o);
    }
}

impl Emitter<'_> {
    /// A struct of an operation's typed SOAP headers, to send and to read.
    fn headers(
        &mut self,
        o: &mut String,
        op: &crate::wsdl::Op,
        dir: &str,
        set: &crate::wsdl::HeaderSet,
        client: bool,
    ) {
        let (name, fields) = (&set.name, &set.fields);
        if !self.header_helper {
            self.header_helper = true;
            o.push_str(concat!(
                "/// A header block of `value`, as `envelope` carries it.\n",
                "fn wws_header_block<T: ::wws_core::BodyElement>(\n",
                "    envelope: ::wws_core::EnvelopeVersion,\n",
                "    value: &T,\n",
                ") -> ::wws_core::Result<::wws_core::Header> {\n",
                "    let mut xml = ::wws_core::bytes::BytesMut::new();\n",
                "    value.write_element(&mut xml)?;\n",
                "    ::wws_core::Header::from_xml(envelope, xml.freeze())\n",
                "}\n\n",
                "/// Whether `header` is a `T` element.\n",
                "fn wws_header_is<T: ::wws_core::BodyElement>(header: &::wws_core::Header) -> bool {\n",
                "    header.name.namespace == T::NAMESPACE && header.name.local == T::NAME\n",
                "}\n\n",
            ));
        }
        let items = self.items;
        doc(
            o,
            "",
            &format!(
                "The SOAP headers of `{}`'s {dir}: each one absent or set. {}",
                op.wsdl_name,
                if dir == "request" {
                    "A client sends them with the `_with_headers` method (or `add_to`); a \
                     service reads them with `from_headers(ctx.headers())`."
                } else {
                    "A service answers them with `to_headers` and \
                     `OperationContext::add_reply_header`; a client gets them back, typed, \
                     from the `_with_headers` method (they are understood there when marked \
                     `mustUnderstand`)."
                }
            ),
        );
        o.push_str(
            "#[derive(Debug, Clone, PartialEq, Default)]
",
        );
        let _ = writeln!(o, "pub struct {name} {{");
        for h in fields {
            let _ = writeln!(o, "    /// Header part `{}`.", h.part);
            let _ = writeln!(o, "    pub {}: Option<{}>,", h.field, items[h.item].name);
        }
        o.push_str("}\n\n");
        let _ = writeln!(o, "impl {name} {{");
        o.push_str("    /// The headers that are set, as `envelope` carries them.\n");
        o.push_str("    pub fn to_headers(\n        &self,\n        envelope: ::wws_core::EnvelopeVersion,\n    ) -> ::wws_core::Result<Vec<::wws_core::Header>> {\n        let mut out = Vec::new();\n");
        for h in fields {
            let f = &h.field;
            let _ = writeln!(
                o,
                "        if let Some(h) = &self.{f} {{\n            out.push(wws_header_block(envelope, h)?);\n        }}"
            );
        }
        o.push_str("        Ok(out)\n    }\n\n");
        if client && dir == "request" {
            o.push_str("    /// `opts` with the headers that are set added.\n");
            o.push_str("    pub fn add_to(\n        &self,\n        envelope: ::wws_core::EnvelopeVersion,\n        mut opts: ::wws_proxy::CallOptions,\n    ) -> ::wws_core::Result<::wws_proxy::CallOptions> {\n        for h in self.to_headers(envelope)? {\n            opts = opts.header(h);\n        }\n        Ok(opts)\n    }\n\n");
        }
        o.push_str("    /// The headers found among `headers` (others are ignored).\n");
        o.push_str("    pub fn from_headers(headers: &[::wws_core::Header]) -> ::wws_core::Result<Self> {\n        let mut out = Self::default();\n        for h in headers {\n");
        for (n, h) in fields.iter().enumerate() {
            let (f, t) = (&h.field, &items[h.item].name);
            let kw = if n == 0 { "if" } else { "} else if" };
            let _ = writeln!(
                o,
                "            {kw} wws_header_is::<{t}>(h) {{\n                out.{f} = Some(<{t} as ::wws_core::BodyElement>::read_element(&h.xml)?);"
            );
        }
        o.push_str("            }\n        }\n        Ok(out)\n    }\n}\n\n");
        let names: Vec<String> = fields
            .iter()
            .map(|h| {
                let t = &items[h.item].name;
                format!("::wws_core::QName::new(<{t} as ::wws_core::BodyElement>::NAMESPACE, <{t} as ::wws_core::BodyElement>::NAME)")
            })
            .collect();
        let _ = writeln!(
            o,
            "impl ::wws_core::FromHeaders for {name} {{\n    fn from_headers(headers: &[::wws_core::Header]) -> ::wws_core::Result<Self> {{\n        {name}::from_headers(headers)\n    }}\n\n    fn understands() -> Vec<::wws_core::QName> {{\n        vec![{}]\n    }}\n}}\n",
            names.join(", ")
        );
    }
}

fn op_doc(op: &crate::wsdl::Op) -> String {
    if op.doc.trim().is_empty() {
        format!("`{}`.", op.wsdl_name)
    } else {
        format!("`{}`: {}", op.wsdl_name, op.doc.trim())
    }
}

fn default_doc(item: &Item) -> String {
    let what = match &item.body {
        Body::Struct {
            element: Some(_), ..
        } => "element",
        Body::Enum { .. } => "enumeration",
        Body::Choice { .. } => "choice",
        Body::Alias(_) => "simple type",
        Body::Family { .. } => "type family",
        _ => "type",
    };
    if item.xml_name.is_empty() {
        format!("An anonymous {what}.")
    } else if item.ns.is_empty() {
        format!("XSD {what} `{}`.", item.xml_name)
    } else {
        format!("XSD {what} `{}` of `{}`.", item.xml_name, item.ns)
    }
}
