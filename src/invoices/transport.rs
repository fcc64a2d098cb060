//! How an invoice reaches the printer, in the order tried: a direct socket (`printer_ip`
//! or `name@ip:port`, raw PDF, optionally in PJL); IPP (`ipp_uri`, TLS for `ipps://`);
//! the system (CUPS `lp`; on Windows WinRT `Windows.Data.Pdf`, else the PDF reader's
//! `printto` verb); an external `command` (e.g. SumatraPDF `-print-to`).

use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::document::Document;
use super::ipp;
use crate::config::InvoicePrinterConfig;
use crate::domain::{Fingerprint, IppUri};

/// `Ipp(uri, pin)`: `pin` is `ipps_fingerprint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Socket { host: String, port: u16, pjl: bool },
    Ipp(IppUri, Option<Fingerprint>),
    System { name: String },
    Command { template: String, printer: String },
}

impl std::fmt::Display for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Route::Socket { host, port, pjl } => {
                let pjl = if *pjl { " (PJL)" } else { "" };
                write!(f, "socket {host}:{port}{pjl}")
            }
            Route::Ipp(u, _) => write!(f, "ipp {}", u.uri),
            Route::System { name } => write!(f, "système {name}"),
            Route::Command { .. } => write!(f, "commande externe"),
        }
    }
}

/// `FACTURE`, or `FACTURE@192.168.1.50:9100` for a printer reached directly.
pub fn split_name(name: &str) -> (String, Option<(String, Option<u16>)>) {
    match name.split_once('@') {
        None => (name.trim().to_string(), None),
        Some((queue, addr)) => {
            let addr = addr.trim();
            let direct = match addr.rsplit_once(':').map(|(h, p)| (h, p.parse::<u16>())) {
                Some((h, Ok(port))) => (h.to_string(), Some(port)),
                _ => (addr.to_string(), None),
            };
            (queue.trim().to_string(), Some(direct))
        }
    }
}

pub fn routes(config: &InvoicePrinterConfig) -> Vec<Route> {
    let (queue, direct) = split_name(&config.name);
    let mut out = Vec::new();
    let socket = if !config.printer_ip.is_empty() {
        Some((config.printer_ip.clone(), config.printer_port))
    } else {
        direct
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, p)| (h, p.unwrap_or(config.printer_port)))
    };
    if let Some((host, port)) = socket {
        out.push(Route::Socket {
            host,
            port,
            pjl: config.pjl,
        });
    }
    if let Some(uri) = &config.ipp_uri {
        out.push(Route::Ipp(uri.clone(), config.ipps_fingerprint));
    }
    if !queue.is_empty() && cfg!(any(unix, windows)) {
        let name = queue.clone();
        out.push(Route::System { name });
    }
    if !config.command.is_empty() {
        out.push(Route::Command {
            template: config.command.clone(),
            printer: queue,
        });
    }
    out
}

/// `Ok` when the printer (or the system queue) took the whole document.
pub(crate) async fn send(
    route: &Route,
    path: &Path,
    doc: &Document,
    timeout: Duration,
) -> Result<(), String> {
    let title = super::file_name(path);
    match route {
        Route::Socket { host, port, pjl } => {
            let head = if *pjl { pjl_head(&title) } else { Vec::new() };
            let tail: &[u8] = if *pjl { PJL_TAIL } else { &[] };
            let body = doc.reader()?;
            let job = head.chain(body).chain(tail);
            tokio::time::timeout(timeout, send_socket(host, *port, job, timeout / 2))
                .await
                .map_err(|_| format!("délai de {} s dépassé", timeout.as_secs()))?
        }
        Route::Ipp(uri, pin) => ipp::print(uri, *pin, &title, doc, timeout).await,
        Route::System { name } => system_print(name, path, &title, timeout).await,
        Route::Command { template, printer } => {
            run(command_args(template, path, printer), timeout).await
        }
    }
}

