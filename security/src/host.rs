//! The host layer: checks the `wsse:Security` header of every request of a
//! [`ServiceHost`](wws_host::ServiceHost) and hands the authenticated
//! [`Principal`] to the operation.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use ring::rand::SystemRandom;
use wws_core::message::is_targeted;
use wws_core::{Message, QName};
use wws_host::{HostLayer, Rejection, RequestInfo};

use crate::digest::{SecretCompare, password_digest};
use crate::faults::SecurityFault;
use crate::header::{Password, SecurityHeader, Timestamp, UsernameToken, read_security_header};
use crate::replay::{ReplayCache, Seen};
use crate::time::{self, Millis};
use crate::{Clock, ns};

/// Who a request authenticated as; in the operation's
/// [`OperationContext::extension`](wws_host::OperationContext::extension).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Principal {
    /// The name the application gave the user (by default the user name).
    pub name: String,
}

impl Principal {
    /// A principal called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Principal { name: name.into() }
    }
}

/// What the application knows of a user: the password to check the token
/// against and the principal the user authenticates as.
#[derive(Clone)]
pub struct UserEntry {
    password: String,
    principal: Principal,
}

impl fmt::Debug for UserEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserEntry")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

impl UserEntry {
    /// A user whose password is `password`, authenticating as `principal`.
    pub fn new(password: impl Into<String>, principal: Principal) -> Self {
        UserEntry {
            password: password.into(),
            principal,
        }
    }
}

/// The application's user lookup.
///
/// It is synchronous, as host layers are: it runs on the exchange's task
/// before dispatch and must not block. It returns the clear password
/// because a `PasswordDigest` can only be checked by computing it again
/// (the profile leaves no other way). A store behind I/O is served from an
/// in-memory copy the application refreshes on its own tasks (see the
/// crate docs).
pub trait UserStore: Send + Sync + 'static {
    /// The entry of `username`, or `None` for an unknown user.
    fn lookup(&self, username: &str) -> Option<UserEntry>;
}

impl<F> UserStore for F
where
    F: Fn(&str) -> Option<UserEntry> + Send + Sync + 'static,
{
    fn lookup(&self, username: &str) -> Option<UserEntry> {
        self(username)
    }
}

/// A [`HostLayer`] that authenticates requests by their `UsernameToken`
/// and checks their `wsu:Timestamp`.
///
/// Installed on a host, it understands `wsse:Security` (so a
/// `mustUnderstand` one is accepted there and only there), reads the one
/// header targeted at this node, and refuses the request with a WSS fault
/// when:
///
/// | what | fault |
/// |---|---|
/// | no `Security` header, or no `UsernameToken` in it (unless [`require_token(false)`](Self::require_token)); no `Timestamp` when [required](Self::require_timestamp); two headers for this node; malformed XML, limits of [`header`](crate::header) exceeded | `wsse:InvalidSecurity` |
/// | a token child or password type this layer does not process; a signature no [`SignatureValidator`](crate::SignatureValidator) before this layer verified | `wsse:UnsupportedSecurityToken` |
/// | malformed token: no `Username`, bad base64, a digest not 20 bytes, a digest without nonce and `Created`, a nonce without `Created`, a text password when [not allowed](Self::allow_password_text) | `wsse:InvalidSecurityToken` |
/// | `Created` (token or timestamp) after now + skew or before now − freshness − skew; `Expires` before now − skew | `wsu:MessageExpired` |
/// | unknown user, wrong password, replayed nonce | `wsse:FailedAuthentication` (the same fault, same reason, for all three) |
///
/// On success the header is removed from the request (the password goes
/// no further) and the operation finds the [`Principal`] with
/// `ctx.extension::<Principal>()`.
pub struct UsernameTokenValidator {
    users: Box<dyn UserStore>,
    freshness: Duration,
    clock_skew: Duration,
    require_token: bool,
    require_timestamp: bool,
    allow_text: bool,
    clock: Clock,
    replay: Mutex<ReplayCache>,
    /// `None` if the system gave no random key: every password then fails (closed).
    compare: Option<SecretCompare>,
    understands: [QName; 1],
}

