//! XML 1.0 §2.2 `Char`: which characters a document may contain.
//!
//! `Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`.
//! In valid UTF-8 (surrogates cannot be encoded) only two kinds of sequence
//! fall outside it: the C0 controls other than tab, LF and CR (single bytes
//! 0x00..=0x1F) and U+FFFE / U+FFFF (`EF BF BE`, `EF BF BF`). So one byte
//! scan over the input, a vectorisable block at a time, finds every raw one;
//! character references are checked as they are decoded.

use crate::error::Error;

/// True if `c` matches XML 1.0's `Char` production.
#[inline]
pub const fn is_xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

/// True if `c` may start an XML name (XML 1.0 fifth edition `NameStartChar`, less `:`).
const fn is_name_start(c: char) -> bool {
    matches!(c as u32,
        0x41..=0x5A | 0x5F | 0x61..=0x7A | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF
        | 0x370..=0x37D | 0x37F..=0x1FFF | 0x200C..=0x200D | 0x2070..=0x218F
        | 0x2C00..=0x2FEF | 0x3001..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD
        | 0x10000..=0xEFFFF)
}

/// True if `c` may continue an XML name (`NameChar`, less `:`).
const fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c as u32, 0x2D | 0x2E | 0x30..=0x39 | 0xB7 | 0x300..=0x36F | 0x203F..=0x2040)
}

/// True if `s` is an `NCName` (Namespaces in XML 1.0): a prefix or a local name.
pub fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// True if `s` is a `QName` (Namespaces in XML 1.0 §4): an NCName, or two
/// joined by one colon. ASCII names take a byte-wise path.
pub fn is_qname(s: &str) -> bool {
    let (prefix, local) = match s.split_once(':') {
        Some((p, l)) => (Some(p), l),
        None => (None, s),
    };
    prefix.is_none_or(is_ncname_fast) && is_ncname_fast(local)
}

