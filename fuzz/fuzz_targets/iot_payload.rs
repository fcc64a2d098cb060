//! The IoT box JSON-RPC payloads (`/hw_proxy/default_printer_action`): the action read
//! from any JSON, and the receipt picture (base64 JPEG) decoded and turned into a job.
//! A first byte of 0 feeds the rest as the JPEG itself, so the decoder is reached often.
#![no_main]
use base64::Engine as _;
use cashdrawer::odoo::iot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // decode_receipt catches the JPEG decoder's own panics (a refused ticket, see
    // src/odoo/iot.rs); libFuzzer's hook would abort before that catch, so the default
    // hook is put back. A panic anywhere else still aborts the run (libfuzzer-sys).
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| drop(std::panic::take_hook()));
    let receipt = match data.split_first() {
        Some((0, jpeg)) => base64::engine::general_purpose::STANDARD.encode(jpeg),
        _ => {
            let Ok(payload) = serde_json::from_slice::<serde_json::Value>(data) else {
                return;
            };
            let params = payload.get("params").cloned().unwrap_or(payload);
            match iot::Action::from_params(&params) {
                iot::Action::PrintReceipt(r) => r,
                _ => return,
            }
        }
    };
    if let Ok(picture) = iot::decode_receipt(&receipt) {
        let job = iot::receipt_job(picture, 576);
        assert!(!job.is_empty());
    }
});
