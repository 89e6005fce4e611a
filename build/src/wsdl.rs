//! WSDL → operations: each port type with a SOAP binding becomes an
//! operations module, a typed client and a service trait.

use crate::dom::{Node, SOAP11, SOAP12, WSDL};
use crate::load::QName;
use crate::names::{Scope, pascal, snake};
use crate::schema::Gen;

/// One operation, ready to emit.
pub struct Op {
    /// The operation's struct in the op module (its WSDL name when that is an identifier).
    pub ident: String,
    /// Whether `operations!` can declare it (its name is the struct's).
    pub by_macro: bool,
    pub wsdl_name: String,
    pub method: String,
    pub doc: String,
    pub action: String,
    pub reply_action: Option<String>,
    pub request: usize,
    pub response: usize,
    pub fault: Option<usize>,
    /// Typed SOAP headers of the request and of the response.
    pub headers: [Option<HeaderSet>; 2],
}

/// The typed SOAP headers of one message: a struct of optional header elements.
pub struct HeaderSet {
    pub name: String,
    pub fields: Vec<HeaderField>,
}

/// One header part.
pub struct HeaderField {
    pub field: String,
    pub part: String,
    pub item: usize,
}

/// One port type, ready to emit.
pub struct Port {
    pub name: QName,
    pub doc: String,
    pub module: String,
    pub client: String,
    pub service: String,
    pub ops: Vec<Op>,
    /// `(SOAP version, binding name, address)` of its SOAP bindings and ports.
    pub bindings: Vec<(&'static str, String, Vec<String>)>,
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
        && !crate::names::is_keyword(s)
}

/// Translates the port types of the index.
pub fn ports(g: &mut Gen<'_>) -> Vec<Port> {
    let ix = g.ix;
    let soap_ports: Vec<&(QName, &Node)> = ix
        .port_types
        .iter()
        .filter(|(q, _)| !bindings_of(g, q).is_empty())
        .collect();
    for (q, _) in &ix.port_types {
        if bindings_of(g, q).is_empty() {
            g.warn.push(format!(
                "port type {} has no SOAP binding; no client or service is generated for it",
                q.1
            ));
        }
    }
    let single = soap_ports.len() == 1;
    let mut out = Vec::new();
    for (q, pt) in soap_ports {
        let base = pascal(&q.1);
        let mut stem = base.as_str();
        for suffix in ["PortType", "SoapType", "Soap", "Port", "Type"] {
            if let Some(s) = stem.strip_suffix(suffix) {
                if !s.is_empty() {
                    stem = s;
                    break;
                }
            }
        }
        let stem = stem.to_owned();
        let module = if single {
            "op".to_owned()
        } else {
            g.scope.unique(&format!("{}_op", snake(&q.1)))
        };
        let client = g.scope.unique(&format!("{stem}Client"));
        let service = if stem.ends_with("Service") {
            g.scope.unique(&stem)
        } else {
            g.scope.unique(&format!("{stem}Service"))
        };
        let binds = bindings_of(g, q);
        let mut op_scope = Scope::default();
        let mut method_scope = Scope::with(&["new", "proxy", "into_contract"]);
        let mut ops = Vec::new();
        let mut headers = Vec::new();
        for o in pt.all(WSDL, "operation") {
            let Some(name) = o.attr("name") else { continue };
            let op = operation(
                g,
                q,
                o,
                name,
                &binds,
                &mut op_scope,
                &mut method_scope,
                &mut headers,
            );
            ops.extend(op);
        }
        if !headers.is_empty() {
            g.warn.push(format!(
                "port type {}: SOAP header parts without a declared element are not typed (send them with CallOptions::header): {}",
                q.1,
                headers.join(", ")
            ));
        }
        let bindings = binds
            .iter()
            .map(|(v, b)| {
                let bname = b.attr("name").unwrap_or("").to_owned();
                let addrs = addresses(g, &(q.0.clone(), bname.clone()));
                (*v, bname, addrs)
            })
            .collect();
        out.push(Port {
            name: q.clone(),
            doc: pt.documentation(),
            module,
            client,
            service,
            ops,
            bindings,
        });
    }
    out
}

/// The SOAP bindings of a port type, SOAP 1.1 first.
fn bindings_of<'a>(g: &Gen<'a>, pt: &QName) -> Vec<(&'static str, &'a Node)> {
    let mut out = Vec::new();
    for (_, b) in &g.ix.bindings {
        let Some(t) = b.attr("type").and_then(|t| b.qname(t)) else {
            continue;
        };
        if &t != pt {
            continue;
        }
        if b.first(SOAP11, "binding").is_some() {
            out.push(("SOAP 1.1", *b));
        } else if b.first(SOAP12, "binding").is_some() {
            out.push(("SOAP 1.2", *b));
        }
    }
    out.sort_by_key(|(v, _)| *v);
    out
}

