//! Escaping for XML text and attribute values.
//!
//! One table lookup per byte, runs of plain bytes copied at once. Characters
//! XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR; U+FFFE,
//! U+FFFF) are written as U+FFFD, so the output is always well-formed.

use bytes::BytesMut;

const PLAIN: u8 = 0;
const AMP: u8 = 1;
const LT: u8 = 2;
const GT: u8 = 3;
const QUOT: u8 = 4;
const CR: u8 = 5;
const LF: u8 = 6;
const TAB: u8 = 7;
const CONTROL: u8 = 8;
/// First byte of U+F000..U+FFFF: U+FFFE and U+FFFF must be replaced.
const EF: u8 = 9;

const fn table(attr: bool) -> [u8; 256] {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = CONTROL;
        b += 1;
    }
    t[b'&' as usize] = AMP;
    t[b'<' as usize] = LT;
    t[b'\r' as usize] = CR;
    t[0xEF] = EF;
    if attr {
        t[b'"' as usize] = QUOT;
        t[b'\n' as usize] = LF;
        t[b'\t' as usize] = TAB;
    } else {
        t[b'>' as usize] = GT;
        t[b'\n' as usize] = PLAIN;
        t[b'\t' as usize] = PLAIN;
    }
    t
}

static TEXT: [u8; 256] = table(false);
static ATTR: [u8; 256] = table(true);

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

fn write_escaped(out: &mut BytesMut, s: &str, table: &[u8; 256]) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len());
    let mut start = 0;
    while let Some(rest) = bytes.get(start..) {
        // Tight scan for the next byte that needs attention.
        let Some(offset) = rest.iter().position(|&b| table[b as usize] != PLAIN) else {
            break;
        };
        let i = start + offset;
        out.extend_from_slice(rest.get(..offset).unwrap_or_default());
        let b = bytes.get(i).copied().unwrap_or_default();
        let (replacement, len): (&[u8], usize) = match table[b as usize] {
            AMP => (b"&amp;", 1),
            LT => (b"&lt;", 1),
            GT => (b"&gt;", 1),
            QUOT => (b"&quot;", 1),
            CR => (b"&#xD;", 1),
            LF => (b"&#xA;", 1),
            TAB => (b"&#x9;", 1),
            CONTROL => (REPLACEMENT, 1),
            _ => {
                // 0xEF: only U+FFFE (EF BF BE) and U+FFFF (EF BF BF) are replaced.
                if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
                {
                    (REPLACEMENT, 3)
                } else {
                    (&[0xEF], 1)
                }
            }
        };
        out.extend_from_slice(replacement);
        start = i + len;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

/// Appends `s` escaped as XML character data.
pub fn write_text(out: &mut BytesMut, s: &str) {
    write_escaped(out, s, &TEXT);
}

/// Appends `s` escaped for a double-quoted attribute value.
pub fn write_attr_value(out: &mut BytesMut, s: &str) {
    write_escaped(out, s, &ATTR);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let mut out = BytesMut::new();
        write_text(&mut out, s);
        String::from_utf8(out.to_vec()).expect("utf8")
    }

    fn attr(s: &str) -> String {
        let mut out = BytesMut::new();
        write_attr_value(&mut out, s);
        String::from_utf8(out.to_vec()).expect("utf8")
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a<b>&c\r\n\t\"'"), "a&lt;b&gt;&amp;c&#xD;\n\t\"'");
        assert_eq!(
            text("\u{1}x\u{FFFE}\u{FFFF}\u{FFFD}é"),
            "\u{FFFD}x\u{FFFD}\u{FFFD}\u{FFFD}é"
        );
        assert_eq!(text("\u{F000}"), "\u{F000}");
    }

    #[test]
    fn escapes_attributes() {
        assert_eq!(attr("a\"<&>\t\n\r'"), "a&quot;&lt;&amp;>&#x9;&#xA;&#xD;'");
    }
}
