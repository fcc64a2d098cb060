//! A streaming ESC/POS decoder: bytes in, readable events out; a command cut at the end
//! of a chunk waits for the next one.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Init,
    Text(String),
    /// `ESC p m t1 t2`: pulse on drawer pin 2 (m = 0) or 5 (m = 1).
    DrawerKick {
        pin: u8,
        on_ms: u32,
        off_ms: u32,
    },
    /// `DLE DC4 1 m t`: real-time pulse, executed even when the printer is busy/offline.
    RealtimeKick {
        pin: u8,
        on_ms: u32,
    },
    /// `DLE EOT n`: real-time status request.
    StatusQuery(u8),
    Feed {
        lines: u32,
    },
    Cut {
        partial: bool,
    },
    /// `GS v 0`: a raster image band, width in bytes and height in dots.
    Raster {
        width_bytes: u16,
        height: u16,
        data: Vec<u8>,
    },
    /// Any other command, kept as raw bytes.
    Command(Vec<u8>),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Init => write!(f, "initialisation"),
            Event::Text(t) => write!(f, "texte {t:?}"),
            Event::DrawerKick { pin, on_ms, off_ms } => write!(
                f,
                "ouverture tiroir, broche {pin}, impulsion {on_ms} ms, pause {off_ms} ms"
            ),
            Event::RealtimeKick { pin, on_ms } => write!(
                f,
                "ouverture tiroir (temps réel), broche {pin}, impulsion {on_ms} ms"
            ),
            Event::StatusQuery(n) => write!(f, "demande d'état temps réel n={n}"),
            Event::Feed { lines } => write!(f, "avance {lines} ligne(s)"),
            Event::Cut { partial } => {
                write!(f, "coupe {}", if *partial { "partielle" } else { "totale" })
            }
            Event::Raster {
                width_bytes,
                height,
                ..
            } => {
                let width = u32::from(*width_bytes) * 8;
                write!(f, "image {width}x{height} points")
            }
            Event::Command(b) => write!(
                f,
                "commande {}",
                b.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
        }
    }
}

#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
    text: Vec<u8>,
}

/// How many bytes the command at the start of `b` takes, `None` if more are needed.
fn command_len(b: &[u8]) -> Option<usize> {
    let need = |n: usize| if b.len() >= n { Some(n) } else { None };
    // A little-endian length at `i`, read once `need` saw the bytes.
    let len_at = |i: usize| usize::from(b[i]) | usize::from(b[i + 1]) << 8;
    match b[0] {
        0x1b => match *b.get(1)? {
            b'@' | b'2' | b'<' => need(2),
            b'p' => need(5),
            b'c' | b'$' | b'\\' => need(4),
            b'*' => {
                let per = if *b.get(2)? >= 32 { 3 } else { 1 };
                need(5).and_then(|h| need(h + len_at(3) * per))
            }
            b'(' => need(5).and_then(|h| need(h + len_at(3))),
            _ => need(3),
        },
        0x1d => match *b.get(1)? {
            b'V' => need(if *b.get(2)? >= 65 { 4 } else { 3 }),
            b'v' => need(8).and_then(|h| need(h + len_at(4) * len_at(6))),
            b'(' | b'8' => need(5).and_then(|h| need(h + len_at(3))),
            b'L' | b'W' | b'$' => need(4),
            _ => need(3),
        },
        0x10 => match *b.get(1)? {
            0x04 | 0x05 => need(3),
            0x14 => need(5),
            _ => need(2),
        },
        0x1c => match *b.get(1)? {
            b'.' | b'&' => need(2),
            b'p' => need(4),
            _ => need(3),
        },
        _ => Some(1),
    }
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Feeds a chunk; returns the events completed by it.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut pos = 0;
        while pos < self.pending.len() {
            let rest = &self.pending[pos..];
            let Some(len) = command_len(rest) else { break };
            let cmd = &rest[..len];
            match cmd[0] {
                0x0a | 0x0d | 0x0c => {
                    flush_text(&mut self.text, &mut events);
                    if cmd[0] == 0x0a {
                        events.push(Event::Feed { lines: 1 });
                    }
                }
                0x1b | 0x1d | 0x10 | 0x1c => {
                    flush_text(&mut self.text, &mut events);
                    events.push(decode_command(cmd));
                }
                b if b >= 0x20 => self.text.push(b),
                _ => events.push(Event::Command(cmd.to_vec())),
            }
            pos += len;
        }
        self.pending.drain(..pos);
        events
    }

    /// Ends the stream: pending text becomes an event; an incomplete command is kept raw.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut events = Vec::new();
        flush_text(&mut self.text, &mut events);
        if !self.pending.is_empty() {
            events.push(Event::Command(std::mem::take(&mut self.pending)));
        }
        events
    }
}

fn flush_text(text: &mut Vec<u8>, events: &mut Vec<Event>) {
    if !text.is_empty() {
        events.push(Event::Text(String::from_utf8_lossy(text).into_owned()));
        text.clear();
    }
}

fn pin_of(m: u8) -> u8 {
    if matches!(m, 1 | b'1') {
        5
    } else {
        2
    }
}

fn decode_command(cmd: &[u8]) -> Event {
    match cmd {
        [0x1b, b'@'] => Event::Init,
        [0x1b, b'p', m, t1, t2] => Event::DrawerKick {
            pin: pin_of(*m),
            on_ms: u32::from(*t1) * 2,
            off_ms: u32::from(*t2) * 2,
        },
        [0x10, 0x14, 1, m, t] => Event::RealtimeKick {
            pin: pin_of(*m),
            on_ms: u32::from((*t).clamp(1, 8)) * 100,
        },
        [0x10, 0x04, n] => Event::StatusQuery(*n),
        [0x1b, b'd', n] => Event::Feed {
            lines: u32::from(*n),
        },
        [0x1d, b'V', m, ..] => Event::Cut {
            partial: matches!(m, 1 | 49 | 66),
        },
        [0x1d, b'v', b'0', _m, xl, xh, yl, yh, data @ ..] => Event::Raster {
            width_bytes: u16::from_le_bytes([*xl, *xh]),
            height: u16::from_le_bytes([*yl, *yh]),
            data: data.to_vec(),
        },
        other => Event::Command(other.to_vec()),
    }
}
