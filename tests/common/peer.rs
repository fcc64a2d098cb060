//! Printer peers: real sockets that behave like ESC/POS printers (or like broken ones),
//! record every byte, and answer `DLE EOT n` status queries.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cashdrawer::escpos::{PaperState, PrinterStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// A healthy printer.
    Normal,
    /// Accepts the connection, never reads, never answers.
    Stall,
    /// Reads `n` bytes, then resets the connection.
    ResetAfter(usize),
    /// Answers every status query with this byte (garbage).
    Garbage(u8),
}

pub fn ok_status() -> PrinterStatus {
    PrinterStatus {
        online: true,
        cover_open: false,
        paper: PaperState::Ok,
        drawer_pin3_high: true,
        error: false,
    }
}

#[derive(Clone)]
pub struct PrinterPeer {
    pub addr: SocketAddr,
    /// Bytes received, one entry per connection, status queries removed.
    pub jobs: Arc<Mutex<Vec<Vec<u8>>>>,
    pub status: Arc<Mutex<PrinterStatus>>,
    pub behaviour: Arc<Mutex<Behaviour>>,
    pub connections: Arc<Mutex<usize>>,
}

impl PrinterPeer {
    pub fn start(behaviour: Behaviour) -> PrinterPeer {
        Self::start_on("127.0.0.1:0".parse().unwrap(), behaviour)
    }

    pub fn start_on(addr: SocketAddr, behaviour: Behaviour) -> PrinterPeer {
        let listener = TcpListener::bind(addr).unwrap();
        let peer = PrinterPeer {
            addr: listener.local_addr().unwrap(),
            jobs: Arc::default(),
            status: Arc::new(Mutex::new(ok_status())),
            behaviour: Arc::new(Mutex::new(behaviour)),
            connections: Arc::default(),
        };
        let p = peer.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                *p.connections.lock().unwrap() += 1;
                let p = p.clone();
                std::thread::spawn(move || p.handle(stream));
            }
        });
        peer
    }

    pub fn target(&self) -> String {
        format!("tcp://{}", self.addr)
    }

    fn handle(&self, mut stream: TcpStream) {
        let behaviour = *self.behaviour.lock().unwrap();
        let index = {
            let mut jobs = self.jobs.lock().unwrap();
            jobs.push(Vec::new());
            jobs.len() - 1
        };
        match behaviour {
            Behaviour::Stall => {
                std::thread::sleep(Duration::from_secs(30));
                return;
            }
            Behaviour::ResetAfter(n) => {
                let mut buf = vec![0u8; n];
                let _ = stream.read_exact(&mut buf);
                self.jobs.lock().unwrap()[index].extend_from_slice(&buf);
                let _ = socket_linger_zero(&stream);
                return;
            }
            _ => {}
        }
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            // Pull out complete DLE EOT n queries and answer them; keep the rest.
            let mut i = 0;
            let mut kept = Vec::new();
            while i < pending.len() {
                if pending[i] == 0x10 && i + 1 < pending.len() && pending[i + 1] == 0x04 {
                    if i + 2 >= pending.len() {
                        break;
                    }
                    let q = pending[i + 2];
                    let answer = match behaviour {
                        Behaviour::Garbage(b) => Some(b),
                        _ => self.status.lock().unwrap().answer_to(q),
                    };
                    if let Some(a) = answer {
                        let _ = stream.write_all(&[a]);
                    }
                    i += 3;
                } else if pending[i] == 0x10 && i + 1 == pending.len() {
                    break;
                } else {
                    kept.push(pending[i]);
                    i += 1;
                }
            }
            self.jobs.lock().unwrap()[index].extend_from_slice(&kept);
            pending.drain(..i);
        }
        let _ = stream.shutdown(Shutdown::Both);
    }

    /// Jobs that carried bytes (a status-only connection records an empty job).
    pub fn non_empty_jobs(&self) -> Vec<Vec<u8>> {
        self.jobs
            .lock()
            .unwrap()
            .iter()
            .filter(|j| !j.is_empty())
            .cloned()
            .collect()
    }

    /// Waits until `n` non-empty jobs arrived (or the deadline passes).
    pub fn wait_jobs(&self, n: usize, within: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + within;
        loop {
            let jobs = self.non_empty_jobs();
            if jobs.len() >= n || Instant::now() > deadline {
                return jobs;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Closes with SO_LINGER 0: the peer sees a TCP reset, as from a printer that crashes.
fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO))
}

/// An address on which nothing listens: connections are refused.
pub fn refusing_addr() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    addr
}
