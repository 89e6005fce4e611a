//! The accept loop and the HTTP/1.1 connections it serves.

use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use wws_channel::ReplyChannel;
use wws_channel::connector::HttpVersion;
use wws_channel::server::{ExchangeSettings, NoReply, ReplyBody, ServerConnection};
use wws_core::AbortSignal;

use crate::ListenerProperties;
use crate::acceptor::{Acceptor, Io};
use crate::io::ServedIo;
use crate::service::ExchangeService;

/// Pause after an accept error such as too many open files, so the loop does not spin.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// Accepts TCP connections until stopped, at most `max_connections` at once.
pub(crate) struct AcceptLoop {
    pub listener: TcpListener,
    pub stop: AbortSignal,
    pub shutdown: CancellationToken,
    pub aborted: CancellationToken,
    pub queue: mpsc::Sender<ReplyChannel>,
    pub connections: Arc<Semaphore>,
    pub props: ListenerProperties,
    pub settings: Arc<ExchangeSettings>,
    pub acceptor: Arc<dyn Acceptor>,
    /// Runs each exchange on its connection's task; `None` queues them for `accept_channel`.
    pub service: Option<Arc<dyn ExchangeService>>,
}

impl AcceptLoop {
    pub(crate) async fn run(self) {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.props.header_read_timeout)
            .max_header_size(crate::MAX_REQUEST_HEAD_SIZE)
            .keep_alive(true);
        let http = Arc::new(http);
        loop {
            // Beyond max_connections, leave further clients in the OS backlog.
            let permit = tokio::select! {
                biased;
                _ = self.stop.aborted() => break,
                p = self.connections.clone().acquire_owned() => match p {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            let accepted = tokio::select! {
                biased;
                _ = self.stop.aborted() => break,
                r = self.listener.accept() => r,
            };
            match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let conn = Served {
                        acceptor: self.acceptor.clone(),
                        header_read_timeout: self.props.header_read_timeout,
                        service: self.service.clone(),
                        peer,
                        permit,
                        queue: self.queue.clone(),
                        shutdown: self.shutdown.clone(),
                        aborted: self.aborted.clone(),
                        settings: self.settings.clone(),
                        http: http.clone(),
                        send_timeout: self.props.send_timeout,
                    };
                    let span = tracing::debug_span!("wws.listener.connection", %peer);
                    tokio::spawn(conn.run(stream).instrument(span));
                }
                Err(e) => {
                    tracing::warn!(target: "wws.listener", error = %e, "accept failed");
                    tokio::select! {
                        _ = self.stop.aborted() => break,
                        _ = tokio::time::sleep(ACCEPT_ERROR_BACKOFF) => {}
                    }
                }
            }
        }
        tracing::debug!(target: "wws.listener", "accept loop ended; listening socket closed");
    }
}

/// One accepted TCP connection, served as HTTP/1.1 until it closes.
struct Served {
    acceptor: Arc<dyn Acceptor>,
    header_read_timeout: Option<Duration>,
    service: Option<Arc<dyn ExchangeService>>,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
    queue: mpsc::Sender<ReplyChannel>,
    shutdown: CancellationToken,
    aborted: CancellationToken,
    settings: Arc<ExchangeSettings>,
    http: Arc<hyper::server::conn::http1::Builder>,
    send_timeout: Option<Duration>,
}

/// The service's response future, boxed so the connection is `Unpin` and
/// its socket can be taken back when hyper is done with it.
type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response<ReplyBody>, NoReply>> + Send>>;

