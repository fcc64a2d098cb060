//! The listener: accepts TCP connections, tells each request who the peer is, serves
//! HTTP/1.1 with bounded header size and read time, and hands connections whose first byte
//! is 0x16 (a TLS handshake) to TLS, so HTTPS shares the port. Open connections are capped
//! ([`ConnectionCaps`]), with slots only loopback may take: a LAN host cannot keep the
//! till's browser out nor exhaust the descriptors.
//! Owns the accept loop and the connection caps; must not import routes, `app` or `cli`.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use super::access::{is_loopback, Peer, Scheme};

/// Caps on open connections (accepted and not yet closed, TLS handshakes included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionCaps {
    /// All callers together, loopback included ([`ConnectionCaps::within`] the descriptors).
    pub total: usize,
    /// All non-loopback callers together.
    pub network: usize,
    /// One non-loopback address.
    pub per_address: usize,
    /// Slots of `total` that only loopback callers (the till) may take.
    pub loopback_reserved: usize,
}

/// Descriptors kept out of the caps: listener, log and invoice files, printer sockets.
const SPARE_DESCRIPTORS: u64 = 128;

impl Default for ConnectionCaps {
    fn default() -> Self {
        ConnectionCaps {
            total: 8192,
            network: 512,
            per_address: 32,
            loopback_reserved: 64,
        }
    }
}

impl ConnectionCaps {
    /// The caps shrunk below `open_files` descriptors (`RLIMIT_NOFILE`).
    pub fn within(self, open_files: u64) -> ConnectionCaps {
        let room = open_files.saturating_sub(SPARE_DESCRIPTORS).max(8);
        let total = self.total.min(usize::try_from(room).unwrap_or(usize::MAX));
        let loopback_reserved = self.loopback_reserved.min(total / 4);
        let network = self.network.min(total - loopback_reserved).max(1);
        ConnectionCaps {
            total,
            network,
            loopback_reserved,
            per_address: self.per_address.min(network),
        }
    }
}

/// How often, at most, a refused address is logged (with the count refused meanwhile).
pub const REFUSAL_LOG_INTERVAL: Duration = Duration::from_secs(60);
/// Refused addresses remembered for the log's sake; past that the memory is reset.
const MAX_REMEMBERED_REFUSALS: usize = 4096;

/// The open connections of a run, by address, shared by its listeners (across restarts).
#[derive(Debug)]
pub struct Connections {
    caps: ConnectionCaps,
    open: Mutex<OpenConnections>,
}

#[derive(Debug, Default)]
struct OpenConnections {
    total: usize,
    /// Of which non-loopback.
    network: usize,
    by_address: HashMap<IpAddr, usize>,
    /// Per refused address: when it was last logged, and how many refused since.
    refused: HashMap<IpAddr, (Instant, u64)>,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapReached {
    /// Every slot taken (for a LAN caller: the network's share, or all but loopback's).
    Total(usize),
    /// This address holds its share.
    PerAddress(usize),
}

/// One admitted connection; its slot is freed when dropped.
#[derive(Debug)]
pub struct Slot {
    connections: Arc<Connections>,
    ip: IpAddr,
    /// Counted as the till's own (loopback or self-connection), not the network's.
    local: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.connections.lock();
        open.total = open.total.saturating_sub(1);
        if !self.local {
            open.network = open.network.saturating_sub(1);
        }
        if let Some(n) = open.by_address.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.by_address.remove(&self.ip);
            }
        }
    }
}

impl Connections {
    pub fn new(caps: ConnectionCaps) -> Arc<Connections> {
        Arc::new(Connections {
            caps,
            open: Mutex::default(),
        })
    }

