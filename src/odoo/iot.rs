//! The IoT box (`hw_proxy`) as stock Odoo POS uses it without the IoT app: JSON-RPC to
//! `<IoT box IP>/hw_proxy/...` (the field names a port, `localhost:22548`, or Odoo's
//! `deduceUrl` picks 8069 or 443), receipts as base64 JPEG pictures of the ticket.

use serde_json::{json, Value};
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use super::raster::Gray;
use crate::escpos::{PaperState, PrinterStatus};

/// What `/hw_proxy/default_printer_action` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Cashbox,
    PrintReceipt(String),
    Unknown(String),
}

impl Action {
    /// Reads `params.data` of the JSON-RPC call (`{"action": ..., "receipt": ...}`).
    pub fn from_params(params: &Value) -> Action {
        let data = params.get("data").unwrap_or(params);
        match data.get("action").and_then(Value::as_str).unwrap_or("") {
            "cashbox" | "open_cashbox" => Action::Cashbox,
            "print_receipt" => Action::PrintReceipt(
                data.get("receipt")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ),
            other => Action::Unknown(other.to_string()),
        }
    }
}

/// Why a receipt picture cannot be printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ticket illisible: {0}")]
pub struct ReceiptError(pub String);

/// Base64 JPEG (a `data:` URL prefix is accepted) → grey picture.
pub fn decode_receipt(receipt: &str) -> Result<Gray, ReceiptError> {
    let b64 = receipt
        .split_once(";base64,")
        .map_or(receipt, |(_, data)| data);
    let jpeg =
        super::b64::decode(b64).map_err(|e| ReceiptError(format!("base64 invalide: {e}")))?;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(4096)
        .set_max_height(32_768);
    let mut decoder = JpegDecoder::new_with_options(&jpeg, options);
    // zune-jpeg 0.4 panics on some malformed streams: a refused ticket, not a dead
    // service (release builds unwind for this reason, see Cargo.toml).
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decoder.decode()))
        .map_err(|_| ReceiptError("JPEG invalide: flux corrompu".into()))?;
    let pixels = decoded.map_err(|e| ReceiptError(format!("JPEG invalide: {e:?}")))?;
    let (width, height) = decoder
        .dimensions()
        .ok_or_else(|| ReceiptError("JPEG sans dimensions".into()))?;
    if pixels.len() != width * height {
        return Err(ReceiptError(format!(
            "JPEG {width}x{height}: {} octets décodés",
            pixels.len()
        )));
    }
    Ok(Gray {
        width,
        height,
        pixels,
    })
}

/// The job for a receipt picture, as the IoT box makes it: centred, dithered, cut.
pub fn receipt_job(picture: Gray, paper_width: usize) -> Vec<u8> {
    let mut job = vec![0x1b, b'@', 0x1b, b'a', 1];
    job.extend(picture.fit_width(paper_width).dither_to_escpos());
    job.extend_from_slice(&[0x1b, b'a', 0, 0x1d, b'V', 66, 0]);
    job
}

/// The `printer` entry of `/hw_proxy/status_json` (the POS warns unless `connected`).
pub fn printer_status(result: Result<Option<PrinterStatus>, String>) -> Value {
    let (status, message) = match &result {
        Ok(None) => ("connected", "Imprimante prête (état non lisible)"),
        Ok(Some(s)) => match problem(s) {
            None => ("connected", "Imprimante prête"),
            Some(p) => ("error", p),
        },
        Err(e) => ("disconnected", e.as_str()),
    };
    json!({"status": status, "messages": [message]})
}

fn problem(s: &PrinterStatus) -> Option<&'static str> {
    match (s.paper, s.cover_open, s.error, s.online) {
        (PaperState::Empty, ..) => Some("Plus de papier"),
        (_, true, ..) => Some("Capot ouvert"),
        (_, _, true, _) => Some("Erreur de l'imprimante"),
        (.., false) => Some("Imprimante hors ligne"),
        _ => None,
    }
}
