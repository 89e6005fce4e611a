//! One HTTP exchange: route, read, check, dispatch, run, reply.

use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

use bytes::Bytes;
use http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Fault, FaultCode, Header, Message};
use wws_listener::ReplyChannel;

use crate::context::{CallInfo, CancelReason, OperationContext};
use crate::contract::{ByAction, Operation, Reply};
use crate::endpoint::BuiltEndpoint;
use crate::faults;
use crate::host::Inner;
use crate::layer::{Rejection, RequestInfo};
use crate::processing::{self, Route};
use crate::unwind::{self, CatchUnwind};
use crate::wsdl;

/// Serves one exchange to its end; never panics on what the client sent.
pub(crate) async fn serve(host: Arc<Inner>, channel: ReplyChannel, id: u64) {
    let Some(endpoint) = host.endpoint(channel.path()) else {
        tracing::debug!(path = channel.path(), "no endpoint: 404");
        http_error(
            &channel,
            StatusCode::NOT_FOUND,
            "no endpoint at this path",
            None,
        )
        .await;
        return;
    };
    let method = channel.method().clone();
    let wants_wsdl = channel.query().is_some_and(is_wsdl_query);
    match method {
        Method::GET | Method::HEAD if wants_wsdl && endpoint.wsdl.is_some() => {
            serve_wsdl(&host, &endpoint, &channel).await;
        }
        Method::POST => serve_soap(&host, &endpoint, channel, id).await,
        _ => {
            let allow = if endpoint.wsdl.is_some() {
                "POST, GET"
            } else {
                "POST"
            };
            tracing::debug!(%method, "method not allowed: 405");
            http_error(
                &channel,
                StatusCode::METHOD_NOT_ALLOWED,
                "SOAP requests are POSTed",
                Some(allow),
            )
            .await;
        }
    }
}

/// `?wsdl`, `?WSDL`, `?wsdl=...`, `?xsd=...`, also among other parameters.
fn is_wsdl_query(query: &str) -> bool {
    query.split('&').any(|p| {
        let name = p.split('=').next().unwrap_or_default();
        name.eq_ignore_ascii_case("wsdl") || name.eq_ignore_ascii_case("xsd")
    })
}

async fn serve_wsdl(host: &Inner, endpoint: &BuiltEndpoint, channel: &ReplyChannel) {
    let Some(documents) = &endpoint.wsdl else {
        return;
    };
    let Some(template) = documents.select(channel.query().unwrap_or_default()) else {
        http_error(
            channel,
            StatusCode::NOT_FOUND,
            "no such contract document",
            None,
        )
        .await;
        return;
    };
    let authority = channel
        .headers()
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| wsdl::is_valid_host(h))
        .map(str::to_owned)
        .or_else(|| host.local_addr().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".to_owned());
    // The address a client reached this WSDL at: over TLS, https.
    let scheme = if channel.tls().is_some() {
        "https"
    } else {
        "http"
    };
    let doc = template.render_with(
        |version| {
            host.path_for(endpoint, version)
                .map(|path| format!("{scheme}://{authority}{path}"))
        },
        |i| {
            format!(
                "{scheme}://{authority}{}?{}",
                endpoint.path,
                documents.query(i)
            )
        },
    );
    let r = channel
        .reply_http(
            StatusCode::OK,
            Some("text/xml; charset=utf-8"),
            Bytes::from(doc),
            HeaderMap::new(),
        )
        .await;
    if let Err(e) = r {
        tracing::debug!(error = %e, "WSDL reply failed");
    }
}

/// Answers 503 (the host is busy or closing), closing the connection after it when `close`.
pub(crate) async fn busy(channel: &ReplyChannel, text: &'static str, close: bool) {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
    if close {
        headers.insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    }
    let r = channel
        .reply_http(
            StatusCode::SERVICE_UNAVAILABLE,
            Some("text/plain; charset=utf-8"),
            Bytes::from_static(text.as_bytes()),
            headers,
        )
        .await;
    if let Err(e) = r {
        tracing::debug!(error = %e, "503 reply failed");
    }
}

