//! Unit tests of `invoices::test_page`.

use cashdrawer::invoices::test_page::*;

#[test]
fn test_page_is_a_complete_pdf_with_a_valid_xref() {
    let pdf = test_pdf(&["Test (odoo-pos-cashdrawer)", "été"]);
    let text = String::from_utf8(pdf.clone()).unwrap();
    assert!(text.starts_with("%PDF-1.4\n"));
    assert!(text.ends_with("%%EOF\n"));
    assert!(text.contains("(Test ?odoo-pos-cashdrawer?) Tj"));
    // Every xref entry points at its "N 0 obj".
    let xref_at: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(text[xref_at..].starts_with("xref\n"));
    for (i, line) in text[xref_at..].lines().skip(3).take(5).enumerate() {
        let off: usize = line[..10].parse().unwrap();
        assert!(
            text[off..].starts_with(&format!("{} 0 obj", i + 1)),
            "object {}",
            i + 1
        );
    }
    assert_eq!(
        cashdrawer::invoices::check::Content::of(&pdf),
        cashdrawer::invoices::check::Content::CompletePdf
    );
}
