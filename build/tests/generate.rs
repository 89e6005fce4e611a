//! wws-build on the project's own contracts (tests/contracts) and on the
//! real-world corpus in `../shared/wsdl/` (SKIPPED when absent).

use std::path::{Path, PathBuf};
use std::time::Instant;

fn contracts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/contracts")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate(files: &[PathBuf]) -> wws_build::Generated {
    wws_build::configure().generate(files).expect("generates")
}

#[test]
fn generation_is_deterministic() {
    let shop = [contracts().join("shop.wsdl")];
    let a = generate(&shop);
    let b = generate(&shop);
    assert_eq!(a.code, b.code, "byte-identical");
    assert_eq!(a.warnings, b.warnings);
    let calc = [root().join("examples/calculator.wsdl")];
    assert_eq!(generate(&calc).code, generate(&calc).code);
}

#[test]
fn output_parses_as_rust() {
    for f in [
        contracts().join("shop.wsdl"),
        root().join("examples/calculator.wsdl"),
    ] {
        let g = generate(std::slice::from_ref(&f));
        if let Err(e) = syn::parse_file(&g.code) {
            panic!("{}: {e}", f.display());
        }
    }
}

#[test]
fn shop_types_have_the_mapped_attributes() {
    let g = generate(&[contracts().join("shop.wsdl")]);
    let code = &g.code;
    for want in [
        // simpleContent with a required attribute of an enumeration from a chameleon include
        "pub struct Money {\n    /// The element's text.\n    #[xml(text)]\n    pub value: ::wws_core::xsd::Decimal,",
        "pub currency: Currency,",
        // enumeration with a value that is no identifier, and the variant keeping unknown ones
        "#[xml(rename = \"pound sterling\")]\n    PoundSterling,",
        "#[xml(other)]\n    Other(String),",
        // occurrence, nillable, names
        "#[xml(rename = \"shipTo\")]\n    pub ship_to: Address,",
        "pub bill_to: Option<Address>,",
        "pub line: Vec<Line>,",
        "pub note: Option<::wws_core::xsd::Nillable<String>>,",
        "pub discount: ::wws_core::xsd::Nillable<::wws_core::xsd::Decimal>,",
        "pub sizes: Option<Sizes>,",
        "pub type Sizes = ::wws_core::xsd::List<i32>;",
        "pub type Sku = String;",
        // nested anonymous types, choice, extension, any
        "pub tags: Option<OrderTags>,",
        "pub choice: OrderChoice,",
        "#[xml(namespace = \"http://example.org/wws/shop/types\", choice)]\npub enum OrderChoice {",
        "#[xml(flatten)]\n    pub base: Order,",
        "#[xml(any)]\n    pub any: Vec<::wws_core::xsd::RawXml>,",
        "#[xml(any_attribute)]\n    pub any_attribute: Vec<::wws_core::xsd::XmlAttribute>,",
        // attributes: required, optional, from another namespace
        "#[xml(attribute)]\n    pub id: u32,",
        "#[xml(attribute, rename = \"contentType\", namespace = \"http://www.w3.org/2005/05/xmlmime\")]",
        // docs from xs:documentation and wsdl:documentation
        "/// One line of an order.\n",
        "/// `PlaceOrder`: Places an order; faults with OrderFault when it has no lines.",
        // operations, bare and rpc wrappers
        "reply_action: \"http://example.org/wws/shop/PlaceOrderDone\", fault: super::OrderFault }",
        "pub Ping(super::Ping) -> super::Pong { action: \"\" }",
        "#[xml(namespace = \"http://example.org/wws/shop/rpc\", name = \"CheckStock\", unqualified)]",
        "pub struct ShopClient {",
        // typed SOAP headers, both directions
        "pub struct PlaceOrderRequestHeaders {\n    /// Header part `auth`.\n    pub auth: Option<Auth>,",
        "pub struct PlaceOrderResponseHeaders {",
        "pub fn place_order_with_headers(",
        "pub trait ShopService: Send + Sync + Sized + 'static {",
        "pub trait StockService: Send + Sync + Sized + 'static {",
    ] {
        assert!(code.contains(want), "missing:\n{want}\n---\n{code}");
    }
    assert!(
        g.warnings
            .iter()
            .any(|w| w.contains("remote import http://www.w3.org/2005/05/xmlmime")),
        "{:?}",
        g.warnings
    );
    assert!(
        g.files.iter().any(|f| f.ends_with("shop-common.xsd")),
        "{:?}",
        g.files
    );
}

