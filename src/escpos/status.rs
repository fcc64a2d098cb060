//! Real-time status (`DLE EOT n`) answers. Every answer byte has fixed bits (bit 1 and
//! bit 4 set, bits 0 and 7 clear); a byte that breaks them is garbage, never a status.

use serde::Serialize;

/// The three queries we send, in order: printer (1), offline cause (2), paper (4).
pub const QUERIES: [u8; 3] = [1, 2, 4];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperState {
    Ok,
    NearEnd,
    Empty,
}

/// What the printer said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrinterStatus {
    pub online: bool,
    pub cover_open: bool,
    pub paper: PaperState,
    /// Drawer-kick connector pin 3 level (the sensor), read as
    /// [`crate::domain::SensorOpenLevel`] says.
    pub drawer_pin3_high: bool,
    /// An error stopped printing (cutter jam, overheating, ...).
    pub error: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("réponse d'état invalide de l'imprimante: {0}")]
pub struct StatusError(pub String);

fn check(byte: u8, what: &str) -> Result<u8, StatusError> {
    if byte & 0b1001_0011 == 0b0001_0010 {
        Ok(byte)
    } else {
        Err(StatusError(format!("octet {byte:#04x} pour {what}")))
    }
}

impl PrinterStatus {
    /// Decodes the answers to `DLE EOT 1`, `DLE EOT 2` and `DLE EOT 4`.
    pub fn parse(answers: &[u8]) -> Result<PrinterStatus, StatusError> {
        let [printer, offline, paper] = answers else {
            return Err(StatusError(format!(
                "{} octets reçus, 3 attendus",
                answers.len()
            )));
        };
        let printer = check(*printer, "l'état imprimante")?;
        let offline = check(*offline, "la cause hors ligne")?;
        let paper = check(*paper, "le capteur papier")?;
        Ok(PrinterStatus {
            online: printer & 0x08 == 0,
            drawer_pin3_high: printer & 0x04 != 0,
            cover_open: offline & 0x04 != 0,
            error: offline & 0x40 != 0,
            paper: if paper & 0x60 != 0 || offline & 0x20 != 0 {
                PaperState::Empty
            } else if paper & 0x0c != 0 {
                PaperState::NearEnd
            } else {
                PaperState::Ok
            },
        })
    }

    /// The three answer bytes a printer would send for this status.
    pub fn encode(&self) -> [u8; 3] {
        let base = 0x12;
        let printer = base
            | if self.online { 0 } else { 0x08 }
            | if self.drawer_pin3_high { 0x04 } else { 0 };
        let offline = base
            | if self.cover_open { 0x04 } else { 0 }
            | u8::from(self.paper == PaperState::Empty) << 5
            | if self.error { 0x40 } else { 0 };
        let paper = base
            | match self.paper {
                PaperState::Ok => 0,
                PaperState::NearEnd => 0x0c,
                PaperState::Empty => 0x6c,
            };
        [printer, offline, paper]
    }

    /// Why this printer cannot print now, in French; `None` when it can. The cover comes
    /// first: it is what the cashier must fix first.
    pub fn problem(&self) -> Option<&'static str> {
        match (self.cover_open, self.paper, self.error, self.online) {
            (true, ..) => Some("capot ouvert"),
            (_, PaperState::Empty, ..) => Some("plus de papier"),
            (_, _, true, _) => Some("erreur de l'imprimante (massicot, surchauffe...)"),
            (.., false) => Some("hors ligne"),
            _ => None,
        }
    }

    pub fn answer_to(&self, query: u8) -> Option<u8> {
        let [p, o, r] = self.encode();
        match query {
            1 => Some(p),
            2 => Some(o),
            3 => Some(0x12),
            4 => Some(r),
            _ => None,
        }
    }
}
