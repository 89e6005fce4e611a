//! Derive macros of the wws XSD data binding, re-exported by `wws-core`:
//! use them as `wws_core::XmlType` and `wws_core::BodyElement`.
//!
//! ```
//! use wws_core::{BodyElement, XmlType};
//!
//! #[derive(XmlType, BodyElement, Debug, PartialEq)]
//! #[xml(namespace = "urn:example", name = "Ping", rename_all = "PascalCase")]
//! struct Ping {
//!     #[xml(attribute, rename = "id")]
//!     id: u32,
//!     message_text: String,
//! }
//!
//! let ping = Ping::read_element(br#"<p:Ping xmlns:p="urn:example" id="7"><p:MessageText>hi</p:MessageText></p:Ping>"#)?;
//! assert_eq!(ping, Ping { id: 7, message_text: "hi".into() });
//! # Ok::<(), wws_core::Error>(())
//! ```
//!
//! Mistakes are compile errors, for example mixed content or a name XML cannot carry:
//!
//! ```compile_fail
//! #[derive(wws_core::XmlType)]
//! struct Mixed { #[xml(text)] text: String, child: String }
//! ```
//!
//! ```compile_fail
//! #[derive(wws_core::XmlType)]
//! struct Named { #[xml(rename = "a:b")] field: String }
//! ```
//!
//! `#[derive(XmlType)]` emits a description table (`TypeDesc`) of the
//! fields with small accessor functions; one generic reader and writer in
//! `wws_core::xsd` interpret it. The attributes are listed in the
//! `wws_core::xsd` module documentation.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Type, parse_macro_input};

