//! ESC/POS, the byte language of receipt printers: the real-time status answers we read,
//! and a decoder of byte streams into readable events (virtual printer, logs, tests).
//!
//! A leaf beside `domain`: imports nothing of the crate.

mod decode;
mod status;

pub use decode::{Decoder, Event};
pub use status::{PaperState, PrinterStatus, StatusError, QUERIES};

/// `DLE EOT n`: real-time status query; the printer answers one byte.
pub const DLE_EOT: [u8; 2] = [0x10, 0x04];