/// Writes a contract into a fresh folder and generates it.
fn generate_text(name: &str, files: &[(&str, &str)]) -> wws_build::Generated {
    let dir = std::env::temp_dir().join(format!("wws-build-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (f, text) in files {
        std::fs::write(dir.join(f), text).expect("write");
    }
    let g = generate(&[dir.join(files[0].0)]);
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = syn::parse_file(&g.code) {
        panic!("{name}: {e}\n{}", g.code);
    }
    g
}

const HEAD: &str = r#"<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">"#;

#[test]
fn what_cannot_be_mapped_is_raw_xml_and_a_warning() {
    let xsd = format!(
        r#"{HEAD}
  <xs:complexType name="Node"><xs:sequence>
    <xs:element name="next" type="t:Node" minOccurs="0"/>
    <xs:element name="kids" type="t:Node" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="Mixed" mixed="true"><xs:sequence><xs:element name="b" type="xs:string"/></xs:sequence></xs:complexType>
  <xs:complexType name="SeqChoice"><xs:choice>
    <xs:sequence><xs:element name="a" type="xs:string"/><xs:element name="b" type="xs:string"/></xs:sequence>
    <xs:element name="c" type="xs:string"/>
  </xs:choice></xs:complexType>
  <xs:complexType name="Missing"><xs:sequence>
    <xs:element name="x" type="t:Nowhere"/>
    <xs:element ref="t:Absent"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="TwoChoices"><xs:sequence>
    <xs:choice><xs:element name="a" type="xs:int"/><xs:element name="b" type="xs:int"/></xs:choice>
    <xs:choice maxOccurs="unbounded"><xs:element name="c" type="xs:int"/><xs:element name="d" type="xs:string"/></xs:choice>
  </xs:sequence></xs:complexType>
  <xs:complexType name="type"><xs:sequence><xs:element name="self" type="xs:gYear"/><xs:element name="Self" type="xs:int"/></xs:sequence></xs:complexType>
  <xs:complexType name="Type"><xs:sequence/></xs:complexType>
  <xs:element name="Type" type="t:Type"/>
</xs:schema>"#
    );
    let g = generate_text("raw", &[("raw.xsd", &xsd)]);
    let code = &g.code;
    let w = g.warnings.join("\n");
    // A type held by itself by value becomes raw XML; through a Vec it stays typed.
    assert!(
        code.contains("pub next: Option<::wws_core::xsd::RawXml>,"),
        "{code}"
    );
    assert!(code.contains("pub kids: Vec<Node>,"), "{code}");
    assert!(w.contains("Node.next: a recursive type"), "{w}");
    assert!(w.contains("Mixed: mixed content"), "{w}");
    assert!(w.contains("SeqChoice: a choice with a sequence"), "{w}");
    assert!(code.contains("pub x: ::wws_core::xsd::RawXml,"), "{code}");
    assert!(w.contains("{urn:t}Nowhere is not defined"), "{w}");
    assert!(w.contains("{urn:t}Absent is not declared"), "{w}");
    // Two choices in one type stay two fields.
    assert!(code.contains("pub choice: TwoChoicesChoice,"), "{code}");
    assert!(
        code.contains("pub choice2: Vec<TwoChoicesChoice2>,"),
        "{code}"
    );
    // Names: keywords, clashes.
    assert!(code.contains("pub struct Type {"), "{code}");
    assert!(code.contains("pub struct TypeType {}"), "{code}");
    assert!(code.contains("pub self_: String,"), "{code}");
    assert!(
        code.contains("#[xml(rename = \"Self\")]\n    pub self_2: i32,"),
        "{code}"
    );
}

#[test]
fn unreadable_inputs_are_errors_not_panics() {
    let dir = std::env::temp_dir().join(format!("wws-build-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("bad.wsdl"),
        "<definitions><unclosed></definitions>",
    )
    .expect("write");
    std::fs::write(dir.join("dtd.wsdl"), "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>").expect("write");
    std::fs::write(dir.join("other.xml"), "<root/>").expect("write");
    for f in ["bad.wsdl", "dtd.wsdl", "other.xml", "absent.wsdl"] {
        let e = wws_build::configure()
            .generate(&[dir.join(f)])
            .expect_err(f);
        assert!(e.to_string().contains(f), "{e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let none: &[&str] = &[];
    assert!(wws_build::configure().generate(none).is_err());
}

#[test]
fn rpc_encoded_and_one_way_warn() {
    let wsdl = r#"<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:enc" targetNamespace="urn:enc">
  <message name="In"><part name="n" type="xs:int"/></message>
  <message name="Out"><part name="r" type="xs:string"/></message>
  <portType name="EncPortType">
    <operation name="get-thing"><input message="tns:In"/><output message="tns:Out"/></operation>
    <operation name="Notify"><input message="tns:In"/></operation>
  </portType>
  <binding name="EncBinding" type="tns:EncPortType">
    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="get-thing"><soap:operation soapAction="urn:enc#get"/>
      <input><soap:body use="encoded" namespace="urn:enc" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></input>
      <output><soap:body use="encoded" namespace="urn:enc" encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></output>
    </operation>
    <operation name="Notify"><soap:operation soapAction="urn:enc#n"/><input><soap:body use="literal"/></input></operation>
  </binding>
</definitions>"#;
    let g = generate_text("enc", &[("enc.wsdl", wsdl)]);
    let w = g.warnings.join("\n");
    assert!(
        w.contains("EncPortType.get-thing: rpc/encoded input"),
        "{w}"
    );
    assert!(w.contains("EncPortType.Notify: one-way"), "{w}");
    // An operation name that is no identifier gets a hand-written Operation impl.
    assert!(g.code.contains("pub struct GetThing;"), "{}", g.code);
    assert!(
        g.code.contains("const NAME: &'static str = \"get-thing\";"),
        "{}",
        g.code
    );
    assert!(
        g.code.contains("pub fn get_thing(&self, req: &GetThing)"),
        "{}",
        g.code
    );
}

/// Each corpus WSDL generates, parses as Rust, and its figures are printed.
#[test]
fn corpus_generates_and_parses() {
    let corpus = root().join("../shared/wsdl");
    if !corpus.is_dir() {
        println!(
            "SKIPPED: {} is absent; the corpus is not generated",
            corpus.display()
        );
        return;
    }
    let wsdls = [
        "countryinfo/CountryInfoService.wsdl",
        "numberconversion/NumberConversion.wsdl",
        "tempconvert/TempConvert.wsdl",
        "onvif-devicemgmt/ver10/device/wsdl/devicemgmt.wsdl",
        "salesforce-partner/partner.wsdl",
    ];
    println!("| WSDL | files | generation | lines | warnings | parses |");
    println!("|---|---|---|---|---|---|");
    for w in wsdls {
        let path = corpus.join(w);
        if !path.is_file() {
            println!("SKIPPED: {} is absent", path.display());
            continue;
        }
        let t = Instant::now();
        let g = generate(&[path]);
        let took = t.elapsed();
        let parsed = syn::parse_file(&g.code);
        println!(
            "| {w} | {} | {:.1} ms | {} | {} | {} |",
            g.files.len(),
            took.as_secs_f64() * 1e3,
            g.code.lines().count(),
            g.warnings.len(),
            if parsed.is_ok() { "yes" } else { "NO" }
        );
        for warning in &g.warnings {
            println!("    warning: {warning}");
        }
        if let Err(e) = parsed {
            panic!("{w}: generated code does not parse: {e}");
        }
        assert_eq!(
            g.code,
            generate(&[corpus.join(w)]).code,
            "{w}: deterministic"
        );
    }
}

#[test]
fn several_wsdls_sharing_namespaces_emit_each_type_once() {
    let dir = std::env::temp_dir().join(format!("wws-build-multi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let calc =
        std::fs::read_to_string(root().join("examples/calculator.wsdl")).expect("calculator");
    std::fs::write(dir.join("a.wsdl"), &calc).expect("write");
    std::fs::write(dir.join("b.wsdl"), &calc).expect("write");
    let g = generate(&[dir.join("a.wsdl"), dir.join("b.wsdl")]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(g.code.matches("pub struct Add {").count(), 1, "{}", g.code);
    assert_eq!(g.code.matches("pub struct CalculatorClient {").count(), 1);
    assert_eq!(g.code.matches("pub mod op {").count(), 1);
    assert!(syn::parse_file(&g.code).is_ok());
}

#[test]
fn without_client_or_server_their_crates_are_not_named() {
    let calc = [root().join("examples/calculator.wsdl")];
    let g = wws_build::configure()
        .client(false)
        .server(false)
        .generate(&calc)
        .expect("generates");
    assert!(
        !g.code.contains("wws_proxy") && !g.code.contains("wws_host"),
        "{}",
        g.code
    );
    assert!(g.code.contains("pub mod op {"));
    let g = wws_build::configure()
        .server(false)
        .generate(&calc)
        .expect("generates");
    assert!(g.code.contains("wws_proxy") && !g.code.contains("wws_host"));
}

#[test]
fn command_line_tool_writes_the_module_and_warns_on_stderr() {
    let exe = env!("CARGO_BIN_EXE_wws-wsdl");
    let shop = contracts().join("shop.wsdl");
    let out = std::process::Command::new(exe)
        .arg(&shop)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let code = String::from_utf8(out.stdout).expect("utf-8");
    assert!(code.trim_end() == generate(std::slice::from_ref(&shop)).code.trim_end());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: shop-types.xsd: remote import"),
        "{stderr}"
    );

    let file = std::env::temp_dir().join(format!("wws-wsdl-{}.rs", std::process::id()));
    let out = std::process::Command::new(exe)
        .args(["--no-server", "--out"])
        .arg(&file)
        .arg(&shop)
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&file).expect("written");
    let _ = std::fs::remove_file(&file);
    assert!(written.contains("pub struct ShopClient") && !written.contains("wws_host"));

    let usage = std::process::Command::new(exe).output().expect("runs");
    assert_eq!(usage.status.code(), Some(2));
    let missing = std::process::Command::new(exe)
        .arg("/nonexistent.wsdl")
        .output()
        .expect("runs");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("error: /nonexistent.wsdl"));
}

#[test]
fn the_catalog_maps_remote_imports_to_local_files() {
    let dir = std::env::temp_dir().join(format!("wws-build-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let xmlmime = dir.join("xmlmime.xsd");
    std::fs::write(
        &xmlmime,
        r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/2005/05/xmlmime">
  <xs:attribute name="contentType"><xs:simpleType><xs:restriction base="xs:string"><xs:minLength value="3"/></xs:restriction></xs:simpleType></xs:attribute>
</xs:schema>"#,
    )
    .expect("write");
    let shop = [contracts().join("shop.wsdl")];
    // xmlmime's schemaLocation is its namespace: one catalog entry serves both lookups.
    let by_url = wws_build::configure()
        .catalog("http://www.w3.org/2005/05/xmlmime", &xmlmime)
        .generate(&shop)
        .expect("generates");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(by_url.warnings.is_empty(), "{:?}", by_url.warnings);
    assert!(by_url.code.contains("pub content_type: Option<String>,"));
    assert!(by_url.files.iter().any(|f| f.ends_with("xmlmime.xsd")));
}

/// Every reference-bearing attribute of the shop contract removed in turn
/// (names, types, refs, bases, messages, …): generation never panics, and
/// what it generates parses as Rust.
#[test]
fn broken_references_never_panic() {
    let files = ["shop.wsdl", "shop-types.xsd", "shop-common.xsd"];
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(contracts().join(f)).expect("contract"))
        .collect();
    let attrs = [
        " name=\"",
        " type=\"",
        " ref=\"",
        " base=\"",
        " element=\"",
        " message=\"",
        " binding=\"",
        " itemType=\"",
        " schemaLocation=\"",
        " targetNamespace=\"",
        " part=\"",
        " parts=\"",
        " soapAction=\"",
        " style=\"",
        " maxOccurs=\"",
        " use=\"",
    ];
    let dir = std::env::temp_dir().join(format!("wws-build-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut runs = 0;
    for (n, text) in texts.iter().enumerate() {
        for attr in attrs {
            let mut from = 0;
            while let Some(at) = text[from..].find(attr).map(|i| i + from) {
                let value_end = text[at + attr.len()..]
                    .find('"')
                    .map_or(text.len(), |i| at + attr.len() + i + 1);
                let broken = format!("{}{}", &text[..at], &text[value_end..]);
                for (m, f) in files.iter().enumerate() {
                    let t = if m == n { &broken } else { &texts[m] };
                    std::fs::write(dir.join(f), t).expect("write");
                }
                if let Ok(g) = wws_build::configure().generate(&[dir.join("shop.wsdl")]) {
                    if let Err(e) = syn::parse_file(&g.code) {
                        panic!("{}: without {attr} at {at}: {e}", files[n]);
                    }
                }
                runs += 1;
                from = at + 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(runs > 100, "{runs}");
}

#[test]
fn derived_types_are_families_and_substitution_groups_choices() {
    let xsd = format!(
        r#"{HEAD}
  <xs:complexType name="Shape" abstract="true"><xs:sequence><xs:element name="label" type="xs:string"/></xs:sequence></xs:complexType>
  <xs:complexType name="Circle"><xs:complexContent><xs:extension base="t:Shape"><xs:sequence><xs:element name="r" type="xs:double"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="Ring"><xs:complexContent><xs:extension base="t:Circle"><xs:sequence><xs:element name="inner" type="xs:double"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="Group"><xs:complexContent><xs:extension base="t:Shape"><xs:sequence><xs:element name="member" type="t:Shape" minOccurs="0"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
  <xs:complexType name="Drawing"><xs:sequence>
    <xs:element name="shape" type="t:Shape" maxOccurs="unbounded"/>
    <xs:element name="ring" type="t:Ring" minOccurs="0"/>
    <xs:element ref="t:item" maxOccurs="unbounded"/>
  </xs:sequence></xs:complexType>
  <xs:element name="item" type="xs:string"/>
  <xs:element name="note" type="xs:string" substitutionGroup="t:item"/>
  <xs:element name="price" type="xs:decimal" substitutionGroup="t:item"/>
  <xs:element name="discount" type="xs:decimal" substitutionGroup="t:price"/>
  <xs:element name="Canvas" type="t:Drawing"/>
  <xs:complexType name="Node"><xs:sequence><xs:element name="next" type="t:Node" minOccurs="0"/></xs:sequence></xs:complexType>
  <xs:complexType name="Leaf"><xs:complexContent><xs:extension base="t:Node"><xs:sequence><xs:element name="v" type="xs:int"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>
</xs:schema>"#
    );
    let g = generate_text("family", &[("family.xsd", &xsd)]);
    let code = &g.code;
    let w = g.warnings.join("\n");
    // A field of a base type holds the base's family, every derived type at any depth;
    // a field of a type nothing derives from keeps it.
    assert!(code.contains("pub shape: Vec<ShapeFamily>,"), "{code}");
    assert!(code.contains("pub ring: Option<Ring>,"), "{code}");
    assert!(
        code.contains(
            "#[xml(polymorphic)]\npub enum ShapeFamily {\n    /// The base type `Shape`.\n    Shape(Shape),\n    /// Derived type `Circle`.\n    Circle(Circle),\n    /// Derived type `Ring`.\n    Ring(Ring),\n    /// Derived type `Group`.\n    Group(Group),\n}"
        ),
        "{code}"
    );
    assert!(
        code.contains("pub enum CircleFamily {\n    /// The base type `Circle`.\n    Circle(Circle),\n    /// Derived type `Ring`.\n    Ring(Ring),\n}"),
        "{code}"
    );
    // Derived structs flatten the base itself.
    assert!(
        code.contains("#[xml(flatten)]\n    pub base: Circle,"),
        "{code}"
    );
    // A derived type holding its own family by value (Group, through an
    // Option) stays a variant; the field that closes the cycle is raw XML.
    assert!(
        w.contains("Group.member: a recursive type held by value"),
        "{w}"
    );
    assert!(
        code.contains("pub member: Option<::wws_core::xsd::RawXml>,"),
        "{code}"
    );
    // So does a base that holds its own family (Node.next); the derived
    // type keeps its flattened base.
    assert!(
        w.contains("Node.next: a recursive type held by value"),
        "{w}"
    );
    assert!(
        code.contains("pub next: Option<::wws_core::xsd::RawXml>,"),
        "{code}"
    );
    assert!(
        code.contains("#[xml(flatten)]\n    pub base: Node,"),
        "{code}"
    );
    assert!(code.contains("pub enum NodeFamily {"), "{code}");
    // A substitution group head: a choice of the head and every member, at any depth.
    assert!(code.contains("pub item: Vec<ItemGroup>,"), "{code}");
    for variant in [
        "#[xml(rename = \"item\")]\n    Item(String),",
        "#[xml(rename = \"note\")]\n    Note(String),",
        "#[xml(rename = \"price\")]\n    Price(::wws_core::xsd::Decimal),",
        "#[xml(rename = \"discount\")]\n    Discount(::wws_core::xsd::Decimal),",
    ] {
        assert!(code.contains(variant), "{variant}\n{code}");
    }
    assert!(generate_text("family", &[("family.xsd", &xsd)]).code == *code);
}

#[test]
fn header_parts_give_with_headers_methods_in_every_combination() {
    // Request headers only, response headers only, and both.
    let wsdl = r#"<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:h" targetNamespace="urn:h">
  <wsdl:types><xs:schema targetNamespace="urn:h" elementFormDefault="qualified">
    <xs:element name="In"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
    <xs:element name="Out"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
    <xs:element name="Auth" type="xs:string"/>
    <xs:element name="Trace" type="xs:string"/>
  </xs:schema></wsdl:types>
  <wsdl:message name="InMsg"><wsdl:part name="p" element="t:In"/></wsdl:message>
  <wsdl:message name="OutMsg"><wsdl:part name="p" element="t:Out"/></wsdl:message>
  <wsdl:message name="AuthMsg"><wsdl:part name="auth" element="t:Auth"/></wsdl:message>
  <wsdl:message name="TraceMsg"><wsdl:part name="trace" element="t:Trace"/></wsdl:message>
  <wsdl:portType name="P">
    <wsdl:operation name="Req"><wsdl:input message="t:InMsg"/><wsdl:output message="t:OutMsg"/></wsdl:operation>
    <wsdl:operation name="Resp"><wsdl:input message="t:InMsg"/><wsdl:output message="t:OutMsg"/></wsdl:operation>
    <wsdl:operation name="Both"><wsdl:input message="t:InMsg"/><wsdl:output message="t:OutMsg"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="B" type="t:P"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Req"><soap:operation soapAction="urn:h/Req"/>
      <wsdl:input><soap:body use="literal"/><soap:header message="t:AuthMsg" part="auth" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>
    <wsdl:operation name="Resp"><soap:operation soapAction="urn:h/Resp"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/><soap:header message="t:TraceMsg" part="trace" use="literal"/></wsdl:output></wsdl:operation>
    <wsdl:operation name="Both"><soap:operation soapAction="urn:h/Both"/>
      <wsdl:input><soap:body use="literal"/><soap:header message="t:AuthMsg" part="auth" use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/><soap:header message="t:TraceMsg" part="trace" use="literal"/></wsdl:output></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="S"><wsdl:port name="SP" binding="t:B"><soap:address location="http://localhost/h"/></wsdl:port></wsdl:service>
</wsdl:definitions>"#;
    let g = generate_text("headers", &[("headers.wsdl", wsdl)]);
    let code = &g.code;
    let flat: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        // Request only: headers in, the body out.
        "pub fn req_with_headers( &self, req: &In, headers: &ReqRequestHeaders, opts: ::wws_proxy::CallOptions, ) -> ::wws_core::Result<::wws_proxy::PendingCall<Out>>",
        // Response only: no headers in, the body and the typed reply headers out.
        "pub fn resp_with_headers( &self, req: &In, opts: ::wws_proxy::CallOptions, ) -> ::wws_proxy::PendingCall<(Out, RespResponseHeaders)>",
        "self.proxy.invoke_with_reply_headers::<op::Resp, RespResponseHeaders>(req, opts)",
        // Both.
        "pub fn both_with_headers( &self, req: &In, headers: &BothRequestHeaders, opts: ::wws_proxy::CallOptions, ) -> ::wws_core::Result<::wws_proxy::PendingCall<(Out, BothResponseHeaders)>>",
        // A reply header set understands its elements (mustUnderstand).
        "impl ::wws_core::FromHeaders for RespResponseHeaders",
        "fn understands() -> Vec<::wws_core::QName> { vec![::wws_core::QName::new(<Trace as ::wws_core::BodyElement>::NAMESPACE, <Trace as ::wws_core::BodyElement>::NAME)] }",
    ] {
        assert!(flat.contains(want), "{want}\n{code}");
    }
}
