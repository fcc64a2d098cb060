//! A caller from a real non-loopback address: a network namespace joined to this host by
//! a veth pair. Skipped, with the reason printed, where namespaces are not permitted.

use std::process::Command;

use crate::helpers::{ini, TestApp};

struct Namespace {
    name: String,
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Creates namespace + veth; returns (namespace, host address, namespace address).
fn make_namespace() -> Result<(Namespace, String, String), String> {
    let id = std::process::id() % 200 + 20;
    let ns = Namespace {
        name: format!("cdtest{}", std::process::id()),
    };
    let host_if = format!("cdh{}", std::process::id() % 100000);
    let ns_if = format!("cdn{}", std::process::id() % 100000);
    let (host_ip, ns_ip) = (format!("10.213.{id}.1"), format!("10.213.{id}.2"));
    ip(&["netns", "add", &ns.name])?;
    ip(&[
        "link", "add", &host_if, "type", "veth", "peer", "name", &ns_if,
    ])?;
    ip(&["link", "set", &ns_if, "netns", &ns.name])?;
    ip(&["addr", "add", &format!("{host_ip}/30"), "dev", &host_if])?;
    ip(&["link", "set", &host_if, "up"])?;
    ip(&[
        "-n",
        &ns.name,
        "addr",
        "add",
        &format!("{ns_ip}/30"),
        "dev",
        &ns_if,
    ])?;
    ip(&["-n", &ns.name, "link", "set", &ns_if, "up"])?;
    ip(&["-n", &ns.name, "link", "set", "lo", "up"])?;
    Ok((ns, host_ip, ns_ip))
}

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
    let (ns, host_ip, ns_ip) = match make_namespace() {
        Ok(x) => x,
        Err(why) => {
            println!("SKIPPED network_caller_is_refused_the_drawer_but_sees_status: network namespaces not permitted here ({why})");
            return;
        }
    };
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
