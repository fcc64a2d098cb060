//! The bottom layer: the values config.ini and the admin page are made of, their
//! parsers, and why a value is refused ([`ParseError`], told by [`Message::message`]).
//! Pure: no I/O, no clock, no globals. Must not import any other module of the crate.

mod drawer;
mod error;
mod invoice_route;
mod lang;
mod log_format;
mod net;
mod printer_name;
mod printer_target;
mod timeouts;
pub mod values;

pub use drawer::{DrawerCommand, OfflineKick, SensorOpenLevel, PRESETS};
pub use error::{choose, IppProblem, ParseError};
pub use invoice_route::{Fingerprint, IppUri};
pub(crate) use lang::told;
pub use lang::{Lang, Message, Text};
pub use log_format::LogFormat;
pub use net::{parse_cidr_list, IpNet};
pub use printer_name::{
    NameError, NamedEntryError, NamedPrinters, PrinterName, DEFAULT_LABEL, MAX_NAMED, NAME_MAX,
};
pub use printer_target::{PrinterTarget, TargetError};
pub use timeouts::Timeouts;
pub use values::{
    check_ini_text, parse_bool, parse_extensions, parse_list, parse_origins, AllowedOrigins,
};
