//! The drawer's configured values: the kick command, which sensor level means open, and
//! a kick while the printer is offline. Sending them is `drawer`'s. Imports only `domain`.

use std::fmt;
use std::str::FromStr;

use super::{choose, ParseError};

/// The bytes that kick the drawer (`[cashdrawer] command`: free hex, any dialect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawerCommand(Vec<u8>);

/// Usual commands, offered as presets on the admin page and documented in the README.
pub const PRESETS: &[(&str, &str, [&str; 2])] = &[
    (
        "pin2",
        "1b70001afa",
        [
            "ESC p 0 — broche 2 (tiroir 1), 52 ms / 500 ms",
            "ESC p 0 — pin 2 (drawer 1), 52 ms / 500 ms",
        ],
    ),
    (
        "pin5",
        "1b70011afa",
        [
            "ESC p 1 — broche 5 (tiroir 2), 52 ms / 500 ms",
            "ESC p 1 — pin 5 (drawer 2), 52 ms / 500 ms",
        ],
    ),
    (
        "both",
        "1b70001afa1b70011afa",
        [
            "Broches 2 puis 5 (tiroirs câblés sur l'une ou l'autre)",
            "Pin 2 then pin 5 (drawers wired to either)",
        ],
    ),
    (
        "realtime",
        "1014010005",
        [
            "DLE DC4 1 0 5 — temps réel, broche 2, 500 ms (fonctionne même imprimante hors ligne ou tampon plein)",
            "DLE DC4 1 0 5 — real time, pin 2, 500 ms (works even with the printer offline or its buffer full)",
        ],
    ),
];

impl DrawerCommand {
    /// Hex digits, with spaces, `:` or `-` between bytes and an optional `0x`. At most 64
    /// bytes, so a typo cannot send a wall of data to the printer.
    pub fn parse_hex(text: &str) -> Result<DrawerCommand, ParseError> {
        let cleaned: String = text
            .trim()
            .trim_start_matches("0x")
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '-'))
            .collect();
        // Before slicing: a non-ASCII character would split a UTF-8 sequence.
        if !cleaned.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ParseError::DrawerHex);
        }
        if cleaned.is_empty() || !cleaned.len().is_multiple_of(2) || cleaned.len() > 128 {
            return Err(ParseError::DrawerLength);
        }
        let bytes = (0..cleaned.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&cleaned[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| ParseError::DrawerHex)?;
        Ok(DrawerCommand(bytes))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for DrawerCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Which level of the drawer-sensor line (pin 3) means "open"; Epson's default is low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorOpenLevel {
    Low,
    High,
}

impl FromStr for SensorOpenLevel {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let options = [("low", Self::Low), ("high", Self::High)];
        choose(s, &options, "low, high", "low, high")
    }
}

/// `[cashdrawer] offline_kick`: an offline printer keeps an `ESC p` and runs it when it
/// recovers, minutes later, in front of whoever stands at the till.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineKick {
    /// Send the real-time pulse `DLE DC4 1 m t` instead, which runs at once.
    Realtime,
    Refuse,
}

impl FromStr for OfflineKick {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let options = [("realtime", Self::Realtime), ("refuse", Self::Refuse)];
        choose(
            s,
            &options,
            "realtime (impulsion temps réel), refuse (ne rien envoyer)",
            "realtime (real-time pulse), refuse (send nothing)",
        )
    }
}