async fn http_error(
    channel: &ReplyChannel,
    status: StatusCode,
    text: &str,
    allow: Option<&'static str>,
) {
    let mut headers = HeaderMap::new();
    if let Some(allow) = allow {
        headers.insert(http::header::ALLOW, HeaderValue::from_static(allow));
    }
    let body = Bytes::from(format!("{status} {text}\n"));
    if let Err(e) = channel
        .reply_http(status, Some("text/plain; charset=utf-8"), body, headers)
        .await
    {
        tracing::debug!(error = %e, status = status.as_u16(), "HTTP error reply failed");
    }
}

/// How the exchange ended early, when it did not run to a reply.
enum Stop {
    /// The host was aborted or gave up on a close.
    Host(CancelReason),
    /// The client went away.
    Client,
}

async fn serve_soap(host: &Arc<Inner>, endpoint: &BuiltEndpoint, channel: ReplyChannel, id: u64) {
    let Some(media) = channel.envelope_version_hint() else {
        tracing::debug!(content_type = ?channel.content_type(), "unsupported media type: 415");
        http_error(
            &channel,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a SOAP request is text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)",
            None,
        )
        .await;
        return;
    };

    // max_concurrency: wait for a slot, without reading the body yet; at
    // most max_accepting_channels requests wait, one more gets 503.
    let permit = match host.concurrency.clone().try_acquire_owned() {
        Ok(p) => p,
        Err(_) => {
            let Ok(_queued) = host.waiting.clone().try_acquire_owned() else {
                tracing::warn!(
                    limit = host.props.max_accepting_channels,
                    "too many requests waiting for an operation slot: 503"
                );
                return busy(&channel, "503 the service is busy\n", false).await;
            };
            tokio::select! {
                biased;
                _ = host.aborted.cancelled() => return channel.abort(),
                _ = host.close_expired.cancelled() => return channel.abort(),
                _ = channel.disconnected() => return channel.abort(),
                p = host.concurrency.clone().acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => return channel.abort(),
                },
            }
        }
    };

    // The body first: the host's tokens (each poll locks them, and every
    // exchange shares them) are only waited on when it has not all arrived.
    if host.is_halted() {
        return channel.abort();
    }
    // The envelope's bytes are kept only while the layers run, and only
    // when one of them wants them.
    let keep_envelope = host.layers.iter().any(|l| l.wants_envelope());
    let receive = async {
        if keep_envelope {
            channel
                .receive_with_envelope()
                .await
                .map(|(m, bytes)| (m, Some(bytes)))
        } else {
            channel.receive().await.map(|m| (m, None))
        }
    };
    let received = tokio::select! {
        biased;
        r = receive => r,
        _ = host.aborted.cancelled() => return channel.abort(),
        _ = host.close_expired.cancelled() => return channel.abort(),
    };
    let disclosure = host.props.fault_disclosure;
    let (request, envelope_bytes) = match received {
        Ok(m) => m,
        Err(Error::VersionMismatch { namespace }) => {
            // An unknown envelope gets a fault in the endpoint's own version.
            let reply_in = if namespace == wws_core::ns::SOAP11 {
                EnvelopeVersion::Soap11
            } else {
                endpoint.envelope
            };
            tracing::debug!(%namespace, "version mismatch");
            let fault = faults::version_mismatch(&namespace);
            let headers = vec![faults::upgrade_header(&[endpoint.envelope])];
            let reply = fault_message(
                reply_in,
                AddressingVersion::Transport,
                None,
                &fault,
                headers,
            );
            send_unlayered(host, &channel, reply).await;
            drop(permit);
            return;
        }
        Err(e @ (Error::InvalidFormat(_) | Error::QuotaExceeded { .. })) => {
            tracing::debug!(error = %e, "bad request");
            let reason = match e {
                Error::QuotaExceeded { .. } => "The request exceeds a quota of this endpoint",
                _ => "The request is not a well-formed, valid SOAP message",
            };
            let fault = faults::sender(reason, &e, disclosure);
            let reply = fault_message(
                endpoint.envelope,
                AddressingVersion::Transport,
                None,
                &fault,
                Vec::new(),
            );
            send_unlayered(host, &channel, reply).await;
            return;
        }
        Err(e @ Error::TimedOut { .. }) => {
            // The channel answered 408 itself; nothing more to say.
            tracing::debug!(error = %e, "request body timed out: 408");
            return;
        }
        Err(e) => {
            tracing::debug!(error = %e, "request not received");
            channel.abort();
            return;
        }
    };

    if let Some(reply) = check_version(endpoint, media, &request) {
        send_unlayered(host, &channel, reply).await;
        return;
    }

    let mut request = request;
    let mut extensions = Extensions::new();
    if !host.layers.is_empty() {
        let mut info = request_info(&channel, id);
        info.envelope = envelope_bytes.as_deref();
        let refused = host
            .layers
            .iter()
            .find_map(|layer| layer.on_request(&info, &mut request).err());
        match refused {
            None => extensions = info.take_extensions(),
            Some(Rejection::Fault(fault)) => {
                tracing::debug!(%fault, "refused by a layer");
                send(host, &channel, id, reply_fault(&request, &fault)).await;
                return;
            }
            Some(Rejection::Http { status, headers }) => {
                tracing::debug!(status = status.as_u16(), "refused by a layer");
                let body = Bytes::from(format!("{status}\n"));
                let r = channel
                    .reply_http(status, Some("text/plain; charset=utf-8"), body, headers)
                    .await;
                if let Err(e) = r {
                    tracing::debug!(error = %e, "layer's HTTP answer failed");
                }
                return;
            }
        }
    }
    drop(envelope_bytes);

    // A fault is not answered with a fault (no fault loops): unless its action
    // names an untyped operation, which takes whole messages, it is
    // acknowledged and logged.
    if request.is_fault() && !has_action_operation(endpoint, &request) {
        let fault = request.fault().ok().flatten();
        tracing::debug!(fault = ?fault.map(|f| f.to_string()), "a fault was sent as a request: acknowledged with 202");
        if let Err(e) = channel.close().await {
            tracing::debug!(error = %e, "202 for a fault message failed");
        }
        return;
    }

    if let Some(reply) = check_headers(endpoint, &request, channel.soap_action()) {
        send(host, &channel, id, reply).await;
        return;
    }

    if let Some(style) = processing::unknown_encoding(&request) {
        tracing::debug!(%style, "unknown data encoding");
        let fault = faults::data_encoding_unknown(&style);
        send(host, &channel, id, reply_fault(&request, &fault)).await;
        return;
    }

    let op = match processing::route(&endpoint.dispatch, &request, || request.body_element()) {
        Route::Operation(op) => op,
        Route::ActionNotSupported(action) => {
            tracing::debug!(%action, "action not supported");
            let f = faults::action_not_supported(&action, request.envelope, request.addressing);
            send(host, &channel, id, reply_addressing_fault(&request, f)).await;
            return;
        }
        Route::Unknown { action, element } => {
            tracing::debug!(?action, ?element, "no operation");
            let fault = match &action {
                Some(a) => {
                    faults::action_not_supported(a, request.envelope, AddressingVersion::Transport)
                        .fault
                }
                None => faults::unknown_operation(element.as_ref()),
            };
            let fault = faults::about_body(fault, request.envelope);
            send(host, &channel, id, reply_fault(&request, &fault)).await;
            return;
        }
    };
    let span = tracing::Span::current();
    span.record("action", op.action.as_str());
    if let Some(id) = &request.message_id {
        span.record("message_id", id.as_str());
    }

    let discard = processing::discarded_replies(&request);
    let reply = run(host, endpoint, &channel, op, request, id, extensions).await;
    match reply {
        Ok(Some(reply)) if discard.any() && discard.discards(reply.is_fault()) => {
            // WS-Addressing `none`: the answer is dropped, the exchange
            // acknowledged (202, empty body) as for a one-way message.
            tracing::debug!(fault = reply.is_fault(), "reply endpoint is none: 202");
            if let Err(e) = channel.close().await {
                tracing::debug!(error = %e, "202 for a discarded reply failed");
            }
        }
        Ok(Some(reply)) => send(host, &channel, id, reply).await,
        Ok(None) => {}
        Err(Stop::Client) => channel.abort(),
        Err(Stop::Host(_)) => channel.abort(),
    }
    drop(permit);
}

