//! String-like simple types: `xs:token`, `xs:anyURI`, `xs:QName`, and
//! `xs:list` of any simple type.

use super::simple::{NamespaceScope, PrefixScope, SimpleType, collapse, trim};
use crate::error::{Error, Result};
use crate::message::QName;

/// `xs:token`: a string whose whitespace is collapsed on read (trimmed, runs become one space).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Token(pub String);

/// `xs:anyURI`: a URI reference, trimmed on read, not otherwise checked (XML Schema accepts nearly anything).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct AnyUri(pub String);

impl SimpleType for Token {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        Ok(Token(collapse(text)))
    }

    fn format(&self, out: &mut String) -> Result<()> {
        out.push_str(&self.0);
        Ok(())
    }
}

impl SimpleType for AnyUri {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        Ok(AnyUri(collapse(text)))
    }

    fn format(&self, out: &mut String) -> Result<()> {
        out.push_str(&self.0);
        Ok(())
    }
}

/// `xs:QName`: the prefix is resolved against the namespaces in scope
/// where the value stands; on write, a prefix is declared as needed.
impl SimpleType for QName {
    const NEEDS_SCOPE: bool = true;

    fn parse(text: &str) -> std::result::Result<Self, String> {
        Self::parse_in(text, &super::simple::NoScope)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        self.format_in(out, &mut super::simple::NoScope)
    }

    fn parse_in(text: &str, scope: &dyn NamespaceScope) -> std::result::Result<Self, String> {
        let t = trim(text);
        let (prefix, local) = t.split_once(':').unwrap_or(("", t));
        if local.is_empty() || local.contains(':') || (t.contains(':') && prefix.is_empty()) {
            return Err(format!("{t:?} is not a valid xs:QName"));
        }
        let ns = scope
            .resolve(prefix)
            .ok_or_else(|| format!("undeclared prefix {prefix:?} in QName {t:?}"))?;
        Ok(QName::new(ns, local))
    }

    fn format_in(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<()> {
        if self.local.is_empty() || self.local.contains(':') {
            return Err(Error::InvalidFormat(format!(
                "{:?} is not a valid local name for a QName",
                self.local
            )));
        }
        let prefix = scope.prefix_for(&self.namespace)?;
        if !prefix.is_empty() {
            out.push_str(&prefix);
            out.push(':');
        }
        out.push_str(&self.local);
        Ok(())
    }
}

/// `xs:list`: items of a simple type separated by whitespace. As a field
/// type of an attribute or text content it is the list itself; an element
/// field holding a list is marked `#[xml(list)]` (a plain `Vec` there means
/// a repeated element).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct List<T>(pub Vec<T>);

impl<T: SimpleType> SimpleType for List<T> {
    const NEEDS_SCOPE: bool = T::NEEDS_SCOPE;

    fn parse(text: &str) -> std::result::Result<Self, String> {
        Self::parse_in(text, &super::simple::NoScope)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        self.format_in(out, &mut super::simple::NoScope)
    }

    fn parse_in(text: &str, scope: &dyn NamespaceScope) -> std::result::Result<Self, String> {
        text.split([' ', '\t', '\r', '\n'])
            .filter(|item| !item.is_empty())
            .map(|item| T::parse_in(item, scope))
            .collect::<std::result::Result<Vec<T>, String>>()
            .map(List)
    }

    fn format_in(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<()> {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let start = out.len();
            item.format_in(out, scope)?;
            let written = out.get(start..).unwrap_or("");
            if written.is_empty() || written.contains([' ', '\t', '\r', '\n']) {
                return Err(Error::InvalidFormat(format!(
                    "list item {written:?} is empty or holds whitespace"
                )));
            }
        }
        Ok(())
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(v: Vec<T>) -> Self {
        List(v)
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}
