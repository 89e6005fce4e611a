//! Escaping for XML text and attribute values.
//!
//! Plain runs are found eight bytes at a time (SWAR) and copied at once; a
//! table says what each flagged byte needs. A character XML 1.0 cannot
//! carry at all (a C0 control other than tab, LF and CR; U+FFFE, U+FFFF) is
//! an error: it has no representation, and writing anything else in its
//! place would change the value.

use bytes::BytesMut;

use crate::error::{Error, Result};

const PLAIN: u8 = 0;
const AMP: u8 = 1;
const LT: u8 = 2;
const GT: u8 = 3;
const QUOT: u8 = 4;
const CR: u8 = 5;
const LF: u8 = 6;
const TAB: u8 = 7;
const CONTROL: u8 = 8;
/// First byte of U+F000..U+FFFF: U+FFFE and U+FFFF cannot be written.
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

static TEXT_TABLE: [u8; 256] = table(false);
static ATTR_TABLE: [u8; 256] = table(true);

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Non-zero if some byte of `x` is below `n` (`n` ≤ 0x80).
#[inline(always)]
const fn has_less(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * n as u64) & !x & HIGHS
}

/// Non-zero if some byte of `x` equals `b`.
#[inline(always)]
const fn has_byte(x: u64, b: u8) -> u64 {
    has_less(x ^ (ONES * b as u64), 1)
}

/// Non-zero if some byte of `x` may need escaping (a superset of the table's
/// non-plain bytes: tab and LF in text are flagged and then found plain).
#[inline(always)]
const fn flagged<const ATTR: bool>(x: u64) -> u64 {
    let common = has_less(x, 0x20) | has_byte(x, b'&') | has_byte(x, b'<') | has_byte(x, 0xEF);
    if ATTR {
        common | has_byte(x, b'"')
    } else {
        common | has_byte(x, b'>')
    }
}

/// Offset of the first byte of `bytes` that the table does not mark plain,
/// or its length. Eight bytes at a time (SWAR): text is usually all plain.
#[inline]
fn next_special<const ATTR: bool>(bytes: &[u8], table: &[u8; 256]) -> usize {
    let mut i = 0;
    loop {
        // Skip whole clean words; two at a time keeps the loop short.
        while let Some((a, b)) = bytes
            .get(i..)
            .and_then(|r| r.first_chunk::<16>())
            .and_then(|p| p.split_first_chunk::<8>())
            .and_then(|(a, r)| Some((a, r.first_chunk::<8>()?)))
        {
            let (a, b) = (u64::from_le_bytes(*a), u64::from_le_bytes(*b));
            if flagged::<ATTR>(a) | flagged::<ATTR>(b) != 0 {
                break;
            }
            i += 16;
        }
        // Look at the flagged block (or the tail) byte by byte.
        let end = (i + 16).min(bytes.len());
        let block = bytes.get(i..end).unwrap_or_default();
        if let Some(j) = block.iter().position(|&b| table[b as usize] != PLAIN) {
            return i + j;
        }
        if end == bytes.len() {
            return end;
        }
        i = end;
    }
}

fn unwritable(c: char) -> Error {
    Error::InvalidFormat(format!(
        "{}: it cannot be written in XML",
        super::chars::not_a_char(c as u32)
    ))
}

fn write_escaped<const ATTR: bool>(out: &mut BytesMut, s: &str) -> Result<()> {
    let table = if ATTR { &ATTR_TABLE } else { &TEXT_TABLE };
    let bytes = s.as_bytes();
    out.reserve(bytes.len());
    let mut start = 0;
    while let Some(rest) = bytes.get(start..) {
        let offset = next_special::<ATTR>(rest, table);
        if offset == rest.len() {
            break;
        }
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
            CONTROL => return Err(unwritable(char::from(b))),
            _ => {
                // 0xEF: only U+FFFE (EF BF BE) and U+FFFF (EF BF BF) are not characters.
                match (bytes.get(i + 1), bytes.get(i + 2)) {
                    (Some(0xBF), Some(0xBE)) => return Err(unwritable('\u{FFFE}')),
                    (Some(0xBF), Some(0xBF)) => return Err(unwritable('\u{FFFF}')),
                    _ => (&[0xEF], 1),
                }
            }
        };
        out.extend_from_slice(replacement);
        start = i + len;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    Ok(())
}

/// Appends `s` escaped as XML character data; CR is written `&#xD;` so that
/// it reads back as CR, not as a line end.
///
/// Fails with [`Error::InvalidFormat`] naming the character if `s` holds one
/// that XML 1.0 does not allow (see [`chars`](super::chars)); `out` may then
/// hold part of `s`.
pub fn write_text(out: &mut BytesMut, s: &str) -> Result<()> {
    write_escaped::<false>(out, s)
}

