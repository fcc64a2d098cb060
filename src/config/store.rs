//! Loading and saving config.ini on disk.
//!
//! Reading accepts what Windows Notepad writes (UTF-8 BOM, CRLF). Writing is atomic:
//! a temp file in the same folder, fsync, rename; a crash never leaves half a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ini::{EscapePolicy, Ini, LineSeparator, WriteOption};

use super::{Config, KEYS};

/// The config file of one data folder.
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

    /// Reads the raw document. BOM and CRLF are accepted.
    ///
    /// A backslash ending a line is kept as a character, as Python's configparser (which
    /// wrote the original files) does: rust-ini would read it as a line continuation and
    /// swallow the next key, so `download_folder = C:\Downloads\` followed by a newline lost
    /// the line after it (found by the `admin_form` fuzz target). A space after it stops
    /// the continuation and is trimmed with the value.
    pub fn read_ini(&self) -> Result<Ini> {
        let bytes =
            fs::read(&self.path).with_context(|| format!("lecture de {}", self.path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let text = text.replace("\\\n", "\\ \n");
        Ini::load_from_str_noescape(&text)
            .with_context(|| format!("{}: syntaxe INI invalide", self.path.display()))
    }

    /// Loads config.ini, creating it with the defaults when missing and adding missing
    /// sections (the original service did the same for `[auth]`). Invalid values are an
    /// error naming file, section and key: the service never runs on a silent fallback.
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

    /// Validates `ini` completely, then replaces the file atomically. Nothing is written
    /// when any value is invalid.
    pub fn save(&self, ini: &Ini) -> Result<Config> {
        let config = Config::from_ini(ini, &self.path.display().to_string())?;
        self.write_ini(ini)?;
        Ok(config)
    }

    fn write_ini(&self, ini: &Ini) -> Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)
            .with_context(|| format!("création du dossier {}", dir.display()))?;
        let mut buf = Vec::new();
        let opt = WriteOption {
            // Backslashes stay as typed: Windows paths such as C:\Users\Public\Downloads.
            escape_policy: EscapePolicy::Nothing,
            line_separator: if cfg!(windows) {
                LineSeparator::CRLF
            } else {
                LineSeparator::CR
            },
            kv_separator: " = ",
        };
        ini.write_to_opt(&mut buf, opt)
            .context("mise en forme de config.ini")?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            self.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("config.ini"),
            std::process::id()
        ));
        let result = (|| -> Result<()> {
            let mut f =
                fs::File::create(&tmp).with_context(|| format!("écriture de {}", tmp.display()))?;
            f.write_all(&buf)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &self.path)
                .with_context(|| format!("remplacement de {}", self.path.display()))?;
            Ok(())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// Adds the sections the service knows about and that the file lacks, with all their
/// keys at the defaults. Existing sections are left as they are: a key missing inside an
/// existing section simply takes its default (written only when the admin page saves).
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
