//! Reading is prefix-independent: other prefixes, default namespaces,
//! redeclared prefixes, and unknown elements and attributes a newer peer
//! adds all decode to the same value; strict mode turns the extras into errors.

use wws_core::xsd::{ReadOptions, read_element};
use wws_core::{BodyElement, Error, XmlType};

#[derive(XmlType, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:a")]
struct Inner {
    #[xml(attribute)]
    code: Option<String>,
    value: i32,
    #[xml(namespace = "urn:b")]
    foreign: Option<String>,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:a", name = "Outer")]
struct Outer {
    name: String,
    inner: Vec<Inner>,
    #[xml(attribute, namespace = "urn:b")]
    stamp: Option<String>,
}

fn expected() -> Outer {
    Outer {
        name: "n".into(),
        inner: vec![
            Inner {
                code: Some("c".into()),
                value: 1,
                foreign: Some("f".into()),
            },
            Inner {
                code: None,
                value: 2,
                foreign: None,
            },
        ],
        stamp: Some("s".into()),
    }
}

const SPELLINGS: &[&str] = &[
    // Our own output.
    r#"<Outer xmlns="urn:a" xmlns:ns0="urn:b" ns0:stamp="s"><name>n</name><inner code="c"><value>1</value><ns0:foreign>f</ns0:foreign></inner><inner><value>2</value></inner></Outer>"#,
    // Prefixes everywhere, declared at the top.
    r#"<x:Outer xmlns:x="urn:a" xmlns:y="urn:b" y:stamp="s"><x:name>n</x:name><x:inner code="c"><x:value>1</x:value><y:foreign>f</y:foreign></x:inner><x:inner><x:value>2</x:value></x:inner></x:Outer>"#,
    // Default namespace switched back and forth.
    r#"<Outer xmlns="urn:a" xmlns:b="urn:b" b:stamp="s"><name>n</name><inner code="c"><value>1</value><foreign xmlns="urn:b">f</foreign></inner><inner xmlns="urn:a"><value>2</value></inner></Outer>"#,
    // A prefix redeclared deeper to another namespace, and back.
    r#"<p:Outer xmlns:p="urn:a" xmlns:q="urn:b" q:stamp="s"><p:name>n</p:name><p:inner code="c" xmlns:q="urn:a"><q:value>1</q:value><r:foreign xmlns:r="urn:b">f</r:foreign></p:inner><q:inner xmlns:q="urn:a"><p:value>2</p:value></q:inner></p:Outer>"#,
    // Declarations on every element, whitespace, comments, CDATA, references.
    "<?xml version=\"1.0\"?>\n<!-- c --><a:Outer xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" b:stamp=\"&#115;\">\n  <a:name><![CDATA[n]]></a:name>\n  <a:inner code=\"c\"><!-- x --><a:value> 1 </a:value><b:foreign>&#x66;</b:foreign></a:inner>\n  <a:inner><a:value>+2</a:value></a:inner>\n</a:Outer>\n",
    // Unknown elements (here and nested) and attributes a newer peer sends, and another order.
    r#"<Outer xmlns="urn:a" xmlns:b="urn:b" xmlns:n="urn:new" b:stamp="s" n:version="2" extra="1"><n:Header><deep><deeper/></deep></n:Header><inner code="c" more="x"><foreign xmlns="urn:b">f</foreign><value>1</value><Added>9</Added></inner><name>n</name><inner><value>2</value><b:value>other namespace: unknown</b:value></inner><Trailer/></Outer>"#,
];

#[test]
fn every_spelling_decodes_identically() {
    for (i, xml) in SPELLINGS.iter().enumerate() {
        let got =
            Outer::read_element(xml.as_bytes()).unwrap_or_else(|e| panic!("spelling {i}: {e}"));
        assert_eq!(got, expected(), "spelling {i}");
    }
    assert_eq!(super::to_xml(&expected()), SPELLINGS[0]);
}

#[test]
fn strict_mode_accepts_the_exact_spellings_and_names_the_extras() {
    let strict = ReadOptions::new().strict(true);
    for xml in &SPELLINGS[..5] {
        read_element::<Outer>(xml.as_bytes(), "urn:a", "Outer", &strict)
            .expect("strict reads an exact spelling");
    }
    match read_element::<Outer>(SPELLINGS[5].as_bytes(), "urn:a", "Outer", &strict) {
        Err(Error::InvalidFormat(m)) => assert!(
            m.contains("unexpected attribute {urn:new}version in Outer"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    let extra_child = r#"<Outer xmlns="urn:a"><name>n</name><Added/></Outer>"#;
    match read_element::<Outer>(extra_child.as_bytes(), "urn:a", "Outer", &strict) {
        Err(Error::InvalidFormat(m)) => assert!(
            m.contains("unexpected element {urn:a}Added in Outer"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    let nested =
        r#"<Outer xmlns="urn:a"><name>n</name><inner><value>1</value><x/></inner></Outer>"#;
    match read_element::<Outer>(nested.as_bytes(), "urn:a", "Outer", &strict) {
        Err(Error::InvalidFormat(m)) => assert!(
            m.contains("Outer.inner: unexpected element {urn:a}x in Inner"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    // xsi: attributes and declarations are always allowed.
    let xsi = r#"<Outer xmlns="urn:a" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:schemaLocation="urn:a a.xsd"><name>n</name></Outer>"#;
    read_element::<Outer>(xsi.as_bytes(), "urn:a", "Outer", &strict).expect("xsi allowed");
}

#[test]
fn the_element_name_and_namespace_are_checked() {
    for (xml, needle) in [
        (
            r#"<Outer xmlns="urn:other"><name>n</name></Outer>"#,
            "expected element {urn:a}Outer, found {urn:other}Outer",
        ),
        (r#"<a:Other xmlns:a="urn:a"/>"#, "found {urn:a}Other"),
        (r#"<Outer><name>n</name></Outer>"#, "found Outer"),
    ] {
        match Outer::read_element(xml.as_bytes()) {
            Err(Error::InvalidFormat(m)) => assert!(m.contains(needle), "{m}"),
            other => panic!("{other:?}"),
        }
    }
    // A child in the wrong namespace is not the field.
    let wrong = r#"<Outer xmlns="urn:a" xmlns:b="urn:b"><b:name>n</b:name></Outer>"#;
    assert!(
        matches!(Outer::read_element(wrong.as_bytes()), Err(Error::InvalidFormat(m)) if m.contains("Outer.name is missing"))
    );
}
