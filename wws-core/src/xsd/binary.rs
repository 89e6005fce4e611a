//! Binary data: `xs:base64Binary` and `xs:hexBinary`.

use super::simple::SimpleType;
use crate::error::Result;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `xs:base64Binary`: bytes; reading ignores whitespace and line breaks
/// (MIME-style wrapped input), writing uses one unbroken line with padding.
///
/// ```
/// use wws_core::xsd::{Base64Binary, SimpleType};
/// let b = Base64Binary::parse("SGVs\r\n bG8=")?;
/// assert_eq!(b.0, b"Hello");
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Base64Binary(pub Vec<u8>);

/// `xs:hexBinary`: bytes; reads either case, writes upper case (the canonical form).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct HexBinary(pub Vec<u8>);

fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes base64, skipping XML whitespace.
pub(crate) fn decode_base64(text: &str) -> std::result::Result<Vec<u8>, String> {
    let bad = |why: &str| format!("invalid xs:base64Binary: {why}");
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut n = 0usize;
    let mut pad = 0usize;
    for b in text.bytes() {
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            continue;
        }
        if b == b'=' {
            pad += 1;
            if n < 2 || n + pad > 4 {
                return Err(bad("misplaced '='"));
            }
            continue;
        }
        if pad > 0 {
            return Err(bad("data after '='"));
        }
        let v = sextet(b).ok_or_else(|| bad(&format!("character {:?}", b as char)))?;
        if let Some(slot) = quad.get_mut(n) {
            *slot = v;
        }
        n += 1;
        if n == 4 {
            let [a, b, c, d] = quad;
            out.extend_from_slice(&[a << 2 | b >> 4, b << 4 | c >> 2, c << 6 | d]);
            n = 0;
        }
    }
    let [a, b, c, _] = quad;
    match (n, pad) {
        (0, 0) => {}
        (2, 2) => out.push(a << 2 | b >> 4),
        (3, 1) => out.extend_from_slice(&[a << 2 | b >> 4, b << 4 | c >> 2]),
        _ => return Err(bad("length is not a multiple of 4")),
    }
    Ok(out)
}

/// Encodes base64 with padding, no line breaks.
pub(crate) fn encode_base64(bytes: &[u8], out: &mut String) {
    let sym = |v: u8| char::from(ALPHABET.get(usize::from(v & 63)).copied().unwrap_or(b'A'));
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let (a, b, c) = match *chunk {
            [a, b, c] => (a, Some(b), Some(c)),
            [a, b] => (a, Some(b), None),
            [a] => (a, None, None),
            _ => continue,
        };
        let (b0, c0) = (b.unwrap_or(0), c.unwrap_or(0));
        out.push(sym(a >> 2));
        out.push(sym(a << 4 | b0 >> 4));
        out.push(if b.is_some() {
            sym(b0 << 2 | c0 >> 6)
        } else {
            '='
        });
        out.push(if c.is_some() { sym(c0) } else { '=' });
    }
}

impl SimpleType for Base64Binary {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        decode_base64(text).map(Base64Binary)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        encode_base64(&self.0, out);
        Ok(())
    }
}

impl SimpleType for HexBinary {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        let t = super::simple::trim(text);
        let bad = || format!("{t:?} is not a valid xs:hexBinary");
        if t.len() % 2 != 0 {
            return Err(bad());
        }
        let digit = |b: u8| {
            char::from(b)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        };
        t.as_bytes()
            .chunks(2)
            .map(|p| match *p {
                [h, l] => Some(digit(h)? << 4 | digit(l)?),
                _ => None,
            })
            .collect::<Option<Vec<u8>>>()
            .map(HexBinary)
            .ok_or_else(bad)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        use std::fmt::Write;
        for b in &self.0 {
            // Writing to a String cannot fail.
            let _ = write!(out, "{b:02X}");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut s = String::new();
            encode_base64(plain.as_bytes(), &mut s);
            assert_eq!(s, enc);
            assert_eq!(decode_base64(enc).as_deref(), Ok(plain.as_bytes()));
        }
        for bad in ["Zg", "Z===", "Zg=a", "Zm9v!", "=Zg=", "Zm9vY"] {
            assert!(decode_base64(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hex() {
        assert_eq!(HexBinary::parse(" 0fA0 "), Ok(HexBinary(vec![0x0F, 0xA0])));
        assert!(HexBinary::parse("0g").is_err());
        assert!(HexBinary::parse("abc").is_err());
        let mut s = String::new();
        HexBinary(vec![0xAB, 1]).format(&mut s).ok();
        assert_eq!(s, "AB01");
    }
}
