//! The built-in virtual ESC/POS printer: decodes what it receives into readable log
//! lines ("ouverture tiroir, broche 2, impulsion 50 ms, pause 500 ms"), keeps a simulated
//! drawer sensor, and answers status queries. It lets the service run, and be tried from
//! Odoo, on a machine with no hardware.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{PrinterError, Timeouts, Transport};
use crate::escpos::{Decoder, Event, PaperState, PrinterStatus};

/// How long the simulated drawer stays open after a kick (a cashier closing it).
pub const SIMULATED_OPEN_TIME: Duration = Duration::from_secs(3);
const HISTORY: usize = 200;

pub struct VirtualPrinter {
    inner: Mutex<Inner>,
}

struct Inner {
    open_until: Option<Instant>,
    history: VecDeque<String>,
    kicks: u64,
}

impl Default for VirtualPrinter {
    fn default() -> Self {
        Self::new()
    }
}

impl VirtualPrinter {
    pub fn new() -> Self {
        VirtualPrinter {
            inner: Mutex::new(Inner {
                open_until: None,
                history: VecDeque::new(),
                kicks: 0,
            }),
        }
    }

    fn status(inner: &Inner) -> PrinterStatus {
        let open = inner.open_until.is_some_and(|t| Instant::now() < t);
        PrinterStatus {
            online: true,
            cover_open: false,
            paper: PaperState::Ok,
            // Sensor wired "low = open", the default of [cashdrawer] sensor_open_level.
            drawer_pin3_high: !open,
            error: false,
        }
    }

    /// The last decoded events, oldest first.
    pub fn history(&self) -> Vec<String> {
        self.inner
            .lock()
            .expect("virtual printer")
            .history
            .iter()
            .cloned()
            .collect()
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
        let mut inner = self.inner.lock().expect("virtual printer");
        for event in &events {
            if matches!(event, Event::DrawerKick { .. } | Event::RealtimeKick { .. }) {
                inner.open_until = Some(Instant::now() + SIMULATED_OPEN_TIME);
                inner.kicks += 1;
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
            if inner.history.len() == HISTORY {
                inner.history.pop_front();
            }
            inner.history.push_back(line);
        }
        Ok(query.then(|| Self::status(&inner)))
    }
}
