//! One [`Printer`] per target, shared by every feature that uses it (drawer kicks,
//! receipts, status), so that their jobs queue instead of interleaving.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{transport_for, Printer, PrinterTarget, Timeouts};

#[derive(Default)]
pub struct PrinterPool {
    printers: Mutex<HashMap<(PrinterTarget, TimeoutsKey), Arc<Printer>>>,
}

type TimeoutsKey = (u128, u128);

impl PrinterPool {
    pub fn new() -> PrinterPool {
        PrinterPool::default()
    }

    /// The printer for `target`, created on first use.
    pub fn get(&self, target: &PrinterTarget, timeouts: Timeouts) -> Arc<Printer> {
        let key = (
            target.clone(),
            (timeouts.connect.as_millis(), timeouts.write.as_millis()),
        );
        let mut map = self.printers.lock().expect("printer pool lock");
        // A changed timeout makes a new Printer; drop the old one for the same target so
        // the pool does not grow with every config save.
        map.retain(|(t, k), _| t != target || *k == key.1);
        let printer = || {
            Arc::new(Printer::new(
                target.clone(),
                transport_for(target),
                timeouts,
            ))
        };
        map.entry(key).or_insert_with(printer).clone()
    }
}
