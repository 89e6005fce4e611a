//! Exclusive c14n (`wws_security::c14n::exclusive`) against vectors whose
//! canonical forms were computed independently, by lxml 5's (libxml2's)
//! exclusive canonicalizer:
//!
//! ```text
//! etree.tostring(etree.fromstring(input), method="c14n", exclusive=True,
//!                with_comments=False, inclusive_ns_prefixes=prefixes)
//! ```

use wws_security::c14n::exclusive;

/// (name, input, InclusiveNamespaces PrefixList, canonical form by lxml)
const VECTORS: &[(&str, &str, &[&str], &str)] = &[
    (
        "unused_declarations_dropped_empty_expanded",
        "<a:b xmlns:a=\"urn:a\" xmlns:unused=\"urn:u\"><a:c/></a:b>",
        &[],
        "<a:b xmlns:a=\"urn:a\"><a:c></a:c></a:b>",
    ),
    (
        "attributes_sorted_by_namespace_then_name",
        "<e xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:q=\"urn:a\" z=\"1\" p:b=\"2\" a=\"3\" xml:lang=\"en\" p:a=\"4\" q:z=\"5\"/>",
        &[],
        "<e xmlns=\"urn:d\" xmlns:p=\"urn:p\" xmlns:q=\"urn:a\" a=\"3\" z=\"1\" xml:lang=\"en\" q:z=\"5\" p:a=\"4\" p:b=\"2\"></e>",
    ),
    (
        "default_namespace_undeclared_below",
        "<a xmlns=\"urn:x\"><b xmlns=\"\"><c/></b><d/></a>",
        &[],
        "<a xmlns=\"urn:x\"><b xmlns=\"\"><c></c></b><d></d></a>",
    ),
    (
        "redeclaration_not_rendered_again",
        "<p:a xmlns:p=\"urn:p\"><p:b xmlns:p=\"urn:p\"/><p:c xmlns:p=\"urn:other\"/></p:a>",
        &[],
        "<p:a xmlns:p=\"urn:p\"><p:b></p:b><p:c xmlns:p=\"urn:other\"></p:c></p:a>",
    ),
    (
        "prefix_rendered_where_an_attribute_uses_it",
        "<a xmlns:q=\"urn:q\"><b q:x=\"1\"><q:c/></b></a>",
        &[],
        "<a><b xmlns:q=\"urn:q\" q:x=\"1\"><q:c></q:c></b></a>",
    ),
    (
        "text_escapes",
        "<a>&lt;&amp;&gt; \"' &#xD; &#x9;\r\n line<![CDATA[<x>&]]></a>",
        &[],
        "<a>&lt;&amp;&gt; \"' &#xD; \t\n line&lt;x&gt;&amp;</a>",
    ),
    (
        "attribute_escapes_and_normalization",
        "<a v=\"&quot;&lt;&amp;&#9;&#10;&#13; tab\tnl\nx&gt;'\"/>",
        &[],
        "<a v=\"&quot;&lt;&amp;&#x9;&#xA;&#xD; tab nl x>'\"></a>",
    ),
    (
        "comments_and_declaration_dropped",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c --><a><!-- in -->t<b/><!-- x --></a>",
        &[],
        "<a>t<b></b></a>",
    ),
    (
        "soap_body_with_wsu_id",
        "<s:Body xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" wsu:Id=\"id-1\"><m:Add xmlns:m=\"urn:calc\"><m:a>1.5</m:a><m:b>2.25</m:b></m:Add></s:Body>",
        &[],
        "<s:Body xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" wsu:Id=\"id-1\"><m:Add xmlns:m=\"urn:calc\"><m:a>1.5</m:a><m:b>2.25</m:b></m:Add></s:Body>",
    ),
    (
        "inclusive_prefix_list",
        "<a:x xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" xmlns=\"urn:d\" xmlns:c=\"urn:c\"><y><b:z/></y></a:x>",
        &["b"],
        "<a:x xmlns:a=\"urn:a\" xmlns:b=\"urn:b\"><y xmlns=\"urn:d\"><b:z></b:z></y></a:x>",
    ),
    (
        "whitespace_inside_tags",
        "<a   b = \"1\"   c='2'  ></a  >",
        &[],
        "<a b=\"1\" c=\"2\"></a>",
    ),
    (
        "non_ascii_text",
        "<a t=\"\u{e9}\u{2713}\">h\u{e9}llo \u{2713} &#x1F600;</a>",
        &[],
        "<a t=\"\u{e9}\u{2713}\">h\u{e9}llo \u{2713} \u{1f600}</a>",
    ),
    (
        "nested_default_namespaces",
        "<a xmlns=\"urn:1\"><b xmlns=\"urn:2\"><c xmlns=\"urn:1\"/></b></a>",
        &[],
        "<a xmlns=\"urn:1\"><b xmlns=\"urn:2\"><c xmlns=\"urn:1\"></c></b></a>",
    ),
    (
        "processing_instruction_inside",
        "<a><?pi   data  more?></a>",
        &[],
        "<a><?pi data  more?></a>",
    ),
];