/// Whether the request's action names an untyped operation, the only kind
/// that can take a fault message (a typed one takes its own element).
fn has_action_operation(endpoint: &BuiltEndpoint, request: &Message) -> bool {
    request
        .action
        .as_deref()
        .and_then(|a| endpoint.dispatch.by_action(a))
        .is_some_and(|ops| matches!(ops, ByAction::One(op) if op.body.is_none()))
}

/// The envelope checks of the processing model, first of all (SOAP 1.2 Part 1
/// §2.6, §5.4.7): the envelope version, then the media type that carried it.
fn check_version(
    endpoint: &BuiltEndpoint,
    media: EnvelopeVersion,
    request: &Message,
) -> Option<Message> {
    if request.envelope != endpoint.envelope {
        // SOAP 1.2 Part 1 Appendix A: a SOAP 1.1 message gets a SOAP 1.1
        // VersionMismatch fault with an Upgrade header; a SOAP 1.1 node sees a
        // SOAP 1.2 envelope as an unknown namespace and answers in SOAP 1.1.
        tracing::debug!(got = ?request.envelope, want = ?endpoint.envelope, "version mismatch");
        let fault = faults::version_mismatch(request.envelope.namespace());
        let headers = vec![faults::upgrade_header(&[endpoint.envelope])];
        return Some(fault_message(
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            None,
            &fault,
            headers,
        ));
    }
    if media != endpoint.envelope {
        // The right envelope in the other version's media type: a sender
        // error (SOAP 1.2 Part 2 §7.1.4 fixes application/soap+xml).
        let fault = faults::fault(
            FaultCode::Sender,
            format!(
                "A SOAP {} message must be sent as {}.",
                if endpoint.envelope == EnvelopeVersion::Soap11 {
                    "1.1"
                } else {
                    "1.2"
                },
                endpoint.envelope.media_type()
            ),
        );
        return Some(reply_fault(request, &fault));
    }
    None
}

