//! PasswordDigest (UsernameToken Profile 1.1 §3.1), nonces and comparison,
//! all from `ring`.

use ring::rand::{SecureRandom, SystemRandom};
use ring::{digest, hmac};

/// Length of a SHA-1 digest, the only length a `PasswordDigest` can have.
pub const DIGEST_LEN: usize = 20;

/// Length of the nonces the client layer sends (as zeep and WSS4J do).
pub const NONCE_LEN: usize = 16;

/// `SHA-1(nonce + created + password)`: `nonce` decoded, `created` and
/// `password` as UTF-8 (`created` exactly as it is written in the token).
pub fn password_digest(nonce: &[u8], created: &str, password: &str) -> [u8; DIGEST_LEN] {
    let mut ctx = digest::Context::new(&digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(nonce);
    ctx.update(created.as_bytes());
    ctx.update(password.as_bytes());
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// A fresh random nonce.
pub(crate) fn fresh_nonce(rng: &SystemRandom) -> wws_core::Result<[u8; NONCE_LEN]> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce)
        .map_err(|_| wws_core::Error::InvalidFormat("no random bytes for a nonce".into()))?;
    Ok(nonce)
}

/// Compares secrets in time independent of where they differ: both go
/// through HMAC under a key of this process, and `ring` compares the tags
/// in constant time (`ring::constant_time` is deprecated).
#[derive(Debug)]
pub(crate) struct SecretCompare {
    key: hmac::Key,
}

impl SecretCompare {
    pub(crate) fn new(rng: &SystemRandom) -> Option<Self> {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, rng).ok()?;
        Some(SecretCompare { key })
    }

    pub(crate) fn equal(&self, a: &[u8], b: &[u8]) -> bool {
        let tag = hmac::sign(&self.key, a);
        hmac::verify(&self.key, b, tag.as_ref()).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wws_core::xsd::{Base64Binary, SimpleType};

    fn b64(bytes: &[u8]) -> String {
        let mut s = String::new();
        Base64Binary(bytes.to_vec()).format(&mut s).expect("base64");
        s
    }

    /// Known answer, computed independently of this crate with Python:
    ///
    /// ```text
    /// python3 -c 'import hashlib,base64; n=base64.b64decode("LKqI6G/AikKCQrN0zqZFlg=="); \
    ///   print(base64.b64encode(hashlib.sha1(n+b"2010-09-16T07:50:45Z"+b"userpassword").digest()).decode())'
    /// ```
    ///
    /// (nonce and created as in the ONVIF Core Specification's
    /// UsernameToken example; the value printed is asserted here.)
    #[test]
    fn password_digest_known_answer() {
        let nonce = Base64Binary::parse("LKqI6G/AikKCQrN0zqZFlg==")
            .expect("nonce")
            .0;
        let d = password_digest(&nonce, "2010-09-16T07:50:45Z", "userpassword");
        assert_eq!(b64(&d), "tuOSpGlFlIXsozq4HFNeeGeFLEI=");
    }

    #[test]
    fn compare_is_equality() {
        let rng = SystemRandom::new();
        let c = SecretCompare::new(&rng).expect("key");
        assert!(c.equal(b"secret", b"secret"));
        assert!(!c.equal(b"secret", b"secreT"));
        assert!(!c.equal(b"secret", b"secret!"));
        assert!(!c.equal(b"", b"x"));
    }
}