#[test]
fn every_vector_canonicalizes_as_lxml_does() {
    let mut failed = Vec::new();
    for (name, input, prefixes, expected) in VECTORS {
        match exclusive(input.as_bytes(), prefixes) {
            Ok(out) if out == expected.as_bytes() => {}
            Ok(out) => failed.push(format!(
                "{name}:\n  got      {}\n  expected {expected}",
                String::from_utf8_lossy(&out)
            )),
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn canonical_forms_are_fixed_points() {
    for (name, input, prefixes, _) in VECTORS {
        let once = exclusive(input.as_bytes(), prefixes).expect(name);
        let twice = exclusive(&once, prefixes).expect(name);
        assert_eq!(once, twice, "{name}");
    }
}

#[test]
fn a_dtd_or_an_undeclared_entity_is_refused() {
    let laughs = "<!DOCTYPE a [<!ENTITY lol \"lol\">]><a>&lol;</a>";
    assert!(exclusive(laughs.as_bytes(), &[]).is_err());
    assert!(exclusive(b"<a>&lol;</a>", &[]).is_err());
    assert!(exclusive(b"<p:a/>", &[]).is_err(), "undeclared prefix");
    assert!(exclusive(b"<a></b>", &[]).is_err());
    assert!(exclusive(b"<a/><b/>", &[]).is_err(), "two roots");
}

#[test]
fn default_in_the_prefix_list_renders_the_default_namespace_on_the_apex() {
    // Exc-C14N §3: `#default` names the default namespace; listed, it is
    // rendered as inclusive c14n would, on the apex, and not again below.
    let out = exclusive(
        b"<a:x xmlns:a=\"urn:a\" xmlns=\"urn:d\"><y/></a:x>",
        &["#default"],
    )
    .expect("c14n");
    assert_eq!(
        String::from_utf8_lossy(&out),
        "<a:x xmlns=\"urn:d\" xmlns:a=\"urn:a\"><y></y></a:x>"
    );
}

/// Found by the `wssecurity_header` fuzz target: quick-xml reads `<\0…\0//>`
/// as an empty element named `\0…\0/`, whose canonical form did not read
/// again. Names must be QNames and characters XML's.
#[test]
fn names_that_are_not_qnames_and_characters_xml_forbids_are_refused() {
    for bad in [
        &b"<\0\0\0\0\0\0\0\0//>"[..],
        b"<\0Dent\x01\x0c\0\0//>",
        b"<a/b/>",
        b"<a b/c=\"1\"/>",
        b"<a>\0</a>",
        b"<a>&#x1;</a>",
        b"<a b=\"\x01\"/>",
        b"<a b=\"&#0;\"/>",
        b"<a><![CDATA[\x0b]]></a>",
        b"<a>\xef\xbf\xbe</a>",
    ] {
        assert!(
            exclusive(bad, &[]).is_err(),
            "{:?} was canonicalized",
            String::from_utf8_lossy(bad)
        );
    }
    // Legal characters still pass, whole.
    assert_eq!(
        exclusive(
            "<a b=\"&#x9;\">\t\n&#x10FFFF;\u{10FFFF}</a>".as_bytes(),
            &[]
        )
        .expect("legal"),
        "<a b=\"&#x9;\">\t\n\u{10FFFF}\u{10FFFF}</a>".as_bytes()
    );
}
