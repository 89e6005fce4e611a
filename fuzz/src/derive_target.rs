//! Fuzz target `derive_reader`: the derive's generic reader (the one
//! interpreter of per-type description tables behind `#[derive(XmlType)]`)
//! over types that use every construct it maps: nested and optional types,
//! arrays, nillable values, attributes, simpleContent, enums with and without
//! an `other` variant, choice, extension and `xsi:type` polymorphism,
//! `xs:any`/`anyAttribute`, lists, per-field namespaces, unqualified
//! children, and every exact XSD datatype.
//!
//! What must hold: no panic; a value that reads (lax or strict) writes, what
//! was written reads back, and writes the same bytes again (bytes, not
//! values: NaN is not equal to itself); what reads strictly reads laxly too.
//!
//! Uses nothing but `wws_core` and `std`, so that
//! `wws-core/tests/fuzz_regressions.rs` can include it by path.

use wws_core::bytes::BytesMut;
use wws_core::xsd::{
    AnyUri, Base64Binary, Date, DateTime, Decimal, Duration, HexBinary, Integer, List, Nillable,
    RawXml, ReadOptions, Time, Token, XmlAttribute, read_element,
};
use wws_core::{BodyElement, Message, QName, ReaderQuotas, XmlType};

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz")]
pub struct Place {
    pub street: String,
    pub zip: Option<u32>,
    #[xml(attribute)]
    pub kind: Option<Token>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz")]
pub enum Shade {
    Red,
    #[xml(rename = "dark-blue")]
    DarkBlue,
    #[xml(other)]
    Other(String),
}

#[derive(XmlType, Debug, Clone, PartialEq)]
pub enum Closed {
    Yes,
    No,
}

/// simpleContent: a value with attributes.
#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz")]
pub struct Amount {
    #[xml(text)]
    pub value: Decimal,
    #[xml(attribute)]
    pub currency: String,
    #[xml(attribute)]
    pub closed: Option<Closed>,
}

/// A choice.
#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz")]
pub enum Reach {
    #[xml(rename = "mail")]
    Mail(String),
    #[xml(rename = "post")]
    Post(Place),
    #[xml(rename = "nothing")]
    Nothing,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz")]
pub struct Base {
    #[xml(attribute)]
    pub id: String,
    pub label: Option<String>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz")]
pub struct Round {
    #[xml(flatten)]
    pub base: Base,
    pub radius: f64,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz", type_name = "Box")]
pub struct Square {
    #[xml(flatten)]
    pub base: Base,
    pub side: f32,
    pub items: Vec<Round>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(polymorphic)]
pub enum AnyBase {
    Base(Base),
    Round(Round),
    Box(Square),
}

/// Every construct at once, as a body element.
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz", name = "Record")]
pub struct Record {
    #[xml(attribute)]
    pub id: u64,
    pub name: String,
    pub home: Place,
    pub other: Vec<Place>,
    pub nick: Option<Nillable<String>>,
    #[xml(nillable)]
    pub partner: Option<String>,
    pub shade: Vec<Shade>,
    pub reach: Vec<Reach>,
    pub amount: Option<Amount>,
    #[xml(list)]
    pub lucky: Vec<i16>,
    #[xml(attribute)]
    pub tags: List<String>,
    pub shapes: Vec<AnyBase>,
    #[xml(namespace = "urn:other")]
    pub foreign: Option<bool>,
    pub photo: Option<Base64Binary>,
    pub hex: Option<HexBinary>,
    pub code: Option<QName>,
    #[xml(any)]
    pub extra: Vec<RawXml>,
    #[xml(any_attribute)]
    pub extra_attributes: Vec<XmlAttribute>,
}

/// Every exact datatype.
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz", name = "Data")]
pub struct Data {
    pub decimal: Option<Decimal>,
    pub integer: Option<Integer>,
    pub date_time: Option<DateTime>,
    pub date: Option<Date>,
    pub time: Option<Time>,
    pub duration: Option<Duration>,
    pub uri: Option<AnyUri>,
    pub double: Option<f64>,
    pub flag: Option<bool>,
    #[xml(attribute)]
    pub small: Option<i8>,
    #[xml(attribute)]
    pub wide: Option<u128>,
}

/// Unqualified children, as JAX-WS writes them.
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:fuzz", name = "order", unqualified)]
pub struct Order {
    pub item: Vec<String>,
    pub count: Option<u32>,
}

fn check<T: XmlType + std::fmt::Debug>(xml: &[u8], namespace: &'static str, name: &'static str) {
    let lax = ReadOptions::default().quotas(ReaderQuotas::default());
    let strict = lax.clone().strict(true);
    let read_lax = read_element::<T>(xml, namespace, name, &lax);
    let read_strict = read_element::<T>(xml, namespace, name, &strict);
    if read_strict.is_ok() {
        assert!(
            read_lax.is_ok(),
            "read strictly but not laxly: {read_lax:?}"
        );
    }
    for value in [read_lax, read_strict].into_iter().flatten() {
        let mut first = BytesMut::new();
        wws_core::xsd::write_element(&value, &mut first, namespace, name)
            .expect("a value that was read writes");
        let back: T = read_element(&first, namespace, name, &lax).unwrap_or_else(|e| {
            panic!(
                "what we wrote does not read: {e}\n{}",
                String::from_utf8_lossy(&first)
            )
        });
        let mut second = BytesMut::new();
        wws_core::xsd::write_element(&back, &mut second, namespace, name).expect("writes again");
        assert_eq!(first, second, "a value changed through write and read");
    }
}

/// Every type on `xml`.
fn all(xml: &[u8]) {
    check::<Record>(xml, "urn:fuzz", "Record");
    check::<Data>(xml, "urn:fuzz", "Data");
    check::<Order>(xml, "urn:fuzz", "order");
    check::<Place>(xml, "urn:fuzz", "Place");
    check::<Amount>(xml, "urn:fuzz", "Amount");
    check::<AnyBase>(xml, "urn:fuzz", "shape");
}

/// `derive_reader`: every type on the input, and on its body when it is a message.
pub fn derive_reader(data: &[u8]) {
    all(data);
    if let Ok(m) = Message::read(data, &ReaderQuotas::default()) {
        all(&m.body);
    }
}