/// Sends, closes our side, then waits for the printer to close its side, as CUPS does;
/// still open after `eof_wait`, it is taken as printed (TCP acknowledged every byte).
async fn send_socket(
    host: &str,
    port: u16,
    mut job: impl AsyncRead + Unpin,
    eof_wait: Duration,
) -> Result<(), String> {
    let mut stream = connect_small_buffer(host, port)
        .await
        .map_err(|e| format!("connexion à {host}:{port} impossible: {e}"))?;
    tokio::io::copy(&mut job, &mut stream)
        .await
        .map_err(|e| format!("envoi à {host}:{port} interrompu: {e}"))?;
    stream
        .shutdown()
        .await
        .map_err(|e| format!("fin d'envoi à {host}:{port}: {e}"))?;
    let mut sink = tokio::io::sink();
    match tokio::time::timeout(eof_wait, tokio::io::copy(&mut stream, &mut sink)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!(
            "connexion coupée par {host}:{port} après l'envoi: {e}"
        )),
        Err(_) => {
            op!(warn, "invoice.print", "ok";
                "{host}:{port} garde la connexion ouverte après le travail; considéré comme imprimé");
            Ok(())
        }
    }
}

/// Kept small: what the kernel holds still reaches the printer if the service dies.
const SEND_BUFFER: u32 = 32 * 1024;

async fn connect_small_buffer(host: &str, port: u16) -> std::io::Result<TcpStream> {
    let mut last = None;
    for addr in tokio::net::lookup_host((host, port)).await? {
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_send_buffer_size(SEND_BUFFER)?;
        match socket.connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "adresse introuvable")
    }))
}

/// What precedes the PDF in a PJL job (`ENTER LANGUAGE=PDF`, after a UEL reset).
pub fn pjl_head(title: &str) -> Vec<u8> {
    let safe: String = title
        .chars()
        .filter(|c| (c.is_ascii_graphic() || *c == ' ') && *c != '"')
        .take(80)
        .collect();
    format!("\x1b%-12345X@PJL\r\n@PJL JOB NAME=\"{safe}\"\r\n@PJL ENTER LANGUAGE=PDF\r\n")
        .into_bytes()
}

pub const PJL_TAIL: &[u8] = b"\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X";

#[cfg(unix)]
async fn system_print(
    name: &str,
    path: &Path,
    title: &str,
    timeout: Duration,
) -> Result<(), String> {
    let path = path.display().to_string();
    let args = ["lp", "-d", name, "-t", title, "--", &path].map(String::from);
    run(args.to_vec(), timeout).await
}

#[cfg(windows)]
async fn system_print(
    name: &str,
    path: &Path,
    _title: &str,
    timeout: Duration,
) -> Result<(), String> {
    let (name, path) = (name.to_string(), path.to_path_buf());
    let task = tokio::task::spawn_blocking(move || {
        use crate::platform::windows::{pdf_render, shell_print};
        pdf_render::print(&path, &name).or_else(|rendering| {
            shell_print::print_to(&path, &name)
                .map_err(|shell| format!("Windows.Data.Pdf: {rendering}; printto: {shell}"))
        })
    });
    tokio::time::timeout(timeout, task)
        .await
        .map_err(|_| "délai dépassé".to_string())?
        .map_err(|e| e.to_string())?
}

#[cfg(not(any(unix, windows)))]
async fn system_print(_: &str, _: &Path, _: &str, _: Duration) -> Result<(), String> {
    Err("pas d'impression système sur cette plate-forme".into())
}

/// Splits on spaces, honouring double quotes; `{file}`, `{printer}` replaced. No shell.
pub fn command_args(template: &str, file: &Path, printer: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut has = false;
    for c in template.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                has = true;
            }
            c if c.is_whitespace() && !quoted => {
                if has {
                    args.push(std::mem::take(&mut current));
                    has = false;
                }
            }
            c => {
                current.push(c);
                has = true;
            }
        }
    }
    if has {
        args.push(current);
    }
    let file = file.display().to_string();
    args.into_iter()
        .map(|a| a.replace("{file}", &file).replace("{printer}", printer))
        .collect()
}

async fn run(args: Vec<String>, timeout: Duration) -> Result<(), String> {
    let Some((program, rest)) = args.split_first() else {
        return Err("commande vide".into());
    };
    let child = tokio::process::Command::new(program)
        .args(rest)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{program} introuvable ou non exécutable: {e}"))?;
    let out = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| format!("{program}: délai de {} s dépassé", timeout.as_secs()))?
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let (status, err) = (out.status, String::from_utf8_lossy(&out.stderr));
    Err(format!("{program} a échoué ({status}): {}", err.trim()))
}
