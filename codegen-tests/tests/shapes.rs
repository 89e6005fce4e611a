//! `xsi:type` families and a substitution group, generated from
//! `codegen-tests/contracts/shapes.xsd`: every derived type sent in its
//! base's place and every member of the group round-trips whole, and
//! another peer's prefixes read the same.

use wws_codegen_tests::shapes::{
    Circle, CircleFamily, Drawing, Leaf, Node, NodeFamily, Note, NoteChoice, RemarkGroup, Ring,
    Shape, ShapeFamily, Square,
};
use wws_core::BodyElement;
use wws_core::bytes::BytesMut;

fn shape(id: &str) -> Shape {
    Shape {
        label: format!("shape {id}"),
        id: id.into(),
    }
}

fn circle(id: &str, radius: f64) -> Circle {
    Circle {
        base: shape(id),
        radius,
    }
}

fn xml(d: &Drawing) -> String {
    let mut out = BytesMut::new();
    d.write_element(&mut out).expect("writes");
    String::from_utf8(out.to_vec()).expect("utf-8")
}

#[test]
fn derived_types_and_group_members_round_trip() {
    let drawing = Drawing {
        shape: vec![
            ShapeFamily::Circle(circle("c", 1.5)),
            ShapeFamily::Ring(Ring {
                base: circle("r", 2.0),
                inner: 0.5,
            }),
            ShapeFamily::Square(Square {
                base: shape("s"),
                side: 3.0,
            }),
        ],
        outline: Some(CircleFamily::Ring(Ring {
            base: circle("o", 9.0),
            inner: 8.0,
        })),
        remark: vec![
            RemarkGroup::Remark("plain".into()),
            RemarkGroup::Warning("mind the ring".into()),
            RemarkGroup::Cost("12.50".parse().expect("decimal")),
        ],
        // A base that holds itself (its `next` is raw XML), sent as its derived type.
        tree: Some(NodeFamily::Leaf(Leaf {
            base: Node {
                next: Some(
                    wws_core::xsd::RawXml::parse(
                        r#"<next xmlns="urn:wws:shapes"><next/></next>"#.to_owned(),
                    )
                    .expect("raw"),
                ),
            },
            value: 7,
        })),
        // A group member as a choice's alternative.
        note: Some(Note {
            choice: NoteChoice::Warning("in a choice".into()),
        }),
    };
    let text = xml(&drawing);
    // Each derived value says its type; each member is its own element.
    for want in [
        r#"xsi:type="ns0:Ring""#,
        r#"xsi:type="ns0:Square""#,
        "<warning>mind the ring</warning>",
        "<cost>12.50</cost>",
        "<warning>in a choice</warning>",
    ] {
        assert!(
            text.contains(want) || text.contains(&want.replace("ns0:", "")),
            "{want}\n{text}"
        );
    }
    let back = Drawing::read_element(text.as_bytes()).expect("reads");
    assert_eq!(back, drawing, "{text}");
}

#[test]
fn another_peers_prefixes_and_unknown_types_read() {
    let text = r#"<d:Drawing xmlns:d="urn:wws:shapes" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <d:shape i:type="d:Circle" id="c"><d:label>a</d:label><d:radius>1</d:radius></d:shape>
  <d:shape xmlns:q="urn:wws:shapes" i:type="q:Ring" id="r"><d:label>b</d:label><d:radius>2</d:radius><d:inner>1</d:inner></d:shape>
  <d:shape i:type="d:Triangle" id="t"><d:label>c</d:label><d:corners>3</d:corners></d:shape>
  <d:outline id="o"><d:label>plain circle</d:label><d:radius>4</d:radius></d:outline>
  <d:cost>3</d:cost><d:remark>x</d:remark><d:warning>w</d:warning>
  <d:note><d:cost>1.5</d:cost></d:note>
</d:Drawing>"#;
    let d = Drawing::read_element(text.as_bytes()).expect("reads");
    assert!(matches!(&d.shape[0], ShapeFamily::Circle(c) if c.radius == 1.0 && c.base.id == "c"));
    assert!(matches!(&d.shape[1], ShapeFamily::Ring(r) if r.inner == 1.0 && r.base.radius == 2.0));
    // A type this contract does not define reads as the declared base (lax).
    assert!(matches!(&d.shape[2], ShapeFamily::Shape(s) if s.id == "t" && s.label == "c"));
    // Without xsi:type, the declared type.
    assert_eq!(
        d.outline
            .as_ref()
            .map(|o| matches!(o, CircleFamily::Circle(c) if c.radius == 4.0)),
        Some(true)
    );
    assert_eq!(
        d.remark,
        vec![
            RemarkGroup::Cost("3".parse().expect("decimal")),
            RemarkGroup::Remark("x".into()),
            RemarkGroup::Warning("w".into()),
        ]
    );
    assert_eq!(
        d.note.map(|n| n.choice),
        Some(NoteChoice::Cost("1.5".parse().expect("decimal")))
    );
}
