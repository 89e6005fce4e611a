//! What an issuer/serial key reference (`ds:X509IssuerSerial`) says of a
//! certificate: its issuer's distinguished name as an RFC 4514 string, and
//! its serial number in decimal; and the comparison of a received name with
//! a certificate's.
//!
//! The comparison normalizes what senders vary in: spaces around `,`, `+`
//! and `=`, the case of attribute types, and the names .NET and OpenSSL
//! give some of them (`E`/`EMAIL` for `emailAddress`, `S` for `ST`). It does
//! not match a value written as `#hex` against a string, nor multi-valued
//! RDNs in another order: such a reference finds no certificate (and a
//! reference that finds the wrong one still fails, since the certificate
//! found must verify the signature and chain to a trust anchor).

use crate::signed::Der;

/// The RFC 4514 string of a Name's contents (DER, without the outer
/// SEQUENCE, as webpki gives `issuer()`): RDNs last first, `,` between
/// them, `+` inside one. `None` if it does not parse.
pub(crate) fn rfc4514(name: &[u8]) -> Option<String> {
    let mut rdns = Vec::new();
    for (tag, set) in Der(name) {
        if tag != 0x31 {
            return None;
        }
        let mut parts = Vec::new();
        for (tag, pair) in Der(set) {
            if tag != 0x30 {
                return None;
            }
            let mut pair = Der(pair);
            let (Some((0x06, oid)), Some((kind, value))) = (pair.next(), pair.next()) else {
                return None;
            };
            parts.push(format!(
                "{}={}",
                attribute_type(oid)?,
                attribute_value(kind, value)?
            ));
        }
        rdns.push(parts.join("+"));
    }
    rdns.reverse();
    Some(rdns.join(","))
}

fn attribute_type(oid: &[u8]) -> Option<String> {
    Some(
        match oid {
            [0x55, 0x04, 0x03] => "CN",
            [0x55, 0x04, 0x06] => "C",
            [0x55, 0x04, 0x07] => "L",
            [0x55, 0x04, 0x08] => "ST",
            [0x55, 0x04, 0x09] => "STREET",
            [0x55, 0x04, 0x0a] => "O",
            [0x55, 0x04, 0x0b] => "OU",
            [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => "DC",
            [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01] => "UID",
            [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "emailAddress",
            _ => return dotted(oid),
        }
        .to_owned(),
    )
}

/// An OID's dotted form.
fn dotted(oid: &[u8]) -> Option<String> {
    let (&first, rest) = oid.split_first()?;
    let mut arcs = vec![u64::from(first / 40), u64::from(first % 40)];
    let mut arc = 0u64;
    for &b in rest {
        arc = arc.checked_mul(128)? | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(arc);
            arc = 0;
        }
    }
    Some(
        arcs.iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

/// A string value, escaped as RFC 4514 §2.4 says; other types as `#hex`.
fn attribute_value(kind: u8, value: &[u8]) -> Option<String> {
    let text = match kind {
        // UTF8String, PrintableString, IA5String.
        0x0c | 0x13 | 0x16 => std::str::from_utf8(value).ok()?.to_owned(),
        // BMPString.
        0x1e if value.len() % 2 == 0 => {
            let units = value.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()?
        }
        _ => {
            // The value's whole DER encoding (tag, length, contents).
            let mut der = vec![kind];
            match u32::try_from(value.len()).ok()? {
                n @ 0..=0x7f => der.push(n as u8),
                n => {
                    let bytes = n.to_be_bytes();
                    let skip = bytes.iter().take_while(|&&b| b == 0).count();
                    der.push(0x80 | (4 - skip) as u8);
                    der.extend_from_slice(&bytes[skip..]);
                }
            }
            der.extend_from_slice(value);
            let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
            return Some(format!("#{hex}"));
        }
    };
    let last = text.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.chars().enumerate() {
        let special = matches!(c, '"' | '+' | ',' | ';' | '<' | '>' | '\\')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    Some(out)
}

/// Whether two RFC 4514 names are the same after the normalization the
/// module docs describe.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    normalized(a) == normalized(b)
}

fn normalized(name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    let mut push = |part: &str| {
        let (kind, value) = part.split_once('=').unwrap_or((part, ""));
        let kind = match kind.trim().to_ascii_uppercase().as_str() {
            "E" | "EMAIL" | "EMAILADDRESS" | "1.2.840.113549.1.9.1" => "EMAILADDRESS".to_owned(),
            "S" => "ST".to_owned(),
            other => other.to_owned(),
        };
        out.push((kind, value.trim().to_owned()));
    };
    for c in name.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, ',' | '+' | ';') {
            push(&current);
            current.clear();
        } else {
            current.push(c);
        }
    }
    push(&current);
    out
}

/// Big-endian two's-complement serial bytes (as webpki gives them) in
/// decimal; serials are positive (RFC 5280 §4.1.2.2).
pub(crate) fn serial_decimal(serial: &[u8]) -> String {
    let mut digits = Vec::new();
    let mut n: Vec<u8> = serial.to_vec();
    while n.iter().any(|&b| b != 0) {
        let mut rest = 0u32;
        for b in &mut n {
            let cur = (rest << 8) | u32::from(*b);
            *b = (cur / 10) as u8;
            rest = cur % 10;
        }
        digits.push(b'0' + rest as u8);
    }
    if digits.is_empty() {
        return "0".to_owned();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_written_in_decimal() {
        assert_eq!(serial_decimal(&[]), "0");
        assert_eq!(serial_decimal(&[0x00, 0xff]), "255");
        assert_eq!(serial_decimal(&[0x01, 0x00]), "256");
        assert_eq!(
            serial_decimal(&[0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
            "18446744073709551616"
        );
    }

    #[test]
    fn names_compare_as_senders_vary_them() {
        assert!(same_name("CN=Test CA,O=wws", "cn = Test CA , o=wws"));
        assert!(same_name("E=a@b,CN=x", "emailAddress=a@b, CN=x"));
        assert!(same_name("CN=a\\,b", "CN=a\\,b"));
        assert!(!same_name("CN=a\\,b", "CN=a,CN=b"));
        assert!(!same_name("CN=Test CA", "CN=Other CA"));
        assert!(!same_name("CN=x,O=y", "O=y,CN=x"));
    }

    #[test]
    fn oids_and_values_are_written_as_rfc_4514_says() {
        assert_eq!(
            dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]).as_deref(),
            Some("1.2.840.113549")
        );
        assert_eq!(
            attribute_value(0x0c, b" a,b ").as_deref(),
            Some("\\ a\\,b\\ ")
        );
        assert_eq!(attribute_value(0x04, &[1, 2]).as_deref(), Some("#04020102"));
        let long = attribute_value(0x04, &[7; 200]).expect("long");
        assert!(long.starts_with("#0481c80707"), "{long}");
    }
}