/// The header checks, in the order of SOAP 1.2 Part 1 §2.6: mandatory
/// headers first (a MustUnderstand fault stops all further processing), then
/// the WS-Addressing headers, which this node understands and processes.
fn check_headers(
    endpoint: &BuiltEndpoint,
    request: &Message,
    transport_action: Option<&str>,
) -> Option<Message> {
    let missing = processing::not_understood(request, &endpoint.understood);
    if !missing.is_empty() {
        tracing::debug!(?missing, "mandatory headers not understood");
        let fault = faults::must_understand(&missing);
        let mut reply = reply_fault(request, &fault);
        if request.envelope == EnvelopeVersion::Soap12 {
            reply.headers = missing.iter().map(faults::not_understood_header).collect();
        }
        return Some(reply);
    }
    if let Some(problem) = processing::addressing_problem(request, transport_action) {
        tracing::debug!(?problem, "invalid addressing headers");
        let f = faults::addressing_problem(&problem, request.envelope, request.addressing);
        return Some(reply_addressing_fault(request, f));
    }
    None
}

/// Runs the operation; `Ok(None)` when there is nothing more to send (one-way).
async fn run(
    host: &Inner,
    endpoint: &BuiltEndpoint,
    channel: &ReplyChannel,
    op: &Operation,
    request: Message,
    id: u64,
    extensions: Extensions,
) -> Result<Option<Message>, Stop> {
    let disclosure = host.props.fault_disclosure;
    let ctx = OperationContext::with_extensions(
        CallInfo {
            id,
            action: op.action.clone(),
            message_id: request.message_id.clone(),
            headers: request.headers.clone(),
            endpoint_path: endpoint.path.clone(),
            peer_addr: Some(channel.peer_addr()),
            tls: channel.tls().cloned(),
            http_headers: channel.headers().clone(),
        },
        extensions,
    );
    let shape = ReplyShape::of(&request);
    let started = unwind::catch(|| op.handler.start(ctx.clone(), request));
    let fut = match started {
        Ok(Ok(fut)) => fut,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "argument does not decode");
            let fault = faults::sender(
                "The request body does not match the operation's argument",
                &e,
                disclosure,
            );
            let fault = faults::about_body(fault, shape.envelope);
            return Ok(Some(shape.fault(&fault)));
        }
        Err(panic) => {
            tracing::error!(%panic, "handler panicked");
            return Ok(Some(shape.fault(&faults::internal(&panic, disclosure))));
        }
    };
    // The clock is read only for the logs that show it.
    let t0 = tracing::enabled!(tracing::Level::DEBUG).then(Instant::now);
    let elapsed_ms = || t0.map_or(0, |t0| t0.elapsed().as_millis() as u64);
    tracing::debug!("operation started");
    // Should this future be dropped mid-operation (the connection it runs
    // on went: the client left, or the host dropped it), the operation is
    // told why before its own future goes.
    let mut told = CancelOnDrop {
        ctx: &ctx,
        host,
        armed: !op.one_way,
    };
    let mut fut = CatchUnwind::new(fut);

    if op.one_way {
        // WWSAPI answers a one-way message once it is received and accepted.
        if let Err(e) = channel.close().await {
            tracing::debug!(error = %e, "202 for one-way failed");
        }
    }

    let outcome = tokio::select! {
        biased;
        r = &mut fut => Ok(r),
        _ = host.aborted.cancelled() => Err(Stop::Host(CancelReason::HostAborted)),
        _ = host.close_expired.cancelled() => Err(Stop::Host(CancelReason::HostClosing)),
        _ = channel.disconnected(), if !op.one_way => Err(Stop::Client),
    };
    told.armed = false;
    let result = match outcome {
        Ok(r) => r,
        Err(stop) => {
            let reason = match stop {
                Stop::Host(r) => r,
                Stop::Client => CancelReason::ChannelFaulted,
            };
            ctx.cancel(reason);
            tracing::info!(%reason, elapsed_ms = elapsed_ms(), "operation cancelled");
            // One more poll lets a handler that selects on `cancelled()`
            // finish its branch; then the future is dropped.
            let _ =
                std::future::poll_fn(|cx| Poll::Ready(std::pin::Pin::new(&mut fut).poll(cx))).await;
            drop(fut);
            return Err(stop);
        }
    };
    let elapsed_ms = elapsed_ms();
    let mut reply = match result {
        Ok(Ok(Reply::Body(body))) => {
            tracing::debug!(elapsed_ms, "operation completed");
            shape.reply(&op.reply_action, body)
        }
        Ok(Ok(Reply::Message(m))) => {
            tracing::debug!(elapsed_ms, "operation completed");
            shape.complete(*m, &op.reply_action)
        }
        Ok(Ok(Reply::None)) => {
            tracing::debug!(elapsed_ms, "one-way operation completed");
            return Ok(None);
        }
        Ok(Err(fault)) => {
            tracing::debug!(elapsed_ms, %fault, "operation faulted");
            if op.one_way {
                return Ok(None);
            }
            shape.fault(&fault)
        }
        Err(panic) => {
            tracing::error!(%panic, "handler panicked");
            if op.one_way {
                return Ok(None);
            }
            shape.fault(&faults::internal(&panic, disclosure))
        }
    };
    reply.headers.extend(ctx.take_reply_headers());
    Ok(Some(reply))
}

