//! Unit tests of `invoices::transport`.

use std::path::Path;

use cashdrawer::invoices::transport::*;

/// The whole PJL job around `pdf` (what the socket route streams).
fn wrap_pjl(title: &str, pdf: &[u8]) -> Vec<u8> {
    [&pjl_head(title)[..], pdf, PJL_TAIL].concat()
}

#[test]
fn names_with_address() {
    assert_eq!(split_name("FACTURE"), ("FACTURE".into(), None));
    assert_eq!(
        split_name("FACTURE@192.168.1.50:9100"),
        ("FACTURE".into(), Some(("192.168.1.50".into(), Some(9100))))
    );
    assert_eq!(
        split_name("FACTURE@printer.lan"),
        ("FACTURE".into(), Some(("printer.lan".into(), None)))
    );
}

#[test]
fn splits_commands() {
    let args = command_args(
        r#""C:\Program Files\SumatraPDF\SumatraPDF.exe" -print-to "{printer}" -silent "{file}""#,
        Path::new("/tmp/a b.pdf"),
        "FACTURE",
    );
    assert_eq!(
        args,
        vec![
            r"C:\Program Files\SumatraPDF\SumatraPDF.exe",
            "-print-to",
            "FACTURE",
            "-silent",
            "/tmp/a b.pdf"
        ]
    );
}

#[test]
fn pjl_wraps_the_document() {
    let job = wrap_pjl("f\"1.pdf", b"%PDF-1.4 x %%EOF");
    let text = String::from_utf8_lossy(&job);
    assert!(text.starts_with("\x1b%-12345X@PJL\r\n@PJL JOB NAME=\"f1.pdf\""));
    assert!(text.contains("@PJL ENTER LANGUAGE=PDF\r\n%PDF-1.4 x %%EOF\x1b%-12345X@PJL EOJ"));
}
