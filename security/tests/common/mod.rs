//! A WhoAmI service behind a `UsernameTokenValidator`, and proxies for it.
#![allow(dead_code)]

pub mod sign;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wws_core::xsd::{Base64Binary, SimpleType};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Fault, Header, Message};
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost, ServiceHostBuilder};
use wws_proxy::{CallOptions, ProxyBuilder, ServiceProxy};
use wws_security::{Principal, SecurityFault, UserEntry, UsernameTokenValidator, ns};

wws_core::body_element! {
    #[namespace = "urn:example:who"]
    /// Asks who the caller is.
    pub struct WhoAmI {}
}
wws_core::body_element! {
    #[namespace = "urn:example:who"]
    /// The caller's principal, empty for none.
    pub struct WhoAmIResponse { pub name: String }
}

pub const ACTION: &str = "urn:example:who/WhoAmI";

/// The principal's name; " (saw Security)" after it if the Security
/// header reached the operation (the layer consumes it: no password goes on).
async fn who_am_i(ctx: OperationContext, _: WhoAmI) -> Result<WhoAmIResponse, Fault> {
    let mut name = ctx
        .extension::<Principal>()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    if ctx.headers().iter().any(|h| h.name.local == "Security") {
        name.push_str(" (saw Security)");
    }
    Ok(WhoAmIResponse { name })
}

/// alice / secret → "Alice"; bob / hunter2 → "Bob".
pub fn users(name: &str) -> Option<UserEntry> {
    match name {
        "alice" => Some(UserEntry::new("secret", Principal::new("Alice"))),
        "bob" => Some(UserEntry::new("hunter2", Principal::new("Bob"))),
        _ => None,
    }
}

/// A host serving WhoAmI at `/who` in `envelope`, with `validator` if given.
pub async fn host(
    envelope: EnvelopeVersion,
    validator: Option<UsernameTokenValidator>,
) -> (ServiceHost, String) {
    host_with(envelope, |builder| match validator {
        Some(v) => builder.layer(v),
        None => builder,
    })
    .await
}

/// A host serving WhoAmI at `/who` in `envelope`, its builder given to `configure` (layers).
pub async fn host_with(
    envelope: EnvelopeVersion,
    configure: impl FnOnce(ServiceHostBuilder) -> ServiceHostBuilder,
) -> (ServiceHost, String) {
    host_addressed(envelope, AddressingVersion::Transport, configure).await
}

/// [`host_with`], the endpoint in `addressing`.
pub async fn host_addressed(
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    configure: impl FnOnce(ServiceHostBuilder) -> ServiceHostBuilder,
) -> (ServiceHost, String) {
    let builder = configure(ServiceHost::builder(([127, 0, 0, 1], 0).into()));
    let host = builder.build().expect("host");
    let contract = Contract::new().operation(ACTION, who_am_i);
    host.add_endpoint(Endpoint::new("/who", envelope, addressing, contract))
        .expect("endpoint");
    host.open().await.expect("open");
    let url = format!("http://{}/who", host.local_addr().expect("bound"));
    (host, url)
}

/// A proxy builder for `url` in `envelope`, transport addressing.
pub fn builder(url: &str, envelope: EnvelopeVersion) -> ProxyBuilder {
    ServiceProxy::builder(url)
        .envelope(envelope)
        .addressing(AddressingVersion::Transport)
}

/// Builds and opens the proxy.
pub async fn open(builder: ProxyBuilder) -> ServiceProxy {
    let proxy = builder.build().expect("proxy");
    proxy.open().await.expect("open");
    proxy
}

/// Calls WhoAmI.
pub async fn who(proxy: &ServiceProxy, opts: CallOptions) -> wws_core::Result<String> {
    proxy
        .call::<WhoAmI, WhoAmIResponse>(ACTION, &WhoAmI {}, opts)
        .await
        .map(|r| r.name)
}

/// Sends WhoAmI with `security` (a whole header block) as its only header.
pub async fn who_with_header(
    proxy: &ServiceProxy,
    envelope: EnvelopeVersion,
    security: String,
) -> wws_core::Result<String> {
    let mut m =
        Message::from_body(envelope, AddressingVersion::Transport, ACTION, &WhoAmI {}).expect("m");
    m.headers
        .push(Header::from_xml(envelope, security).expect("header"));
    let reply = proxy.call_message(m, CallOptions::new()).await?;
    reply.read_body::<WhoAmIResponse>().map(|r| r.name)
}

/// The fault a call failed with.
pub fn fault_of<T: std::fmt::Debug>(r: wws_core::Result<T>) -> Fault {
    match r {
        Err(Error::FaultReceived(f)) => *f,
        other => panic!("expected a fault, got {other:?}"),
    }
}

/// The WSS fault a call failed with.
pub fn security_fault<T: std::fmt::Debug>(r: wws_core::Result<T>) -> SecurityFault {
    let f = fault_of(r);
    SecurityFault::of(&f).unwrap_or_else(|| panic!("not a WSS fault: {f:?}"))
}

pub fn base64(bytes: &[u8]) -> String {
    let mut s = String::new();
    Base64Binary(bytes.to_vec()).format(&mut s).expect("b64");
    s
}

/// `now` as the UTC text a token carries.
pub fn utc(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).expect("after 1970");
    let dt = wws_core::xsd::DateTime::from_unix(d.as_secs() as i64, 0).expect("date");
    let mut s = String::new();
    dt.format(&mut s).expect("format");
    s
}

/// A Security header with a digest token for `user`/`password` at `created`.
pub fn digest_header(user: &str, password: &str, nonce: &[u8], created: &str) -> String {
    let digest = wws_security::password_digest(nonce, created, password);
    format!(
        "<wsse:Security xmlns:wsse=\"{wsse}\" xmlns:wsu=\"{wsu}\"><wsse:UsernameToken>\
         <wsse:Username>{user}</wsse:Username>\
         <wsse:Password Type=\"{pd}\">{d}</wsse:Password>\
         <wsse:Nonce EncodingType=\"{b64}\">{n}</wsse:Nonce>\
         <wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security>",
        wsse = ns::WSSE,
        wsu = ns::WSU,
        pd = ns::PASSWORD_DIGEST,
        b64 = ns::BASE64_BINARY,
        d = base64(&digest),
        n = base64(nonce),
    )
}

pub fn now_minus(d: Duration) -> SystemTime {
    SystemTime::now() - d
}

/// POSTs `envelope` (SOAP 1.1, `SOAPAction` `action`) to `url` over a new
/// HTTP/1.1 connection: the status and the response body.
pub async fn post_soap11(url: &str, action: &str, envelope: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").expect("http url");
    let (authority, path) = rest.split_at(rest.find('/').expect("path"));
    let mut stream = tokio::net::TcpStream::connect(authority)
        .await
        .expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"{action}\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{envelope}",
        envelope.len()
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answered within 10 s")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {answer}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_owned());
    (status, body)
}

/// The files of `fuzz/<kind>/<target>/` (`seeds` or `regressions`), sorted
/// by name, as (path, bytes); none when the folder is absent.
pub fn fuzz_inputs(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    out
}