fn is_ncname_fast(s: &str) -> bool {
    let bytes = s.as_bytes();
    if !bytes.is_ascii() {
        return is_ncname(s);
    }
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The error text for code point `v`, e.g. `U+0001 is not an XML 1.0 character`.
pub(crate) fn not_a_char(v: u32) -> String {
    format!("U+{v:04X} is not an XML 1.0 character")
}

/// The error for a raw character outside `Char` at byte `at` of the input.
pub(crate) fn raw_error(c: char, at: usize) -> Error {
    Error::InvalidFormat(format!("{} (at byte {at})", not_a_char(c as u32)))
}

/// Bytes looked at per step of the scan.
const BLOCK: usize = 64;

/// Whether `block` holds a byte that may start a non-`Char`: a C0 control
/// other than tab, LF and CR, or 0xEF (checked further). Branch-free over a
/// fixed-size block, so the compiler turns it into vector compares; a
/// coarser test (any control at all) first, as text has no control but
/// line ends and tabs, and often none.
#[inline(always)]
fn suspect(block: &[u8; BLOCK]) -> bool {
    let mut coarse = false;
    for &b in block {
        coarse |= (b & 0xE0 == 0) | (b == 0xEF);
    }
    if !coarse {
        return false;
    }
    let mut exact = false;
    for &b in block {
        let control = (b & 0xE0 == 0) & (b != b'\t') & (b != b'\n') & (b != b'\r');
        exact |= control | (b == 0xEF);
    }
    exact
}

/// The character outside `Char` that starts at `bytes[i]`, if one does.
#[inline]
fn non_char_at(bytes: &[u8], i: usize) -> Option<char> {
    match bytes.get(i).copied()? {
        b @ 0..=0x1F if !matches!(b, b'\t' | b'\n' | b'\r') => Some(char::from(b)),
        0xEF if bytes.get(i + 1) == Some(&0xBF) => match bytes.get(i + 2) {
            Some(0xBE) => Some('\u{FFFE}'),
            Some(0xBF) => Some('\u{FFFF}'),
            _ => None,
        },
        _ => None,
    }
}

/// The offset and character of the first character of UTF-8 `bytes` that
/// XML 1.0 does not allow, if any.
pub fn find_non_char(bytes: &[u8]) -> Option<(usize, char)> {
    let mut base = 0;
    while let Some(block) = bytes.get(base..).and_then(|r| r.first_chunk::<BLOCK>()) {
        if suspect(block) {
            // Rare: a 0xEF that starts some other character, or a real hit.
            if let Some(found) =
                (base..base + BLOCK).find_map(|i| non_char_at(bytes, i).map(|c| (i, c)))
            {
                return Some(found);
            }
        }
        base += BLOCK;
    }
    (base..bytes.len()).find_map(|i| non_char_at(bytes, i).map(|c| (i, c)))
}

/// Checks that `bytes` holds only XML 1.0 characters.
pub(crate) fn check_chars(bytes: &[u8]) -> crate::Result<()> {
    match find_non_char(bytes) {
        Some((at, c)) => Err(raw_error(c, at)),
        None => Ok(()),
    }
}

/// Decodes a character reference from what follows its `&#` up to its `;`
/// (`x41` or `65`), which must stand for an XML 1.0 character.
pub(crate) fn char_ref(digits: &str) -> crate::Result<char> {
    let (hex, num) = match digits.strip_prefix('x') {
        Some(hex) => (true, hex),
        None => (false, digits),
    };
    let radix = if hex { 16 } else { 10 };
    let mut value: u32 = 0;
    let mut ok = !num.is_empty();
    for b in num.bytes() {
        let Some(d) = char::from(b).to_digit(radix) else {
            ok = false;
            break;
        };
        // Saturates past U+10FFFF: still not a character, and no overflow.
        value = value.saturating_mul(radix).saturating_add(d).min(0x11_0000);
    }
    if !ok {
        return Err(Error::InvalidFormat(format!(
            "invalid character reference &#{digits};"
        )));
    }
    match char::from_u32(value).filter(|&c| is_xml_char(c)) {
        Some(c) => Ok(c),
        None if value >= 0x11_0000 => Err(Error::InvalidFormat(format!(
            "character reference &#{digits}; is beyond U+10FFFF: it is not an XML 1.0 character"
        ))),
        None => Err(Error::InvalidFormat(format!(
            "{} (character reference &#{digits};)",
            not_a_char(value)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(bytes: &[u8]) -> Option<(usize, char)> {
        let s = std::str::from_utf8(bytes).ok()?;
        s.char_indices().find(|&(_, c)| !is_xml_char(c))
    }

    #[test]
    fn scan_matches_the_reference_at_every_offset() {
        let specials = [
            "\0",
            "\u{1}",
            "\t",
            "\n",
            "\r",
            "\u{B}",
            "\u{C}",
            "\u{1F}",
            " ",
            "\u{7F}",
            "\u{80}",
            "\u{FFFD}",
            "\u{FFFE}",
            "\u{FFFF}",
            "\u{EFFF}",
            "\u{F000}",
            "\u{FFBE}",
            "\u{10000}",
            "\u{10FFFF}",
            "\u{1FFFE}",
            "é",
        ];
        for len in [
            0usize, 1, 7, 8, 15, 16, 17, 31, 33, 62, 63, 64, 65, 127, 130,
        ] {
            for pos in 0..=len {
                for sp in specials {
                    let s = format!("{}{sp}{}", "a".repeat(pos), "b".repeat(len - pos));
                    assert_eq!(
                        find_non_char(s.as_bytes()),
                        reference(s.as_bytes()),
                        "{s:?}"
                    );
                    let twice = format!("{s}\u{FFFC}{sp}\n{s}");
                    assert_eq!(
                        find_non_char(twice.as_bytes()),
                        reference(twice.as_bytes()),
                        "{twice:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_byte_value_is_classified_like_the_reference() {
        for b in 0u8..0x80 {
            let s = [b'a'; 20];
            let mut s = s.to_vec();
            s[11] = b;
            assert_eq!(find_non_char(&s), reference(&s), "byte {b:#x}");
        }
    }

    #[test]
    fn ncnames() {
        for ok in ["a", "Client", "_x", "a.b-c_1", "é", "中文", "a\u{B7}"] {
            assert!(is_ncname(ok), "{ok:?}");
        }
        for bad in ["", "a:b", "1a", "-a", ".a", "a b", "a/b", "a\"", "\u{B7}"] {
            assert!(!is_ncname(bad), "{bad:?}");
            assert!(!is_qname(bad) || bad == "a:b", "{bad:?}");
        }
    }

    #[test]
    fn qnames() {
        for ok in ["a", "p:a", "s:Envelope", "é:中文", "_x:y.z-1"] {
            assert!(is_qname(ok), "{ok:?}");
        }
        for bad in [
            "", ":a", "a:", "a:b:c", "f@lag", "q:f@lag", "1:a", "a:1", "a b", "é@",
        ] {
            assert!(!is_qname(bad), "{bad:?}");
        }
    }

    #[test]
    fn character_references() {
        assert_eq!(char_ref("x41").ok(), Some('A'));
        assert_eq!(char_ref("65").ok(), Some('A'));
        assert_eq!(char_ref("x10FFFF").ok(), Some('\u{10FFFF}'));
        assert_eq!(char_ref("x9").ok(), Some('\t'));
        assert_eq!(char_ref("xD").ok(), Some('\r'));
        assert_eq!(char_ref("x1F600").ok(), Some('😀'));
        for bad in [
            "x1", "0", "x0", "xFFFE", "xFFFF", "xD800", "xDFFF", "11", "x110000",
        ] {
            let err = char_ref(bad).expect_err(bad).to_string();
            assert!(err.contains("is not an XML 1.0 character"), "{bad}: {err}");
        }
        assert!(
            char_ref("x1")
                .expect_err("x1")
                .to_string()
                .contains("U+0001")
        );
        for bad in [
            "",
            "x",
            "+65",
            "-1",
            "x+41",
            "X41",
            "4a",
            "xG",
            "99999999999999999999",
        ] {
            assert!(char_ref(bad).is_err(), "{bad:?}");
        }
    }
}
