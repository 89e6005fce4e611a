//! WSDL/XSD code generation for wws: what a user would write by hand on
//! the XSD data binding and typed operations of `wws-core`, generated from a
//! WSDL 1.1 contract and its schemas — from `build.rs` (as prost-build and
//! tonic-build are used) or with the `wws-wsdl` command-line tool.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let out = std::path::Path::new(&std::env::var("OUT_DIR")?).join("calculator.rs");
//!     let generated = wws_build::configure().compile(&["calculator.wsdl"], &out)?;
//!     for w in &generated.warnings {
//!         println!("cargo:warning={w}");
//!     }
//!     Ok(())
//! }
//! ```
//!
//! and in the crate (which depends on `wws-core`, plus `wws-proxy` for the
//! client and `wws-host` for the service trait):
//!
//! ```ignore
//! pub mod calculator {
//!     include!(concat!(env!("OUT_DIR"), "/calculator.rs"));
//! }
//! ```
//!
//! From the command line: `wws-wsdl [--out FILE.rs] [--no-client] [--no-server] WSDL...`
//! writes the module to `FILE.rs` (stdout without `--out`) and its warnings to stderr.
//!
//! # What is generated
//!
//! - every type derives `Debug`, `Clone` and `PartialEq`, and `Default`
//!   where all its fields can (so a large request is written
//!   `Foo { name: …, ..Default::default() }`);
//! - every named `complexType` a `#[derive(XmlType)]` struct, every
//!   top-level element with an anonymous type a `#[derive(XmlType,
//!   BodyElement)]` struct, and an element used as a message part whose type
//!   is named a `BodyElement` struct holding it (`#[xml(flatten)] value`);
//! - child elements as fields: `minOccurs="0"` → `Option<T>`, `maxOccurs`
//!   above one → `Vec<T>`, `nillable` → `Nillable<T>`, `ref` and other
//!   namespaces → `#[xml(namespace)]`, unqualified forms → `#[xml(unqualified)]`;
//!   attributes (and attribute groups) → `#[xml(attribute)]`;
//!   `simpleContent` → a `#[xml(text)] value` and its attributes;
//!   `complexContent/extension` → `#[xml(flatten)] base` first; a named
//!   type that others extend (at any depth) also gets `{Base}Family`, a
//!   `#[xml(polymorphic)]` enum of it and every derived type, and element
//!   fields declared with the base hold the family (a derived value sent in
//!   the base's place keeps its content, told apart by `xsi:type`; a type
//!   the contract does not define reads as the base); a reference to the
//!   head of a substitution group → `{Head}Group`, a choice of the head
//!   (unless abstract) and every element of its group; `xs:choice`
//!   of elements → a choice enum; `xs:group` refs inlined; `xs:any` →
//!   `#[xml(any)] Vec<RawXml>`, `xs:anyAttribute` → `#[xml(any_attribute)]`;
//! - enumerations of string types → enums (unit variants, and `Other(String)`
//!   keeping values the schema does not list); other simple types → aliases
//!   of their base; `xs:list` → `List<T>`; `xs:union` → `String`; XSD
//!   built-in types → the `wws_core::xsd` types (`Decimal`, `Integer`,
//!   `DateTime`, `Duration`, `Base64Binary`, …) and Rust's numbers;
//! - per port type with a SOAP 1.1 or 1.2 binding: an `operations!` module
//!   (`op`, or `{port_type}_op` when the WSDL has several), actions from the
//!   binding's `soapAction` (or `wsam:Action`), reply actions from
//!   `wsam:Action` on the output, the first fault's element as the typed
//!   fault; a typed client (`{Name}Client`, `&self` methods returning the
//!   `PendingCall`, `_with` variants taking `CallOptions`) and a service
//!   trait (`{Name}Service`, `&self` methods taking the `OperationContext`,
//!   `into_contract`), as the calculator example writes them by hand;
//! - `soap:header` parts: per operation and direction a struct of the
//!   header elements (`{Op}RequestHeaders`, `{Op}ResponseHeaders`, each
//!   field optional, implementing `wws_core::FromHeaders`) with
//!   `to_headers`, `add_to` (call options) and `from_headers` (a request's,
//!   `OperationContext::headers`), and a client method `{op}_with_headers`
//!   taking the request headers and, when the output has header parts,
//!   returning the reply's typed headers beside its body
//!   (`ServiceProxy::invoke_with_reply_headers`);
//! - document/literal wrapped and bare (one element part); rpc/literal
//!   (wrapper elements `{op}` and `{op}Response` in the body's namespace,
//!   parts as unqualified children); rpc/encoded is generated as literal,
//!   with a warning;
//! - docs from `xs:documentation` and `wsdl:documentation`.
//!
//! # Choices
//!
//! - `wsdl:import`, `xs:import`, `xs:include` are read from local files,
//!   relative to the importing file. Remote locations are never fetched:
//!   [`Builder::catalog`] maps them (or their namespace) to local copies;
//!   otherwise a warning names them and what they would define maps to raw XML.
//! - Names are made valid, unique Rust identifiers (`PascalCase` types,
//!   `snake_case` fields and methods, keywords suffixed `_`, clashes
//!   numbered or suffixed `Element`/`Type`); every field carries its XML name.
//! - A construct that cannot be mapped becomes raw XML (or `String` for a
//!   simple value) plus a warning, never a panic: mixed content, choices
//!   of sequences, SOAP-encoded arrays, types held by value recursively,
//!   undefined references. Operations the stack cannot type (one-way,
//!   several body parts in document style) are skipped with a warning.
//! - Output is deterministic: the same inputs give the same bytes.
//!
//! # The corpus
//!
//! The real-world contracts kept outside the repository (`../shared/wsdl/`)
//! generate and pass `cargo check` without a warning under the workspace's
//! lints, each within a budget of 5 s to generate and 120 s to check on 2
//! cores (`tests/corpus_compile.rs`, ignored by default; figures of
//! 2026-12-01 on the loaded 2-core CI box, debug build of wws-build):
//!
//! | WSDL | lines | generation | `cargo check` | generator warnings |
//! |---|---|---|---|---|
//! | CountryInfoService | 946 | 21 ms | 2.4 s | 0 |
//! | NumberConversion | 120 | 1 ms | 0.6 s | 0 |
//! | TempConvert | 120 | 1 ms | 0.5 s | 1 (its HTTP POST port type has no SOAP binding) |
//! | ONVIF device management (+ onvif.xsd, common.xsd) | 15,249 | 263 ms | 14–56 s | 11 (4 remote imports not fetched, and the 7 references into them) |
//! | Salesforce partner | 15,729 | 146 ms | 7–18 s | 1 (a recursive family member kept as raw XML) |
//!
//! Salesforce's one warning: `SoqlNotCondition` extends `SoqlWhereCondition`
//! and holds one by value, so its `condition` (which would hold the family)
//! is kept as raw XML; Rust cannot size a type that holds itself. The rule
//! for such cycles: the latest element field (or choice alternative) on
//! the cycle becomes raw XML; a family keeps every variant and a derived
//! type its flattened base. A family's abstract base is still a variant
//! (written without `xsi:type`), and types derived by restriction are not
//! in families (in strict mode their `xsi:type` is refused).

