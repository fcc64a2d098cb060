//! The cash drawer: which bytes kick it, and how to read its sensor.
//!
//! The drawer hangs off the receipt printer's RJ-11/RJ-12 drawer port; it has no
//! connection of its own. This module owns the kick command and the meaning of the
//! printer's drawer-sensor bit; sending bytes is the [`crate::printer`] module's job.
//!
//! Layer 5 (issue 15), the service layer: [`open`] and [`report`] take the printer and
//! `[cashdrawer]` they work on. Imports `config`, `printer` and `escpos`; never the
//! service state, HTTP or the app.

use crate::config::CashdrawerConfig;
use crate::domain::{OfflineKick, SensorOpenLevel};
use crate::printer::{Outcome, Printer, PrinterError, PrinterErrorKind};

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
