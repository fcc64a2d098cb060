//! Monitoring many tills (issue 16) with the real thing. `/metrics`: the real binary, a real TCP printer peer,
//! Debian's `promtool` on the output, and Debian's `prometheus` scraping the service
//! every second and answering PromQL over its HTTP API. The monitoring files shipped in
//! `packaging/monitoring/` are checked by the same tools. `[logs] format = json` is
//! checked on the real binary's file and stderr.
//!
//! Needs `prometheus` (which brings `promtool`): `scripts/install-deps.sh` installs it.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::binary::Binary;
use crate::helpers::ini;
use crate::helpers::odoo::{odoo_envelope, EPOS};
use crate::helpers::peer::{Behaviour, PrinterPeer};
use serde_json::Value;

const TOKEN: &str = "till-metrics-0123456789";
const MONITORING: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/packaging/monitoring");

fn start(dir: &Path, settings: &[(&str, &str, &str)]) -> Binary {
    std::fs::write(dir.join("config.ini"), ini(settings)).unwrap();
    Binary::start(dir, &[])
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Runs `promtool` with `args`, feeding `stdin`; (success, stdout + stderr).
fn promtool(args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (apt-get install prometheus)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A real Prometheus server scraping one service every second; killed when dropped.
struct Prometheus {
    child: Child,
    api: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Prometheus {
    fn scraping(target: SocketAddr, token: Option<&str>) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let auth = token
            .map(|t| format!("    authorization:\n      credentials: {t}\n"))
            .unwrap_or_default();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: cashdrawer\n{auth}    static_configs:\n      - targets: ['{target}']\n"
        );
        let config_path = dir.path().join("prometheus.yml");
        std::fs::write(&config_path, config).unwrap();
        let api = free_port();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={api}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus (apt-get install prometheus)");
        Prometheus {
            child,
            api,
            _dir: dir,
        }
    }

    /// `/api/v1/query` answer (the whole JSON).
    async fn query(&self, promql: &str) -> Value {
        let url = format!("http://{}/api/v1/query", self.api);
        match client().get(url).query(&[("query", promql)]).send().await {
            Ok(res) => res.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    /// The single value of an instant query, once Prometheus has one.
    async fn wait_value(&self, promql: &str, expected: f64) -> f64 {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = Value::Null;
        loop {
            last = match self.query(promql).await {
                Value::Null => last,
                answer => answer,
            };
            let value = last["data"]["result"][0]["value"][1]
                .as_str()
                .and_then(|v| v.parse::<f64>().ok());
            if value == Some(expected) {
                return expected;
            }
            assert!(
                Instant::now() < deadline,
                "{promql}: expected {expected}, Prometheus answers {last}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

async fn kick_and_print(svc: &Binary, peer: &PrinterPeer) {
    let http = client();
    let res = http.get(svc.url("/open-cash-drawer")).send().await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let body = odoo_envelope("<text>Merci</text><feed line=\"3\"/><cut type=\"feed\"/>");
    let answer = http
        .post(svc.url(EPOS))
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answer.contains("success=\"true\""), "{answer}");
    peer.wait_jobs(2, Duration::from_secs(5));
}

async fn scrape(svc: &Binary, auth: Option<&str>) -> (u16, String, String) {
    let mut req = client().get(svc.url("/metrics"));
    if let Some(a) = auth {
        req = req.header("Authorization", a);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ctype, res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kick_and_a_receipt_pass_promtool_and_prometheus_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    let svc = start(dir.path(), &[("printer", "name", &peer.target())]);
    kick_and_print(&svc, &peer).await;

    let (status, ctype, text) = scrape(&svc, None).await;
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    let (ok, lint) = promtool(&["check", "metrics"], &text);
    assert!(ok, "promtool check metrics: {lint}\n{text}");
    let printer = peer.target();
    for line in [
        "cashdrawer_drawer_kicks_total{route=\"module\",outcome=\"ok\"} 1".to_string(),
        format!("cashdrawer_print_jobs_total{{printer=\"{printer}\",outcome=\"ok\"}} 1"),
        format!("cashdrawer_printer_reachable{{role=\"drawer\",printer=\"{printer}\"}} 1"),
        format!(
            "cashdrawer_printer_condition{{role=\"drawer\",printer=\"{printer}\",condition=\"paper_out\"}} 0"
        ),
        "cashdrawer_invoice_queue_length 0".to_string(),
        "cashdrawer_log_write_failures_total 0".to_string(),
        format!("cashdrawer_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION")),
        "process_open_fds ".to_string(),
        "process_resident_memory_bytes ".to_string(),
        "process_start_time_seconds ".to_string(),
        // The generated self-signed certificate (HTTPS on the same port).
        "cashdrawer_tls_certificate_expiry_timestamp_seconds ".to_string(),
    ] {
        assert!(text.contains(&line), "no {line:?} in\n{text}");
    }

    // Prometheus asks for OpenMetrics: that exposition is the one it parses here.
    let prom = Prometheus::scraping(svc.addr, None);
    prom.wait_value("up{job=\"cashdrawer\"}", 1.0).await;
    prom.wait_value(
        "sum(cashdrawer_drawer_kicks_total{route=\"module\",outcome=\"ok\"})",
        1.0,
    )
    .await;
    prom.wait_value("sum(cashdrawer_print_jobs_total{outcome=\"ok\"})", 1.0)
        .await;
    // A second kick, seen by the next scrapes.
    let res = client()
        .get(svc.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    prom.wait_value("sum(cashdrawer_drawer_kicks_total{outcome=\"ok\"})", 2.0)
        .await;
    prom.wait_value(
        "sum(cashdrawer_drawer_kick_duration_seconds_count{route=\"module\"})",
        2.0,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_kick_is_counted_under_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    peer.status.lock().unwrap().paper = cashdrawer::escpos::PaperState::Empty;
    // `refuse`: the kick fails with the printer's cause (with the default `realtime`
    // the drawer opens by the real-time pulse and the kick is a success).
    let svc = start(
        dir.path(),
        &[
            ("printer", "name", &peer.target()),
            ("cashdrawer", "offline_kick", "refuse"),
        ],
    );
    let res = client()
        .get(svc.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let (_, _, text) = scrape(&svc, None).await;
    let printer = peer.target();
    for line in [
        "cashdrawer_drawer_kicks_total{route=\"module\",outcome=\"offline\"} 1".to_string(),
        format!(
            "cashdrawer_printer_condition{{role=\"drawer\",printer=\"{printer}\",condition=\"paper_out\"}} 1"
        ),
    ] {
        assert!(text.contains(&line), "no {line:?} in\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_required_when_set() {
    let dir = tempfile::tempdir().unwrap();
    let svc = start(dir.path(), &[("metrics", "token", TOKEN)]);
    for auth in [None, Some("Bearer wrong-token-0123456789"), Some(TOKEN)] {
        let (status, _, body) = scrape(&svc, auth).await;
        assert_eq!(status, 401, "{auth:?}: {body}");
        let json: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "error");
        let message = json["message"].as_str().unwrap();
        assert!(
            message.contains("Authorization: Bearer") && message.contains("[metrics] token"),
            "{message}"
        );
        assert!(!body.contains(TOKEN), "the token is never echoed");
    }
    svc.wait_log("métriques refusées");
    let (status, _, body) = scrape(&svc, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("cashdrawer_build_info"), "{body}");
    assert!(!svc.log().contains(TOKEN), "the token is never logged");

    // Prometheus with the token in its scrape config.
    let prom = Prometheus::scraping(svc.addr, Some(TOKEN));
    prom.wait_value("up{job=\"cashdrawer\"}", 1.0).await;
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn a_caller_outside_allowed_networks_is_refused() {
    let Some(ns) = crate::helpers::netns::Namespace::create(3) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.ini"),
        ini(&[("server", "allowed_networks", "192.0.2.0/24")]),
    )
    .unwrap();
    let svc = Binary::start_on(dir.path(), "0.0.0.0", &[]);
    let to = SocketAddr::new(ns.host_ip.into(), svc.addr.port());
    let request = format!("GET /metrics HTTP/1.1\r\nHost: {to}\r\nConnection: close\r\n\r\n");
    let (status, _, body) = tokio::task::block_in_place(|| ns.raw(to, request.into_bytes()));
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("allowed_networks"), "{body}");
    assert!(!body.contains("cashdrawer_"), "{body}");
    // Loopback is always allowed.
    let (status, _, _) = scrape(&svc, None).await;
    assert_eq!(status, 200);
}

/// The alert rules and the scrape config example are what promtool accepts.
#[test]
fn shipped_rules_and_scrape_config_pass_promtool() {
    let rules = format!("{MONITORING}/alerts.yml");
    let (ok, out) = promtool(&["check", "rules", &rules], "");
    assert!(ok, "{out}");
    // The example names its file_sd file relatively; promtool checks it too.
    let config = format!("{MONITORING}/prometheus.yml");
    let (ok, out) = promtool(&["check", "config", &config], "");
    assert!(ok, "{out}");
}

/// The alert rules, evaluated by promtool's rule unit tester on synthetic series.
#[test]
fn shipped_alerts_fire_on_the_situations_they_name() {
    let tests = format!("{MONITORING}/alerts.test.yml");
    let (ok, out) = promtool(&["test", "rules", &tests], "");
    assert!(ok, "{out}");
}

/// Every query of the dashboard, run against a Prometheus scraping a real service:
/// each must be valid PromQL (`status: success`), and the panels name only metrics the
/// service exports.
#[tokio::test(flavor = "multi_thread")]
async fn every_dashboard_query_is_valid_promql() {
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{MONITORING}/grafana-dashboard.json")).unwrap(),
    )
    .expect("the dashboard is JSON");
    let exprs = dashboard_exprs(&dashboard);
    assert!(exprs.len() >= 6, "{exprs:?}");
    let dir = tempfile::tempdir().unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    let svc = start(dir.path(), &[("printer", "name", &peer.target())]);
    kick_and_print(&svc, &peer).await;
    let (_, _, exposed) = scrape(&svc, None).await;
    let prom = Prometheus::scraping(svc.addr, None);
    prom.wait_value("up{job=\"cashdrawer\"}", 1.0).await;
    for expr in &exprs {
        // Grafana's variables, replaced as Grafana would.
        let promql = expr
            .replace("$__rate_interval", "1m")
            .replace("$__range", "1h")
            .replace("$__interval", "15s")
            .replace("$job", "cashdrawer")
            .replace("$instance", ".*");
        let answer = prom.query(&promql).await;
        assert_eq!(answer["status"], "success", "{promql}: {answer}");
        for name in metric_names(&promql) {
            assert!(
                name == "up" || exposed.contains(&format!("\n{name}")),
                "{promql}: {name} is not exported"
            );
        }
    }
}

fn dashboard_exprs(dashboard: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().into_iter().flatten() {
            if let Some(expr) = target["expr"].as_str() {
                out.push(expr.to_string());
            }
        }
    }
    out
}

/// The `cashdrawer_*`/`process_*` names a query reads.
fn metric_names(promql: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bytes = promql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &promql[i..];
        if rest.starts_with("cashdrawer_") || rest.starts_with("process_") {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            names.push(rest[..end].to_string());
            i += end;
        } else {
            i += 1;
        }
    }
    names
}

/// `[logs] format = json` (issue 16, logs for shippers): every line of the file and of
/// stderr is one JSON object with the same fields as the text columns.
#[tokio::test(flavor = "multi_thread")]
async fn json_log_format_writes_one_object_per_line_to_the_file_and_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    let svc = start(
        dir.path(),
        &[
            ("printer", "name", &peer.target()),
            ("logs", "format", "json"),
        ],
    );
    let res = client()
        .get(svc.url("/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = svc.wait_log("\"op\":\"drawer.open\"");
    let objects: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    for o in &objects {
        for key in ["time", "level", "op", "outcome", "peer", "ms", "message"] {
            assert!(o.get(key).is_some(), "no {key} in {o}");
        }
    }
    let kick = objects
        .iter()
        .find(|o| o["op"] == "drawer.open")
        .expect("drawer line");
    assert_eq!(kick["outcome"], "ok");
    assert_eq!(kick["peer"], "127.0.0.1");
    assert_eq!(kick["level"], "INFO");
    assert!(kick["ms"].is_u64(), "{kick}");
    assert!(kick["message"]
        .as_str()
        .unwrap()
        .contains("tiroir-caisse ouvert"));
    let start = objects
        .iter()
        .find(|o| o["op"] == "service.start")
        .expect("start line");
    assert!(start["ms"].is_null() && start["peer"].is_null(), "{start}");
    let stderr = svc.wait_stderr_lines("\"op\":\"drawer.open\"");
    assert_eq!(stderr.len(), 1, "{stderr:?}");
    let echoed: Value = serde_json::from_str(&stderr[0]).unwrap();
    assert_eq!(echoed, *kick, "stderr has the same object");
}

/// The default stays the text format, byte for byte in its columns.
#[tokio::test(flavor = "multi_thread")]
async fn the_text_log_format_stays_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let svc = start(dir.path(), &[]);
    let text = svc.wait_log(" service.start ok ");
    assert!(text.lines().all(|l| !l.starts_with('{')), "{text}");
}

/// One datagram of the journal protocol, as a field map (`KEY=value` lines, or the
/// binary form `KEY\n<u64 LE length><value>\n`).
#[cfg(unix)]
fn journal_fields(datagram: &[u8]) -> std::collections::HashMap<String, String> {
    let mut fields = std::collections::HashMap::new();
    let mut rest = datagram;
    while !rest.is_empty() {
        let end = rest.iter().position(|b| *b == b'\n').expect("field ends");
        let line = &rest[..end];
        if let Some(eq) = line.iter().position(|b| *b == b'=') {
            let key = String::from_utf8_lossy(&line[..eq]).to_string();
            fields.insert(key, String::from_utf8_lossy(&line[eq + 1..]).to_string());
            rest = &rest[end + 1..];
        } else {
            let key = String::from_utf8_lossy(line).to_string();
            let len = u64::from_le_bytes(rest[end + 1..end + 9].try_into().unwrap()) as usize;
            let value = &rest[end + 9..end + 9 + len];
            fields.insert(key, String::from_utf8_lossy(value).to_string());
            rest = &rest[end + 9 + len + 1..];
        }
    }
    fields
}

/// Under systemd (`INVOCATION_ID` set), events go to journald's socket with OP,
/// OUTCOME, PEER and MS as fields, and stderr no longer repeats them. A datagram socket
/// of the test stands in for journald (debug builds read its path from
/// `CASHDRAWER_TEST_JOURNAL_SOCKET`).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn under_systemd_events_go_to_journald_with_their_fields() {
    use std::os::unix::net::UnixDatagram;
    let dir = tempfile::tempdir().unwrap();
    let peer = PrinterPeer::start(Behaviour::Normal);
    std::fs::write(
        dir.path().join("config.ini"),
        ini(&[("printer", "name", &peer.target())]),
    )
    .unwrap();
    let socket_path = dir.path().join("journal.sock");
    let journal = UnixDatagram::bind(&socket_path).unwrap();
    journal
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut child = Command::new(crate::helpers::binary::BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--host", "127.0.0.1", "--port", "0"])
        .env("INVOCATION_ID", "0123456789abcdef0123456789abcdef")
        .env("CASHDRAWER_TEST_JOURNAL_SOCKET", &socket_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut next = || {
        let n = journal.recv(&mut buf).expect("a datagram from the service");
        journal_fields(&buf[..n])
    };
    let start = loop {
        let f = next();
        if f.get("OP").map(String::as_str) == Some("service.start") {
            break f;
        }
    };
    assert_eq!(start["OUTCOME"], "ok");
    assert_eq!(start["PRIORITY"], "6");
    assert_eq!(start["SYSLOG_IDENTIFIER"], "odoo-pos-cashdrawer");
    let addr = start["MESSAGE"]
        .split("à l'écoute sur http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .expect("address in the start message")
        .to_string();
    let res = client()
        .get(format!("http://{addr}/open-cash-drawer"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let kick = loop {
        let f = next();
        if f.get("OP").map(String::as_str) == Some("drawer.open") {
            break f;
        }
    };
    assert_eq!(kick["OUTCOME"], "ok");
    assert_eq!(kick["PEER"], "127.0.0.1");
    assert!(kick["MS"].parse::<u64>().is_ok(), "{kick:?}");
    assert!(kick["MESSAGE"].contains("tiroir-caisse ouvert"), "{kick:?}");
    // The file log is still written; stderr does not repeat the events.
    let log_path = dir.path().join("logs").join("cashdrawer.log");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log_path)
        .unwrap_or_default()
        .contains(" drawer.open ok ")
    {
        assert!(Instant::now() < deadline, "drawer.open in the file log");
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("drawer.open"), "{stderr}");
}
