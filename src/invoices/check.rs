//! Is a file an invoice we may print? Name rules (extension, partial downloads) and
//! content rules (a whole PDF).

use std::path::Path;

/// Suffixes browsers give a download in progress; the final name appears by rename.
const PARTIAL_SUFFIXES: &[&str] = &[".crdownload", ".part", ".tmp", ".download", ".partial"];

/// How far from the end `%%EOF` may be: writers add a newline or a few bytes of padding.
pub(crate) const EOF_WINDOW: usize = 1024;
pub(crate) const HEAD: usize = 5;

/// One of `extensions` (without case, as Windows), not a partial download, not hidden.
pub fn name_matches(path: &Path, extensions: &[String]) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_lowercase();
    if lower.starts_with('.') || PARTIAL_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return false;
    }
    extensions
        .iter()
        .any(|ext| lower.ends_with(&ext.to_lowercase()) && lower.len() > ext.len())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    CompletePdf,
    /// Empty: Firefox creates the final file empty before the download starts.
    Empty,
    /// A PDF header without its end: still being written, or cut short.
    Truncated,
    /// Not a PDF (an HTML error page saved as .pdf).
    NotPdf,
}

impl Content {
    pub fn of(bytes: &[u8]) -> Content {
        let head = &bytes[..bytes.len().min(HEAD)];
        Content::of_parts(head, &bytes[bytes.len().saturating_sub(EOF_WINDOW)..])
    }

    /// The verdict from the first `HEAD` and last `EOF_WINDOW` bytes only.
    pub fn of_parts(head: &[u8], tail: &[u8]) -> Content {
        if head.is_empty() {
            Content::Empty
        } else if !head.starts_with(b"%PDF-") {
            Content::NotPdf
        } else if tail.windows(5).any(|w| w == b"%%EOF") {
            Content::CompletePdf
        } else {
            Content::Truncated
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Content::CompletePdf => "PDF complet",
            Content::Empty => "fichier vide",
            Content::Truncated => "PDF tronqué (pas de %%EOF à la fin)",
            Content::NotPdf => "pas un PDF (ne commence pas par %PDF-)",
        }
    }
}
