//! `[logs] format`: how each log line is written. Writing it is `logs`'.
//!
//! Imports only `domain` itself.

use std::str::FromStr;

use super::ParseError;

/// `[logs] format`: the French-reading text columns (default, unchanged), or one JSON
/// object per line for log shippers (Loki, Elastic, Graylog) that should not have to
/// parse columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let options = [("text", LogFormat::Text), ("json", LogFormat::Json)];
        super::choose(s, &options, "text, json", "text, json")
    }
}
