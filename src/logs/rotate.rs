//! The log files: `cashdrawer.log` for today, `cashdrawer.log.YYYY-MM-DD` for past days,
//! rotation and `[logs] retention_days`. Touches only files named the configured name,
//! optionally followed by `.` and a valid date: nothing else in the folder.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFiles {
    pub dir: PathBuf,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    pub name: String,
    /// The day of a rotated file; `None` for the current one.
    pub date: Option<NaiveDate>,
    pub path: PathBuf,
    pub size: u64,
}

impl LogFiles {
    pub fn new(dir: impl Into<PathBuf>, name: impl Into<String>) -> LogFiles {
        LogFiles {
            dir: dir.into(),
            name: name.into(),
        }
    }

    pub fn current(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    /// The rotated file of `date` (built from a date, never from caller text).
    pub fn dated(&self, date: NaiveDate) -> PathBuf {
        self.dir
            .join(format!("{}.{}", self.name, date.format("%Y-%m-%d")))
    }

    pub fn date_of(&self, file_name: &str) -> Option<NaiveDate> {
        let rest = file_name.strip_prefix(&self.name)?.strip_prefix('.')?;
        parse_day(rest)
    }

    /// The rotated files, oldest first.
    pub fn rotated(&self) -> io::Result<Vec<LogFile>> {
        let mut out = Vec::new();
        let Some(entries) = unless_missing(fs::read_dir(&self.dir))? else {
            return Ok(out);
        };
        for entry in entries {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let Some(date) = self.date_of(&name) else {
                continue;
            };
            let meta = entry.metadata()?;
            if meta.is_file() {
                out.push(LogFile {
                    name,
                    date: Some(date),
                    path: entry.path(),
                    size: meta.len(),
                });
            }
        }
        out.sort_by_key(|f| f.date);
        Ok(out)
    }

    /// Deletes the rotated files more than `days` days older than `today`.
    pub fn apply_retention(&self, today: NaiveDate, days: u32) -> io::Result<Vec<String>> {
        self.remove_rotated(|date| (today - date).num_days() > i64::from(days))
    }

    fn remove_rotated(&self, pick: impl Fn(NaiveDate) -> bool) -> io::Result<Vec<String>> {
        let mut deleted = Vec::new();
        for file in self.rotated()? {
            if pick(file.date.expect("rotated files have a date")) {
                fs::remove_file(&file.path)?;
                deleted.push(file.name);
            }
        }
        Ok(deleted)
    }

    /// Deletes every rotated file and empties the current one.
    pub fn purge(&self) -> io::Result<Vec<String>> {
        let deleted = self.remove_rotated(|_| true)?;
        if let Some(f) = unless_missing(OpenOptions::new().write(true).open(self.current()))? {
            f.set_len(0)?;
        }
        Ok(deleted)
    }

    /// The current file with its size (0 when not created yet).
    pub fn current_file(&self) -> io::Result<LogFile> {
        let path = self.current();
        let size = unless_missing(fs::metadata(&path))?.map_or(0, |m| m.len());
        Ok(LogFile {
            name: self.name.clone(),
            date: None,
            path,
            size,
        })
    }
}

/// `YYYY-MM-DD` exactly (ten characters, a real calendar day), nothing else.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The current file, opened for appending, and the day of its lines.
pub struct RotatingFile {
    files: LogFiles,
    /// `None` around a rename (Windows) or after a failed reopen, retried on the next line.
    file: Option<File>,
    day: NaiveDate,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Rotation {
    pub archived: Option<String>,
}

impl RotatingFile {
    /// A current file left from an earlier day is rotated first under its own date.
    pub fn open(files: LogFiles, today: NaiveDate) -> io::Result<(RotatingFile, Rotation)> {
        fs::create_dir_all(&files.dir)?;
        let current = files.current();
        let mut rotation = Rotation::default();
        if let Some(day) = day_of_existing(&current)?.filter(|day| *day < today) {
            rotation.archived = Some(archive(&files, day)?);
        }
        let file = RotatingFile {
            file: Some(open_append(&current)?),
            files,
            day: today,
        };
        Ok((file, rotation))
    }

    pub fn files(&self) -> &LogFiles {
        &self.files
    }

    /// Moves to `today` if the day changed: the current file becomes the dated one.
    pub fn roll_to(&mut self, today: NaiveDate) -> io::Result<Option<Rotation>> {
        if today <= self.day {
            return Ok(None);
        }
        if let Some(mut file) = self.file.take() {
            file.flush()?;
        }
        let current = self.files.current();
        let empty = fs::metadata(&current).map(|m| m.len() == 0).unwrap_or(true);
        let previous = std::mem::replace(&mut self.day, today);
        let archived = (!empty)
            .then(|| archive(&self.files, previous))
            .transpose()?;
        self.file = Some(open_append(&current)?);
        Ok(Some(Rotation { archived }))
    }

    /// Appends one line (newline included), rotating first for a later day.
    pub fn write_line(&mut self, day: NaiveDate, line: &[u8]) -> io::Result<Option<Rotation>> {
        let rotation = self.roll_to(day)?;
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(open_append(&self.files.current())?),
        };
        file.write_all(line)?;
        Ok(rotation)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().map_or(Ok(()), |f| f.flush())
    }
}

/// `Ok(None)` for a file or folder that is not there (before the first line).
pub(super) fn unless_missing<T>(result: io::Result<T>) -> io::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// The date of its first line, else its mtime's; `None` when absent or empty.
fn day_of_existing(path: &Path) -> io::Result<Option<NaiveDate>> {
    let Some(meta) = unless_missing(fs::metadata(path))?.filter(|m| m.len() > 0) else {
        return Ok(None);
    };
    let mut head = [0u8; 10];
    if File::open(path)?.read_exact(&mut head).is_ok() {
        if let Some(day) = std::str::from_utf8(&head).ok().and_then(parse_day) {
            return Ok(Some(day));
        }
    }
    let modified: chrono::DateTime<Local> = meta.modified()?.into();
    Ok(Some(modified.date_naive()))
}

/// To the dated file of `day`, appended to if it exists (a clock set back).
fn archive(files: &LogFiles, day: NaiveDate) -> io::Result<String> {
    let current = files.current();
    let dated = files.dated(day);
    if dated.exists() {
        let mut target = open_append(&dated)?;
        io::copy(&mut File::open(&current)?, &mut target)?;
        fs::remove_file(&current)?;
    } else {
        fs::rename(&current, &dated)?;
    }
    Ok(dated
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default())
}
