//! Message layers on the proxy and the host, per-call SOAP headers, and
//! headers an operation reads from its request and adds to its reply.

use std::sync::{Arc, Mutex};

use http::{HeaderMap, HeaderValue, StatusCode};
use wws_core::{EnvelopeVersion, Error, Fault, Header, Message, QName};
use wws_examples::calculator::{
    self, ADD_ACTION, Add, AddResponse, Calculator, ECHO_ACTION, Echo, EchoResponse,
};
use wws_host::{
    Contract, Endpoint, HostLayer, OperationContext, Rejection, RequestInfo, ServiceHost,
};
use wws_proxy::{CallInfo, CallOptions, ProxyLayer, ServiceProxy};

const T: &str = "urn:wws:test:layers";

fn header(envelope: EnvelopeVersion, name: &str, text: &str, must_understand: bool) -> Header {
    let mu = if must_understand {
        format!(
            " xmlns:e=\"{}\" e:mustUnderstand=\"1\"",
            envelope.namespace()
        )
    } else {
        String::new()
    };
    let xml = format!("<t:{name} xmlns:t=\"{T}\"{mu}>{text}</t:{name}>");
    Header::from_xml(envelope, xml).expect("header")
}

fn text_of(h: &Header) -> String {
    let xml = std::str::from_utf8(&h.xml).expect("utf-8");
    let start = xml.find('>').map_or(0, |i| i + 1);
    let end = xml.rfind("</").unwrap_or(xml.len());
    xml[start..end].to_owned()
}

/// Checks the `Ticket` header (which it understands) and stamps replies.
#[derive(Debug)]
struct Gate {
    names: Vec<QName>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl HostLayer for Gate {
    fn understands(&self) -> &[QName] {
        &self.names
    }

    fn on_request(&self, info: &RequestInfo<'_>, request: &mut Message) -> Result<(), Rejection> {
        let mut seen = self.seen.lock().expect("seen");
        for h in &request.headers {
            seen.push(format!("{}={}", h.name.local, text_of(h)));
        }
        assert!(info.path.starts_with("/calculator"));
        let ticket = request
            .headers
            .iter()
            .find(|h| h.name == self.names[0])
            .map(text_of);
        match ticket.as_deref() {
            Some("bad") => Err(Rejection::fault(Fault::sender("ticket refused"))),
            Some("none") | None => {
                let mut headers = HeaderMap::new();
                headers.insert(
                    http::header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"wws\""),
                );
                Err(Rejection::Http {
                    status: StatusCode::UNAUTHORIZED,
                    headers,
                })
            }
            Some(_) => Ok(()),
        }
    }

    fn on_reply(&self, _info: &RequestInfo<'_>, reply: &mut Message) {
        reply
            .headers
            .push(header(reply.envelope, "Served", "yes", false));
    }
}

/// Adds the ticket to every request and records the reply headers.
#[derive(Debug)]
struct Ticket {
    value: &'static str,
    replies: Arc<Mutex<Vec<String>>>,
}

impl ProxyLayer for Ticket {
    fn on_request(&self, call: &CallInfo, request: &mut Message) -> wws_core::Result<()> {
        if self.value == "refuse locally" {
            return Err(Error::invalid_format(format!(
                "call {}: no ticket",
                call.id
            )));
        }
        let h = header(request.envelope, "Ticket", self.value, true);
        request.headers.push(h);
        Ok(())
    }

    fn on_reply(&self, _call: &CallInfo, reply: &mut Message) -> wws_core::Result<()> {
        let mut replies = self.replies.lock().expect("replies");
        for h in &reply.headers {
            replies.push(format!("{}={}", h.name.local, text_of(h)));
        }
        Ok(())
    }
}

async fn gated_host(seen: Arc<Mutex<Vec<String>>>) -> ServiceHost {
    let [e11, e12] = Calculator::new().endpoints();
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .layer(Gate {
            names: vec![QName::new(T, "Ticket")],
            seen,
        })
        .endpoint(e11)
        .endpoint(e12)
        .build()
        .expect("host");
    host.open().await.expect("open");
    host
}

async fn proxy(
    host: &ServiceHost,
    ticket: &'static str,
) -> (ServiceProxy, Arc<Mutex<Vec<String>>>) {
    let replies = Arc::new(Mutex::new(Vec::new()));
    let addr = host.local_addr().expect("bound");
    let proxy = ServiceProxy::builder(&calculator::url(addr, calculator::PATH_SOAP12))
        .envelope(EnvelopeVersion::Soap12)
        .layer(Ticket {
            value: ticket,
            replies: replies.clone(),
        })
        .build()
        .expect("proxy");
    proxy.open().await.expect("open");
    (proxy, replies)
}