mod dom;
mod emit;
mod load;
mod model;
mod names;
mod schema;
mod wsdl;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A WSDL or schema that cannot be read at all (an input missing, not XML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    fn new(message: String) -> Self {
        Error { message }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Warnings in the order first seen, each once.
#[derive(Default)]
pub(crate) struct Warnings {
    list: Vec<String>,
    seen: BTreeSet<String>,
}

impl Warnings {
    pub(crate) fn push(&mut self, w: String) {
        if self.seen.insert(w.clone()) {
            self.list.push(w);
        }
    }
}

/// What one generation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Generated {
    /// The Rust module.
    pub code: String,
    /// What could not be mapped exactly, each once.
    pub warnings: Vec<String>,
    /// Every file read (the inputs and what they import).
    pub files: Vec<PathBuf>,
}

/// How to generate: start with [`configure`].
#[derive(Debug, Clone)]
pub struct Builder {
    client: bool,
    server: bool,
    rerun_if_changed: bool,
    unimplemented: bool,
    catalog: BTreeMap<String, PathBuf>,
}

/// A builder with everything generated: types, operations, clients and service traits.
pub fn configure() -> Builder {
    Builder {
        client: true,
        server: true,
        rerun_if_changed: true,
        unimplemented: false,
        catalog: BTreeMap::new(),
    }
}

/// Generates `wsdls` into the file `out` with the defaults of [`configure`].
pub fn compile(wsdls: &[impl AsRef<Path>], out: impl AsRef<Path>) -> Result<Generated, Error> {
    configure().compile(wsdls, out)
}

impl Builder {
    /// Whether to generate the typed clients (they need `wws-proxy`). Default: yes.
    pub fn client(mut self, yes: bool) -> Self {
        self.client = yes;
        self
    }

    /// Whether to generate the service traits (they need `wws-host`). Default: yes.
    pub fn server(mut self, yes: bool) -> Self {
        self.server = yes;
        self
    }

    /// Reads the schema a remote import names from `file` instead:
    /// `location` is the import's `schemaLocation` (or `location`) URL, or
    /// its namespace (which also serves imports giving no location). The
    /// network is never used; an import the catalog does not map maps to
    /// raw XML with a warning.
    pub fn catalog(mut self, location: impl Into<String>, file: impl AsRef<Path>) -> Self {
        self.catalog
            .insert(location.into(), file.as_ref().to_path_buf());
        self
    }

    /// Whether the service traits' methods have a default answering a
    /// Receiver fault "… is not implemented", so a service implements the
    /// operations it supports (an ONVIF device its profile). Default: no,
    /// every operation must be implemented.
    pub fn unimplemented_by_default(mut self, yes: bool) -> Self {
        self.unimplemented = yes;
        self
    }

    /// Whether [`compile`](Self::compile) prints `cargo:rerun-if-changed`
    /// for every file read when run by Cargo (`OUT_DIR` set). Default: yes.
    pub fn rerun_if_changed(mut self, yes: bool) -> Self {
        self.rerun_if_changed = yes;
        self
    }

    /// Generates the module of `wsdls` (WSDL 1.1 files or bare schemas) and returns it.
    pub fn generate(&self, wsdls: &[impl AsRef<Path>]) -> Result<Generated, Error> {
        let inputs: Vec<PathBuf> = wsdls.iter().map(|p| p.as_ref().to_path_buf()).collect();
        if inputs.is_empty() {
            return Err(Error::new("no WSDL given".to_owned()));
        }
        let mut warn = Warnings::default();
        let docs = load::load(&inputs, &self.catalog, &mut warn)?;
        let ctxs = load::contexts(&docs);
        let ix = load::index(&docs, &ctxs, &mut warn);
        let mut g = schema::Gen::new(&ix, &mut warn);
        g.translate();
        let ports = wsdl::ports(&mut g);
        g.polymorphism();
        let mut items = std::mem::take(&mut g.items);
        drop(g);
        emit::break_cycles(&mut items, &mut warn);

        let mut code = String::new();
        let names: Vec<&str> = inputs
            .iter()
            .map(|p| p.file_name().and_then(|n| n.to_str()).unwrap_or("?"))
            .collect();
        code.push_str(&format!(
            "// Generated by wws-build from {}; do not edit.\n\
             // Include it in a module of a crate depending on wws-core{}{}.\n\n",
            names.join(", "),
            if self.client { ", wws-proxy" } else { "" },
            if self.server { ", wws-host" } else { "" },
        ));
        if !warn.list.is_empty() {
            // What could not be mapped exactly, where a reader of the module sees it.
            code.insert_str(code.len() - 1, "//\n");
            for w in &warn.list {
                code.insert_str(
                    code.len() - 1,
                    &format!("// warning: {}\n", w.replace('\n', " ")),
                );
            }
        }
        let mut e = emit::Emitter {
            defaults: emit::defaults(&items),
            items: &items,
            out: code,
            header_helper: false,
        };
        for (i, item) in items.iter().enumerate() {
            if item.top {
                e.item(i);
            }
        }
        for p in &ports {
            e.port(p, self.client, self.server, self.unimplemented);
        }
        let mut code = e.out;
        while code.ends_with("\n\n") {
            code.pop();
        }
        Ok(Generated {
            code,
            warnings: warn.list,
            files: docs.iter().map(|d| d.path.clone()).collect(),
        })
    }

    /// Generates the module of `wsdls` into the file `out`.
    pub fn compile(
        &self,
        wsdls: &[impl AsRef<Path>],
        out: impl AsRef<Path>,
    ) -> Result<Generated, Error> {
        let generated = self.generate(wsdls)?;
        if self.rerun_if_changed && std::env::var_os("OUT_DIR").is_some() {
            for f in &generated.files {
                println!("cargo:rerun-if-changed={}", f.display());
            }
        }
        let out = out.as_ref();
        // Unchanged output is not rewritten, so what includes it is not rebuilt.
        if std::fs::read_to_string(out).ok().as_deref() != Some(generated.code.as_str()) {
            std::fs::write(out, &generated.code)
                .map_err(|e| Error::new(format!("{}: {e}", out.display())))?;
        }
        Ok(generated)
    }
}