/// Appends `s` escaped for a double-quoted attribute value; tab, LF and CR
/// are written as references so that attribute value normalisation keeps them.
///
/// Fails as [`write_text`] does.
pub fn write_attr_value(out: &mut BytesMut, s: &str) -> Result<()> {
    write_escaped::<true>(out, s)
}

/// `s` escaped as character data, as [`write_text`] writes it.
///
/// Fails as [`write_text`] does.
pub fn escape_text(s: &str) -> Result<String> {
    escaped::<false>(s)
}

/// `s` escaped for a double-quoted attribute value, as [`write_attr_value`] writes it.
///
/// Fails as [`write_text`] does.
pub fn escape_attr(s: &str) -> Result<String> {
    escaped::<true>(s)
}

fn escaped<const ATTR: bool>(s: &str) -> Result<String> {
    let mut out = BytesMut::with_capacity(s.len());
    write_escaped::<ATTR>(&mut out, s)?;
    // Valid UTF-8 in, ASCII escapes added: valid UTF-8 out.
    String::from_utf8(out.to_vec()).map_err(|e| Error::InvalidFormat(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_strings_match_what_the_writer_writes() {
        assert_eq!(
            escape_text("a<&>\r").ok().as_deref(),
            Some("a&lt;&amp;&gt;&#xD;")
        );
        assert_eq!(
            escape_attr("\"x\"\t").ok().as_deref(),
            Some("&quot;x&quot;&#x9;")
        );
        assert!(escape_attr("a\u{1}").is_err());
    }

    fn text(s: &str) -> Option<String> {
        let mut out = BytesMut::new();
        write_text(&mut out, s).ok()?;
        Some(String::from_utf8(out.to_vec()).expect("utf8"))
    }

    fn attr(s: &str) -> Option<String> {
        let mut out = BytesMut::new();
        write_attr_value(&mut out, s).ok()?;
        Some(String::from_utf8(out.to_vec()).expect("utf8"))
    }

    #[test]
    fn escapes_text() {
        assert_eq!(
            text("a<b>&c\r\n\t\"'").as_deref(),
            Some("a&lt;b&gt;&amp;c&#xD;\n\t\"'")
        );
        assert_eq!(
            text("\u{FFFD}\u{F000}\u{10FFFF}é").as_deref(),
            Some("\u{FFFD}\u{F000}\u{10FFFF}é")
        );
    }

    #[test]
    fn refuses_what_xml_cannot_carry() {
        for (s, c) in [
            ("a\0b", "U+0000"),
            ("\u{1}", "U+0001"),
            ("x\u{B}", "U+000B"),
            ("\u{1F}", "U+001F"),
            ("ab\u{FFFE}", "U+FFFE"),
            ("\u{FFFF}cd", "U+FFFF"),
        ] {
            for write in [write_text, write_attr_value] {
                let err = write(&mut BytesMut::new(), s).expect_err(s).to_string();
                assert!(
                    err.contains(&format!("{c} is not an XML 1.0 character")),
                    "{err}"
                );
            }
        }
    }

    /// The escaping rules one character at a time, as the reference.
    fn reference(s: &str, attr: bool) -> Option<String> {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' if !attr => out.push_str("&gt;"),
                '"' if attr => out.push_str("&quot;"),
                '\r' => out.push_str("&#xD;"),
                '\n' if attr => out.push_str("&#xA;"),
                '\t' if attr => out.push_str("&#x9;"),
                '\t' | '\n' => out.push(c),
                '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => return None,
                _ => out.push(c),
            }
        }
        Some(out)
    }

    #[test]
    fn bulk_scan_matches_the_reference_at_every_offset() {
        let specials = [
            "&", "<", ">", "\"", "\r", "\n", "\t", "\u{1}", "\u{1F}", "\u{FFFE}", "\u{FFFF}",
            "\u{F000}", "\u{FFFD}", "é", "\u{7F}", " ", "\u{80}",
        ];
        for len in [0usize, 1, 7, 8, 15, 16, 17, 31, 33, 64] {
            for pos in 0..=len {
                for sp in specials {
                    let s = format!("{}{sp}{}", "a".repeat(pos), "b".repeat(len - pos));
                    assert_eq!(text(&s), reference(&s, false), "text {s:?}");
                    assert_eq!(attr(&s), reference(&s, true), "attr {s:?}");
                    let twice = format!("{s}{sp}{s}");
                    assert_eq!(text(&twice), reference(&twice, false), "text {twice:?}");
                }
            }
        }
    }

    #[test]
    fn escapes_attributes() {
        assert_eq!(
            attr("a\"<&>\t\n\r'").as_deref(),
            Some("a&quot;&lt;&amp;>&#x9;&#xA;&#xD;'")
        );
    }
}
