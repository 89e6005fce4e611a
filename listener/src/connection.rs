//! The accept loop and the HTTP/1.1 connections it serves.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use wws_channel::ReplyChannel;
use wws_channel::server::{ExchangeSettings, ServerConnection};
use wws_core::{AbortSignal, ListenerProperties};

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
                        stream,
                        peer,
                        permit,
                        queue: self.queue.clone(),
                        shutdown: self.shutdown.clone(),
                        aborted: self.aborted.clone(),
                        settings: self.settings.clone(),
                        http: http.clone(),
                    };
                    let span = tracing::debug_span!("wws.listener.connection", %peer);
                    tokio::spawn(conn.run().instrument(span));
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
    stream: TcpStream,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
    queue: mpsc::Sender<ReplyChannel>,
    shutdown: CancellationToken,
    aborted: CancellationToken,
    settings: Arc<ExchangeSettings>,
    http: Arc<hyper::server::conn::http1::Builder>,
}

impl Served {
    async fn run(self) {
        let conn = ServerConnection::new(self.peer);
        // Marks the connection closed for `ReplyChannel::disconnected` however this task ends.
        let _closed = conn.closed_guard();
        let _permit = self.permit;
        let service = {
            let conn = conn.clone();
            let queue = self.queue.clone();
            let settings = self.settings.clone();
            let aborted = self.aborted.clone();
            service_fn(move |request| {
                let (channel, response) =
                    ReplyChannel::from_request(request, &conn, settings.clone());
                let queue = queue.clone();
                let aborted = aborted.clone();
                async move {
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
                }
            })
        };
        let http = self
            .http
            .serve_connection(TokioIo::new(self.stream), service);
        tokio::pin!(http);
        let result = tokio::select! {
            biased;
            _ = conn.killed() => None,
            r = http.as_mut() => Some(r),
            _ = self.shutdown.cancelled() => {
                // Finish the exchange in progress, if any, then close.
                http.as_mut().graceful_shutdown();
                tokio::select! {
                    biased;
                    _ = conn.killed() => None,
                    r = http.as_mut() => Some(r),
                }
            }
        };
        match result {
            None => tracing::debug!(target: "wws.listener", "connection dropped by its exchange"),
            Some(Ok(())) => tracing::debug!(target: "wws.listener", "connection closed"),
            Some(Err(e)) => tracing::debug!(target: "wws.listener", error = %e, "connection ended"),
        }
    }
}
