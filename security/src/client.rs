//! The client layer: a `wsse:Security` header with a `UsernameToken` and a
//! `wsu:Timestamp` on every request of a [`ServiceProxy`](wws_proxy::ServiceProxy).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ring::rand::SystemRandom;
use wws_core::xsd::{Base64Binary, SimpleType};
use wws_core::{Header, Message, QName, Result};
use wws_proxy::{CallInfo, ProxyLayer};

use crate::digest::{fresh_nonce, password_digest};
use crate::header::{Outgoing, OutgoingToken};
use crate::{Clock, ns, time};

/// How the password travels.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum PasswordType {
    /// `#PasswordText`: the password itself, with a nonce and `Created`
    /// (only over TLS, as the profile says).
    Text,
    /// `#PasswordDigest`: Base64(SHA-1(nonce + created + password)) with a
    /// fresh 16-byte nonce and `Created`.
    Digest,
}

/// A user name and password, and how to send the password.
///
/// Given to [`UsernameTokenLayer::new`] for every call of a proxy, or to
/// one call with [`CallOptions::extension`](wws_proxy::CallOptions::extension),
/// which overrides the layer's.
#[derive(Clone, PartialEq, Eq)]
pub struct UsernameCredentials {
    username: String,
    password: String,
    kind: PasswordType,
}

impl fmt::Debug for UsernameCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernameCredentials")
            .field("username", &self.username)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl UsernameCredentials {
    /// Credentials sent as `#PasswordText`.
    pub fn text(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::new(username, password, PasswordType::Text)
    }

    /// Credentials sent as `#PasswordDigest`.
    pub fn digest(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::new(username, password, PasswordType::Digest)
    }

    /// Credentials sent as `kind` says.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<String>,
        kind: PasswordType,
    ) -> Self {
        UsernameCredentials {
            username: username.into(),
            password: password.into(),
            kind,
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// How the password is sent.
    pub fn password_type(&self) -> PasswordType {
        self.kind
    }
}

/// A [`ProxyLayer`] adding a `wsse:Security` header, marked
/// `mustUnderstand="1"`, to every request: a `wsu:Timestamp` (Created, and
/// Expires after [`timestamp`](Self::timestamp), 5 minutes by default) and
/// a `UsernameToken` (Username, Password, Nonce with its `EncodingType`,
/// Created) from the call's credentials, else the layer's. A call with
/// neither gets the timestamp only. It understands `wsse:Security` in
/// replies (WCF sends a timestamp back, marked `mustUnderstand`).
pub struct UsernameTokenLayer {
    credentials: Option<UsernameCredentials>,
    timestamp: Option<Duration>,
    clock: Clock,
    rng: SystemRandom,
    understands: [QName; 1],
}

impl fmt::Debug for UsernameTokenLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernameTokenLayer")
            .field("credentials", &self.credentials)
            .field("timestamp", &self.timestamp)
            .finish_non_exhaustive()
    }
}

impl UsernameTokenLayer {
    /// A layer sending `credentials` on every call (unless a call brings its own).
    pub fn new(credentials: UsernameCredentials) -> Self {
        Self::build(Some(credentials))
    }

    /// A layer without credentials of its own: each call brings them with
    /// [`CallOptions::extension`](wws_proxy::CallOptions::extension).
    pub fn per_call() -> Self {
        Self::build(None)
    }

    fn build(credentials: Option<UsernameCredentials>) -> Self {
        UsernameTokenLayer {
            credentials,
            timestamp: Some(Duration::from_secs(300)),
            clock: Arc::new(SystemTime::now),
            rng: SystemRandom::new(),
            understands: [QName::new(ns::WSSE, "Security")],
        }
    }

    /// Sends a `wsu:Timestamp` that expires `ttl` after it is created, or none.
    pub fn timestamp(mut self, ttl: Option<Duration>) -> Self {
        self.timestamp = ttl;
        self
    }

    /// Reads the time from `clock` instead of the system clock (for tests,
    /// or a clock corrected against the service's).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The header block for `credentials` at `now`.
    fn header(
        &self,
        message: &Message,
        credentials: Option<&UsernameCredentials>,
        now: SystemTime,
    ) -> Result<Header> {
        let created = time::format_utc(now);
        let timestamp = self
            .timestamp
            .map(|ttl| (created.clone(), time::format_utc(now + ttl)));
        let token = match credentials {
            None => None,
            Some(c) => {
                let nonce = fresh_nonce(&self.rng)?;
                let password = match c.kind {
                    PasswordType::Text => c.password.clone(),
                    PasswordType::Digest => {
                        base64(&password_digest(&nonce, &created, &c.password))?
                    }
                };
                Some(OutgoingToken {
                    username: &c.username,
                    password_type: match c.kind {
                        PasswordType::Text => ns::PASSWORD_TEXT,
                        PasswordType::Digest => ns::PASSWORD_DIGEST,
                    },
                    password,
                    nonce: Some(base64(&nonce)?),
                    created: Some(created.clone()),
                })
            }
        };
        let xml = Outgoing {
            envelope_ns: message.envelope.namespace(),
            timestamp,
            token,
        }
        .to_xml()?;
        Header::from_xml(message.envelope, xml)
    }
}

fn base64(bytes: &[u8]) -> Result<String> {
    let mut s = String::new();
    Base64Binary(bytes.to_vec()).format(&mut s)?;
    Ok(s)
}

impl ProxyLayer for UsernameTokenLayer {
    fn understands(&self) -> &[QName] {
        &self.understands
    }

    fn on_request(&self, call: &CallInfo, request: &mut Message) -> Result<()> {
        let credentials = call
            .extensions
            .get::<UsernameCredentials>()
            .or(self.credentials.as_ref());
        if credentials.is_none() && self.timestamp.is_none() {
            return Ok(());
        }
        let header = self.header(request, credentials, (self.clock)())?;
        request.headers.push(header);
        Ok(())
    }
}
