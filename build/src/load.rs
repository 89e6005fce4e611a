//! Loading: the WSDL files, every local file they import or include, and
//! an index of their schema and WSDL definitions by qualified name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::Warnings;
use crate::dom::{self, Node, WSDL, XS};

/// A qualified name: `(namespace, local)`.
pub type QName = (String, String);

/// One loaded file.
pub struct Doc {
    /// Where it was read from.
    pub path: PathBuf,
    /// The parsed root.
    pub root: Node,
    /// The target namespace its schemas take when they declare none (`xs:include` of a chameleon schema).
    pub chameleon: Option<String>,
}

/// Reads `inputs` and everything they import locally.
pub fn load(
    inputs: &[PathBuf],
    catalog: &BTreeMap<String, PathBuf>,
    warn: &mut Warnings,
) -> Result<Vec<Doc>, crate::Error> {
    let mut docs = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue: Vec<(PathBuf, Option<String>, bool)> =
        inputs.iter().map(|p| (p.clone(), None, true)).collect();
    queue.reverse();
    let base = inputs
        .first()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    while let Some((path, chameleon, required)) = queue.pop() {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert((key, chameleon.clone())) {
            continue;
        }
        let shown = path
            .strip_prefix(&base)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if required => {
                return Err(crate::Error::new(format!("{}: {e}", path.display())));
            }
            Err(e) => {
                warn.push(format!(
                    "{shown}: cannot be read ({e}); what it declares maps to raw XML"
                ));
                continue;
            }
        };
        let root = match dom::parse(&text) {
            Ok(mut r) => {
                if let Some(tns) = &chameleon {
                    if r.attr("targetNamespace").is_none() {
                        dom::default_namespace(&mut r, tns);
                    }
                }
                r
            }
            Err(e) if required => {
                return Err(crate::Error::new(format!("{}: {e}", path.display())));
            }
            Err(e) => {
                warn.push(format!(
                    "{shown}: not XML ({e}); what it declares maps to raw XML"
                ));
                continue;
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut next = Vec::new();
        let mut imports = |node: &Node, tns: &str| {
            for c in &node.children {
                let is_xs =
                    c.ns == XS && matches!(c.local.as_str(), "import" | "include" | "redefine");
                let is_wsdl = c.is(WSDL, "import");
                if !is_xs && !is_wsdl {
                    continue;
                }
                let loc = c.attr("schemaLocation").or_else(|| c.attr("location"));
                let cham = (c.local != "import").then(|| tns.to_owned());
                // The catalog maps a remote location, or a namespace, to a local file.
                let local = loc
                    .and_then(|l| catalog.get(l))
                    .or_else(|| c.attr("namespace").and_then(|n| catalog.get(n)));
                if let Some(path) = local {
                    next.push((path.clone(), cham, false));
                    continue;
                }
                let Some(loc) = loc else { continue };
                if loc.contains("://") {
                    warn.push(format!(
                        "{shown}: remote import {loc} (namespace {}) is not fetched (give the catalog a local copy); its types map to raw XML",
                        c.attr("namespace").unwrap_or("?")
                    ));
                    continue;
                }
                next.push((dir.join(loc), cham, false));
            }
        };
        if root.is(XS, "schema") {
            let tns = root
                .attr("targetNamespace")
                .map(str::to_owned)
                .or_else(|| chameleon.clone())
                .unwrap_or_default();
            imports(&root, &tns);
        } else if root.is(WSDL, "definitions") {
            imports(&root, "");
            for types in root.all(WSDL, "types") {
                for s in types.all(XS, "schema") {
                    imports(s, s.attr("targetNamespace").unwrap_or(""));
                }
            }
        } else if required {
            return Err(crate::Error::new(format!(
                "{}: neither a WSDL 1.1 definitions nor an XML Schema (root {{{}}}{})",
                path.display(),
                root.ns,
                root.local
            )));
        } else {
            warn.push(format!("{shown}: not a WSDL or schema; ignored"));
            continue;
        }
        next.reverse();
        queue.extend(next);
        docs.push(Doc {
            path: path.clone(),
            root,
            chameleon,
        });
    }
    Ok(docs)
}

/// A schema's settings, which its definitions are read with.
#[derive(Clone, Debug)]
pub struct SchemaCtx {
    pub tns: String,
    pub qualified: bool,
    pub attr_qualified: bool,
}

/// A top-level definition and the schema it is in.
#[derive(Clone, Copy)]
pub struct Def<'a> {
    pub node: &'a Node,
    pub ctx: &'a SchemaCtx,
}

