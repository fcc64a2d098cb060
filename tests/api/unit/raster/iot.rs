//! Tests of src/odoo/iot.rs.

use base64::Engine as _;
use cashdrawer::odoo::iot::{decode_receipt, receipt_job, Action};
use cashdrawer::odoo::raster::Gray;
use serde_json::json;

#[test]
fn a_jpeg_that_panics_the_decoder_is_a_receipt_error() {
    let jpeg = include_bytes!("../../../fixtures/zune_jpeg_panic.jpg");
    let receipt = base64::engine::general_purpose::STANDARD.encode(jpeg);
    assert!(decode_receipt(&receipt).is_err());
}

#[test]
fn actions_from_odoo_params() {
    let print = json!({"data": {"action": "print_receipt", "receipt": "abc"}});
    assert_eq!(
        Action::from_params(&print),
        Action::PrintReceipt("abc".into())
    );
    assert_eq!(
        Action::from_params(&json!({"data": {"action": "cashbox"}})),
        Action::Cashbox
    );
    assert_eq!(
        Action::from_params(&json!({})),
        Action::Unknown(String::new())
    );
}

#[test]
fn bad_receipts_are_refused() {
    assert!(decode_receipt("%%%").is_err());
    assert!(decode_receipt("aGVsbG8=").is_err());
}

#[test]
fn receipt_job_frames_the_raster() {
    let g = Gray {
        width: 16,
        height: 1,
        pixels: vec![0; 16],
    };
    assert_eq!(
        receipt_job(g, 576),
        vec![
            0x1b, b'@', 0x1b, b'a', 1, 0x1d, b'v', b'0', 0, 2, 0, 1, 0, 0xff, 0xff, 0x1b, b'a', 0,
            0x1d, b'V', 66, 0
        ]
    );
}

/// Pins the bytes of a whole JPEG receipt (decode, scaling, dithering, bands), so a
/// faster implementation is proven byte-identical to the one it replaced.
#[test]
fn golden_digest_of_a_jpeg_receipt() {
    use sha2::{Digest, Sha256};
    let (w, h) = (640u16, 400u16);
    let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h))
        .map(|i| {
            let (x, y) = (i % usize::from(w), i / usize::from(w));
            match (y / 20) % 3 {
                0 if (x / 9) % 2 == 0 && y % 20 < 14 => 0,
                1 => (x % 256) as u8,
                _ => 255,
            }
        })
        .collect();
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 90)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Luma)
        .unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    let job = receipt_job(
        decode_receipt(&format!("data:image/jpeg;base64,{b64}")).unwrap(),
        576,
    );
    let digest: String = Sha256::digest(&job)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // The digest of the 1.1.0 code's job.
    assert_eq!(
        digest,
        "918dd489c7186bd43286d82753ec25893bb2a0576676756e5fcc9ba553846cee"
    );
}
