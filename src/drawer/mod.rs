//! The cash drawer: which bytes kick it, and how to read its sensor.
//!
//! The drawer hangs off the receipt printer's RJ-11/RJ-12 drawer port; it has no
//! connection of its own. This module owns the kick command and the meaning of the
//! printer's drawer-sensor bit; sending bytes is the [`crate::printer`] module's job.
//!
//! Layer 5 (issue 15), the service layer: [`open`] and [`report`] take the printer and
//! `[cashdrawer]` they work on. Imports `config`, `printer` and `escpos`; never the
//! service state, HTTP or the app.

use std::fmt;
use std::str::FromStr;

use crate::config::CashdrawerConfig;
use crate::printer::{Outcome, Printer, PrinterError, PrinterErrorKind};

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
    fn realtime_form_of_usual_kicks() {
        let rt = |hex: &str| {
            realtime_form(DrawerCommand::parse_hex(hex).unwrap().bytes())
                .map(|b| b.iter().map(|b| format!("{b:02x}")).collect::<String>())
        };
        // 52 ms on pin 2 -> the shortest real-time pulse (100 ms) on pin 2.
        assert_eq!(rt("1b70001afa").as_deref(), Some("1014010001"));
        assert_eq!(rt("1b70011afa").as_deref(), Some("1014010101"));
        // ASCII '0'/'1' pins, 500 ms (ePOS pulse_500), the longest ESC p (510 ms).
        assert_eq!(rt("1b7030fafa").as_deref(), Some("1014010005"));
        assert_eq!(rt("1b7031fffa").as_deref(), Some("1014010105"));
        assert_eq!(rt("1b7000ff00").as_deref(), Some("1014010005"));
        assert_eq!(
            rt("1b7000ffff 1b7000ffff").as_deref(),
            Some("10140100051014010005")
        );
        assert_eq!(
            rt("1b70001afa1b70011afa").as_deref(),
            Some("10140100011014010101")
        );
        assert_eq!(rt("1014010005").as_deref(), Some("1014010005"));
        assert_eq!(rt("1b40 1b70001afa").as_deref(), Some("1014010001"));
        // Another dialect (Star's BEL), or a truncated ESC p: nothing to translate.
        assert_eq!(rt("07"), None);
        assert_eq!(rt("1b7000"), None);
        for (_, hex, _) in PRESETS {
            assert!(rt(hex).is_some(), "{hex}");
        }
    }

    #[test]
    fn offline_kick_values() {
        assert_eq!("realtime".parse(), Ok(OfflineKick::Realtime));
        assert_eq!("Refuse".parse(), Ok(OfflineKick::Refuse));
        assert!("later"
            .parse::<OfflineKick>()
            .unwrap_err()
            .contains("realtime"));
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

/// What to do when the printer says it is offline (no paper, cover open, error) at the
/// moment of a kick: `[cashdrawer] offline_kick`. An offline Epson-compatible printer
/// keeps an `ESC p` in its buffer and runs it when it recovers, minutes later, in front
/// of whoever stands at the till; real-time commands run at once, even offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfflineKick {
    /// Send the real-time pulse `DLE DC4 1 m t` instead: the drawer opens now.
    Realtime,
    /// Send nothing and answer the printer's problem.
    Refuse,
}

impl FromStr for OfflineKick {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "realtime" => Ok(OfflineKick::Realtime),
            "refuse" => Ok(OfflineKick::Refuse),
            _ => Err(
                "valeurs acceptées: realtime (impulsion temps réel), refuse (ne rien envoyer)"
                    .into(),
            ),
        }
    }
}

const ESC_P: [u8; 2] = [0x1b, b'p'];
/// `DLE DC4 1`: the real-time pulse, followed by the pin `m` and the time `t`.
const DLE_DC4_PULSE: [u8; 3] = [0x10, 0x14, 0x01];

