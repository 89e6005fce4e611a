//! Every XSD construct the derive maps, read and written.

use wws_core::xsd::{
    Base64Binary, Decimal, List, Nillable, RawXml, ReadOptions, SimpleType, XmlAttribute,
    read_element,
};
use wws_core::{BodyElement, Error, QName, XmlType};

use super::{round_trip, to_xml};

const NS: &str = "urn:features";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:features")]
struct Address {
    street: String,
    zip: Option<u32>,
}

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:features")]
enum Color {
    Red,
    #[xml(rename = "dark-blue")]
    DarkBlue,
    #[xml(other)]
    Other(String),
}

#[derive(XmlType, Debug, Clone, PartialEq)]
enum Strict {
    Yes,
    No,
}

/// simpleContent: text plus attributes.
#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:features")]
struct Price {
    #[xml(text)]
    amount: Decimal,
    #[xml(attribute)]
    currency: String,
    #[xml(attribute)]
    rounded: Option<bool>,
}

/// A choice of one element each.
#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:features")]
enum Contact {
    #[xml(rename = "email")]
    Email(String),
    #[xml(rename = "postal")]
    Postal(Address),
    #[xml(rename = "none")]
    Nothing,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:features", name = "Person")]
struct Person {
    #[xml(attribute)]
    id: u64,
    name: String,
    home: Address,
    other: Vec<Address>,
    work: Option<Address>,
    nick: Option<Nillable<String>>,
    #[xml(nillable)]
    spouse: Option<String>,
    color: Vec<Color>,
    contact: Vec<Contact>,
    price: Option<Price>,
    #[xml(list)]
    lucky: Vec<u8>,
    #[xml(attribute)]
    tags: List<String>,
    photo: Option<Base64Binary>,
    #[xml(skip)]
    cache: Option<u32>,
    #[xml(any)]
    extra: Vec<RawXml>,
    #[xml(any_attribute)]
    extra_attributes: Vec<XmlAttribute>,
}

fn person() -> Person {
    Person {
        id: 7,
        name: "Ada".into(),
        home: Address {
            street: "1 Loop".into(),
            zip: Some(1234),
        },
        other: vec![
            Address {
                street: "2 Loop".into(),
                zip: None,
            },
            Address {
                street: "3 Loop".into(),
                zip: Some(0),
            },
        ],
        work: None,
        nick: Some(Nillable::Nil),
        spouse: None,
        color: vec![Color::Red, Color::DarkBlue, Color::Other("teal".into())],
        contact: vec![
            Contact::Email("ada@example.org".into()),
            Contact::Nothing,
            Contact::Postal(Address {
                street: "4 Loop".into(),
                zip: None,
            }),
        ],
        price: Some(Price {
            amount: "12.50".parse().expect("decimal"),
            currency: "EUR".into(),
            rounded: None,
        }),
        lucky: vec![3, 7, 42],
        tags: List(vec!["a".into(), "b".into()]),
        photo: Some(Base64Binary(b"\x00\xFFpng".to_vec())),
        cache: None,
        extra: vec![
            RawXml::parse(r#"<v:Vendor xmlns:v="urn:vendor" v:x="1"><v:k>v</v:k></v:Vendor>"#)
                .expect("raw"),
        ],
        extra_attributes: vec![XmlAttribute {
            name: QName::new("urn:vendor", "flag"),
            value: "on".into(),
        }],
    }
}

#[test]
fn everything_round_trips() {
    let p = person();
    let xml = to_xml(&p);
    assert_eq!(round_trip(&p), p, "{xml}");
    for needle in [
        r#"<Person xmlns="urn:features" id="7""#,
        r#"tags="a b""#,
        r#"<nick xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"></nick>"#,
        r#"<spouse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"></spouse>"#,
        "<color>Red</color><color>dark-blue</color><color>teal</color>",
        "<email>ada@example.org</email><none></none><postal><street>4 Loop</street></postal>",
        r#"<price currency="EUR">12.50</price>"#,
        "<lucky>3 7 42</lucky>",
        "<photo>AP9wbmc=</photo>",
        r#"<v:Vendor xmlns="" xmlns:v="urn:vendor" v:x="1"><v:k>v</v:k></v:Vendor>"#,
        r#"xmlns:ns0="urn:vendor" ns0:flag="on""#,
    ] {
        assert!(xml.contains(needle), "{needle}\nin {xml}");
    }
    assert!(!xml.contains("cache"));
}

/// Raw XML that leaves the default namespace undeclared keeps it undeclared
/// when it is written under one: an unprefixed QName in its text still
/// names no namespace when read back (found by the `derive_reader` fuzz
/// target, as a raw element that gained `xmlns="urn:…"` on each round).
#[test]
fn raw_xml_keeps_its_default_namespace_undeclared() {
    let mut p = person();
    p.extra = vec![RawXml::parse(r#"<v:Code xmlns:v="urn:vendor">plain</v:Code>"#).expect("raw")];
    let code = |p: &Person| p.extra[0].read::<QName>().expect("a QName");
    assert_eq!(code(&p), QName::new("", "plain"));
    let once = round_trip(&p);
    assert_eq!(code(&once), QName::new("", "plain"), "{}", to_xml(&p));
    let twice = round_trip(&once);
    assert_eq!(to_xml(&once), to_xml(&twice), "stable after one round");
}

/// Raw XML whose text mentions a prefix the writer would make up (`ns0:`)
/// is written with the writer choosing another prefix, so the text does not
/// come to resolve under the writer's binding, and the value is stable
/// (found by the `derive_reader` fuzz target after 8.8 M executions: a raw
/// element gained `xmlns:ns1` on the second round).
#[test]
fn raw_xml_mentioning_a_writer_prefix_is_not_put_under_it() {
    #[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:features", name = "Mixed")]
    struct Mixed {
        #[xml(namespace = "urn:other")]
        foreign: String,
        #[xml(any)]
        extra: Vec<RawXml>,
    }
    let v = Mixed {
        foreign: "f".into(),
        extra: vec![
            RawXml::parse(r#"<v:Code xmlns:v="urn:vendor">ns0:k ns1:k</v:Code>"#).expect("raw"),
        ],
    };
    let xml = to_xml(&v);
    // The writer's own prefix for urn:other is neither ns0 nor ns1.
    assert!(
        !xml.contains("xmlns:ns0=") && !xml.contains("xmlns:ns1="),
        "{xml}"
    );
    let once = round_trip(&v);
    assert_eq!(once, v, "{xml}");
    assert_eq!(to_xml(&once), xml, "stable after one round");
}

/// A QName in no namespace is written where a default namespace is in
/// scope: its element is prefixed and undeclares the default, so the text
/// still resolves to no namespace (found by the `derive_reader` fuzz target:
/// `<f:code>q1c</f:code>` read, then refused by the writer).
#[test]
fn a_qname_in_no_namespace_is_written_under_a_default_namespace() {
    #[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:features", name = "Coded")]
    struct Coded {
        code: QName,
        other: Vec<QName>,
        after: Option<String>,
    }
    let v = Coded {
        code: QName::new("", "plain"),
        other: vec![QName::new("urn:features", "mine"), QName::new("", "bare")],
        after: Some("x".into()),
    };
    let xml = to_xml(&v);
    assert_eq!(round_trip(&v), v, "{xml}");
    assert!(xml.contains(r#"xmlns="">plain<"#), "{xml}");
    assert!(
        xml.contains("<after>x</after>"),
        "the default namespace is back after it: {xml}"
    );
}

#[test]
fn nil_absent_and_value_are_told_apart() {
    let base = r#"<name>n</name><home><street>s</street></home>"#;
    let read = |inner: &str| {
        Person::read_element(
            format!(r#"<p:Person xmlns:p="urn:features" xmlns:i="{XSI}" id="1" tags="">{base}{inner}</p:Person>"#)
                .replace("<name>", "<p:name>")
                .replace("</name>", "</p:name>")
                .replace("home>", "p:home>")
                .replace("<street>", "<p:street>")
                .replace("</street>", "</p:street>")
                .as_bytes(),
        )
        .expect("reads")
    };
    assert_eq!(read("").nick, None);
    assert_eq!(read(r#"<p:nick i:nil="1"/>"#).nick, Some(Nillable::Nil));
    assert_eq!(
        read("<p:nick>x</p:nick>").nick,
        Some(Nillable::Value("x".into()))
    );
    // A nil optional without Nillable reads as absent; a nil array item is dropped.
    assert_eq!(read(r#"<p:spouse i:nil="true"/>"#).spouse, None);
    assert_eq!(
        read(r#"<p:other i:nil="true"/><p:other><p:street>x</p:street></p:other>"#)
            .other
            .len(),
        1
    );
}

#[test]
fn required_nil_missing_and_bad_values_name_the_field() {
    let cases = [
        (
            r#"<Person xmlns="urn:features" id="1"/>"#,
            "Person.name is missing",
        ),
        (
            r#"<Person xmlns="urn:features"><name>n</name><home><street>s</street></home></Person>"#,
            "Person.id is missing",
        ),
        (r#"<Person xmlns="urn:features" id="x"/>"#, "Person.id"),
        (
            r#"<Person xmlns="urn:features" id="1"><name>n</name><home><zip>1</zip></home></Person>"#,
            "Person.home: Address.street is missing",
        ),
        (
            r#"<Person xmlns="urn:features" id="1"><name>n</name><home><street>s</street><zip>-1</zip></home></Person>"#,
            "Person.home: Address.zip",
        ),
        (
            r#"<Person xmlns="urn:features" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" id="1"><name i:nil="true"/></Person>"#,
            "Person.name: is nil but required",
        ),
        (
            r#"<Person xmlns="urn:features" id="1"><name>a</name><name>b</name></Person>"#,
            "Person.name: occurs twice",
        ),
        (
            r#"<Person xmlns="urn:features" id="1"><price>1</price></Person>"#,
            "Person.price: Price.currency is missing",
        ),
        (
            r#"<Person xmlns="urn:features" id="1"><price currency="X">1e2</price></Person>"#,
            "Person.price: Price.amount",
        ),
        (
            r#"<Person xmlns="urn:features" id="1"><lucky>1 x</lucky></Person>"#,
            "Person.lucky",
        ),
        (
            r#"<Person xmlns="urn:features" id="1"><photo>!!</photo></Person>"#,
            "Person.photo",
        ),
    ];
    for (xml, needle) in cases {
        match Person::read_element(xml.as_bytes()) {
            Err(Error::InvalidFormat(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
            other => panic!("{xml}: {other:?}"),
        }
    }
}

#[test]
fn enumerations_keep_unknown_values_or_name_the_list() {
    assert_eq!(Color::parse(" dark-blue "), Ok(Color::DarkBlue));
    assert_eq!(Color::parse("Mauve"), Ok(Color::Other("Mauve".into())));
    let err = Strict::parse("Maybe").expect_err("no Other variant");
    assert!(err.contains("Strict") && err.contains("Yes, No"), "{err}");
}

/// complexContent extension, and `xsi:type` polymorphism.
mod inheritance {
    use super::*;

    #[derive(XmlType, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:shapes")]
    pub struct Shape {
        #[xml(attribute)]
        pub id: String,
        pub label: Option<String>,
    }

    #[derive(XmlType, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:shapes")]
    pub struct Circle {
        #[xml(flatten)]
        pub base: Shape,
        pub radius: f64,
    }

    #[derive(XmlType, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:shapes", type_name = "Rect")]
    pub struct Rectangle {
        #[xml(flatten)]
        pub base: Shape,
        pub width: f64,
        pub height: f64,
    }

    #[derive(XmlType, Debug, Clone, PartialEq)]
    #[xml(polymorphic)]
    pub enum AnyShape {
        Shape(Shape),
        Circle(Circle),
        Rect(Rectangle),
    }

    #[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:shapes", name = "Drawing")]
    pub struct Drawing {
        pub shape: Vec<AnyShape>,
        pub circle: Option<Circle>,
    }

    #[test]
    fn base_fields_are_flattened_and_xsi_type_dispatches() {
        let d = Drawing {
            shape: vec![
                AnyShape::Shape(Shape {
                    id: "s".into(),
                    label: None,
                }),
                AnyShape::Circle(Circle {
                    base: Shape {
                        id: "c".into(),
                        label: Some("round".into()),
                    },
                    radius: 2.0,
                }),
                AnyShape::Rect(Rectangle {
                    base: Shape {
                        id: "r".into(),
                        label: None,
                    },
                    width: 1.0,
                    height: 3.5,
                }),
            ],
            circle: None,
        };
        let xml = to_xml(&d);
        assert!(xml.contains(r#"<shape id="s"></shape>"#), "{xml}");
        assert!(
            xml.contains(r#"<shape xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Circle" id="c"><label>round</label><radius>2.0</radius></shape>"#),
            "{xml}"
        );
        assert!(xml.contains(r#"xsi:type="Rect""#), "{xml}");
        assert_eq!(round_trip(&d), d);

        // Another peer's prefixes, an unknown derived type (read as the base), a derived type where the base is expected.
        let other = format!(
            r#"<d:Drawing xmlns:d="urn:shapes" xmlns:x="{XSI}">
                <d:shape x:type="d:Circle" id="c"><d:radius>1</d:radius></d:shape>
                <d:shape xmlns:q="urn:shapes" x:type="q:Rect" id="r"><d:height>2</d:height><d:width>1</d:width></d:shape>
                <d:shape x:type="d:Triangle" id="t"><d:label>3</d:label><d:sides>3</d:sides></d:shape>
                <d:circle x:type="d:Circle" id="only"><d:radius>4</d:radius></d:circle>
            </d:Drawing>"#
        );
        let got = Drawing::read_element(other.as_bytes()).expect("reads");
        assert!(
            matches!(&got.shape[0], AnyShape::Circle(c) if c.radius == 1.0 && c.base.id == "c")
        );
        assert!(matches!(&got.shape[1], AnyShape::Rect(r) if r.width == 1.0 && r.height == 2.0));
        assert_eq!(
            got.shape[2],
            AnyShape::Shape(Shape {
                id: "t".into(),
                label: Some("3".into())
            })
        );
        assert_eq!(got.circle.map(|c| c.radius), Some(4.0));
        // Strict mode refuses the unknown type.
        let strict = read_element::<Drawing>(
            other.as_bytes(),
            "urn:shapes",
            "Drawing",
            &ReadOptions::new().strict(true),
        );
        assert!(matches!(strict, Err(Error::InvalidFormat(m)) if m.contains("Triangle")));
    }
}

/// Unqualified children (JAX-WS's default) and elements of other namespaces (element ref).
mod forms {
    use super::*;

    #[derive(XmlType, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:jaxws", unqualified)]
    pub struct Item {
        pub code: String,
        #[xml(namespace = "urn:common")]
        pub note: Option<String>,
    }

    #[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:jaxws", name = "order", unqualified)]
    pub struct Order {
        pub item: Vec<Item>,
        #[xml(namespace = "urn:common", rename = "Audit")]
        pub audit: Option<String>,
    }

    #[test]
    fn unqualified_children_and_foreign_elements() {
        let o = Order {
            item: vec![Item {
                code: "A".into(),
                note: Some("n".into()),
            }],
            audit: Some("ok".into()),
        };
        let xml = to_xml(&o);
        assert_eq!(
            xml,
            r#"<ns0:order xmlns:ns0="urn:jaxws" xmlns:ns1="urn:common"><item><code>A</code><ns1:note>n</ns1:note></item><ns1:Audit>ok</ns1:Audit></ns0:order>"#
        );
        assert_eq!(round_trip(&o), o);
        // A qualified `code` is another element: skipped laxly, so `code` is missing.
        let wrong = r#"<j:order xmlns:j="urn:jaxws"><item><j:code>A</j:code></item></j:order>"#;
        assert!(
            matches!(Order::read_element(wrong.as_bytes()), Err(Error::InvalidFormat(m)) if m.contains("Item.code is missing"))
        );
        let strict = read_element::<Order>(
            wrong.as_bytes(),
            "urn:jaxws",
            "order",
            &ReadOptions::new().strict(true),
        );
        assert!(
            matches!(strict, Err(Error::InvalidFormat(m)) if m.contains("Item.code is in namespace \"urn:jaxws\", expected \"\"")),
        );
    }
}

/// A user's own simple type: one trait.
mod own_simple_type {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Rgb(pub u8, pub u8, pub u8);

    impl SimpleType for Rgb {
        fn parse(text: &str) -> Result<Self, String> {
            let t = wws_core::xsd::trim(text);
            let hex = t
                .strip_prefix('#')
                .filter(|h| h.len() == 6)
                .ok_or(format!("{t:?} is no #rrggbb"))?;
            let c = |i: usize| {
                u8::from_str_radix(hex.get(i..i + 2).unwrap_or(""), 16).map_err(|e| e.to_string())
            };
            Ok(Rgb(c(0)?, c(2)?, c(4)?))
        }
        fn format(&self, out: &mut String) -> wws_core::Result<()> {
            out.push_str(&format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2));
            Ok(())
        }
    }

    #[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:paint", name = "Paint")]
    pub struct Paint {
        #[xml(attribute)]
        pub base: Rgb,
        pub layer: Vec<Rgb>,
        pub accent: Option<Rgb>,
        #[xml(list)]
        pub palette: Vec<Rgb>,
    }

    #[test]
    fn works_as_element_attribute_option_vec_and_list() {
        let p = Paint {
            base: Rgb(1, 2, 3),
            layer: vec![Rgb(255, 0, 0)],
            accent: None,
            palette: vec![Rgb(0, 0, 0), Rgb(16, 32, 48)],
        };
        assert_eq!(
            to_xml(&p),
            r##"<Paint xmlns="urn:paint" base="#010203"><layer>#ff0000</layer><palette>#000000 #102030</palette></Paint>"##
        );
        assert_eq!(round_trip(&p), p);
    }
}

/// `xs:QName` content resolves against the declarations where it stands.
mod qnames {
    use super::*;

    #[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
    #[xml(namespace = "urn:q", name = "Ref")]
    pub struct Ref {
        pub target: QName,
        #[xml(attribute)]
        pub kind: Option<QName>,
        pub many: Vec<QName>,
    }

    #[test]
    fn resolved_on_read_declared_on_write() {
        let xml = r#"<r:Ref xmlns:r="urn:q" xmlns:a="urn:a" kind="a:k"><r:target xmlns:b="urn:b">b:t</r:target><many xmlns="urn:q">local</many><r:many xmlns:a="urn:a2">a:x</r:many></r:Ref>"#;
        let got = Ref::read_element(xml.as_bytes()).expect("reads");
        assert_eq!(got.target, QName::new("urn:b", "t"));
        assert_eq!(got.kind, Some(QName::new("urn:a", "k")));
        assert_eq!(
            got.many,
            vec![QName::new("urn:q", "local"), QName::new("urn:a2", "x")]
        );
        let written = to_xml(&got);
        assert!(
            written.contains(r#"<target xmlns:ns1="urn:b">ns1:t</target>"#),
            "{written}"
        );
        assert_eq!(round_trip(&got), got);
        let bad = r#"<r:Ref xmlns:r="urn:q"><r:target>zz:t</r:target></r:Ref>"#;
        assert!(
            matches!(Ref::read_element(bad.as_bytes()), Err(Error::InvalidFormat(m)) if m.contains("Ref.target") && m.contains("zz"))
        );
    }
}

#[test]
fn raw_xml_keeps_inherited_declarations_and_reads_typed() {
    let xml = r#"<Person xmlns="urn:features" xmlns:v="urn:vendor" id="1" tags=""><name>n</name><home><street>s</street></home><v:Ext><street>inner</street></v:Ext></Person>"#;
    let p = Person::read_element(xml.as_bytes()).expect("reads");
    assert_eq!(p.extra.len(), 1);
    let raw = &p.extra[0];
    assert_eq!(raw.name().expect("name"), QName::new("urn:vendor", "Ext"));
    assert!(raw.as_str().contains(r#"xmlns="urn:features""#), "{raw:?}");
    let inner: Address = raw.read().expect("typed");
    assert_eq!(inner.street, "inner");
    // Written back under another default namespace, it keeps its meaning.
    assert_eq!(round_trip(&p).extra, p.extra);

    // A fragment in no namespace, pasted under a default namespace, gets xmlns="".
    let mut q = person();
    q.extra = vec![RawXml::parse("<plain><x/></plain>").expect("raw")];
    let written = to_xml(&q);
    assert!(
        written.contains(r#"<plain xmlns=""><x/></plain>"#),
        "{written}"
    );
    assert_eq!(
        round_trip(&q).extra[0].name().expect("name"),
        QName::new("", "plain")
    );
}

#[test]
fn lists_as_attributes_and_elements_accept_any_whitespace() {
    let xml = "<Person xmlns=\"urn:features\" id=\"1\" tags=\"  x\ty \n z \"><name>n</name><home><street>s</street></home><lucky>\n 1\t2  3 </lucky></Person>";
    let p = Person::read_element(xml.as_bytes()).expect("reads");
    assert_eq!(p.tags.0, ["x", "y", "z"]);
    assert_eq!(p.lucky, [1, 2, 3]);
    let _ = NS;
}

#[test]
fn a_value_xml_cannot_carry_is_a_write_error_and_nothing_is_written() {
    let mut p = person();
    p.extra_attributes = vec![XmlAttribute {
        name: QName::new("", "bad name"),
        value: "v".into(),
    }];
    let mut out = wws_core::bytes::BytesMut::from(&b"kept"[..]);
    match p.write_element(&mut out) {
        Err(Error::InvalidFormat(m)) => assert!(m.contains("not an XML local name"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(&out[..], b"kept");
    let err = wws_core::Message::from_body(
        wws_core::EnvelopeVersion::Soap11,
        wws_core::AddressingVersion::Transport,
        "",
        &p,
    );
    assert!(err.is_err());
}
