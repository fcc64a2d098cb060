//! The built-in virtual ESC/POS printer, for a machine with no hardware: logs what it
//! receives, decoded ("ouverture tiroir, broche 2, ..."), and answers status queries with
//! a simulated drawer sensor.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{StatusResult, Timeouts, Transport};
use crate::escpos::{Decoder, Event, PaperState, PrinterStatus};

/// How long the simulated drawer stays open after a kick (a cashier closing it).
pub const SIMULATED_OPEN_TIME: Duration = Duration::from_secs(3);

/// The simulated drawer, open until an instant after a kick.
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
    fn run(&self, job: &[u8], query: bool, _t: &Timeouts) -> StatusResult {
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
            op!(info, "printer.virtual", "ok"; "imprimante virtuelle: {line}");
        }
        Ok(query.then(|| Self::status(*open_until)))
    }
}
