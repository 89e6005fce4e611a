//! Strict where the specs are strict (issue 14 §3): a reply with a
//! mandatory header block targeted at us that we do not understand is an
//! error naming it (SOAP 1.1 §4.2.3, SOAP 1.2 Part 1 §2.4), except the
//! `Action` WCF sends in its addressing-none namespace; with WS-Addressing,
//! a reply whose `RelatesTo` names another message is refused, one without
//! `RelatesTo` accepted.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wws_core::{AddressingVersion, EnvelopeVersion, Error, QName};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse};
use wws_proxy::{CallInfo, CallOptions, ProxyLayer, ServiceProxy};

const S12: &str = "http://www.w3.org/2003/05/soap-envelope";
const WSA: &str = "http://www.w3.org/2005/08/addressing";

/// Answers every request on every connection with the envelope `reply`
/// makes from the request's `MessageID` (empty when none).
async fn canned(reply: fn(&str) -> String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        // Bounded by the test: ends with the runtime.
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // One request: head and a Content-Length body.
                loop {
                    let Ok(n) = s.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf);
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len: usize = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&buf);
                let id = text
                    .split("MessageID>")
                    .nth(1)
                    .and_then(|t| t.split('<').next())
                    .unwrap_or("")
                    .to_owned();
                let body = reply(&id);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/soap+xml; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(head.as_bytes()).await;
                let _ = s.write_all(body.as_bytes()).await;
            });
        }
    });
    addr
}

fn envelope(headers: &str) -> String {
    format!(
        "<e:Envelope xmlns:e=\"{S12}\" xmlns:a=\"{WSA}\"><e:Header>{headers}</e:Header><e:Body><c:AddResponse xmlns:c=\"http://example.org/wws/calculator\"><c:result>3</c:result></c:AddResponse></e:Body></e:Envelope>"
    )
}

async fn add(
    addr: SocketAddr,
    addressing: AddressingVersion,
    layer: Option<Knows>,
) -> wws_core::Result<AddResponse> {
    let mut b = ServiceProxy::builder(&format!("http://{addr}/calc"))
        .envelope(EnvelopeVersion::Soap12)
        .addressing(addressing);
    if let Some(layer) = layer {
        b = b.layer(layer);
    }
    let proxy = b.build().expect("proxy");
    proxy.open().await.expect("open");
    proxy
        .call::<Add, AddResponse>(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, CallOptions::new())
        .await
}

/// A layer that processes `{urn:ext}Session`.
#[derive(Debug)]
struct Knows(Vec<QName>);

impl ProxyLayer for Knows {
    fn understands(&self) -> &[QName] {
        &self.0
    }

    fn on_reply(&self, _call: &CallInfo, _reply: &mut wws_core::Message) -> wws_core::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_mandatory_reply_header_we_do_not_understand_is_an_error_naming_it() {
    let addr = canned(|_| {
        envelope("<x:Session xmlns:x=\"urn:ext\" e:mustUnderstand=\"true\">7</x:Session>")
    })
    .await;
    let r = add(addr, AddressingVersion::Transport, None).await;
    assert!(
        matches!(&r, Err(Error::InvalidFormat(m)) if m.contains("{urn:ext}Session")),
        "{r:?}"
    );
    // A layer that understands it lets the reply through.
    let knows = Knows(vec![QName::new("urn:ext", "Session")]);
    assert_eq!(
        add(addr, AddressingVersion::Transport, Some(knows))
            .await
            .expect("add")
            .result,
        3.0
    );
}

#[tokio::test]
async fn an_optional_or_other_roles_header_and_wcfs_action_are_fine() {
    let addr = canned(|_| {
        envelope(
            "<x:Optional xmlns:x=\"urn:ext\">1</x:Optional>\
             <x:ForOthers xmlns:x=\"urn:ext\" e:mustUnderstand=\"1\" e:role=\"urn:somebody-else\">1</x:ForOthers>\
             <n:Action xmlns:n=\"http://schemas.microsoft.com/ws/2005/05/addressing/none\" e:mustUnderstand=\"1\">http://example.org/wws/calculator/CalculatorPortType/AddResponse</n:Action>"
        )
    })
    .await;
    assert_eq!(
        add(addr, AddressingVersion::Transport, None)
            .await
            .expect("add")
            .result,
        3.0
    );
}

#[tokio::test]
async fn a_reply_relating_to_another_message_is_refused() {
    let addr = canned(|_| envelope("<a:RelatesTo>urn:uuid:someone-else</a:RelatesTo>")).await;
    let r = add(addr, AddressingVersion::WsAddressing10, None).await;
    assert!(
        matches!(&r, Err(Error::InvalidFormat(m)) if m.contains("someone-else")),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_reply_relating_to_the_request_or_to_nothing_is_accepted() {
    let addr = canned(|id| envelope(&format!("<a:RelatesTo>{id}</a:RelatesTo>"))).await;
    assert_eq!(
        add(addr, AddressingVersion::WsAddressing10, None)
            .await
            .expect("add")
            .result,
        3.0
    );
    let addr = canned(|_| envelope("")).await;
    assert_eq!(
        add(addr, AddressingVersion::WsAddressing10, None)
            .await
            .expect("add")
            .result,
        3.0
    );
}