#[tokio::test]
async fn layers_see_and_change_requests_and_replies_both_ways() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let host = gated_host(seen.clone()).await;
    let (proxy, replies) = proxy(&host, "ok").await;

    // The proxy layer's mandatory Ticket reaches the host layer, which
    // understands it (no MustUnderstand fault); a per-call header goes too.
    let opts = CallOptions::new().header(header(EnvelopeVersion::Soap12, "Extra", "x", false));
    let sum: AddResponse = proxy
        .call(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, opts)
        .await
        .expect("add");
    assert_eq!(sum.result, 3.0);
    assert_eq!(*seen.lock().expect("seen"), vec!["Extra=x", "Ticket=ok"]);
    // The host layer stamped the reply; the proxy layer saw it.
    assert_eq!(*replies.lock().expect("replies"), vec!["Served=yes"]);
    proxy.close().await.expect("close");
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_host_layer_refuses_with_a_fault_or_an_http_answer() {
    let host = gated_host(Arc::new(Mutex::new(Vec::new()))).await;
    let (bad, _) = proxy(&host, "bad").await;
    let r: wws_core::Result<AddResponse> = bad
        .call(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, CallOptions::new())
        .await;
    match r {
        Err(Error::FaultReceived(f)) => assert_eq!(f.reason_text(), "ticket refused"),
        other => panic!("{other:?}"),
    }

    let (none, _) = proxy(&host, "none").await;
    let r: wws_core::Result<AddResponse> = none
        .call(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, CallOptions::new())
        .await;
    assert!(
        matches!(
            &r,
            Err(Error::EndpointAccessDenied { status: 401, challenge: Some(c), .. }) if c == "Basic realm=\"wws\""
        ),
        "{r:?}"
    );
    host.close().await.expect("close");
}

#[tokio::test]
async fn without_the_layer_the_mandatory_ticket_is_not_understood() {
    let host = Calculator::new()
        .start(([127, 0, 0, 1], 0).into(), Default::default())
        .await
        .expect("host");
    let (proxy, _) = proxy(&host, "ok").await;
    let r: wws_core::Result<AddResponse> = proxy
        .call(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, CallOptions::new())
        .await;
    match r {
        Err(Error::FaultReceived(f)) => {
            assert_eq!(f.code, wws_core::FaultCode::MustUnderstand, "{f}")
        }
        other => panic!("{other:?}"),
    }
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_proxy_layer_error_fails_the_call_before_anything_is_sent() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let host = gated_host(seen.clone()).await;
    let (proxy, _) = proxy(&host, "refuse locally").await;
    let call =
        proxy.call::<Add, AddResponse>(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, CallOptions::new());
    let id = call.id();
    let r = call.await;
    assert!(
        matches!(&r, Err(Error::InvalidFormat(m)) if m == &format!("call {id}: no ticket")),
        "{r:?}"
    );
    assert!(seen.lock().expect("seen").is_empty());
    assert_eq!(host.in_flight(), 0);
    host.close().await.expect("close");
}

#[tokio::test]
async fn an_operation_reads_request_headers_and_adds_reply_headers() {
    let contract =
        Contract::new().operation(ECHO_ACTION, |ctx: OperationContext, r: Echo| async move {
            let extra = ctx
                .headers()
                .iter()
                .find(|h| h.name.local == "Extra")
                .map(text_of)
                .unwrap_or_default();
            ctx.add_reply_header(header(EnvelopeVersion::Soap12, "Seen", &extra, false));
            Ok(EchoResponse { text: r.text })
        });
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .endpoint(Endpoint::new(
            calculator::PATH_SOAP12,
            EnvelopeVersion::Soap12,
            wws_core::AddressingVersion::Transport,
            contract,
        ))
        .build()
        .expect("host");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    let replies = Arc::new(Mutex::new(Vec::new()));
    #[derive(Debug)]
    struct Record(Arc<Mutex<Vec<String>>>);
    impl ProxyLayer for Record {
        fn on_reply(&self, _call: &CallInfo, reply: &mut Message) -> wws_core::Result<()> {
            let mut seen = self.0.lock().expect("seen");
            seen.extend(
                reply
                    .headers
                    .iter()
                    .map(|h| format!("{}={}", h.name.local, text_of(h))),
            );
            Ok(())
        }
    }
    let proxy = ServiceProxy::builder(&calculator::url(addr, calculator::PATH_SOAP12))
        .layer(Record(replies.clone()))
        .build()
        .expect("proxy");
    proxy.open().await.expect("open");
    let opts = CallOptions::new().header(header(EnvelopeVersion::Soap12, "Extra", "hello", false));
    let echoed: EchoResponse = proxy
        .call(ECHO_ACTION, &Echo { text: "t".into() }, opts)
        .await
        .expect("echo");
    assert_eq!(echoed.text, "t");
    assert_eq!(*replies.lock().expect("seen"), vec!["Seen=hello"]);
    host.close().await.expect("close");
}

