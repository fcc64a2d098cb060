//! The built-in virtual ESC/POS printer: decodes what it receives into readable log
//! lines ("ouverture tiroir, broche 2, impulsion 50 ms, pause 500 ms"), keeps a simulated
//! drawer sensor, and answers status queries. It lets the service run, and be tried from
//! Odoo, on a machine with no hardware.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{PrinterError, Timeouts, Transport};
use crate::escpos::{Decoder, Event, PaperState, PrinterStatus};

/// How long the simulated drawer stays open after a kick (a cashier closing it).
pub const SIMULATED_OPEN_TIME: Duration = Duration::from_secs(3);

/// The simulated drawer: open until this instant after a kick.
#[derive(Default)]
pub struct VirtualPrinter {
    open_until: Mutex<Option<Instant>>,
}

impl VirtualPrinter {
    fn status(open_until: Option<Instant>) -> PrinterStatus {
        let open = open_until.is_some_and(|t| Instant::now() < t);
        PrinterStatus {
            online: true,
            cover_open: false,
            paper: PaperState::Ok,
            // Sensor wired "low = open", the default of [cashdrawer] sensor_open_level.
            drawer_pin3_high: !open,
            error: false,
        }
    }
}

impl Transport for VirtualPrinter {
    fn run(
        &self,
        job: &[u8],
        query: bool,
        _t: &Timeouts,
    ) -> Result<Option<PrinterStatus>, PrinterError> {
        let mut decoder = Decoder::new();
        let mut events = decoder.feed(job);
        events.extend(decoder.finish());
        let mut open_until = self.open_until.lock().expect("virtual printer");
        for event in &events {
            if matches!(event, Event::DrawerKick { .. } | Event::RealtimeKick { .. }) {
                *open_until = Some(Instant::now() + SIMULATED_OPEN_TIME);
            }
            let line = match event {
                // Raster payloads are not worth a log line each.
                Event::Text(t) if t.len() > 120 => {
                    format!("texte de {} caractères", t.chars().count())
                }
                other => other.to_string(),
            };
            tracing::info!(
                op = "printer.virtual",
                outcome = "ok",
                "imprimante virtuelle: {line}"
            );
        }
        Ok(query.then(|| Self::status(*open_until)))
    }
}
