//! The cash drawer, on the receipt printer's drawer port: the kick and the meaning of the
//! printer's drawer-sensor bit; sending bytes is [`crate::printer`]'s job.
//!
//! Layer 5: [`open`] and [`report`] take the printer and `[cashdrawer]` they work on.
//! Imports `config`, `printer` and `escpos`; never the service state, HTTP or the app.

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

/// The real-time form of a kick job: each `ESC p m t1 t2` becomes `DLE DC4 1 m t`, its
/// on-time rounded from 2 ms units to 100 ms ones (1 to 8); a `DLE DC4 1 m t` is kept,
/// other (buffered) commands are left out. `None` when no kick is found.
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
    /// The printer's problem when the real-time pulse opened the drawer (no paper...).
    pub warning: Option<String>,
}

/// Kicks the drawer with `job`, never leaving a kick queued in an offline printer: the
/// status is asked first, and an offline printer gets the real-time pulse or nothing, as
/// `policy` says. Transports that cannot report status get `job` as is.
pub async fn kick(
    printer: &Printer,
    job: Vec<u8>,
    policy: OfflineKick,
) -> Result<Kicked, PrinterError> {
    let realtime = match policy {
        OfflineKick::Realtime => realtime_form(&job),
        OfflineKick::Refuse => None,
    };
    // `send` makes a refusing status an error: its outcome gives no warning below.
    let outcome = if !printer.target().can_report_status() {
        printer.send(job, true).await?
    } else {
        let offline_job = realtime.clone().unwrap_or_default();
        printer
            .send_after_status(move |status| match status.and_then(|s| s.problem()) {
                Some(_) => offline_job.clone(),
                None => job.clone(),
            })
            .await?
    };
    let refusal = outcome
        .status
        .and_then(|s| PrinterError::from_status(printer.target(), s));
    let warning = match (refusal, policy, realtime) {
        (None, ..) => Ok(None),
        (Some(refusal), OfflineKick::Realtime, Some(_)) => Ok(Some(format!(
            "{}; tiroir ouvert par l'impulsion temps réel (DLE DC4)",
            refusal.message
        ))),
        (Some(refusal), OfflineKick::Realtime, None) => Err(PrinterError {
            kind: PrinterErrorKind::Offline,
            message: format!(
                "{}; tiroir non ouvert: la commande n'a pas de forme temps réel (ESC p ou DLE DC4 attendu), rien n'a été envoyé",
                refusal.message
            ),
            status: refusal.status,
        }),
        (Some(refusal), OfflineKick::Refuse, _) => Err(PrinterError {
            message: format!(
                "{}; tiroir non ouvert ([cashdrawer] offline_kick = refuse), rien n'a été envoyé",
                refusal.message
            ),
            ..refusal
        }),
    }?;
    Ok(Kicked { outcome, warning })
}

/// Kicks the drawer hanging off `printer` with `[cashdrawer] command` and `offline_kick`.
pub async fn open(printer: &Printer, config: &CashdrawerConfig) -> Result<Kicked, PrinterError> {
    let job = config.command.bytes().to_vec();
    kick(printer, job, config.offline_kick).await
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
