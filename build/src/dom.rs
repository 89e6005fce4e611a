//! A small XML tree of one WSDL or schema file, with each element's
//! namespace resolved and its in-scope prefixes kept (QName-valued
//! attributes such as `type="tns:Foo"` are resolved against them).

use std::collections::BTreeMap;
use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Namespace of XML Schema.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// Namespace of WSDL 1.1.
pub const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
/// Namespace of the WSDL SOAP 1.1 binding.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// Namespace of the WSDL SOAP 1.2 binding.
pub const SOAP12: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
/// The `xml:` prefix's namespace.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// An element: its resolved name, attributes (by their raw name), in-scope
/// prefixes, children and text.
#[derive(Debug)]
pub struct Node {
    pub ns: String,
    pub local: String,
    pub attrs: Vec<(String, String)>,
    pub scope: Rc<BTreeMap<String, String>>,
    pub children: Vec<Node>,
    pub text: String,
}

impl Node {
    /// The value of the unprefixed attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of an attribute in namespace `ns` with local name `local`.
    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs.iter().find_map(|(n, v)| {
            let (p, l) = n.split_once(':')?;
            (l == local && self.scope.get(p).map(String::as_str) == Some(ns)).then_some(v.as_str())
        })
    }

    /// Whether this is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// The children in namespace `ns`.
    pub fn kids<'a>(&'a self, ns: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.ns == ns)
    }

    /// The children `{ns}local`.
    pub fn all<'a>(&'a self, ns: &'a str, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.is(ns, local))
    }

    /// The first child `{ns}local`.
    pub fn first(&self, ns: &str, local: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.is(ns, local))
    }

    /// Resolves a QName-valued attribute: `(namespace, local)`.
    pub fn qname(&self, value: &str) -> Option<(String, String)> {
        let value = value.trim();
        match value.split_once(':') {
            Some((p, l)) => {
                let ns = if p == "xml" {
                    XML.to_owned()
                } else {
                    self.scope.get(p)?.clone()
                };
                Some((ns, l.to_owned()))
            }
            None => Some((
                self.scope.get("").cloned().unwrap_or_default(),
                value.to_owned(),
            )),
        }
    }

    /// The text of `xs:documentation` (or `wsdl:documentation`) children of
    /// this element and of its `xs:annotation`.
    pub fn documentation(&self) -> String {
        let mut out = Vec::new();
        for c in &self.children {
            if c.is(XS, "annotation") {
                for d in c.all(XS, "documentation") {
                    out.push(d.deep_text());
                }
            } else if c.local == "documentation" && (c.ns == XS || c.ns == WSDL) {
                out.push(c.deep_text());
            }
        }
        out.iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(markdown_safe)
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    fn deep_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.deep_text());
        }
        s
    }
}

fn start(e: &BytesStart<'_>, parent: &Rc<BTreeMap<String, String>>) -> Result<Node, String> {
    let mut decls = Vec::new();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        if key == "xmlns" {
            decls.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_owned(), value));
        } else {
            attrs.push((key, value));
        }
    }
    let scope = if decls.is_empty() {
        parent.clone()
    } else {
        let mut s = (**parent).clone();
        s.extend(decls);
        Rc::new(s)
    };
    let raw = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let (prefix, local) = match raw.split_once(':') {
        Some((p, l)) => (p.to_owned(), l.to_owned()),
        None => (String::new(), raw),
    };
    let ns = scope.get(&prefix).cloned().unwrap_or_default();
    Ok(Node {
        ns,
        local,
        attrs,
        scope,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Parses a document into its root element.
pub fn parse(text: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let empty = Rc::new(BTreeMap::new());
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                let scope = stack.last().map_or(&empty, |n| &n.scope).clone();
                stack.push(start(&e, &scope)?);
            }
            Event::Empty(e) => {
                let scope = stack.last().map_or(&empty, |n| &n.scope).clone();
                let node = start(&e, &scope)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Ok(node),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Ok(node),
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(n) = stack.last_mut() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        n.text.push(c);
                    } else {
                        let name = r.decode().map_err(|e| e.to_string())?;
                        n.text.push_str(match name.as_ref() {
                            "lt" => "<",
                            "gt" => ">",
                            "amp" => "&",
                            "apos" => "'",
                            "quot" => "\"",
                            _ => "",
                        });
                    }
                }
            }
            Event::DocType(_) => return Err("a DTD is not accepted".to_owned()),
            Event::Eof => return Err("no root element".to_owned()),
            _ => {}
        }
    }
}

