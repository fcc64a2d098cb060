//! The completeness check of a downloaded invoice (`%PDF-` ... `%%EOF`) and the name
//! rules: never panic, and the verdict agrees with the definition.
#![no_main]
use cashdrawer::invoices::check::{name_matches, Content};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verdict = Content::of(data);
    let _ = verdict.describe();
    match verdict {
        Content::Empty => assert!(data.is_empty()),
        Content::NotPdf => assert!(!data.starts_with(b"%PDF-")),
        Content::CompletePdf => assert!(data.starts_with(b"%PDF-") && data.windows(5).any(|w| w == b"%%EOF")),
        Content::Truncated => assert!(data.starts_with(b"%PDF-")),
    }
    let name = String::from_utf8_lossy(&data[..data.len().min(64)]);
    let _ = name_matches(std::path::Path::new(name.as_ref()), &[".pdf".to_string(), String::new()]);
});
