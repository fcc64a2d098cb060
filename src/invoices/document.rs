//! An invoice read in bounded pieces, never whole: its verdict from its first and last
//! bytes, its SHA-256 through a fixed buffer, the transports fed from the open handle.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::check::{Content, EOF_WINDOW, HEAD};

pub const CHUNK: usize = 64 * 1024;

/// Hex SHA-256 of what `reader` yields, and its length.
pub(crate) fn sha256_of(reader: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut reader = io::BufReader::with_capacity(CHUNK, reader);
    let total = io::copy(&mut reader, &mut hasher)?;
    Ok((format!("{:x}", hasher.finalize()), total))
}

pub fn sha256_file(path: &Path) -> io::Result<String> {
    sha256_of(File::open(path)?).map(|(hex, _)| hex)
}

/// Every look and send goes through this handle: a file replaced meanwhile cannot slip in.
pub struct Document {
    file: File,
    pub size: u64,
}

impl Document {
    pub fn open(path: &Path) -> io::Result<Document> {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        Ok(Document { file, size })
    }

    pub fn content(&mut self) -> io::Result<Content> {
        let mut head = vec![0u8; HEAD.min(self.size as usize)];
        self.file.seek(SeekFrom::Start(0))?;
        self.file.read_exact(&mut head)?;
        let tail_len = (EOF_WINDOW as u64).min(self.size);
        let mut tail = vec![0u8; tail_len as usize];
        self.file.seek(SeekFrom::Start(self.size - tail_len))?;
        self.file.read_exact(&mut tail)?;
        Ok(Content::of_parts(&head, &tail))
    }

    /// Hex SHA-256 of the first `size` bytes (bytes appended since detection do not count).
    pub fn sha256(&mut self) -> io::Result<String> {
        self.file.seek(SeekFrom::Start(0))?;
        let (hex, read) = sha256_of((&self.file).take(self.size))?;
        if read != self.size {
            let why = format!("{read} octets lus sur {}", self.size);
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, why));
        }
        Ok(hex)
    }

    /// An async reader of the whole document, for one send; the error is the send's.
    pub fn reader(&self) -> Result<tokio::io::Take<tokio::fs::File>, String> {
        use tokio::io::AsyncReadExt;
        let failed = |e: io::Error| format!("lecture de la facture: {e}");
        let mut file = self.file.try_clone().map_err(failed)?;
        file.seek(SeekFrom::Start(0)).map_err(failed)?;
        Ok(tokio::fs::File::from_std(file).take(self.size))
    }
}