impl fmt::Debug for UsernameTokenValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsernameTokenValidator")
            .field("freshness", &self.freshness)
            .field("clock_skew", &self.clock_skew)
            .field("require_token", &self.require_token)
            .field("require_timestamp", &self.require_timestamp)
            .field("allow_text", &self.allow_text)
            .finish_non_exhaustive()
    }
}

/// Default capacity of the replay cache.
pub const DEFAULT_REPLAY_CAPACITY: usize = 10_000;

impl UsernameTokenValidator {
    /// A validator looking users up in `users`: freshness 5 minutes, clock
    /// skew 5 minutes (WCF's defaults), a token required, a timestamp
    /// optional, text passwords allowed, [`DEFAULT_REPLAY_CAPACITY`] nonces.
    pub fn new(users: impl UserStore) -> Self {
        UsernameTokenValidator {
            users: Box::new(users),
            freshness: Duration::from_secs(300),
            clock_skew: Duration::from_secs(300),
            require_token: true,
            require_timestamp: false,
            allow_text: true,
            clock: Arc::new(SystemTime::now),
            replay: Mutex::new(ReplayCache::new(DEFAULT_REPLAY_CAPACITY)),
            compare: SecretCompare::new(&SystemRandom::new()),
            understands: [QName::new(ns::WSSE, "Security")],
        }
    }

    /// How old a `Created` may be (besides the skew).
    pub fn freshness(mut self, window: Duration) -> Self {
        self.freshness = window;
        self
    }

    /// How far the sender's clock may be off ours, either way.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Whether a request must carry a `UsernameToken` (default true).
    pub fn require_token(mut self, required: bool) -> Self {
        self.require_token = required;
        self
    }

    /// Whether a request must carry a `wsu:Timestamp` (default false).
    pub fn require_timestamp(mut self, required: bool) -> Self {
        self.require_timestamp = required;
        self
    }

    /// Whether `#PasswordText` is accepted (default true; over TLS only, as the profile says).
    pub fn allow_password_text(mut self, allowed: bool) -> Self {
        self.allow_text = allowed;
        self
    }