    pub fn open(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OpenConnections> {
        // A panic while counting leaves counts that are still counts.
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot for `ip`, or says which cap it hit; loopback has no per-address cap.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Slot, CapReached> {
        self.admit_as(ip, is_loopback(ip))
    }

    /// [`Connections::admit`] for a caller already classified ([`Peer::is_local`]).
    pub fn admit_as(self: &Arc<Self>, ip: IpAddr, local: bool) -> Result<Slot, CapReached> {
        let ip = ip.to_canonical();
        let caps = self.caps;
        let mut open = self.lock();
        if local {
            if open.total >= caps.total {
                return Err(CapReached::Total(caps.total));
            }
        } else {
            if open.network >= caps.network {
                return Err(CapReached::Total(caps.network));
            }
            let lan_total = caps.total - caps.loopback_reserved;
            if open.total >= lan_total {
                return Err(CapReached::Total(lan_total));
            }
            if open.by_address.get(&ip).copied().unwrap_or(0) >= caps.per_address {
                return Err(CapReached::PerAddress(caps.per_address));
            }
            open.network += 1;
        }
        open.total += 1;
        *open.by_address.entry(ip).or_insert(0) += 1;
        Ok(Slot {
            connections: self.clone(),
            ip,
            local,
        })
    }

    /// Counts a refusal; when a line is due, how many since the last ([`REFUSAL_LOG_INTERVAL`]).
    pub fn refusal_to_log(&self, ip: IpAddr, now: Instant) -> Option<u64> {
        let mut open = self.lock();
        let refused = &mut open.refused;
        if refused.len() >= MAX_REMEMBERED_REFUSALS && !refused.contains_key(&ip) {
            refused.retain(|_, (at, _)| now.duration_since(*at) < REFUSAL_LOG_INTERVAL);
            if refused.len() >= MAX_REMEMBERED_REFUSALS {
                refused.clear();
            }
        }
        match refused.get_mut(&ip) {
            Some((at, count)) if now.duration_since(*at) < REFUSAL_LOG_INTERVAL => {
                *count += 1;
                None
            }
            Some((at, count)) => {
                let refused = *count + 1;
                (*at, *count) = (now, 0);
                Some(refused)
            }
            None => {
                refused.insert(ip, (now, 0));
                Some(1)
            }
        }
    }

    fn log_refusal(&self, ip: IpAddr, cap: CapReached) {
        let Some(refused) = self.refusal_to_log(ip, Instant::now()) else {
            return;
        };
        let ip = ip.to_canonical();
        let which = match cap {
            CapReached::Total(n) => format!("{n} connexions ouvertes depuis le réseau"),
            CapReached::PerAddress(n) => format!("{n} connexions ouvertes depuis cette adresse"),
        };
        op!(warn, "http.connection_cap", "denied"; peer = %ip,
            "connexion refusée depuis {ip}: limite atteinte ({which}); {refused} refusée(s) depuis le dernier message (un par minute au plus)");
    }
}

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

/// tokio's 1024 overflowed under a reconnect flood; a dropped SYN costs the drawer 1 s.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds `addr` as `TcpListener::bind` does, with a deeper accept queue.
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    // Not on Windows, where SO_REUSEADDR lets another process take the port.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
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

/// Serves `router` on each connection accepted until `stop`; accepted connections live on
/// in `graceful` (a listener restart closes none) until the caller [`drain`]s them.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<Arc<dyn TlsTerminator>>,
    limits: Limits,
    connections: &Arc<Connections>,
    graceful: &GracefulShutdown,
    stop: impl Future<Output = ()> + Send,
) {
    tokio::pin!(stop);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // EMFILE and friends: wait a little instead of spinning.
                    op!(error, "http.accept", "error"; "accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(local) = stream.local_addr() else {
            continue; // already gone
        };
        let probe = Peer {
            addr,
            local,
            scheme: Scheme::Http,
        };
        let slot = match connections.admit_as(addr.ip(), probe.is_local()) {
            Ok(slot) => slot,
            Err(cap) => {
                connections.log_refusal(addr.ip(), cap);
                drop(stream); // closed at once: holds no descriptor, no task
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (router, tls, watcher) = (router.clone(), tls.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _slot = slot; // freed when the connection ends, however it ends
            let (mut first, wait) = ([0u8; 1], limits.header_read_timeout);
            let peeked = tokio::time::timeout(wait, stream.peek(&mut first)).await;
            if !matches!(peeked, Ok(Ok(1))) {
                return; // closed, failed or silent: nothing to serve
            }
            let (io, scheme): (Box<dyn IoStream>, Scheme) = match (first[0] == 0x16, tls) {
                (true, Some(tls)) => match tokio::time::timeout(wait, tls.accept(stream)).await {
                    Ok(Ok(io)) => (io, Scheme::Https),
                    Ok(Err(e)) => {
                        op!(debug, "http.tls", "error"; peer = %addr, "TLS: {e}");
                        return;
                    }
                    Err(_) => return,
                },
                (true, None) => return, // TLS not configured: nothing sensible to answer
                (false, _) => (Box::new(stream), Scheme::Http),
            };
            let peer = Peer { scheme, ..probe };
            serve_connection(io, peer, router, limits, watcher).await;
        });
    }
}

/// Lets open requests finish, at most `limit` long; idle connections close at once.
pub async fn drain(graceful: GracefulShutdown, limit: Duration) {
    let _ = tokio::time::timeout(limit, graceful.shutdown()).await;
}

async fn serve_connection(
    io: Box<dyn IoStream>,
    peer: Peer,
    router: Router,
    limits: Limits,
    watcher: hyper_util::server::graceful::Watcher,
) {
    let addr = peer.addr;
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(peer);
        req.extensions_mut().insert(ConnectInfo(addr));
        router.clone().oneshot(req.map(Body::new))
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    let _ = watcher.watch(conn).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stays here: it reads the private count of remembered refusals.
    #[test]
    fn the_remembered_refusals_stay_bounded() {
        let conns = Connections::new(ConnectionCaps {
            total: 6,
            network: 5,
            per_address: 2,
            loopback_reserved: 2,
        });
        let t0 = Instant::now();
        for i in 0..(MAX_REMEMBERED_REFUSALS as u32 * 3) {
            let who = IpAddr::V6(std::net::Ipv6Addr::from(0x2001_0db8_u128 << 96 | i as u128));
            assert_eq!(conns.refusal_to_log(who, t0), Some(1));
        }
        assert!(conns.lock().refused.len() <= MAX_REMEMBERED_REFUSALS);
    }
}
