//! The cash drawer: which bytes kick it, and how to read its sensor.
//!
//! The drawer hangs off the receipt printer's RJ-11/RJ-12 drawer port; it has no
//! connection of its own. This module owns the kick command and the meaning of the
//! printer's drawer-sensor bit; sending bytes is the [`crate::printer`] module's job.

use std::fmt;
use std::str::FromStr;

/// The bytes that kick the drawer, as configured in `[cashdrawer] command` (free hex,
/// so any printer's dialect can be used).
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
    /// Parses `[cashdrawer] command`: hex digits, spaces, `:` and `-` allowed between
    /// bytes, an optional `0x` prefix. At most 64 bytes: a kick is a handful of bytes, and
    /// the limit keeps a typo from sending a wall of data to the printer.
    pub fn parse_hex(text: &str) -> Result<DrawerCommand, String> {
        let accepted = "octets en hexadécimal attendus, par exemple 1b70001afa (broche 2), 1b70011afa (broche 5) ou 1014010005 (temps réel)";
        let cleaned: String = text
            .trim()
            .trim_start_matches("0x")
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '-'))
            .collect();
        // Checked before slicing: a non-ASCII character would split a UTF-8 sequence
        // (found by the config fuzzer).
        if !cleaned.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(accepted.to_string());
        }
        if cleaned.is_empty() || !cleaned.len().is_multiple_of(2) || cleaned.len() > 128 {
            return Err(format!(
                "{accepted} (nombre pair de chiffres, 1 à 64 octets)"
            ));
        }
        let bytes = (0..cleaned.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&cleaned[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| accepted.to_string())?;
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

/// Which level of the printer's drawer-sensor line (connector pin 3) means "open".
/// Drawers differ; Epson's default (and ours) is low = open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorOpenLevel {
    Low,
    High,
}

impl FromStr for SensorOpenLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Ok(SensorOpenLevel::Low),
            "high" => Ok(SensorOpenLevel::High),
            _ => Err("valeurs acceptées: low, high".into()),
        }
    }
}

/// The drawer as the sensor reports it; `Unknown` where the transport cannot ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DrawerState {
    Open,
    Closed,
    Unknown,
}

impl DrawerState {
    /// From the "pin 3 is high" bit of `DLE EOT 1`.
    pub fn from_pin3(high: bool, level: SensorOpenLevel) -> DrawerState {
        match (high, level) {
            (true, SensorOpenLevel::High) | (false, SensorOpenLevel::Low) => DrawerState::Open,
            _ => DrawerState::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_usual_commands_and_refuses_garbage() {
        assert_eq!(
            DrawerCommand::parse_hex("1b70001afa").unwrap().bytes(),
            &[0x1b, 0x70, 0, 0x1a, 0xfa]
        );
        assert_eq!(
            DrawerCommand::parse_hex(" 1B 70 01 1A FA ")
                .unwrap()
                .to_hex(),
            "1b70011afa"
        );
        assert_eq!(
            DrawerCommand::parse_hex("0x10:14:01:00:05")
                .unwrap()
                .bytes(),
            &[0x10, 0x14, 1, 0, 5]
        );
        for bad in ["", "1b7", "zz", "1b70 0g", "1bé0", "é1", &"00".repeat(65)] {
            assert!(DrawerCommand::parse_hex(bad).is_err(), "{bad}");
        }
        for (_, hex, _) in PRESETS {
            assert!(DrawerCommand::parse_hex(hex).is_ok());
        }
    }

    #[test]
    fn sensor_level_mapping() {
        assert_eq!(
            DrawerState::from_pin3(false, SensorOpenLevel::Low),
            DrawerState::Open
        );
        assert_eq!(
            DrawerState::from_pin3(true, SensorOpenLevel::Low),
            DrawerState::Closed
        );
        assert_eq!(
            DrawerState::from_pin3(true, SensorOpenLevel::High),
            DrawerState::Open
        );
    }
}

/// Kicks the drawer through the receipt printer. On bidirectional printers the printer
/// must also answer a status query, so "opened" is never claimed for a dead printer.
pub async fn open(
    state: &crate::state::AppState,
) -> Result<crate::printer::Outcome, crate::printer::PrinterError> {
    let config = state.config();
    let printer = state.drawer_printer();
    printer
        .send(config.cashdrawer.command.bytes().to_vec(), true)
        .await
}

/// The drawer sensor, read live from the printer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DrawerReport {
    pub drawer: DrawerState,
    pub printer: String,
    pub status: Option<crate::escpos::PrinterStatus>,
}

pub async fn report(
    state: &crate::state::AppState,
) -> Result<DrawerReport, crate::printer::PrinterError> {
    let config = state.config();
    let printer = state.drawer_printer();
    let status = match printer.query_status().await {
        Ok(s) => s,
        // An offline printer still reports its sensor.
        Err(e) if e.status.is_some() => e.status,
        Err(e) => return Err(e),
    };
    Ok(DrawerReport {
        drawer: status.map_or(DrawerState::Unknown, |s| {
            DrawerState::from_pin3(s.drawer_pin3_high, config.cashdrawer.sensor_open_level)
        }),
        printer: printer.target().to_string(),
        status,
    })
}
