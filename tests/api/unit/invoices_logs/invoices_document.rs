//! Unit tests of `invoices::document`.

use sha2::{Digest, Sha256};

use cashdrawer::invoices::check::Content;
use cashdrawer::invoices::document::*;

#[test]
fn hashes_and_judges_without_reading_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend(vec![b'x'; 3 * CHUNK + 17]);
    bytes.extend_from_slice(b"\n%%EOF\n");
    std::fs::write(&path, &bytes).unwrap();
    let mut doc = Document::open(&path).unwrap();
    assert_eq!(doc.size, bytes.len() as u64);
    assert_eq!(doc.content().unwrap(), Content::CompletePdf);
    let expected: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(doc.sha256().unwrap(), expected);
    assert_eq!(sha256_file(&path).unwrap(), expected);
    // Appended after detection: the detected part keeps its hash.
    let mut more = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut more, b"more").unwrap();
    assert_eq!(doc.sha256().unwrap(), expected);
}

#[test]
fn short_files() {
    let dir = tempfile::tempdir().unwrap();
    for (bytes, verdict) in [
        (&b""[..], Content::Empty),
        (b"%PD", Content::NotPdf),
        (b"%PDF-", Content::Truncated),
        (b"%PDF-%%EOF", Content::CompletePdf),
    ] {
        let path = dir.path().join("s.pdf");
        std::fs::write(&path, bytes).unwrap();
        let mut doc = Document::open(&path).unwrap();
        assert_eq!(doc.content().unwrap(), verdict, "{bytes:?}");
        assert_eq!(Content::of(bytes), verdict, "{bytes:?}");
    }
}
