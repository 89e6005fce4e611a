//! Rust identifiers from XML names: cased, made valid, made unique.

use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Whether `s` is a Rust keyword (strict, reserved or weak).
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Splits a name into words at non-alphanumerics and case changes
/// (`getHTTPStatus_code` → get, HTTP, Status, code).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) => {
                    (c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()))
                        || (c.is_ascii_uppercase()
                            && p.is_ascii_uppercase()
                            && next.is_some_and(|n| n.is_ascii_lowercase())
                            // `IPv4` stays one word, `HTTPServer` is two.
                            && word.len() > 1)
                }
                None => false,
            };
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

fn fix_start(s: String, fallback: &str) -> String {
    if s.is_empty() {
        fallback.to_owned()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}{s}", &fallback[..1])
    } else {
        s
    }
}

/// `PascalCase` type or variant name.
pub fn pascal(name: &str) -> String {
    let s: String = words(name)
        .iter()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect();
    fix_start(s, "V")
}

/// `snake_case` field or method name, never a keyword.
pub fn snake(name: &str) -> String {
    let s = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    let s = fix_start(s, "f");
    if KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// Hands out names unique within one scope (a module, a struct's fields, an impl).
#[derive(Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Whether `name` is taken.
    pub fn taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `base`, or `base2`, `base3`, … when taken.
    pub fn unique(&mut self, base: &str) -> String {
        let base = if KEYWORDS.contains(&base) {
            format!("{base}_")
        } else {
            base.to_owned()
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// A Rust string literal of `s`.
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}

/// Doc comment lines (`///`) at `indent`, made safe for rustdoc: no
/// indented code blocks, no fences, no carriage returns.
pub fn doc(out: &mut String, indent: &str, text: &str) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut blank = false;
    let mut first = true;
    for line in text.lines() {
        let line = line.trim().replace("```", "'''");
        if line.is_empty() {
            blank = true;
            continue;
        }
        if blank && !first {
            out.push_str(indent);
            out.push_str("///\n");
        }
        blank = false;
        first = false;
        out.push_str(indent);
        out.push_str("/// ");
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(pascal("getHTTPStatus_code"), "GetHttpStatusCode");
        assert_eq!(snake("getHTTPStatus_code"), "get_http_status_code");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(pascal("3D"), "V3D");
        assert_eq!(snake("1st"), "f1st");
        assert_eq!(pascal("tCountryCodeAndName"), "TCountryCodeAndName");
        assert_eq!(pascal("--"), "V");
        assert_eq!(snake("ArrayOfString"), "array_of_string");
        assert_eq!(snake("IPv4"), "ipv4");
        assert_eq!(pascal("IPv4NetworkInterface"), "Ipv4NetworkInterface");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(snake("describeSObject"), "describe_sobject");
    }

    #[test]
    fn unique_names() {
        let mut s = Scope::with(&["new"]);
        assert_eq!(s.unique("new"), "new2");
        assert_eq!(s.unique("a"), "a");
        assert_eq!(s.unique("a"), "a2");
        assert_eq!(s.unique("type"), "type_");
    }

    #[test]
    fn docs_are_safe() {
        let mut out = String::new();
        doc(&mut out, "", "  first\r\n\n    code\n```rust\n");
        assert_eq!(out, "/// first\n///\n/// code\n/// '''rust\n");
    }
}