/// In-scope prefixes → namespaces.
type Scope = BTreeMap<String, String>;

/// Makes `ns` the default namespace wherever none is declared: a schema
/// included into `ns` without a target namespace of its own (a chameleon)
/// then resolves its unprefixed references into `ns`.
pub fn default_namespace(node: &mut Node, ns: &str) {
    fn walk(node: &mut Node, ns: &str, done: &mut Vec<(*const Scope, Rc<Scope>)>) {
        if !node.scope.contains_key("") {
            let key = Rc::as_ptr(&node.scope);
            let new = match done.iter().find(|(k, _)| *k == key) {
                Some((_, n)) => n.clone(),
                None => {
                    let mut s = (*node.scope).clone();
                    s.insert(String::new(), ns.to_owned());
                    let n = Rc::new(s);
                    done.push((key, n.clone()));
                    n
                }
            };
            node.scope = new;
        }
        for c in &mut node.children {
            walk(c, ns, done);
        }
    }
    let mut done = Vec::new();
    walk(node, ns, &mut done);
}

/// Contract prose made safe for rustdoc (which generated crates may build
/// with `-D warnings`): no HTML tags, no intra-doc links, no bare URLs.
pub fn markdown_safe(text: &str) -> String {
    fn escape(out: &mut String, s: &str) {
        for c in s.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '`' => out.push('\''),
                c => out.push(c),
            }
        }
    }
    let text = text.replace('\t', " ");
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            let at = word.find("http://").or_else(|| word.find("https://"));
            let Some(at) = at else {
                escape(&mut out, word);
                continue;
            };
            let (before, link) = word.split_at(at);
            escape(&mut out, before);
            let url = link.trim_end_matches(['.', ',', ';', ':', ')', '\'', '"']);
            let rest = &link[url.len()..];
            if before.is_empty() || before.ends_with(|c: char| !c.is_alphanumeric()) {
                out.push('<');
                out.push_str(&url.replace(['<', '>'], ""));
                out.push('>');
            } else {
                // Glued to a word (`valuehttp://…`): set apart so it is a link.
                out.push_str(" <");
                out.push_str(&url.replace(['<', '>'], ""));
                out.push('>');
            }
            escape(&mut out, rest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_made_safe_for_rustdoc() {
        assert_eq!(
            markdown_safe("See https://x.org/a. <b>[c]</b> `d"),
            "See <https://x.org/a>. &lt;b&gt;\\[c\\]&lt;/b&gt; 'd"
        );
        assert_eq!(
            markdown_safe("\thttp://a/b, valuehttp://c/d (http://e/f)"),
            " <http://a/b>, value <http://c/d> (<http://e/f>)"
        );
    }

    #[test]
    fn parses_names_and_prefixes() {
        let n = parse(r#"<a:r xmlns:a="urn:a" xmlns="urn:d" t="a:X"><c>x&amp;y&#65;<![CDATA[<z>]]></c></a:r>"#)
            .expect("xml");
        assert!(n.is("urn:a", "r"));
        assert_eq!(
            n.qname(n.attr("t").unwrap_or("")),
            Some(("urn:a".into(), "X".into()))
        );
        let c = n.first("urn:d", "c").expect("child");
        assert_eq!(c.text, "x&yA<z>");
        assert_eq!(c.qname("Y"), Some(("urn:d".into(), "Y".into())));
        assert!(parse("<!DOCTYPE x><x/>").is_err());
        assert!(parse("<x>").is_err());
    }
}
