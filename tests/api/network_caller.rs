//! A caller from a real non-loopback address: a network namespace joined to this host by
//! a veth pair. Skipped, with the reason printed, where namespaces are not permitted.

use std::process::Command;

use crate::helpers::netns::Namespace;
use crate::helpers::{ini, TestApp};

/// curl from inside the namespace; returns (status code, body).
fn curl_from(ns: &Namespace, url: &str, headers: &[&str]) -> (u16, String) {
    let mut cmd = Command::new("ip");
    cmd.args([
        "netns",
        "exec",
        &ns.name,
        "curl",
        "-s",
        "--max-time",
        "5",
        "-w",
        "\n%{http_code}",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    let out = cmd.arg(url).output().expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn network_caller_is_refused_the_drawer_but_sees_status() {
    let Some(ns) = Namespace::create(5) else {
        return;
    };
    let (host_ip, ns_ip) = (ns.host_ip.to_string(), ns.ns_ip.to_string());
    let peer = crate::helpers::peer::PrinterPeer::start(crate::helpers::peer::Behaviour::Normal);
    let app = TestApp::spawn_on(
        &ini(&[("printer", "name", &peer.target())]),
        format!("{host_ip}:0").parse().unwrap(),
    )
    .await;
    let base = format!("http://{}", app.addr);
    let result = tokio::task::spawn_blocking(move || {
        let refused = curl_from(&ns, &format!("{base}/open-cash-drawer"), &[]);
        // Spoofing locality through headers changes nothing.
        let spoofed = curl_from(
            &ns,
            &format!("{base}/open-cash-drawer"),
            &[
                "X-Forwarded-For: 127.0.0.1",
                "Forwarded: for=127.0.0.1",
                "Host: localhost",
                "X-Real-IP: 127.0.0.1",
            ],
        );
        let status = curl_from(&ns, &format!("{base}/status"), &[]);
        (refused, spoofed, status)
    })
    .await
    .unwrap();
    let (refused, spoofed, status) = result;
    for (code, body) in [&refused, &spoofed] {
        assert_eq!(*code, 403, "{body}");
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"status": "error", "message": "Accès refusé - Local uniquement"})
        );
    }
    assert_eq!(status.0, 200, "{}", status.1);
    let json: serde_json::Value = serde_json::from_str(&status.1).unwrap();
    assert_eq!(json["remote_addr"], ns_ip);
    assert!(
        peer.non_empty_jobs().is_empty(),
        "nothing reached the printer"
    );
}