    /// Keeps at most `capacity` nonces (see [`replay`](crate::replay) for what is evicted).
    pub fn replay_capacity(self, capacity: usize) -> Self {
        *self.replay.lock().unwrap_or_else(PoisonError::into_inner) = ReplayCache::new(capacity);
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How many nonces the replay cache holds now.
    pub fn replay_cache_len(&self) -> usize {
        self.replay
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Checks `request`'s security header at the layer's clock's now: the
    /// principal it authenticates (if a token was there), or the fault to
    /// answer. What [`HostLayer::on_request`] runs; public for tests and
    /// for hosts of other kinds.
    pub fn validate(&self, request: &Message) -> Result<Option<Principal>, SecurityFault> {
        self.validate_after(request, false)
    }

    /// [`validate`](Self::validate), where `signature_verified` tells
    /// whether a [`SignatureValidator`](crate::SignatureValidator) before
    /// this layer verified the header's signature (else a signature in it
    /// is a token this layer does not process).
    fn validate_after(
        &self,
        request: &Message,
        signature_verified: bool,
    ) -> Result<Option<Principal>, SecurityFault> {
        let now = time::millis((self.clock)());
        let mut ours = request.headers.iter().filter(|h| {
            h.name.namespace == ns::WSSE
                && h.name.local == "Security"
                && is_targeted(request.envelope, h.role.as_deref())
        });
        let Some(header) = ours.next() else {
            return if self.require_token || self.require_timestamp {
                Err(SecurityFault::InvalidSecurity)
            } else {
                Ok(None)
            };
        };
        if ours.next().is_some() {
            return Err(SecurityFault::InvalidSecurity);
        }
        let SecurityHeader {
            username_token,
            timestamp,
            signature,
            ..
        } = read_security_header(&header.xml)?;
        if signature && !signature_verified {
            return Err(SecurityFault::UnsupportedSecurityToken);
        }
        let window = Window::new(now, self.freshness, self.clock_skew);
        match timestamp {
            None if self.require_timestamp => return Err(SecurityFault::InvalidSecurity),
            Some(ts) => window.check(&ts)?,
            None => {}
        }
        let Some(token) = username_token else {
            return if self.require_token {
                Err(SecurityFault::InvalidSecurity)
            } else {
                Ok(None)
            };
        };
        if let Some((_, created)) = &token.created
            && !window.fresh(*created)
        {
            return Err(SecurityFault::MessageExpired);
        }
        if token.nonce.is_some() && token.created.is_none() {
            return Err(SecurityFault::InvalidSecurityToken);
        }
        if matches!(token.password, Some(Password::Text(_))) && !self.allow_text {
            return Err(SecurityFault::InvalidSecurityToken);
        }
        let principal = self.authenticate(&token)?;
        if let (Some(nonce), Some((_, created))) = (&token.nonce, &token.created) {
            let seen = self
                .replay
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .check_and_insert(nonce, *created, window.oldest);
            match seen {
                Seen::Fresh => {}
                Seen::Replayed => return Err(SecurityFault::FailedAuthentication),
                Seen::TooOld => return Err(SecurityFault::MessageExpired),
            }
        }
        Ok(Some(principal))
    }

    /// The principal if the user is known and the password right; the same
    /// fault otherwise, after the same work (an unknown user is checked
    /// against an empty password).
    fn authenticate(&self, token: &UsernameToken) -> Result<Principal, SecurityFault> {
        let failed = SecurityFault::FailedAuthentication;
        let compare = self.compare.as_ref().ok_or(failed)?;
        let entry = self.users.lookup(&token.username);
        let expected = entry.as_ref().map_or("", |e| e.password.as_str());
        let right = match &token.password {
            // No password: nothing proves the user is who they say.
            None => false,
            Some(Password::Text(sent)) => compare.equal(sent.as_bytes(), expected.as_bytes()),
            Some(Password::Digest(sent)) => {
                let (nonce, created) = match (&token.nonce, &token.created) {
                    (Some(n), Some((c, _))) => (n.as_slice(), c.as_str()),
                    _ => return Err(SecurityFault::InvalidSecurityToken),
                };
                compare.equal(sent, &password_digest(nonce, created, expected))
            }
        };
        match entry {
            Some(entry) if right => Ok(entry.principal),
            _ => Err(failed),
        }
    }
}

impl HostLayer for UsernameTokenValidator {
    fn understands(&self) -> &[QName] {
        &self.understands
    }

    fn on_request(&self, info: &RequestInfo<'_>, request: &mut Message) -> Result<(), Rejection> {
        let signed = info.extension::<crate::VerifiedSigner>().is_some();
        match self.validate_after(request, signed) {
            Ok(principal) => {
                request.headers.retain(|h| {
                    !(h.name.namespace == ns::WSSE
                        && h.name.local == "Security"
                        && is_targeted(request.envelope, h.role.as_deref()))
                });
                if let Some(principal) = principal {
                    tracing::debug!(principal = %principal.name, "authenticated by UsernameToken");
                    info.insert_extension(principal);
                }
                Ok(())
            }
            Err(fault) => {
                tracing::debug!(%fault, "WS-Security header refused");
                Err(Rejection::fault(fault.to_fault(request.envelope)))
            }
        }
    }
}

/// The freshness window at `now`: a `Created` from `oldest` to `now` +
/// skew, an `Expires` not before `now` − skew.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Window {
    now: Millis,
    skew: Millis,
    pub(crate) oldest: Millis,
}

impl Window {
    pub(crate) fn new(now: Millis, freshness: Duration, skew: Duration) -> Self {
        let skew = time::span(skew);
        let oldest = now
            .saturating_sub(time::span(freshness))
            .saturating_sub(skew);
        Window { now, skew, oldest }
    }

    pub(crate) fn fresh(&self, created: Millis) -> bool {
        created <= self.now.saturating_add(self.skew) && created >= self.oldest
    }

    /// `MessageExpired` for a timestamp created outside the window or expired.
    pub(crate) fn check(&self, ts: &Timestamp) -> Result<(), SecurityFault> {
        if ts.created.is_some_and(|c| !self.fresh(c))
            || ts
                .expires
                .is_some_and(|e| e.saturating_add(self.skew) < self.now)
        {
            return Err(SecurityFault::MessageExpired);
        }
        Ok(())
    }
}