/// The real-time form of a kick job: each `ESC p m t1 t2` becomes `DLE DC4 1 m t` on the
/// same pin, its on-time `t1` (units of 2 ms) rounded to `t` (units of 100 ms, 1 to 8,
/// the range printers accept); a `DLE DC4 1 m t` already there is kept. Other bytes
/// (`ESC @`, a buzzer) are buffered commands and are left out. `None` when the job holds
/// no kick this can translate (another printer dialect).
pub fn realtime_form(job: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < job.len() {
        let rest = &job[i..];
        if rest.len() >= 5 && rest.starts_with(&ESC_P) {
            let pin = u8::from(matches!(rest[2], 1 | b'1'));
            let tenths = ((u32::from(rest[3]) * 2 + 50) / 100).clamp(1, 8) as u8;
            out.extend_from_slice(&DLE_DC4_PULSE);
            out.extend_from_slice(&[pin, tenths]);
            i += 5;
        } else if rest.len() >= 5 && rest.starts_with(&DLE_DC4_PULSE) {
            out.extend_from_slice(&rest[..5]);
            i += 5;
        } else {
            i += 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A kick that reached the drawer.
#[derive(Debug, Clone)]
pub struct Kicked {
    pub outcome: Outcome,
    /// The printer's problem when the drawer was opened by the real-time pulse (no
    /// paper, cover open): the kick worked, the printer still needs the cashier.
    pub warning: Option<String>,
}

/// Kicks the drawer through the receipt printer with `job` (the configured command, or
/// an ePOS `<pulse>`), never leaving a kick queued in an offline printer: the status is
/// asked first, and an offline printer gets the real-time pulse or nothing, as `policy`
/// says. An online printer gets `job` right behind the status answer, on the same
/// connection.
///
/// Transports that cannot report status (spooler queues, `file:` devices without
/// `?status=on`) keep the 1.0 behaviour: `job` is sent as is, since nothing tells
/// whether the printer is offline.
pub async fn kick(
    printer: &Printer,
    job: Vec<u8>,
    policy: OfflineKick,
) -> Result<Kicked, PrinterError> {
    if !printer.target().can_report_status() {
        let outcome = printer.send(job, true).await?;
        return Ok(Kicked {
            outcome,
            warning: None,
        });
    }
    let realtime = match policy {
        OfflineKick::Realtime => realtime_form(&job),
        OfflineKick::Refuse => None,
    };
    let offline_job = realtime.clone().unwrap_or_default();
    let outcome = printer
        .send_after_status(move |status| match status.and_then(|s| s.problem()) {
            Some(_) => offline_job.clone(),
            None => job.clone(),
        })
        .await?;
    let Some(status) = outcome.status else {
        return Ok(Kicked {
            outcome,
            warning: None,
        });
    };
    let Some(refusal) = PrinterError::from_status(printer.target(), status) else {
        return Ok(Kicked {
            outcome,
            warning: None,
        });
    };
    match (policy, realtime) {
        (OfflineKick::Realtime, Some(_)) => Ok(Kicked {
            outcome,
            warning: Some(format!(
                "{}; tiroir ouvert par l'impulsion temps réel (DLE DC4)",
                refusal.message
            )),
        }),
        (OfflineKick::Realtime, None) => Err(PrinterError {
            kind: PrinterErrorKind::Offline,
            message: format!(
                "{}; tiroir non ouvert: la commande n'a pas de forme temps réel (ESC p ou DLE DC4 attendu), rien n'a été envoyé",
                refusal.message
            ),
            status: refusal.status,
        }),
        (OfflineKick::Refuse, _) => Err(PrinterError {
            message: format!(
                "{}; tiroir non ouvert ([cashdrawer] offline_kick = refuse), rien n'a été envoyé",
                refusal.message
            ),
            ..refusal
        }),
    }
}

/// Kicks the drawer hanging off `printer` with the configured `[cashdrawer] command`
/// and `offline_kick`. The caller passes the printer and the section, not the whole
/// service state: this layer sits below the state (issue 15).
pub async fn open(printer: &Printer, config: &CashdrawerConfig) -> Result<Kicked, PrinterError> {
    kick(
        printer,
        config.command.bytes().to_vec(),
        config.offline_kick,
    )
    .await
}

/// The drawer sensor, read live from the printer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DrawerReport {
    pub drawer: DrawerState,
    pub printer: String,
    pub status: Option<crate::escpos::PrinterStatus>,
}

/// Reads the sensor of the drawer hanging off `printer`, as `config` says to read it.
pub async fn report(
    printer: &Printer,
    config: &CashdrawerConfig,
) -> Result<DrawerReport, PrinterError> {
    let status = match printer.query_status().await {
        Ok(s) => s,
        // An offline printer still reports its sensor.
        Err(e) if e.status.is_some() => e.status,
        Err(e) => return Err(e),
    };
    Ok(DrawerReport {
        drawer: status.map_or(DrawerState::Unknown, |s| {
            DrawerState::from_pin3(s.drawer_pin3_high, config.sensor_open_level)
        }),
        printer: printer.target().to_string(),
        status,
    })
}