/// What a layer saw: the envelope's bytes, an earlier layer's mark.
type Sighting = (Option<Vec<u8>>, Option<&'static str>);

/// Records what [`RequestInfo::envelope`] and an earlier layer's extension held.
#[derive(Debug)]
struct Recorder {
    wants: bool,
    mark: &'static str,
    seen: Arc<Mutex<Vec<Sighting>>>,
}

impl HostLayer for Recorder {
    fn wants_envelope(&self) -> bool {
        self.wants
    }

    fn on_request(&self, info: &RequestInfo<'_>, _request: &mut Message) -> Result<(), Rejection> {
        let earlier = info.extension::<&'static str>();
        info.insert_extension(self.mark);
        self.seen
            .lock()
            .expect("seen")
            .push((info.envelope.map(<[u8]>::to_vec), earlier));
        Ok(())
    }
}

#[tokio::test]
async fn layers_get_the_envelope_bytes_only_when_one_wants_them() {
    for wants in [false, true] {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let [e11, _] = Calculator::new().endpoints();
        let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
            .layer(Recorder {
                wants: false,
                mark: "first",
                seen: seen.clone(),
            })
            .layer(Recorder {
                wants,
                mark: "second",
                seen: seen.clone(),
            })
            .endpoint(e11)
            .build()
            .expect("host");
        host.open().await.expect("open");
        let addr = host.local_addr().expect("bound");
        let proxy = ServiceProxy::builder(&calculator::url(addr, calculator::PATH_SOAP11))
            .envelope(EnvelopeVersion::Soap11)
            .addressing(wws_core::AddressingVersion::Transport)
            .build()
            .expect("proxy");
        proxy.open().await.expect("open");
        let sum: AddResponse = proxy
            .call(ADD_ACTION, &Add { a: 1.5, b: 2.0 }, CallOptions::new())
            .await
            .expect("add");
        assert_eq!(sum.result, 3.5);
        let seen = std::mem::take(&mut *seen.lock().expect("seen"));
        assert_eq!(seen.len(), 2);
        // The second layer reads what the first inserted.
        assert_eq!((seen[0].1, seen[1].1), (None, Some("first")));
        for (envelope, _) in &seen {
            match envelope {
                None => assert!(!wants, "no layer wanted the bytes, yet they were kept"),
                Some(bytes) => {
                    assert!(wants);
                    // The bytes as they arrived: the envelope the proxy wrote.
                    let text = std::str::from_utf8(bytes).expect("utf-8");
                    assert!(
                        text.contains("Envelope") && text.contains(">1.5<"),
                        "{text}"
                    );
                    let m = Message::read(bytes, &wws_core::ReaderQuotas::default()).expect("read");
                    assert_eq!(m.read_body::<Add>().expect("Add").a, 1.5);
                }
            }
        }
        proxy.close().await.expect("close");
        host.close().await.expect("close");
    }
}

/// Counts the replies it sees.
#[derive(Debug, Default)]
struct ReplyCounter(Arc<std::sync::atomic::AtomicUsize>);

impl HostLayer for ReplyCounter {
    fn on_reply(&self, _info: &RequestInfo<'_>, _reply: &mut Message) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_request_the_layers_never_saw_is_answered_past_them() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let counter = ReplyCounter::default();
    let replies = counter.0.clone();
    let [e11, _] = Calculator::new().endpoints();
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .layer(counter)
        .endpoint(e11)
        .build()
        .expect("host");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    // Not XML: a Sender fault, and no layer is asked to sign or stamp it.
    let body = "<not xml";
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml\r\nSOAPAction: \"{ADD_ACTION}\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        calculator::PATH_SOAP11,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_string(&mut answer),
    )
    .await
    .expect("answered")
    .expect("read");
    assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
    assert_eq!(replies.load(std::sync::atomic::Ordering::SeqCst), 0);
    // A request the layers saw: its reply passes them.
    let proxy = ServiceProxy::builder(&calculator::url(addr, calculator::PATH_SOAP11))
        .envelope(EnvelopeVersion::Soap11)
        .addressing(wws_core::AddressingVersion::Transport)
        .build()
        .expect("proxy");
    proxy.open().await.expect("open");
    let _: AddResponse = proxy
        .call(ADD_ACTION, &Add { a: 1.0, b: 2.0 }, CallOptions::new())
        .await
        .expect("add");
    assert_eq!(replies.load(std::sync::atomic::Ordering::SeqCst), 1);
    proxy.close().await.expect("close");
    host.close().await.expect("close");
}