impl Served {
    /// Makes the connection ready (the acceptor's step, bounded like a
    /// request head and ended by close or abort), then serves it.
    async fn run(self, stream: TcpStream) {
        let accepting = self.acceptor.accept(stream, self.peer);
        let limit = self.header_read_timeout;
        let accepted = tokio::select! {
            biased;
            _ = self.shutdown.cancelled() => return,
            r = async {
                match limit {
                    Some(limit) => tokio::time::timeout(limit, accepting).await.unwrap_or_else(|_| {
                        Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the acceptor timed out"))
                    }),
                    None => accepting.await,
                }
            } => r,
        };
        let accepted = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::debug!(target: "wws.listener", error = %e, "connection refused by the acceptor");
                return;
            }
        };
        if accepted.version != HttpVersion::Http1 {
            tracing::debug!(target: "wws.listener", version = ?accepted.version, "the acceptor chose an HTTP version this listener does not serve yet; closed");
            return;
        }
        self.serve(accepted.io).await;
    }

    async fn serve(self, io: Box<dyn Io>) {
        let serving = self.service.is_some();
        let conn = ServerConnection::new(self.peer);
        // Marks the connection closed for `ReplyChannel::disconnected` however this task ends.
        let _closed = conn.closed_guard();
        let _permit = self.permit;
        let service = {
            let conn = conn.clone();
            let queue = self.queue.clone();
            let settings = self.settings.clone();
            let aborted = self.aborted.clone();
            let serving = self.service.clone();
            service_fn(move |request| -> ResponseFuture {
                let (channel, response) =
                    ReplyChannel::from_request(request, &conn, settings.clone());
                if let Some(serving) = &serving {
                    // Run on this connection's task: no queue, no hand-off. If
                    // the connection goes first (client gone, kill), hyper
                    // drops this future and the exchange's with it.
                    let mut exchange = serving.serve(channel);
                    return Box::pin(async move {
                        let mut response = std::pin::pin!(response);
                        tokio::select! {
                            biased;
                            () = &mut exchange => response.await,
                            // Answered while the service goes on (a one-way
                            // operation acknowledged with 202): the answer goes
                            // out now, the rest of the work on a task of its own.
                            answer = &mut response => {
                                tokio::spawn(exchange);
                                answer
                            }
                        }
                    });
                }
                let queue = queue.clone();
                let aborted = aborted.clone();
                Box::pin(async move {
                    if let Err(mpsc::error::SendError(channel)) = queue.send(channel).await {
                        // The listener stopped before the exchange could be handed out:
                        // after an abort the connection just closes, after a close it says so.
                        if aborted.is_cancelled() {
                            channel.abort();
                            return response.await;
                        }
                        let mut headers = HeaderMap::new();
                        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
                        let _ = channel
                            .reply_http(
                                StatusCode::SERVICE_UNAVAILABLE,
                                None,
                                Bytes::new(),
                                headers,
                            )
                            .await;
                    }
                    response.await
                })
            })
        };
        let mut http = self
            .http
            .serve_connection(TokioIo::new(ServedIo::new(io, self.send_timeout)), service);
        // Without shutdown: when hyper is done, the socket may still need a lingering close.
        let result = tokio::select! {
            biased;
            _ = conn.killed() => None,
            r = poll_fn(|cx| http.poll_without_shutdown(cx)) => Some(r),
            _ = self.shutdown.cancelled() => {
                if conn.has_carried_exchange() {
                    // Finish the exchange in progress, if any, then close
                    // (hyper closes at once when idle or mid-way through the next head).
                    Pin::new(&mut http).graceful_shutdown();
                    tokio::select! {
                        biased;
                        _ = conn.killed() => None,
                        // Served exchanges are the listener's own: an abort drops them
                        // (accepted ones belong to whoever accepted them).
                        _ = self.aborted.cancelled(), if serving => None,
                        r = poll_fn(|cx| http.poll_without_shutdown(cx)) => Some(r),
                    }
                } else {
                    // Nothing arrived whole yet (at most part of a first head): nothing
                    // to finish, and hyper's graceful shutdown would wait for that head.
                    None
                }
            }
        };
        match result {
            None => {
                tracing::debug!(target: "wws.listener", "connection dropped (by its exchange, or stopped before a request arrived)")
            }
            Some(Ok(())) => {
                tracing::debug!(target: "wws.listener", "connection closed");
                if conn.has_unread_body() {
                    let stream = http.into_parts().io.into_inner().into_inner();
                    tokio::select! {
                        biased;
                        _ = conn.killed() => {}
                        _ = self.aborted.cancelled() => {}
                        _ = linger(stream, self.settings.quotas.max_message_size) => {}
                    }
                }
            }
            Some(Err(e)) => tracing::debug!(target: "wws.listener", error = %e, "connection ended"),
        }
    }
}

/// Longest lingering close of a connection whose request body was not read.
const LINGER_MAX: Duration = Duration::from_secs(10);
/// A lingering close ends when the client sends nothing for this long.
const LINGER_IDLE: Duration = Duration::from_secs(2);

/// Closes a connection whose client may still be sending a body nobody reads.
///
/// A plain close with unread bytes makes the kernel send a reset, and a
/// client still writing may then lose the answer before reading it (as
/// Apache's and nginx's lingering close avoid). So: send FIN, discard what
/// still arrives until the client closes too, goes quiet for
/// [`LINGER_IDLE`], [`LINGER_MAX`] has passed, or `max_discard` bytes (the
/// message size quota: enough for a client to finish a body somewhat over
/// it, not a sink for an endless one) were thrown away.
async fn linger(mut stream: Box<dyn Io>, max_discard: usize) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let max_discard = max_discard.max(64 * 1024);
    let mut sink = vec![0u8; 16 * 1024];
    let drained = tokio::time::timeout(LINGER_MAX, async {
        let mut discarded = 0usize;
        // Bounded by the timeouts and by max_discard; each turn consumes bytes or ends.
        while discarded < max_discard {
            match tokio::time::timeout(LINGER_IDLE, stream.read(&mut sink)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                Ok(Ok(n)) => discarded += n,
            }
        }
        discarded
    })
    .await;
    tracing::debug!(target: "wws.listener", discarded = ?drained.ok(), "lingering close done");
}
