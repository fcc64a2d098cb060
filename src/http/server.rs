//! The listener: accepts TCP connections, tells each request who the peer is, and
//! serves HTTP/1.1 with bounded header size and header read time (slow clients cannot
//! hold the service). The first byte of each connection is looked at so that HTTPS can
//! share the port (0x16 starts a TLS handshake).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use super::access::{Peer, Scheme};

/// Limits that keep one client from starving the others.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed to send the request head (slow-loris defence).
    pub header_read_timeout: Duration,
    /// Largest request head accepted, in bytes.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
        }
    }
}

/// The future of a TLS handshake, giving the decrypted stream.
pub type TlsAccept =
    std::pin::Pin<Box<dyn Future<Output = std::io::Result<Box<dyn IoStream>>> + Send>>;

/// Terminates TLS on a connection whose first byte says it is a handshake.
pub trait TlsTerminator: Send + Sync + 'static {
    fn accept(&self, stream: TcpStream) -> TlsAccept;
}

/// A byte stream hyper can serve.
pub trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static> IoStream for T {}

/// Accepts connections on `listener` and serves `router` on each until `stop` resolves.
///
/// Stopping only stops accepting: the connections already accepted are registered with
/// `graceful` and live on, so a listener restart (admin page) never closes a connection
/// that a client has just opened or is reusing. The caller drains them with
/// [`drain`] when the service itself stops.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<Arc<dyn TlsTerminator>>,
    limits: Limits,
    graceful: &GracefulShutdown,
    stop: impl Future<Output = ()> + Send,
) {
    let shutdown = stop;
    tokio::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // EMFILE and friends: wait a little instead of spinning.
                    tracing::error!(op = "http.accept", outcome = "error", "accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let tls = tls.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let mut first = [0u8; 1];
            let peeked =
                tokio::time::timeout(limits.header_read_timeout, stream.peek(&mut first)).await;
            let is_tls = matches!(peeked, Ok(Ok(1))) && first[0] == 0x16;
            if !matches!(peeked, Ok(Ok(1))) {
                return; // closed, failed or silent: nothing to serve
            }
            let (io, scheme): (Box<dyn IoStream>, Scheme) = match (is_tls, tls) {
                (true, Some(tls)) => {
                    match tokio::time::timeout(limits.header_read_timeout, tls.accept(stream)).await
                    {
                        Ok(Ok(io)) => (io, Scheme::Https),
                        Ok(Err(e)) => {
                            tracing::debug!(op = "http.tls", outcome = "error", peer = %addr, "TLS: {e}");
                            return;
                        }
                        Err(_) => return,
                    }
                }
                (true, None) => return, // TLS not configured: nothing sensible to answer
                (false, _) => (Box::new(stream), Scheme::Http),
            };
            serve_connection(io, addr, scheme, router, limits, watcher).await;
        });
    }
}

/// Lets the open requests of every connection served with `graceful` finish, at most
/// `limit` long; idle keep-alive connections are closed at once.
pub async fn drain(graceful: GracefulShutdown, limit: Duration) {
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limit) => {}
    }
}

async fn serve_connection(
    io: Box<dyn IoStream>,
    addr: SocketAddr,
    scheme: Scheme,
    router: Router,
    limits: Limits,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let peer = Peer { addr, scheme };
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(peer);
        req.extensions_mut().insert(ConnectInfo(addr));
        let router = router.clone();
        async move {
            Ok::<_, Infallible>(
                router
                    .oneshot(req.map(Body::new))
                    .await
                    .unwrap_or_else(|e| match e {}),
            )
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    let _ = watcher.watch(conn).await;
}
