//! Unit tests of `invoices::check`.

use std::path::Path;

use cashdrawer::invoices::check::*;

#[test]
fn names() {
    let exts = vec![".pdf".to_string()];
    for ok in ["a.pdf", "Facture FAC-2026-001.PDF", "x (1).pdf"] {
        assert!(name_matches(Path::new(ok), &exts), "{ok}");
    }
    for no in [
        "a.pdf.crdownload",
        "a.pdf.part",
        "a.pdf.tmp",
        "a.download",
        ".pdf",
        ".~lock.a.pdf",
        "a.txt",
        "a.pdfx",
    ] {
        assert!(!name_matches(Path::new(no), &exts), "{no}");
    }
}

#[test]
fn contents() {
    assert_eq!(Content::of(b"%PDF-1.7\nxx\n%%EOF\n"), Content::CompletePdf);
    assert_eq!(Content::of(b"%PDF-1.7\nxx\n%%EOF"), Content::CompletePdf);
    assert_eq!(Content::of(b"%PDF-1.7\nxx\n%%EO"), Content::Truncated);
    assert_eq!(Content::of(b"<html>404</html>"), Content::NotPdf);
    assert_eq!(Content::of(b""), Content::Empty);
    let mut long = b"%PDF-1.4\n%%EOF\n".to_vec();
    long.extend(vec![b'x'; 5000]);
    assert_eq!(
        Content::of(&long),
        Content::Truncated,
        "an early %%EOF is not the end"
    );
}