/// Tells the operation it was cancelled when its exchange is dropped before
/// the operation ended: the connection it runs on is gone, because the
/// client left (`ChannelFaulted`) or because the host dropped it (the
/// host's own reason).
struct CancelOnDrop<'a> {
    ctx: &'a OperationContext,
    host: &'a Inner,
    armed: bool,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let reason = if self.host.is_aborted() {
            CancelReason::HostAborted
        } else if self.host.is_halted() {
            CancelReason::HostClosing
        } else {
            CancelReason::ChannelFaulted
        };
        if self.ctx.cancel(reason) {
            tracing::info!(%reason, "operation cancelled: its connection is gone");
        }
    }
}

/// What a reply copies from its request: envelope, addressing, `RelatesTo`.
struct ReplyShape {
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    relates_to: Option<String>,
}

impl ReplyShape {
    fn of(request: &Message) -> Self {
        ReplyShape {
            envelope: request.envelope,
            addressing: request.addressing,
            relates_to: request.message_id.clone(),
        }
    }

    fn reply(&self, action: &str, body: Bytes) -> Message {
        let mut m = Message::new(self.envelope, self.addressing);
        m.action = Some(action.to_owned());
        m.relates_to = self.relates_to.clone();
        m.body = body;
        m
    }

    fn complete(&self, mut m: Message, action: &str) -> Message {
        m.envelope = self.envelope;
        if m.addressing == AddressingVersion::Transport {
            m.addressing = self.addressing;
        }
        if m.action.is_none() {
            m.action = Some(action.to_owned());
        }
        if m.relates_to.is_none() {
            m.relates_to = self.relates_to.clone();
        }
        m
    }

