//! Stock Odoo POS, with no module to install: the two ways Odoo already knows to reach
//! local hardware, spoken to any ESC/POS printer.
//! - [`epos`]: an Epson ePOS-Print printer on the network (`pos_epson_printer`);
//! - [`iot`]: an IoT box's `hw_proxy` routes, as the POS uses them without the IoT app.
//!
//! Owns the translation from those protocols to ESC/POS jobs and back to their answers;
//! sends nothing (the HTTP routes send the jobs through the drawer printer's queue).
//! Layer 5: imports `escpos`, `printer` and `logs` values; never the service state, HTTP,
//! the app or the command line.

pub mod b64;
pub mod epos;
pub mod epos_answer;
pub mod iot;
pub mod raster;
pub mod text;