/// Derives `wws_core::xsd::XmlType` for a struct (a complex type: also
/// `ComplexType`), an enum of unit variants (an enumeration: also
/// `SimpleType`), an enum of one-field variants (an `xs:choice`), or, with
/// `#[xml(polymorphic)]`, an enum of a base type and its derived types
/// (dispatched by `xsi:type`).
#[proc_macro_derive(XmlType, attributes(xml))]
pub fn derive_xml_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_xml_type(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `wws_core::BodyElement` for a type that also derives `XmlType`:
/// the element `#[xml(namespace = "…", name = "…")]` (name defaults to the
/// type's; the namespace may also be the path of a `&'static str`
/// constant), read laxly and written with its namespace declared on it.
#[proc_macro_derive(BodyElement, attributes(xml))]
pub fn derive_body_element(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_body_element(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Options on the type.
#[derive(Default)]
struct Container {
    namespace: Option<Tokens>,
    name: Option<String>,
    type_name: Option<String>,
    unqualified: bool,
    strict: bool,
    rename_all: Option<(String, Span)>,
    polymorphic: bool,
    choice: bool,
}

/// Options on a field or variant.
#[derive(Default)]
struct Member {
    attribute: bool,
    text: bool,
    rename: Option<String>,
    namespace: Option<Tokens>,
    unqualified: bool,
    any: bool,
    any_attribute: bool,
    flatten: bool,
    nillable: bool,
    list: bool,
    skip: bool,
    other: bool,
}

fn lit(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<String> {
    Ok(meta.value()?.parse::<LitStr>()?.value())
}

/// A namespace: a string literal or the path of a `&'static str` constant.
fn namespace(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Tokens> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        let lit: LitStr = value.parse()?;
        Ok(quote!(#lit))
    } else {
        let path: syn::Path = value.parse()?;
        Ok(quote!(#path))
    }
}

fn container(attrs: &[syn::Attribute]) -> syn::Result<Container> {
    let mut c = Container::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("xml")) {
        attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            if p.is_ident("namespace") {
                c.namespace = Some(namespace(&meta)?);
            } else if p.is_ident("name") {
                c.name = Some(lit(&meta)?);
            } else if p.is_ident("type_name") {
                c.type_name = Some(lit(&meta)?);
            } else if p.is_ident("unqualified") {
                c.unqualified = true;
            } else if p.is_ident("strict") {
                c.strict = true;
            } else if p.is_ident("rename_all") {
                let span = meta.path.span();
                c.rename_all = Some((lit(&meta)?, span));
            } else if p.is_ident("polymorphic") {
                c.polymorphic = true;
            } else if p.is_ident("choice") {
                c.choice = true;
            } else {
                return Err(meta.error(
                    "unknown xml option on a type (expected namespace, name, type_name, \
                     unqualified, strict, rename_all, polymorphic, choice)",
                ));
            }
            Ok(())
        })?;
    }
    if let Some((rule, span)) = &c.rename_all {
        if !matches!(
            rule.as_str(),
            "PascalCase" | "camelCase" | "lowercase" | "UPPERCASE"
        ) {
            return Err(syn::Error::new(
                *span,
                "rename_all takes \"PascalCase\", \"camelCase\", \"lowercase\" or \"UPPERCASE\"",
            ));
        }
    }
    Ok(c)
}

fn member(attrs: &[syn::Attribute]) -> syn::Result<Member> {
    let mut m = Member::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("xml")) {
        attr.parse_nested_meta(|meta| {
            let p = &meta.path;
            let flag = |name: &str| p.is_ident(name);
            if flag("attribute") {
                m.attribute = true;
            } else if flag("text") {
                m.text = true;
            } else if flag("rename") {
                m.rename = Some(lit(&meta)?);
            } else if flag("namespace") {
                m.namespace = Some(namespace(&meta)?);
            } else if flag("unqualified") {
                m.unqualified = true;
            } else if flag("any") {
                m.any = true;
            } else if flag("any_attribute") {
                m.any_attribute = true;
            } else if flag("flatten") {
                m.flatten = true;
            } else if flag("nillable") {
                m.nillable = true;
            } else if flag("list") {
                m.list = true;
            } else if flag("skip") {
                m.skip = true;
            } else if flag("other") {
                m.other = true;
            } else {
                return Err(meta.error(
                    "unknown xml option (expected attribute, text, rename, namespace, unqualified, \
                     any, any_attribute, flatten, nillable, list, skip, other)",
                ));
            }
            Ok(())
        })?;
    }
    let kinds = [
        m.attribute,
        m.text,
        m.any,
        m.any_attribute,
        m.flatten,
        m.skip,
    ];
    if kinds.iter().filter(|k| **k).count() > 1 {
        return Err(syn::Error::new(
            attrs.first().map_or_else(Span::call_site, Spanned::span),
            "attribute, text, any, any_attribute, flatten and skip exclude each other",
        ));
    }
    Ok(m)
}

/// Applies `rename_all` to a Rust name (`snake_case` field or `PascalCase` variant).
fn rename(rule: Option<&str>, ident: &str) -> String {
    let words: Vec<&str> = ident.split('_').filter(|w| !w.is_empty()).collect();
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    };
    match rule {
        Some("PascalCase") => words.iter().map(|w| cap(w)).collect(),
        Some("camelCase") => {
            let pascal: String = words.iter().map(|w| cap(w)).collect();
            let mut c = pascal.chars();
            c.next()
                .map(|f| f.to_lowercase().chain(c).collect())
                .unwrap_or_default()
        }
        Some("lowercase") => ident.to_lowercase(),
        Some("UPPERCASE") => ident.to_uppercase(),
        _ => ident.to_owned(),
    }
}

/// Refuses names that cannot be XML local names (a colon, whitespace, markup characters, a digit first).
fn check_local(name: &str, span: Span) -> syn::Result<()> {
    let bad = name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
        || name.contains(|c: char| c == ':' || c.is_whitespace() || "<>&\"'=/".contains(c));
    if bad {
        Err(syn::Error::new(
            span,
            format!("{name:?} is not an XML local name"),
        ))
    } else {
        Ok(())
    }
}

fn ident_name(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}

fn no_generics(input: &DeriveInput) -> syn::Result<()> {
    if input.generics.params.is_empty() {
        Ok(())
    } else {
        Err(syn::Error::new(
            input.generics.span(),
            "wws_core::XmlType cannot be derived for generic types",
        ))
    }
}

fn expand_xml_type(input: &DeriveInput) -> syn::Result<Tokens> {
    no_generics(input)?;
    let c = container(&input.attrs)?;
    match &input.data {
        Data::Struct(s) => expand_struct(input, &c, &s.fields),
        Data::Enum(e) => {
            let variants: Vec<&syn::Variant> = e.variants.iter().collect();
            if c.polymorphic {
                expand_polymorphic(input, &variants)
            } else if !c.choice
                && variants.iter().all(|v| {
                    matches!(v.fields, Fields::Unit)
                        || member(&v.attrs).map(|m| m.other).unwrap_or(false)
                })
            {
                expand_enumeration(input, &c, &variants)
            } else {
                expand_choice(input, &c, &variants)
            }
        }
        Data::Union(u) => Err(syn::Error::new(
            u.union_token.span(),
            "wws_core::XmlType cannot be derived for unions",
        )),
    }
}

/// What a struct field is in XML.
enum Kind {
    Element,
    List,
    Attribute,
    Text,
    Any,
    AnyAttribute,
    Flatten,
    Skip,
}

fn kind(m: &Member) -> Kind {
    if m.skip {
        Kind::Skip
    } else if m.flatten {
        Kind::Flatten
    } else if m.any_attribute {
        Kind::AnyAttribute
    } else if m.any {
        Kind::Any
    } else if m.text {
        Kind::Text
    } else if m.attribute {
        Kind::Attribute
    } else if m.list {
        Kind::List
    } else {
        Kind::Element
    }
}

fn expand_struct(input: &DeriveInput, c: &Container, fields: &Fields) -> syn::Result<Tokens> {
    let ident = &input.ident;
    let fields: Vec<&syn::Field> = match fields {
        Fields::Named(n) => n.named.iter().collect(),
        Fields::Unit => Vec::new(),
        Fields::Unnamed(u) => {
            return Err(syn::Error::new(
                u.span(),
                "wws_core::XmlType needs named fields (or none)",
            ));
        }
    };
    let type_ns = c.namespace.clone().unwrap_or_else(|| quote!(""));
    let type_name = c
        .type_name
        .clone()
        .or_else(|| c.name.clone())
        .unwrap_or_else(|| ident_name(ident));
    let rule = c.rename_all.as_ref().map(|(r, _)| r.as_str());
    let x = quote!(::wws_core::xsd);

    let mut slot_types = Vec::new();
    let mut descs = Vec::new();
    let mut builds = Vec::new();
    let mut has_text = vec![quote!(false)];
    let mut has_attributes = vec![quote!(false)];
    let mut unqualified_children = vec![quote!(false)];
    let (mut texts, mut elements) = (0usize, 0usize);

    for (i, f) in fields.iter().enumerate() {
        let m = member(&f.attrs)?;
        let fident = f
            .ident
            .as_ref()
            .ok_or_else(|| syn::Error::new(f.span(), "unnamed field"))?;
        let fty: &Type = &f.ty;
        let local = m
            .rename
            .clone()
            .unwrap_or_else(|| rename(rule, &ident_name(fident)));
        check_local(&local, f.span())?;
        let k = kind(&m);
        match k {
            Kind::Text => texts += 1,
            Kind::Element | Kind::List | Kind::Any => elements += 1,
            _ => {}
        }
        if texts > 1 || (texts > 0 && elements > 0) {
            return Err(syn::Error::new(
                f.span(),
                "a type has one #[xml(text)] field and then no element fields (mixed content is not supported)",
            ));
        }
        let ns = match (&m.namespace, &k) {
            (Some(ns), _) => ns.clone(),
            (None, Kind::Attribute) => quote!(""),
            (None, _) if m.unqualified || c.unqualified => quote!(""),
            (None, _) => type_ns.clone(),
        };
        if m.nillable && !matches!(k, Kind::Element) {
            return Err(syn::Error::new(
                f.span(),
                "nillable applies to element fields",
            ));
        }
        let mut path = quote!(s);
        for _ in 0..i {
            path = quote!(#path.1);
        }
        let path = quote!(#path.0);
        let at = quote!(#x::FieldRef { ty: #type_name, field: #local });
        let slot_var = Ident::new(&format!("__slot{i}"), Span::call_site());
        let (slot_ty, access, build) = match k {
            Kind::Element => {
                unqualified_children.push(quote!((#ns).is_empty() && !(#type_ns).is_empty()));
                let write = if m.nillable {
                    quote!(|v, w, n| #x::write_nil_if_none(&v.#fident, w, n))
                } else {
                    quote!(|v, w, n| <#fty as #x::Field>::write(&v.#fident, w, n))
                };
                (
                    quote!(<#fty as #x::Field>::Slot),
                    quote!(#x::Access::Element {
                        read: |s, r, t| <#fty as #x::Field>::read_one(&mut #path, r, t),
                        write: #write,
                        choice: <#fty as #x::Field>::ELEMENTS,
                    }),
                    quote!(<#fty as #x::Field>::finish(#slot_var, #at)?),
                )
            }
            Kind::List => (
                quote!(<#fty as #x::ValueField>::Slot),
                quote!(#x::Access::Element {
                    read: |s, r, t| #x::read_value_element::<#fty>(&mut #path, r, t),
                    write: |v, w, n| #x::write_value_element(&v.#fident, w, n),
                    choice: ::core::option::Option::None,
                }),
                quote!(<#fty as #x::ValueField>::finish(#slot_var, #at)?),
            ),
            Kind::Attribute | Kind::Text => {
                let variant = if matches!(k, Kind::Text) {
                    has_text.push(quote!(true));
                    quote!(Text)
                } else {
                    has_attributes.push(quote!(true));
                    quote!(Attribute)
                };
                (
                    quote!(<#fty as #x::ValueField>::Slot),
                    quote!(#x::Access::#variant {
                        read: |s, text, scope| <#fty as #x::ValueField>::parse_into(&mut #path, text, scope),
                        write: |v, out, scope| <#fty as #x::ValueField>::format(&v.#fident, out, scope),
                    }),
                    quote!(<#fty as #x::ValueField>::finish(#slot_var, #at)?),
                )
            }
            Kind::Any => (
                quote!(<#fty as #x::Field>::Slot),
                quote!(#x::Access::Any {
                    read: |s, r, t| <#fty as #x::Field>::read_one(&mut #path, r, t),
                    write: |v, w, n| <#fty as #x::Field>::write(&v.#fident, w, n),
                }),
                quote!(<#fty as #x::Field>::finish(#slot_var, #at)?),
            ),
            Kind::AnyAttribute => {
                has_attributes.push(quote!(true));
                (
                    quote!(#fty),
                    quote!(#x::Access::AnyAttribute {
                        read: |s, a| #path.push(a),
                        write: |v, w| #x::write_any_attributes(&v.#fident, w),
                    }),
                    quote!(#slot_var),
                )
            }
            Kind::Flatten => {
                has_text.push(quote!(<#fty as #x::ComplexType>::HAS_TEXT));
                has_attributes.push(quote!(<#fty as #x::ComplexType>::HAS_ATTRIBUTES));
                unqualified_children.push(quote!(<#fty as #x::XmlType>::UNQUALIFIED_CHILDREN));
                (
                    quote!(<#fty as #x::ComplexType>::Slots),
                    quote!(#x::Access::Flatten {
                        child: |s, r, t, any| #x::accept_child::<#fty>(&mut #path, r, t, any),
                        attribute: |s, ns, local, value, scope| #x::accept_attribute::<#fty>(&mut #path, ns, local, value, scope),
                        text: |s, text, scope| #x::accept_text::<#fty>(&mut #path, text, scope),
                        write_attributes: |v, w| #x::write_attributes(&v.#fident, w),
                        write_content: |v, w| #x::write_content(&v.#fident, w),
                    }),
                    quote!(<#fty as #x::ComplexType>::build(#slot_var)?),
                )
            }
            Kind::Skip => (
                quote!(()),
                quote!(#x::Access::Skip),
                quote!(::core::default::Default::default()),
            ),
        };
        slot_types.push(slot_ty);
        descs.push(quote!(#x::FieldDesc {
            name: #x::XmlName::new(#ns, #local),
            access: #access,
        }));
        builds.push((fident.clone(), slot_var, build));
    }

    let mut slots_ty = quote!(());
    for t in slot_types.iter().rev() {
        slots_ty = quote!((#t, #slots_ty));
    }
    let mut pattern = quote!(());
    for (_, var, _) in builds.iter().rev() {
        pattern = quote!((#var, #pattern));
    }
    let inits = builds.iter().map(|(f, _, b)| quote!(#f: #b));
    let strict = c.strict;
    Ok(quote! {
        #[automatically_derived]
        impl #x::ComplexType for #ident {
            type Slots = #slots_ty;
            const DESC: &'static #x::TypeDesc<Self> = &#x::TypeDesc {
                name: #type_name,
                namespace: #type_ns,
                strict: #strict,
                fields: &[#(#descs),*],
            };
            const HAS_TEXT: bool = #(#has_text)||*;
            const HAS_ATTRIBUTES: bool = #(#has_attributes)||*;

            fn build(s: Self::Slots) -> ::wws_core::Result<Self> {
                let #pattern = s;
                ::core::result::Result::Ok(#ident { #(#inits),* })
            }
        }

        #[automatically_derived]
        impl #x::XmlType for #ident {
            const UNQUALIFIED_CHILDREN: bool = #(#unqualified_children)||*;

            fn read_xml<'a>(
                r: &mut #x::XsdReader<'a>,
                tag: &::wws_core::xml::StartTag<'a>,
            ) -> ::wws_core::Result<Self> {
                #x::read_complex::<Self>(r, tag)
            }

            fn write_xml(&self, w: &mut #x::XsdWriter<'_>, name: #x::XmlName) -> ::wws_core::Result<()> {
                #x::write_complex(self, w, name, false)
            }
        }
    })
}

fn expand_enumeration(
    input: &DeriveInput,
    c: &Container,
    variants: &[&syn::Variant],
) -> syn::Result<Tokens> {
    let ident = &input.ident;
    let ty = ident_name(ident);
    let rule = c.rename_all.as_ref().map(|(r, _)| r.as_str());
    let x = quote!(::wws_core::xsd);
    let mut parse_arms = Vec::new();
    let mut format_arms = Vec::new();
    let mut names = Vec::new();
    let mut other = None;
    for v in variants {
        let m = member(&v.attrs)?;
        let vident = &v.ident;
        if m.other {
            if other.is_some() || !matches!(&v.fields, Fields::Unnamed(u) if u.unnamed.len() == 1) {
                return Err(syn::Error::new(
                    v.span(),
                    "one #[xml(other)] variant holding the text, as in Other(String)",
                ));
            }
            other = Some(vident.clone());
            format_arms
                .push(quote!(#ident::#vident(s) => ::core::convert::AsRef::<str>::as_ref(s)));
            continue;
        }
        let value = m
            .rename
            .unwrap_or_else(|| rename(rule, &ident_name(vident)));
        parse_arms.push(quote!(#value => ::core::result::Result::Ok(#ident::#vident)));
        format_arms.push(quote!(#ident::#vident => #value));
        names.push(value);
    }
    let fallback = match other {
        Some(o) => {
            quote!(other => ::core::result::Result::Ok(#ident::#o(::core::convert::From::from(other))))
        }
        None => {
            quote!(other => ::core::result::Result::Err(#x::unknown_value(other, #ty, &[#(#names),*])))
        }
    };
    Ok(quote! {
        #[automatically_derived]
        impl #x::SimpleType for #ident {
            fn parse(text: &str) -> ::core::result::Result<Self, ::std::string::String> {
                match #x::trim(text) {
                    #(#parse_arms,)*
                    #fallback,
                }
            }

            fn format(&self, out: &mut ::std::string::String) -> ::wws_core::Result<()> {
                out.push_str(match self { #(#format_arms,)* });
                ::core::result::Result::Ok(())
            }
        }
    })
}

fn single_field(v: &syn::Variant) -> syn::Result<Option<&Type>> {
    match &v.fields {
        Fields::Unit => Ok(None),
        Fields::Unnamed(u) if u.unnamed.len() == 1 => Ok(u.unnamed.first().map(|f| &f.ty)),
        _ => Err(syn::Error::new(
            v.span(),
            "a choice or polymorphic variant holds one value, as in Circle(Circle)",
        )),
    }
}

fn expand_choice(
    input: &DeriveInput,
    c: &Container,
    variants: &[&syn::Variant],
) -> syn::Result<Tokens> {
    let ident = &input.ident;
    let ty = ident_name(ident);
    let rule = c.rename_all.as_ref().map(|(r, _)| r.as_str());
    let type_ns = c.namespace.clone().unwrap_or_else(|| quote!(""));
    let x = quote!(::wws_core::xsd);
    let mut names = Vec::new();
    let mut read_arms = Vec::new();
    let mut write_arms = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let m = member(&v.attrs)?;
        let vident = &v.ident;
        let local = m
            .rename
            .clone()
            .unwrap_or_else(|| rename(rule, &ident_name(vident)));
        let ns = match &m.namespace {
            Some(ns) => ns.clone(),
            None if m.unqualified || c.unqualified => quote!(""),
            None => type_ns.clone(),
        };
        let name = quote!(#x::XmlName::new(#ns, #local));
        names.push(name.clone());
        match single_field(v)? {
            Some(fty) => {
                read_arms.push(quote!(::core::option::Option::Some(#i) =>
                    ::core::result::Result::Ok(#ident::#vident(<#fty as #x::XmlType>::read_xml(r, tag)?))));
                write_arms.push(
                    quote!(#ident::#vident(v) => <#fty as #x::XmlType>::write_xml(v, w, #name)),
                );
            }
            None => {
                read_arms.push(quote!(::core::option::Option::Some(#i) => {
                    r.xml().skip_element()?;
                    ::core::result::Result::Ok(#ident::#vident)
                }));
                write_arms.push(quote!(#ident::#vident => {
                    w.start_element(#ns, #local)?;
                    w.end_element()
                }));
            }
        }
    }
    Ok(quote! {
        #[automatically_derived]
        impl #x::XmlType for #ident {
            const ELEMENTS: ::core::option::Option<&'static [#x::XmlName]> =
                ::core::option::Option::Some(&[#(#names),*]);

            fn read_xml<'a>(
                r: &mut #x::XsdReader<'a>,
                tag: &::wws_core::xml::StartTag<'a>,
            ) -> ::wws_core::Result<Self> {
                const NAMES: &[#x::XmlName] = &[#(#names),*];
                match #x::choice_index(tag, NAMES) {
                    #(#read_arms,)*
                    _ => ::core::result::Result::Err(#x::not_in_choice(tag, #ty)),
                }
            }

            fn write_xml(&self, w: &mut #x::XsdWriter<'_>, _name: #x::XmlName) -> ::wws_core::Result<()> {
                match self { #(#write_arms,)* }
            }
        }
    })
}

fn expand_polymorphic(input: &DeriveInput, variants: &[&syn::Variant]) -> syn::Result<Tokens> {
    let ident = &input.ident;
    let ty = ident_name(ident);
    let x = quote!(::wws_core::xsd);
    let mut dispatch = Vec::new();
    let mut write_arms = Vec::new();
    let mut first = None;
    for (i, v) in variants.iter().enumerate() {
        let vident = &v.ident;
        let fty = single_field(v)?.ok_or_else(|| {
            syn::Error::new(
                v.span(),
                "a polymorphic variant holds its type, as in Circle(Circle)",
            )
        })?;
        dispatch.push(quote! {
            if #x::is_type::<#fty>(&q) {
                return ::core::result::Result::Ok(#ident::#vident(#x::read_complex::<#fty>(r, tag)?));
            }
        });
        if i == 0 {
            first = Some((vident.clone(), fty.clone()));
            write_arms
                .push(quote!(#ident::#vident(v) => <#fty as #x::XmlType>::write_xml(v, w, name)));
        } else {
            write_arms.push(quote!(#ident::#vident(v) => #x::write_complex(v, w, name, true)));
        }
    }
    let (fident, fty) = first.ok_or_else(|| {
        syn::Error::new(
            input.span(),
            "a polymorphic enum needs at least the base type",
        )
    })?;
    Ok(quote! {
        #[automatically_derived]
        impl #x::XmlType for #ident {
            const UNQUALIFIED_CHILDREN: bool = <#fty as #x::XmlType>::UNQUALIFIED_CHILDREN;

            fn read_xml<'a>(
                r: &mut #x::XsdReader<'a>,
                tag: &::wws_core::xml::StartTag<'a>,
            ) -> ::wws_core::Result<Self> {
                if let ::core::option::Option::Some(q) = r.xsi_type(tag)? {
                    #(#dispatch)*
                    if r.is_strict() {
                        return ::core::result::Result::Err(#x::unknown_type(&q, #ty));
                    }
                }
                ::core::result::Result::Ok(#ident::#fident(<#fty as #x::XmlType>::read_xml(r, tag)?))
            }

            fn write_xml(&self, w: &mut #x::XsdWriter<'_>, name: #x::XmlName) -> ::wws_core::Result<()> {
                match self { #(#write_arms,)* }
            }
        }
    })
}

fn expand_body_element(input: &DeriveInput) -> syn::Result<Tokens> {
    no_generics(input)?;
    let c = container(&input.attrs)?;
    let ident = &input.ident;
    let ns = c.namespace.clone().ok_or_else(|| {
        syn::Error::new(
            input.ident.span(),
            "BodyElement needs #[xml(namespace = \"…\")] (and optionally name = \"…\")",
        )
    })?;
    let name = c.name.clone().unwrap_or_else(|| ident_name(ident));
    check_local(&name, ident.span())?;
    let x = quote!(::wws_core::xsd);
    Ok(quote! {
        #[automatically_derived]
        impl ::wws_core::BodyElement for #ident {
            const NAMESPACE: &'static str = #ns;
            const NAME: &'static str = #name;

            fn write_element(&self, out: &mut ::wws_core::bytes::BytesMut) -> ::wws_core::Result<()> {
                #x::write_element(self, out, #ns, #name)
            }

            fn read_element(xml: &[u8]) -> ::wws_core::Result<Self> {
                #x::read_element::<Self>(xml, #ns, #name, &#x::ReadOptions::default())
            }

            fn read_body_element(xml: &[u8]) -> ::wws_core::Result<Self> {
                #x::read_body_element::<Self>(xml, #ns, #name, &#x::ReadOptions::default())
            }
        }
    })
}