    fn fault(&self, fault: &Fault) -> Message {
        fault_message(
            self.envelope,
            self.addressing,
            self.relates_to.clone(),
            fault,
            Vec::new(),
        )
    }
}

fn reply_fault(request: &Message, fault: &Fault) -> Message {
    ReplyShape::of(request).fault(fault)
}

/// A WS-Addressing fault reply, with the header blocks it travels with.
fn reply_addressing_fault(request: &Message, f: faults::AddressingFault) -> Message {
    let mut reply = reply_fault(request, &f.fault);
    reply.headers = f.headers;
    reply
}

fn fault_message(
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    relates_to: Option<String>,
    fault: &Fault,
    headers: Vec<Header>,
) -> Message {
    let mut m = Message::from_fault(envelope, addressing, fault).unwrap_or_else(|e| {
        // A fault whose text XML cannot carry: say so instead, in a fault we can write.
        tracing::warn!(error = %e, "the fault cannot be written; answering a Receiver fault");
        let unwritable = Fault::receiver(format!("The fault cannot be written: {e}"));
        Message::from_fault(envelope, addressing, &unwritable)
            .unwrap_or_else(|_| Message::new(envelope, addressing))
    });
    if addressing == AddressingVersion::WsAddressing10 && !faults::is_addressing_fault(fault) {
        // WS-Addressing 1.0 SOAP Binding §6: `fault` is the action of the
        // faults WS-Addressing defines, `soap/fault` that of SOAP's own.
        m.action = Some(faults::WSA10_SOAP_FAULT_ACTION.to_owned());
    }
    m.relates_to = relates_to;
    m.headers = headers;
    m
}

/// What the layers see of the exchange.
fn request_info(channel: &ReplyChannel, id: u64) -> RequestInfo<'_> {
    RequestInfo {
        path: channel.path(),
        http_headers: channel.headers(),
        peer_addr: channel.peer_addr(),
        exchange_id: id,
        tls: channel.tls().map(|t| &**t),
        envelope: None,
        extensions: Default::default(),
    }
}

/// Sends the reply, through the layers, unless the host is aborted meanwhile.
async fn send(host: &Inner, channel: &ReplyChannel, id: u64, mut reply: Message) {
    // `reply` hands the response over without waiting, so a check suffices.
    if host.is_aborted() {
        return channel.abort();
    }
    if !host.layers.is_empty() {
        let info = request_info(channel, id);
        for layer in host.layers.iter().rev() {
            layer.on_reply(&info, &mut reply);
        }
    }
    deliver(channel, reply).await;
}

/// Sends an answer to a request the layers never saw (it could not be
/// read, or is of the wrong version): past no layer, as `HostLayer`
/// promises, so none spends work (a signature, say) on junk.
async fn send_unlayered(host: &Inner, channel: &ReplyChannel, reply: Message) {
    if host.is_aborted() {
        return channel.abort();
    }
    deliver(channel, reply).await;
}

/// Hands `reply` to the channel; one XML cannot carry becomes a Receiver fault.
async fn deliver(channel: &ReplyChannel, reply: Message) {
    let (envelope, addressing) = (reply.envelope, reply.addressing);
    match channel.reply(reply).await {
        Ok(()) => {}
        // The reply holds a character XML cannot carry; nothing was sent.
        Err(Error::InvalidFormat(e)) => {
            tracing::warn!(error = %e, "the reply cannot be written; answering a Receiver fault");
            let fault = Fault::receiver(format!("The reply cannot be written: {e}"));
            let reply = fault_message(envelope, addressing, None, &fault, Vec::new());
            if let Err(e) = channel.reply(reply).await {
                tracing::debug!(error = %e, "reply failed");
            }
        }
        Err(e) => tracing::debug!(error = %e, "reply failed"),
    }
}
