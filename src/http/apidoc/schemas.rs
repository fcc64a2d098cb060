//! The JSON answers' shapes, for the document only: the handlers build their answers
//! with `json!`, as the original service did. `tests/openapi.rs` compares these
//! properties with the keys of real answers, so a changed answer fails a test.
#![allow(dead_code)]

use serde_json::Value;
use utoipa::ToSchema;

/// Every error answer (except the ePOS route's Epson XML and the admin forms' HTML).
#[derive(ToSchema)]
#[schema(example = json!({"status": "error", "message": "Accès refusé - Local uniquement"}))]
pub struct ErrorBody {
    /// Always `error`.
    pub status: String,
    /// In French: what was wrong and what is accepted.
    pub message: String,
}

/// A completed action.
#[derive(ToSchema)]
pub struct Done {
    /// Always `success`.
    pub status: String,
    pub message: String,
}

/// `GET /status`.
#[derive(ToSchema)]
#[schema(example = json!({"status": "running", "message": "Service actif", "remote_addr": "127.0.0.1", "scheme": "http", "version": "1.1.0", "uptime_s": 3600, "warnings": [], "printers": {"drawer": {"target": "TICKET", "kind": "system", "status_supported": false, "drawer": "unknown", "health": {"reachable": true, "status": null, "last_error": null, "last_ok_at": "2026-11-25T14:02:11+01:00", "last_error_at": null, "error_repeats": 0}}}}))]
pub struct ServiceStatus {
    /// Always `running`.
    pub status: String,
    /// `Service actif`.
    pub message: String,
    /// The caller's address as the service sees it.
    pub remote_addr: String,
    /// `http` or `https`.
    pub scheme: String,
    pub version: String,
    /// Seconds since start.
    pub uptime_s: u64,
    /// `drawer`: its `target`, `kind`, `status_supported`, `drawer` (open/closed/unknown,
    /// last known) and `health` (reachable, last status, last error and when);
    /// `named`: the printers of `[printers]` in the file's order, each with `name`,
    /// `epos_path` (`/<name>/cgi-bin/epos/service.cgi`), `target`, `kind`,
    /// `status_supported` and `health`; `invoice`: the invoice printer.
    #[schema(value_type = Object)]
    pub printers: Value,
    /// What the shop should fix, in French: today, a warning while `[server]
    /// allowed_origins = *` (any website in the till's browser can open the drawer).
    pub warnings: Vec<String>,
}

/// `GET /drawer`.
#[derive(ToSchema)]
#[schema(example = json!({"status": "success", "drawer": "closed", "printer": "tcp://192.168.1.50:9100", "printer_status": {"online": true, "cover_open": false, "paper": "ok", "drawer_pin3_high": false, "error": false}}))]
pub struct DrawerAnswer {
    /// `success`.
    pub status: String,
    /// `open`, `closed` or `unknown`.
    pub drawer: String,
    /// The drawer printer's target.
    pub printer: String,
    /// `online`, `cover_open`, `paper` (`ok`, `near_end`, `empty`), `drawer_pin3_high`,
    /// `error`; `null` when the transport cannot read the status.
    #[schema(value_type = Option<Object>)]
    pub printer_status: Option<Value>,
}

/// `GET /invoice-printer/status`.
#[derive(ToSchema)]
pub struct InvoicePrinterStatus {
    /// `running`.
    pub status: String,
    /// `enabled` or `disabled` (`[invoice_printer] autoprint`).
    pub autoprint: String,
    /// `[invoice_printer] name`.
    pub printer_name: String,
    pub download_folder: String,
    /// Seconds between safety rescans, as a string (as the original).
    pub scan_frequency: String,
    pub remote_addr: String,
    pub scheme: String,
    /// The folder watcher is running.
    pub watching: bool,
    /// The print routes that will be tried, in order.
    pub routes: Vec<String>,
    pub queue_length: u64,
    pub in_progress: u64,
    /// Invoices printed since start.
    pub printed: u64,
    /// The last printed file and when; `null` before the first.
    #[schema(value_type = Option<Object>)]
    pub last_printed: Option<Value>,
    /// `failed_files`, `failed_attempts`, `rejected_files`, `last_error`.
    #[schema(value_type = Object)]
    pub failures: Value,
    /// Whether the invoice printer was reachable at the last attempt; `null` before.
    #[schema(value_type = Option<Object>)]
    pub printer: Option<Value>,
}

/// `GET /invoice-printer/purge`.
#[derive(ToSchema)]
pub struct InvoicePurge {
    /// `success`.
    pub status: String,
    pub message: String,
    /// The deleted files, each with `file` and the reason.
    #[schema(value_type = Vec<Object>)]
    pub removed: Vec<Value>,
    /// The files kept (waiting or printing), each with `file` and the reason.
    #[schema(value_type = Vec<Object>)]
    pub kept: Vec<Value>,
}

/// One log file in `GET /logs/list`.
#[derive(ToSchema)]
pub struct LogFileEntry {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Bytes.
    pub size: u64,
    /// The file being written.
    pub current: bool,
}

/// `GET /logs/list`.
#[derive(ToSchema)]
pub struct LogList {
    /// `success`.
    pub status: String,
    pub files: Vec<LogFileEntry>,
}

/// `GET /logs/tail`.
#[derive(ToSchema)]
pub struct LogTail {
    /// `success`.
    pub status: String,
    pub lines: Vec<String>,
}

/// `GET|POST /logs/purge`.
#[derive(ToSchema)]
pub struct LogPurge {
    /// `success`.
    pub status: String,
    /// `Journaux purgés`.
    pub message: String,
    /// The rotated files deleted (the current one is emptied).
    pub deleted: Vec<String>,
}

/// Odoo's JSON-RPC call to the IoT box routes.
#[derive(ToSchema)]
#[schema(example = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"data": {"action": "cashbox"}}}))]
pub struct JsonRpcCall {
    pub jsonrpc: Option<String>,
    #[schema(value_type = Object)]
    pub id: Value,
    #[schema(value_type = Option<Object>)]
    pub params: Option<Value>,
}

/// The JSON-RPC answer of the IoT box routes.
#[derive(ToSchema)]
pub struct JsonRpcAnswer {
    /// `2.0`.
    pub jsonrpc: String,
    /// The call's `id`, echoed.
    #[schema(value_type = Object)]
    pub id: Value,
    /// `true`/`false`, or an object (`status_json`).
    #[schema(value_type = Object)]
    pub result: Value,
}