fn addresses(g: &Gen<'_>, binding: &QName) -> Vec<String> {
    let mut out = Vec::new();
    for (_, s) in &g.ix.services {
        for p in s.all(WSDL, "port") {
            if p.attr("binding").and_then(|b| p.qname(b)).as_ref() != Some(binding) {
                continue;
            }
            for a in &p.children {
                if a.local == "address" {
                    if let Some(l) = a.attr("location") {
                        out.push(l.to_owned());
                    }
                }
            }
        }
    }
    out
}

/// The child of a binding element in either SOAP binding namespace.
fn soap<'a>(n: &'a Node, local: &str) -> Option<&'a Node> {
    n.first(SOAP11, local).or_else(|| n.first(SOAP12, local))
}

const WSAM: &[&str] = &[
    "http://www.w3.org/2007/05/addressing/metadata",
    "http://www.w3.org/2006/05/addressing/wsdl",
    "http://www.w3.org/2006/02/addressing/wsdl",
];

fn wsa_action(n: &Node) -> Option<String> {
    WSAM.iter()
        .find_map(|ns| n.attr_ns(ns, "Action"))
        .map(str::to_owned)
}

#[allow(clippy::too_many_arguments)]
fn operation(
    g: &mut Gen<'_>,
    pt: &QName,
    o: &Node,
    name: &str,
    binds: &[(&'static str, &Node)],
    op_scope: &mut Scope,
    method_scope: &mut Scope,
    headers_seen: &mut Vec<String>,
) -> Option<Op> {
    let ix = g.ix;
    let here = format!("{}.{name}", pt.1);
    let (Some(input), Some(output)) = (o.first(WSDL, "input"), o.first(WSDL, "output")) else {
        g.warn.push(format!(
            "{here}: one-way and notification operations are not supported yet; skipped"
        ));
        return None;
    };
    // The binding's operation, in each SOAP binding.
    let bops: Vec<&Node> = binds
        .iter()
        .filter_map(|(_, b)| {
            b.all(WSDL, "operation")
                .find(|bo| bo.attr("name") == Some(name))
        })
        .collect();
    let Some(&bop) = bops.first() else {
        g.warn
            .push(format!("{here}: not in its SOAP binding; skipped"));
        return None;
    };
    let actions: Vec<&str> = bops
        .iter()
        .filter_map(|b| soap(b, "operation").and_then(|s| s.attr("soapAction")))
        .collect();
    if actions.windows(2).any(|w| w[0] != w[1]) {
        g.warn.push(format!(
            "{here}: its SOAP 1.1 and 1.2 bindings give different soapActions; the first ({:?}) is used",
            actions[0]
        ));
    }
    let action = actions
        .first()
        .filter(|a| !a.is_empty())
        .map(|a| (*a).to_owned())
        .or_else(|| wsa_action(input))
        .unwrap_or_default();
    let reply_action = wsa_action(output);
    let binding = binds.first().map(|(_, b)| *b)?;
    let style = soap(bop, "operation")
        .and_then(|s| s.attr("style"))
        .or_else(|| soap(binding, "binding").and_then(|s| s.attr("style")))
        .unwrap_or("document");
    let body_of = |which: &str| bop.first(WSDL, which).and_then(|io| soap(io, "body"));
    let mut io = Vec::new();
    let mut header_sets = Vec::new();
    for (which, msg_node) in [("input", input), ("output", output)] {
        let body = body_of(which);
        if body.and_then(|b| b.attr("use")) == Some("encoded") {
            g.warn.push(format!(
                "{here}: rpc/encoded {which}: generated as literal (no SOAP encoding, no xsi:type on parts)"
            ));
        }
        let msg_q = msg_node.attr("message").and_then(|m| msg_node.qname(m));
        let Some(msg) = msg_q.as_ref().and_then(|m| ix.messages.get(m)) else {
            g.warn
                .push(format!("{here}: {which} message not found; skipped"));
            return None;
        };
        let named: Option<Vec<&str>> = body
            .and_then(|b| b.attr("parts"))
            .map(|p| p.split_whitespace().collect());
        let header_nodes: Vec<&Node> = bop
            .first(WSDL, which)
            .map(|io| {
                io.children
                    .iter()
                    .filter(|h| h.local == "header" && (h.ns == SOAP11 || h.ns == SOAP12))
                    .collect()
            })
            .unwrap_or_default();
        // Header parts taken from the body's own message are not body parts.
        let headers: Vec<&str> = header_nodes
            .iter()
            .filter(|h| h.attr("message").and_then(|m| h.qname(m)) == msg_q)
            .filter_map(|h| h.attr("part"))
            .collect();
        let header_names: Vec<&str> = header_nodes.iter().filter_map(|h| h.attr("part")).collect();
        let parts: Vec<&Node> = msg
            .all(WSDL, "part")
            .filter(|p| {
                let pn = p.attr("name").unwrap_or("");
                match &named {
                    Some(n) => n.contains(&pn),
                    None => !headers.contains(&pn),
                }
            })
            .collect();
        let item = if style == "rpc" {
            let ns = body
                .and_then(|b| b.attr("namespace"))
                .map(str::to_owned)
                .unwrap_or_else(|| pt.0.clone());
            let wrapper = if which == "input" {
                name.to_owned()
            } else {
                format!("{name}Response")
            };
            g.rpc_item(&ns, &wrapper, &parts)
        } else {
            match parts.as_slice() {
                [p] => match p.attr("element").and_then(|e| p.qname(e)) {
                    Some(el) => match g.element_item(&el) {
                        Some(i) => i,
                        None => {
                            g.warn.push(format!(
                                "{here}: {which} element {{{}}}{} is not declared in any schema read; skipped",
                                el.0, el.1
                            ));
                            return None;
                        }
                    },
                    None => {
                        g.warn.push(format!(
                            "{here}: a document-style {which} part with a type, not an element, is not supported; skipped"
                        ));
                        return None;
                    }
                },
                _ => {
                    g.warn.push(format!(
                        "{here}: a document-style {which} of {} body parts is not supported (one element is); skipped",
                        parts.len()
                    ));
                    return None;
                }
            }
        };
        io.push(item);
        let mut typed = Vec::new();
        let mut fscope = Scope::default();
        for h in &header_nodes {
            let part = h.attr("part").unwrap_or("");
            let el = h
                .attr("message")
                .and_then(|m| h.qname(m))
                .and_then(|m| ix.messages.get(&m))
                .and_then(|m| m.all(WSDL, "part").find(|p| p.attr("name") == Some(part)))
                .and_then(|p| p.attr("element").and_then(|e| p.qname(e)));
            match el.and_then(|el| g.element_item(&el)) {
                Some(item) => typed.push(HeaderField {
                    field: fscope.unique(&snake(part)),
                    part: part.to_owned(),
                    item,
                }),
                None => {
                    if !headers_seen.contains(&part.to_owned()) {
                        headers_seen.push(part.to_owned());
                    }
                }
            }
        }
        let _ = header_names;
        if !typed.is_empty() {
            let suffix = if which == "input" {
                "RequestHeaders"
            } else {
                "ResponseHeaders"
            };
            let name = g.scope.unique(&format!("{}{suffix}", pascal(name)));
            header_sets.push(Some(HeaderSet {
                name,
                fields: typed,
            }));
        } else {
            header_sets.push(None);
        }
    }
    let mut fault = None;
    let mut other_faults = Vec::new();
    for f in o.all(WSDL, "fault") {
        let msg = f
            .attr("message")
            .and_then(|m| f.qname(m))
            .and_then(|m| ix.messages.get(&m));
        let el = msg
            .and_then(|m| m.first(WSDL, "part"))
            .and_then(|p| p.attr("element").and_then(|e| p.qname(e)));
        match el.and_then(|el| g.element_item(&el)) {
            Some(i) if fault.is_none() => fault = Some(i),
            Some(i) => other_faults.push(g.items[i].name.clone()),
            None => g.warn.push(format!(
                "{here}: fault {} has no element part that can be read; it stays raw in Fault::detail",
                f.attr("name").unwrap_or("?")
            )),
        }
    }
    let mut doc = o.documentation();
    if !other_faults.is_empty() {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(&format!(
            "Other fault details it declares (read them with `Error::fault_detail`): {}.",
            other_faults
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // operations! names the struct as the operation: only for names Rust's style accepts.
    let by_macro = is_ident(name)
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.contains('_')
        && !op_scope.taken(name);
    let ident = if by_macro {
        op_scope.unique(name)
    } else {
        op_scope.unique(&pascal(name))
    };
    Some(Op {
        ident,
        by_macro,
        wsdl_name: name.to_owned(),
        method: method_scope.unique(&snake(name)),
        doc,
        action,
        reply_action,
        request: io[0],
        response: io[1],
        fault,
        headers: [header_sets[0].take(), header_sets[1].take()],
    })
}
