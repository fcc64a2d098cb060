//! Named printers (`[printers]`): the kitchen and bar printers of Odoo's restaurants,
//! each at its own ePOS address (`/<name>/cgi-bin/epos/...`). A name is a URL segment, a
//! log field and an INI key: hence a strict charset and a bounded count.
//! Imports only `domain` itself.

use std::fmt;

use super::lang::{told, Lang, Message};
use super::{ParseError, PrinterTarget};

/// At most this many named printers.
pub const MAX_NAMED: usize = 16;
pub const NAME_MAX: usize = 32;
/// The log label of `[printer] name`, refused as a name so that it means that one only.
pub const DEFAULT_LABEL: &str = "default";

const ACCEPTED_NAME: [&str; 2] = [
    "nom de 1 à 32 caractères parmi a-z, 0-9, _ et - (minuscules, commençant par une \
     lettre ou un chiffre), autre que default; par exemple kitchen = tcp://192.168.1.60:9100",
    "name of 1 to 32 characters among a-z, 0-9, _ and - (lower-case, starting with a \
     letter or a digit), other than default; for example kitchen = tcp://192.168.1.60:9100",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::Fr))]
pub enum NameError {
    Charset,
    Default,
    Taken,
    TooMany,
}

#[rustfmt::skip]
impl Message for NameError {
    fn message(&self, lang: Lang) -> String {
        let accepted = lang.pick(ACCEPTED_NAME);
        match self {
            NameError::Charset => accepted.to_string(),
            NameError::Default => told! {lang,
                "default désigne déjà l'imprimante [printer] name; accepté: {accepted}",
                "default already means the [printer] name printer; accepted: {accepted}"},
            NameError::Taken => told! {lang,
                "nom déjà utilisé plus haut dans [printers]; chaque nom une seule fois ({accepted})",
                "name already used above in [printers]; each name only once ({accepted})"},
            NameError::TooMany => told! {lang,
                "au plus {MAX_NAMED} imprimantes nommées dans [printers]",
                "at most {MAX_NAMED} named printers in [printers]"},
        }
    }
}

/// A printer's name, as in `[printers] kitchen = ...`: `[a-z0-9][a-z0-9_-]{0,31}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrinterName(String);

impl PrinterName {
    pub fn parse(text: &str) -> Result<PrinterName, NameError> {
        let first_ok = text.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !first_ok || !rest_ok || text.len() > NAME_MAX {
            return Err(NameError::Charset);
        }
        if text == DEFAULT_LABEL {
            return Err(NameError::Default);
        }
        Ok(PrinterName(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PrinterName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A refused `[printers]` entry: the key as written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEntryError {
    pub key: String,
    pub value: String,
    pub reason: ParseError,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamedPrinters(Vec<(PrinterName, PrinterTarget)>);

impl NamedPrinters {
    /// Parses `name = target` entries; the first bad entry is the error.
    pub fn parse<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<NamedPrinters, NamedEntryError> {
        let mut list: Vec<(PrinterName, PrinterTarget)> = Vec::new();
        for (key, value) in entries {
            let (key, value) = (key.trim(), value.trim());
            let refuse = |reason: ParseError| NamedEntryError {
                key: key.to_string(),
                value: value.to_string(),
                reason,
            };
            let name = PrinterName::parse(key).map_err(|e| refuse(e.into()))?;
            if list.iter().any(|(n, _)| *n == name) {
                return Err(refuse(NameError::Taken.into()));
            }
            if list.len() == MAX_NAMED {
                return Err(refuse(NameError::TooMany.into()));
            }
            let target = PrinterTarget::parse(value).map_err(|e| refuse(e.into()))?;
            list.push((name, target));
        }
        Ok(NamedPrinters(list))
    }

    pub fn get(&self, name: &str) -> Option<&PrinterTarget> {
        self.iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, t)| t)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&PrinterName, &PrinterTarget)> {
        self.0.iter().map(|(n, t)| (n, t))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, comma-separated, for error messages ("aucune" when there are none).
    pub fn names_text(&self) -> String {
        if self.0.is_empty() {
            return "aucune".to_string();
        }
        let names: Vec<_> = self.iter().map(|(n, _)| n.as_str()).collect();
        names.join(", ")
    }
}
