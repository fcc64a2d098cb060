//! `[logs] format`: how each log line is written (by `logs`). Imports only `domain`.

use std::str::FromStr;

use super::ParseError;

/// Text columns, or one JSON object per line for log shippers (Loki, Elastic, Graylog).
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
