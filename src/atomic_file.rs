//! Replacing a file so that a crash, a full disk or a refused check never leaves half of
//! it: a temp file in the same folder, fsync, an optional check, rename. Behind
//! config.ini, the invoice journal and every secret file. Imports nothing of the crate.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The folder's usual permissions (config.ini, the journal).
    Shared,
    /// The service's account only (0600 on Unix; on Windows, the data folder's ACL).
    Private,
}

/// Why a replacement did not happen; the old file is untouched.
#[derive(Debug, thiserror::Error)]
pub enum AtomicWriteError<E: std::error::Error + 'static> {
    #[error("écriture de {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{0}")]
    Refused(E),
}

pub fn write(path: &Path, bytes: &[u8], access: Access) -> io::Result<()> {
    write_checked(path, bytes, access, |_| Ok::<(), io::Error>(())).map_err(|e| match e {
        AtomicWriteError::Io { source, .. } => source,
        AtomicWriteError::Refused(e) => e,
    })
}

/// Writes `bytes` to a temp file beside `path`, flushes it, and renames it over `path`
/// only when `check` (given its path) passes; else the temp file is removed.
pub fn write_checked<E: std::error::Error + 'static>(
    path: &Path,
    bytes: &[u8],
    access: Access,
    check: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), AtomicWriteError<E>> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let io_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| AtomicWriteError::Io { path: p, source }
    };
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if access == Access::Private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = access;
        let mut file = options.open(&tmp).map_err(io_err(&tmp))?;
        file.write_all(bytes).map_err(io_err(&tmp))?;
        file.sync_all().map_err(io_err(&tmp))?;
        drop(file);
        check(&tmp).map_err(AtomicWriteError::Refused)?;
        fs::rename(&tmp, path).map_err(io_err(path))?;
        // The rename is durable once the folder is flushed (Windows journals it itself).
        #[cfg(unix)]
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
