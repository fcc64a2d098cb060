//! Loading and saving config.ini. Reading accepts what Notepad writes (BOM, CRLF);
//! writing is atomic and checked: the temp file is read back and compared with what was
//! meant before the rename.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ini::{EscapePolicy, Ini, LineSeparator, WriteOption};

use super::{Config, ConfigError, KEYS};
use crate::atomic_file::{self, Access, AtomicWriteError};

#[derive(Debug, Clone)]
pub struct ConfigStore {
    path: PathBuf,
}

/// What [`ConfigStore::load_or_create`] had to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadOutcome {
    Loaded,
    Created,
    /// Sections or keys were missing and were added with their defaults.
    Completed(Vec<String>),
}

impl ConfigStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        ConfigStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn read_ini(&self) -> Result<Ini> {
        let bytes =
            fs::read(&self.path).with_context(|| format!("lecture de {}", self.path.display()))?;
        parse_text(&bytes).with_context(|| format!("{}: syntaxe INI invalide", self.path.display()))
    }

    /// Loads config.ini, creating it or adding missing sections with the defaults. An
    /// invalid value is an error: the service never runs on a silent fallback.
    pub fn load_or_create(&self) -> Result<(Config, LoadOutcome)> {
        let (mut ini, mut outcome) = if self.path.exists() {
            (self.read_ini()?, LoadOutcome::Loaded)
        } else {
            (Ini::new(), LoadOutcome::Created)
        };
        let config = Config::from_ini(&ini, &self.path.display().to_string())?;
        let added = add_missing_sections(&mut ini);
        if outcome == LoadOutcome::Loaded && !added.is_empty() {
            outcome = LoadOutcome::Completed(added);
        }
        if outcome != LoadOutcome::Loaded {
            self.write_ini(&ini)?;
        }
        Ok((config, outcome))
    }

    /// Validates `ini` completely, then replaces the file atomically.
    pub fn save(&self, ini: &Ini) -> Result<Config> {
        Ok(self.save_checked(ini)?)
    }

    /// [`Self::save`] with the reason typed, for the admin page.
    pub fn save_checked(&self, ini: &Ini) -> Result<Config, SaveError> {
        let config = Config::from_ini(ini, &self.path.display().to_string())?;
        self.write_ini(ini)?;
        Ok(config)
    }

    /// Renames the temp file only when it reads back (as the next start will) as meant.
    fn write_ini(&self, ini: &Ini) -> Result<(), SaveError> {
        let mut buf = Vec::new();
        let opt = WriteOption {
            // Backslashes stay as typed: Windows paths such as C:\Users\Public\Downloads.
            escape_policy: EscapePolicy::Nothing,
            // CRLF on Windows, LF elsewhere.
            line_separator: LineSeparator::SystemDefault,
            kv_separator: " = ",
        };
        let io = |what| move |e| SaveError::Io(anyhow::Error::new(e).context(what));
        ini.write_to_opt(&mut buf, opt)
            .map_err(io("mise en forme de config.ini"))?;
        let check = |tmp: &Path| -> Result<(), SaveError> {
            let bytes = fs::read(tmp).map_err(io("relecture de config.ini"))?;
            let again = parse_text(&bytes).map_err(|e| SaveError::Unreadable(e.to_string()))?;
            first_difference(ini, &again).map_or(Ok(()), Err)
        };
        atomic_file::write_checked(&self.path, &buf, Access::Shared, check).map_err(|e| match e {
            AtomicWriteError::Refused(e) => e,
            io => SaveError::Io(anyhow::Error::new(io)),
        })
    }
}

/// Why config.ini was not replaced. The old file is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Invalid(#[from] ConfigError),
    /// A value would have changed another key or section.
    #[error("config.ini relu avant remplacement ne donne pas ce qui devait être écrit: [{section}] {key} (attendu {expected:?}, relu {found:?}); rien n'est enregistré")]
    Mismatch {
        section: String,
        key: String,
        expected: Option<String>,
        found: Option<String>,
    },
    #[error("config.ini relu avant remplacement est illisible ({0}); rien n'est enregistré")]
    Unreadable(String),
    #[error("{0:#}")]
    Io(anyhow::Error),
}

/// Parses config.ini's text as the service always reads it. A backslash ending a line
/// is a character, as in Python's configparser, not rust-ini's line continuation (which
/// swallowed the next key): a space after it stops that and is trimmed with the value.
pub(crate) fn parse_text(bytes: &[u8]) -> Result<Ini, ini::ParseError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = text.replace("\\\n", "\\ \n");
    Ini::load_from_str_noescape(&text)
}

/// The first key (in `meant`'s order, then any extra one in `read`) whose values differ.
fn first_difference(meant: &Ini, read: &Ini) -> Option<SaveError> {
    let (meant, read) = (entries(meant), entries(read));
    let (section, key, want, got) = meant
        .iter()
        .chain(&read)
        .map(|&(s, k, _)| (s, k, values(&meant, s, k), values(&read, s, k)))
        .find(|(_, _, want, got)| want != got)?;
    Some(SaveError::Mismatch {
        section: section.to_string(),
        key: key.to_string(),
        expected: want.first().map(|v| v.to_string()),
        found: got.first().map(|v| v.to_string()),
    })
}

type Entry<'a> = (&'a str, &'a str, &'a str);

/// Every (section, key, value), the general section named "".
fn entries(ini: &Ini) -> Vec<Entry<'_>> {
    ini.iter()
        .flat_map(|(s, props)| props.iter().map(move |(k, v)| (s.unwrap_or(""), k, v)))
        .collect()
}

fn values<'a>(list: &[Entry<'a>], section: &str, key: &str) -> Vec<&'a str> {
    let found = list.iter().filter(|(s, k, _)| *s == section && *k == key);
    found.map(|(_, _, v)| *v).collect()
}

/// Adds the known sections the file lacks, with their defaults. A key missing inside an
/// existing section takes its default without being written.
fn add_missing_sections(ini: &mut Ini) -> Vec<String> {
    let mut added = Vec::new();
    for spec in KEYS {
        let section_missing = ini.section(Some(spec.section)).is_none();
        if section_missing || added.iter().any(|s| s == spec.section) {
            if section_missing {
                added.push(spec.section.to_string());
            }
            ini.with_section(Some(spec.section))
                .set(spec.key, (spec.default)());
        }
    }
    added
}