/// Every schema and WSDL definition by qualified name, and the order they were read in.
#[derive(Default)]
pub struct Index<'a> {
    pub complex: BTreeMap<QName, Def<'a>>,
    pub simple: BTreeMap<QName, Def<'a>>,
    pub elements: BTreeMap<QName, Def<'a>>,
    pub attributes: BTreeMap<QName, Def<'a>>,
    pub groups: BTreeMap<QName, Def<'a>>,
    pub attribute_groups: BTreeMap<QName, Def<'a>>,
    /// Top-level complex types, simple types and elements in document order (kind, name).
    pub order: Vec<(&'static str, QName)>,
    pub messages: BTreeMap<QName, &'a Node>,
    pub port_types: Vec<(QName, &'a Node)>,
    pub bindings: Vec<(QName, &'a Node)>,
    pub services: Vec<(QName, &'a Node)>,
}

/// Indexes the loaded documents; `ctxs` holds the schema settings the index refers to.
pub fn index<'a>(docs: &'a [Doc], ctxs: &'a [SchemaCtx], warn: &mut Warnings) -> Index<'a> {
    let mut ix = Index::default();
    let mut schemas = schema_nodes(docs).into_iter().zip(ctxs);
    for doc in docs {
        if doc.root.is(WSDL, "definitions") {
            let tns = doc.root.attr("targetNamespace").unwrap_or("").to_owned();
            for c in &doc.root.children {
                if c.ns != WSDL {
                    continue;
                }
                let Some(name) = c.attr("name") else { continue };
                let q = (tns.clone(), name.to_owned());
                // Several WSDLs may define the same names (one contract split or repeated): the first wins.
                let list = match c.local.as_str() {
                    "message" => {
                        ix.messages.entry(q).or_insert(c);
                        continue;
                    }
                    "portType" => &mut ix.port_types,
                    "binding" => &mut ix.bindings,
                    "service" => &mut ix.services,
                    _ => continue,
                };
                if !list.iter().any(|(n, _)| *n == q) {
                    list.push((q, c));
                }
            }
        }
    }
    for ((_, node), ctx) in schemas.by_ref() {
        for c in node.kids(XS) {
            let Some(name) = c.attr("name") else { continue };
            let q = (ctx.tns.clone(), name.to_owned());
            let def = Def { node: c, ctx };
            let (map, kind) = match c.local.as_str() {
                "complexType" => (&mut ix.complex, Some("complex")),
                "simpleType" => (&mut ix.simple, Some("simple")),
                "element" => (&mut ix.elements, Some("element")),
                "attribute" => (&mut ix.attributes, None),
                "group" => (&mut ix.groups, None),
                "attributeGroup" => (&mut ix.attribute_groups, None),
                _ => continue,
            };
            if map.contains_key(&q) {
                // The same schema reached twice (several WSDLs sharing it): one definition.
                continue;
            }
            map.insert(q.clone(), def);
            if let Some(kind) = kind {
                ix.order.push((kind, q));
            }
        }
        if node.first(XS, "redefine").is_some() {
            warn.push(format!(
                "schema {}: xs:redefine is not supported; the original definitions are used",
                ctx.tns
            ));
        }
    }
    ix
}

/// Every schema element of the documents, in order, with the namespace it takes.
pub fn schema_nodes(docs: &[Doc]) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    for doc in docs {
        let tns_of = |s: &Node| {
            s.attr("targetNamespace")
                .map(str::to_owned)
                .or_else(|| doc.chameleon.clone())
                .unwrap_or_default()
        };
        if doc.root.is(XS, "schema") {
            out.push((tns_of(&doc.root), &doc.root));
        } else {
            for types in doc.root.all(WSDL, "types") {
                for s in types.all(XS, "schema") {
                    out.push((tns_of(s), s));
                }
            }
        }
    }
    out
}

/// The settings of each schema of [`schema_nodes`].
pub fn contexts(docs: &[Doc]) -> Vec<SchemaCtx> {
    schema_nodes(docs)
        .into_iter()
        .map(|(tns, s)| SchemaCtx {
            tns,
            qualified: s.attr("elementFormDefault") == Some("qualified"),
            attr_qualified: s.attr("attributeFormDefault") == Some("qualified"),
        })
        .collect()
}
