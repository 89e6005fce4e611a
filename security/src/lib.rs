//! WS-Security for the wws SOAP stack: the OASIS WSS 1.1 UsernameToken
//! Profile (clear-text and digest passwords), `wsu:Timestamp` of SOAP
//! Message Security 1.1, and X.509 signatures (X.509 Token Profile 1.1), as
//! message layers of the service proxy and the service host.
//!
//! ```
//! use wws_core::{AddressingVersion, EnvelopeVersion, Result};
//! use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};
//! use wws_proxy::{CallOptions, ServiceProxy};
//! use wws_security::{Principal, UserEntry, UsernameCredentials, UsernameTokenLayer, UsernameTokenValidator};
//!
//! wws_core::body_element! {
//!     #[namespace = "urn:example:who"]
//!     /// Asks who the caller is.
//!     pub struct WhoAmI {}
//! }
//! wws_core::body_element! {
//!     #[namespace = "urn:example:who"]
//!     /// The caller's principal.
//!     pub struct WhoAmIResponse { pub name: String }
//! }
//!
//! async fn who_am_i(ctx: OperationContext, _: WhoAmI) -> std::result::Result<WhoAmIResponse, wws_core::Fault> {
//!     let name = ctx.extension::<Principal>().map(|p| p.name.clone()).unwrap_or_default();
//!     Ok(WhoAmIResponse { name })
//! }
//!
//! # #[tokio::main] async fn main() -> Result<()> {
//! // Host: users from the application, checked on every request.
//! let users = |name: &str| (name == "alice").then(|| UserEntry::new("secret", Principal::new("Alice")));
//! let host = ServiceHost::builder("127.0.0.1:0".parse().expect("address"))
//!     .layer(UsernameTokenValidator::new(users))
//!     .build()?;
//! let contract = Contract::new().operation("urn:example:who/WhoAmI", who_am_i);
//! host.add_endpoint(Endpoint::new("/who", EnvelopeVersion::Soap11, AddressingVersion::Transport, contract))?;
//! host.open().await?;
//! let url = format!("http://{}/who", host.local_addr().expect("bound"));
//!
//! // Client: a digest UsernameToken and a timestamp on every call.
//! let proxy = ServiceProxy::builder(&url)
//!     .envelope(EnvelopeVersion::Soap11)
//!     .addressing(AddressingVersion::Transport)
//!     .layer(UsernameTokenLayer::new(UsernameCredentials::digest("alice", "secret")))
//!     .build()?;
//! proxy.open().await?;
//! let me: WhoAmIResponse = proxy.call("urn:example:who/WhoAmI", &WhoAmI {}, CallOptions::new()).await?;
//! assert_eq!(me.name, "Alice");
//!
//! // One call with other credentials: refused with wsse:FailedAuthentication.
//! let other = CallOptions::new().extension(UsernameCredentials::text("mallory", "guess"));
//! let refused = proxy.call::<_, WhoAmIResponse>("urn:example:who/WhoAmI", &WhoAmI {}, other).await;
//! assert!(refused.is_err());
//! proxy.close().await?;
//! host.close().await?;
//! # Ok(()) }
//! ```
//!
//! # Client: [`UsernameTokenLayer`]
//!
//! A [`ProxyLayer`](wws_proxy::ProxyLayer) that puts a `wsse:Security`
//! header marked `mustUnderstand="1"` on each request, as WCF, zeep and
//! gSOAP's wsse plugin expect: a `wsu:Timestamp` (Created, Expires) first,
//! then a `UsernameToken` with `Username`, `Password` (`Type` PasswordText
//! or PasswordDigest = Base64(SHA-1(nonce + created + password))), a fresh
//! 16-byte `Nonce` with its `EncodingType`, and `wsu:Created`. Times are
//! UTC with milliseconds. Credentials are the layer's, or a call's own:
//! `CallOptions::extension(UsernameCredentials::…)` overrides them for
//! that call.
//!
//! # Host: [`UsernameTokenValidator`]
//!
//! A [`HostLayer`](wws_host::HostLayer) that understands `wsse:Security`
//! (a host without it answers a `mustUnderstand` Security header with a
//! MustUnderstand fault, as SOAP requires), checks the timestamp and the
//! token's `Created` against a freshness window with a clock-skew
//! allowance, looks the user up in the application's [`UserStore`], checks
//! the password (text or digest) in constant time, refuses a nonce seen
//! before ([`replay`]), and hands the [`Principal`] to the operation
//! through `OperationContext::extension`. Its faults are SOAP Message
//! Security 1.1's ([`SecurityFault`]): an unknown user and a wrong password
//! get the same `wsse:FailedAuthentication`, after the same work.
//!
//! ## Why the user lookup is synchronous
//!
//! Host layers run synchronously on the exchange's task, before dispatch;
//! an async lookup would need the host to await inside its layer chain,
//! which changes that seam for every layer (and what a layer may hold
//! across an await). The lookup returns the clear password anyway (a
//! digest can only be checked by computing it again), so the data it needs
//! is small: an application whose users live behind I/O keeps a copy in
//! memory and refreshes it on its own tasks (or looks up a cache and
//! fills it asynchronously on a miss, the request failing meanwhile). When
//! a real need for awaiting appears, an async hook is an addition to
//! `HostLayer` with a default, not a change to this crate's API.
//!
//! # Bad input
//!
//! The header reader ([`header`]) is bounded: it stops at the first child
//! beyond [`header::MAX_CHILDREN`] or the second `UsernameToken`, refuses a
//! nonce longer than [`header::MAX_NONCE`] bytes or a digest that is not
//! 20 bytes, and reads through wws-core's XML reader, which refuses DTDs and
//! undeclared entities (a billion-laughs header never expands). The replay
//! cache holds at most [`UsernameTokenValidator::replay_capacity`] nonces.
//!
//! # X.509 signatures on the host: [`SignatureValidator`]
//!
//! A [`HostLayer`](wws_host::HostLayer) over [`dsig`], the verifying core:
//! it asks the host for the request's bytes as they arrived (XML Signature
//! covers markup, which the parsed message no longer has), verifies the
//! `wsse:Security` header's signature against the application's trust
//! anchors, insists that the envelope's own `Body` and (by default) a fresh
//! `wsu:Timestamp` are covered, refuses a signature value seen before
//! inside the freshness window, and hands the operation a
//! [`VerifiedSigner`] and the [`Principal`] the application maps it to
//! (by default the subject's common name).
//!
//! ```no_run
//! # fn anchors() -> Vec<Vec<u8>> { Vec::new() }
//! use wws_security::{Principal, SignatureValidator, VerifiedSigner};
//! let host = wws_host::ServiceHost::builder("127.0.0.1:0".parse().expect("address"))
//!     .layer(SignatureValidator::new(anchors()).principal(|s: &VerifiedSigner| {
//!         (s.common_name.as_deref() == Some("billing-client")).then(|| Principal::new("billing"))
//!     }))
//!     .build()?;
//! # Ok::<(), wws_core::Error>(())
//! ```
//!
//! # X.509 signatures on the client: [`SigningLayer`]
//!
//! A [`ProxyLayer`](wws_proxy::ProxyLayer) that signs each request with an
//! [`X509Credentials`] (a certificate and its RSA key, PEM or DER): the
//! Body, a `wsu:Timestamp` and the WS-Addressing headers, referenced by the
//! `wsu:Id`s the writer puts on them ([`ElementIds`](wws_core::ElementIds)),
//! RSA-SHA256 over exclusive c14n, the certificate as a
//! `BinarySecurityToken`. The digests are computed over the envelope as the
//! proxy writes it, so it is installed last; after a
//! [`UsernameTokenLayer`] it signs into the same `Security` header, and the
//! token's timestamp.
//!
//! ```no_run
//! # fn pems() -> (Vec<u8>, Vec<u8>) { (Vec::new(), Vec::new()) }
//! use wws_security::{SigningLayer, X509Credentials};
//! let (cert_pem, key_pem) = pems();
//! let proxy = wws_proxy::ServiceProxy::builder("http://127.0.0.1:8080/svc")
//!     .layer(SigningLayer::new(X509Credentials::from_pem(&cert_pem, &key_pem)?))
//!     .build()?;
//! # Ok::<(), wws_core::Error>(())
//! ```
//!
//! A `UsernameTokenValidator` installed after it reads the token of a
//! signed header too; installed alone, it refuses a header with a signature
//! (`wsse:UnsupportedSecurityToken`), since it cannot check one.
//!
//! [`c14n`] is exclusive XML canonicalization (the transform XML Signature
//! uses in WS-Security), checked against libxml2's, of a standalone element
//! or of one element of a document in its context ([`c14n::exclusive_in`]).
//!
//! # Signed replies
//!
//! Both layers work the other way round too: a `SigningLayer` installed
//! on a host signs its replies and faults, and a `SignatureValidator`
//! installed on a proxy verifies each reply (the bytes the channel read,
//! `CallInfo::reply_envelope`) and fails the call with
//! `Error::SecurityVerificationFailure` when it does not pass.
//!
//! RSA-SHA1 signatures and SHA-1 digests (XML Signature 1.0, zeep's
//! default) are verified only where allowed
//! ([`SignatureValidator::allow_sha1`], through ring: webpki offers no
//! RSA-SHA1). Not yet: signing with RSA-SHA1 (ring signs RSA with SHA-2
//! only), ECDSA keys, encryption. A signature may name its certificate
//! by thumbprint or issuer/serial ([`KeyReference`]) for a receiver that
//! knows it ([`SignatureValidator::known_certificates`]).

use std::sync::Arc;
use std::time::SystemTime;

pub mod c14n;
mod client;
mod digest;
pub mod dsig;
mod faults;
pub mod header;
mod host;
pub mod ns;
pub mod replay;
mod signed;
mod signing;
mod time;
mod x509name;

pub use client::{PasswordType, UsernameCredentials, UsernameTokenLayer};
pub use digest::password_digest;
pub use faults::SecurityFault;
pub use host::{DEFAULT_REPLAY_CAPACITY, Principal, UserEntry, UserStore, UsernameTokenValidator};
pub use signed::{SignatureValidator, VerifiedSigner, common_name};
pub use signing::{KeyReference, SigningLayer, X509Credentials};

/// Where a layer reads the time.
type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
