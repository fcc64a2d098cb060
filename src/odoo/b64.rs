//! Base64 as both Odoo protocols send pictures: standard alphabet, padded, possibly cut
//! into lines.

use base64::Engine as _;

/// Decodes `text`, whitespace ignored anywhere (as `split_whitespace` would drop it).
/// A receipt is hundreds of kilobytes of base64 and usually holds no whitespace at all:
/// then it is decoded where it lies, without a compacted copy.
pub fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let engine = &base64::engine::general_purpose::STANDARD;
    let ascii_space = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
    if !text.is_ascii() {
        // Rare (Unicode spaces, or garbage the decoder refuses anyway): the general way.
        let compact: String = text.split_whitespace().collect();
        return engine.decode(compact.as_bytes());
    }
    if !text.as_bytes().iter().any(ascii_space) {
        return engine.decode(text.as_bytes());
    }
    let compact: Vec<u8> = text.bytes().filter(|b| !ascii_space(b)).collect();
    engine.decode(&compact)
}
