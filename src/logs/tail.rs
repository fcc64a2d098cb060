//! The last lines of the log, read backwards from the end (a large file costs only what
//! is shown).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use tracing::Level;

/// At most this much of the file is read, whatever the filter.
const MAX_SCAN: u64 = 16 * 1024 * 1024;
const CHUNK: u64 = 64 * 1024;

/// The level of a text or JSON line, `None` for any other line.
pub fn level_of(line: &str) -> Option<Level> {
    if line.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        return value.get("level")?.as_str()?.parse().ok();
    }
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The last `count` lines of at least `min_level`, oldest first; none for a missing file.
pub fn tail(path: &Path, count: usize, min_level: Level) -> io::Result<Vec<String>> {
    let Some(mut file) = super::rotate::unless_missing(File::open(path))? else {
        return Ok(Vec::new());
    };
    let len = file.metadata()?.len();
    let mut end = len;
    let mut carry: Vec<u8> = Vec::new();
    let mut found: Vec<String> = Vec::new();
    while end > 0 && found.len() < count && len - end < MAX_SCAN {
        let start = end.saturating_sub(CHUNK);
        let mut chunk = vec![0u8; (end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&carry);
        // The first piece may continue in the previous chunk.
        let mut pieces: Vec<&[u8]> = chunk.split(|b| *b == b'\n').collect();
        if start > 0 {
            carry = pieces.remove(0).to_vec();
        }
        for piece in pieces.iter().rev() {
            if found.len() == count {
                break;
            }
            let text = String::from_utf8_lossy(piece);
            let text = text.trim_end_matches('\r');
            if !text.is_empty() && level_of(text).is_some_and(|l| l <= min_level) {
                found.push(text.to_string());
            }
        }
        end = start;
    }
    found.reverse();
    Ok(found)
}
