//! Printer peers: real sockets that behave like ESC/POS printers (or like broken ones),
//! record every byte, and answer `DLE EOT n` status queries.
//!
//! Like a real Epson-compatible printer, a peer whose status says it cannot print (no
//! paper, cover open, error, offline) **holds** buffered commands and runs them when it
//! recovers ([`PrinterPeer::recover`]), while real-time commands (`DLE EOT n`,
//! `DLE DC4 fn ...`, `DLE ENQ n`) run at once. [`PrinterPeer::executed`] is what the
//! printer ran, so a test can see a kick that ran late.

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
    /// What the printer ran, in order: buffered bytes while it could print (or when it
    /// recovered), and real-time pulses at once.
    executed: Arc<Mutex<Vec<Ran>>>,
    /// Buffered bytes received while it could not print, run on recovery.
    held: Arc<Mutex<Vec<u8>>>,
}

/// One run of bytes by the printer: a real-time command as it arrived, or buffered
/// bytes once the printer could print them.
#[derive(Debug, Clone)]
pub struct Ran {
    pub bytes: Vec<u8>,
}

/// A drawer kick the printer ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kick {
    /// `ESC p m t1 t2`, buffered: pin (0 = pin 2, 1 = pin 5).
    Buffered(u8),
    /// `DLE DC4 1 m t`, real time: pin, pulse in units of 100 ms.
    Realtime(u8, u8),
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
            executed: Arc::default(),
            held: Arc::default(),
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
            // Pull out complete real-time commands (answering DLE EOT n); keep the rest.
            // `kept` is what the connection carried, status queries removed; `buffered`
            // is what goes through the printer's buffer.
            let mut i = 0;
            let (mut kept, mut buffered) = (Vec::new(), Vec::new());
            while i < pending.len() {
                let rest = &pending[i..];
                let len = match realtime_len(rest) {
                    Some(0) => {
                        kept.push(rest[0]);
                        buffered.push(rest[0]);
                        i += 1;
                        continue;
                    }
                    Some(len) => len,
                    // A real-time command cut by the read: wait for its end.
                    None => break,
                };
                match rest[1] {
                    0x04 => {
                        let answer = match behaviour {
                            Behaviour::Garbage(b) => Some(b),
                            _ => self.status.lock().unwrap().answer_to(rest[2]),
                        };
                        if let Some(a) = answer {
                            let _ = stream.write_all(&[a]);
                        }
                    }
                    0x14 => {
                        kept.extend_from_slice(&rest[..len]);
                        self.executed.lock().unwrap().push(Ran {
                            bytes: rest[..len].to_vec(),
                        });
                    }
                    _ => {}
                }
                i += len;
            }
            self.jobs.lock().unwrap()[index].extend_from_slice(&kept);
            self.buffer(&buffered);
            pending.drain(..i);
        }
        let _ = stream.shutdown(Shutdown::Both);
    }

    /// Whether the status says the printer cannot print (then it holds buffered bytes).
    fn holds(&self) -> bool {
        let s = *self.status.lock().unwrap();
        !s.online || s.cover_open || s.paper == PaperState::Empty || s.error
    }

    /// Buffered bytes: run now if the printer can print, else held for its recovery.
    fn buffer(&self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.holds() {
            self.held.lock().unwrap().extend_from_slice(bytes);
        } else {
            self.executed.lock().unwrap().push(Ran {
                bytes: bytes.to_vec(),
            });
        }
    }

    /// The printer stops printing for `why` (paper out, cover open): buffered bytes
    /// are held from now on; real-time commands still run.
    pub fn go_offline(&self, why: Offline) {
        let mut s = self.status.lock().unwrap();
        match why {
            Offline::PaperOut => {
                s.paper = PaperState::Empty;
                s.online = false;
            }
            Offline::CoverOpen => {
                s.cover_open = true;
                s.online = false;
            }
        }
    }

    /// Paper changed, cover closed: the printer runs what it held, as a real one does.
    pub fn recover(&self) {
        *self.status.lock().unwrap() = ok_status();
        let held = std::mem::take(&mut *self.held.lock().unwrap());
        if !held.is_empty() {
            self.executed.lock().unwrap().push(Ran { bytes: held });
        }
    }

    /// Everything the printer ran, in order.
    pub fn executed(&self) -> Vec<Ran> {
        self.executed.lock().unwrap().clone()
    }

    /// The drawer kicks the printer ran, in order, decoded from [`PrinterPeer::executed`].
    pub fn executed_kicks(&self) -> Vec<Kick> {
        let mut kicks = Vec::new();
        for ran in self.executed() {
            let b = &ran.bytes;
            let mut i = 0;
            while i + 5 <= b.len() {
                match b[i..i + 3] {
                    [0x1b, b'p', m] => {
                        kicks.push(Kick::Buffered(u8::from(matches!(m, 1 | b'1'))));
                        i += 5;
                    }
                    [0x10, 0x14, 1] => {
                        kicks.push(Kick::Realtime(b[i + 3], b[i + 4]));
                        i += 5;
                    }
                    _ => i += 1,
                }
            }
        }
        kicks
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

/// Why a peer stops printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offline {
    PaperOut,
    CoverOpen,
}

/// The length of the real-time command at the start of `bytes`: `Some(0)` when it does
/// not start one, `None` when one starts but has not fully arrived. `DLE EOT n` and
/// `DLE ENQ n` take 3 bytes, `DLE DC4 fn a b` 5 (`DLE DC4 8`, clear buffer, 10).
fn realtime_len(bytes: &[u8]) -> Option<usize> {
    if bytes[0] != 0x10 {
        return Some(0);
    }
    let len = match *bytes.get(1)? {
        0x04 | 0x05 => 3,
        0x14 => match *bytes.get(2)? {
            8 => 10,
            _ => 5,
        },
        _ => return Some(0),
    };
    (bytes.len() >= len).then_some(len)
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
