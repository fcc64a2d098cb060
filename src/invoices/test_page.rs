//! A one-page test invoice for the admin page's "test print", dropped into the watched
//! folder like a download: the test goes through detection, journal and printer.

use std::path::{Path, PathBuf};

/// A minimal valid PDF (one A4 page, Helvetica) with a correct xref, for strict printers.
pub fn test_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 14 Tf 72 770 Td 18 TL\n");
    for line in lines {
        let safe: String = line
            .replace(['(', ')', '\\'], "?")
            .chars()
            .map(|c| if c.is_ascii() { c } else { '?' })
            .collect();
        content.push_str(&format!("({safe}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let (xref, count) = (pdf.len(), objects.len() + 1);
    pdf.extend_from_slice(format!("xref\n0 {count}\n0000000000 65535 f \n").as_bytes());
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

/// Written under a temporary name, then renamed: the watcher sees it whole. Returns the path.
pub fn drop_into(folder: &Path, pdf: &[u8]) -> std::io::Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%3f");
    let name = format!("test-impression-{stamp}.pdf");
    let tmp = folder.join(format!(".{name}.part"));
    std::fs::write(&tmp, pdf)?;
    let path = folder.join(name);
    std::fs::rename(&tmp, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(path)
}
