//! The drawer, end to end: real service, real TCP printer peers.

use std::time::{Duration, Instant};

use crate::helpers::odoo::{odoo_envelope, rpc, EPOS, PIN2};
use crate::helpers::peer::{refusing_addr, Behaviour, Kick, Offline, PrinterPeer};
use crate::helpers::{ini, TestApp, ORIGINAL_INI};
use serde_json::json;

#[tokio::test]
async fn odoo_module_request_opens_the_drawer_with_the_configured_bytes() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let (status, body) = app.odoo_open_drawer().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        serde_json::json!({"status": "success", "message": "Tiroir-caisse ouvert"})
    );
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![PIN2.to_vec()]
    );
}

#[tokio::test]
async fn command_variations_reach_the_printer_exactly() {
    for hex in [
        "1b70011afa",
        "1b70001afa1b70011afa",
        "1014010005",
        "1B 70 00 19 FA",
    ] {
        let peer = PrinterPeer::start(Behaviour::Normal);
        let app = TestApp::with_printer(&peer.target(), &[("cashdrawer", "command", hex)]).await;
        let (status, _) = app.odoo_open_drawer().await;
        assert_eq!(status, 200);
        let expected: Vec<u8> = cashdrawer::domain::DrawerCommand::parse_hex(hex)
            .unwrap()
            .bytes()
            .to_vec();
        assert_eq!(
            peer.wait_jobs(1, Duration::from_secs(2)),
            vec![expected],
            "{hex}"
        );
    }
}

async fn assert_error_within(app: &TestApp, limit: Duration, needle: &str) {
    let started = Instant::now();
    let (status, body) = app.odoo_open_drawer().await;
    let took = started.elapsed();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "error");
    let msg = body["message"].as_str().unwrap();
    assert!(
        msg.contains(needle),
        "message {msg:?} should mention {needle:?}"
    );
    assert!(took < limit, "answered in {took:?}, limit {limit:?}");
}

#[tokio::test]
async fn refused_connection_gives_a_json_error_quickly() {
    let app = TestApp::with_printer(&format!("tcp://{}", refusing_addr()), &[]).await;
    assert_error_within(&app, Duration::from_secs(2), "injoignable").await;
}

#[tokio::test]
async fn stalled_printer_gives_a_json_error_within_the_timeout() {
    let peer = PrinterPeer::start(Behaviour::Stall);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    // connect 500 ms + write/read 500 ms each: well under 3 s.
    assert_error_within(&app, Duration::from_secs(3), "délai dépassé").await;
}

#[tokio::test]
async fn printer_resetting_mid_write_gives_a_json_error() {
    let peer = PrinterPeer::start(Behaviour::ResetAfter(2));
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    assert_error_within(&app, Duration::from_secs(3), "imprimante").await;
}

#[tokio::test]
async fn garbage_status_answer_is_an_error_not_a_success() {
    let peer = PrinterPeer::start(Behaviour::Garbage(0xff));
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    assert_error_within(&app, Duration::from_secs(3), "réponse d'état invalide").await;
}

#[tokio::test]
async fn offline_printer_is_reported_with_its_cause_when_kicks_are_refused() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    peer.status.lock().unwrap().cover_open = true;
    let app =
        TestApp::with_printer(&peer.target(), &[("cashdrawer", "offline_kick", "refuse")]).await;
    assert_error_within(&app, Duration::from_secs(2), "capot ouvert").await;
    assert!(peer.non_empty_jobs().is_empty(), "nothing sent");
}

/// The four ways Odoo and its module kick the drawer.
#[derive(Debug, Clone, Copy)]
enum Route {
    OpenCashDrawer,
    EposPulse,
    IotCashbox,
    IotOpenCashbox,
}

const ROUTES: [Route; 4] = [
    Route::OpenCashDrawer,
    Route::EposPulse,
    Route::IotCashbox,
    Route::IotOpenCashbox,
];

/// What a route answered: whether it says the drawer opened, and its answer as text.
struct Answer {
    opened: bool,
    body: String,
}

async fn kick(app: &TestApp, route: Route) -> Answer {
    match route {
        Route::OpenCashDrawer => {
            let (status, body) = app.odoo_open_drawer().await;
            assert!(status == 200 || status == 503, "{status} {body}");
            Answer {
                opened: status == 200 && body["status"] == "success",
                body: body.to_string(),
            }
        }
        Route::EposPulse => {
            let res = app
                .client
                .post(app.url(EPOS))
                .header("Origin", "https://shop.odoo.com")
                .body(odoo_envelope("<pulse/>"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200);
            let body = res.text().await.unwrap();
            Answer {
                opened: body.contains("success=\"true\""),
                body,
            }
        }
        Route::IotCashbox | Route::IotOpenCashbox => {
            let result = match route {
                Route::IotCashbox => {
                    let params = json!({"data": {"action": "cashbox"}});
                    rpc(app, "/hw_proxy/default_printer_action", params).await
                }
                _ => rpc(app, "/hw_proxy/open_cashbox", json!({})).await,
            };
            Answer {
                opened: result == json!(true),
                body: result.to_string(),
            }
        }
    }
}

/// Kicks through `route` while the peer is offline for `why`, then recovers the peer
/// (paper changed, cover closed) and gives it time to run what it held.
async fn kick_offline_then_recover(
    peer: &PrinterPeer,
    app: &TestApp,
    route: Route,
    why: Offline,
) -> Answer {
    peer.go_offline(why);
    let answer = kick(app, route).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    peer.recover();
    tokio::time::sleep(Duration::from_millis(100)).await;
    answer
}

#[tokio::test]
async fn offline_printer_gets_the_realtime_pulse_on_every_route_and_no_late_kick() {
    for route in ROUTES {
        for why in [Offline::PaperOut, Offline::CoverOpen] {
            let peer = PrinterPeer::start(Behaviour::Normal);
            // Default offline_kick (realtime); pin 2, 52 ms -> DLE DC4 1 0 1.
            let app = TestApp::with_printer(&peer.target(), &[]).await;
            let answer = kick_offline_then_recover(&peer, &app, route, why).await;
            assert!(answer.opened, "{route:?} {why:?}: {}", answer.body);
            assert_eq!(
                peer.executed_kicks(),
                vec![Kick::Realtime(0, 1)],
                "{route:?} {why:?}: the real-time pulse at once, and no ESC p run on recovery"
            );
            let cause = match why {
                Offline::PaperOut => "plus de papier",
                Offline::CoverOpen => "capot ouvert",
            };
            match route {
                Route::OpenCashDrawer => {
                    let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
                    assert_eq!(body["message"], "Tiroir-caisse ouvert");
                    let warning = body["warning"].as_str().expect("a warning");
                    assert!(warning.contains(cause), "{warning}");
                }
                Route::EposPulse => {
                    // ASB: off line, and receipt end or cover open, as the printer said.
                    let cause_bit = match why {
                        Offline::PaperOut => 0x8_0000,
                        Offline::CoverOpen => 0x20,
                    };
                    let asb: u32 = answer
                        .body
                        .split("status=\"")
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert_eq!(asb & (cause_bit | 0x8), cause_bit | 0x8, "{}", answer.body);
                }
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn offline_printer_with_refuse_gets_nothing_on_every_route_and_no_late_kick() {
    for route in ROUTES {
        let peer = PrinterPeer::start(Behaviour::Normal);
        let app =
            TestApp::with_printer(&peer.target(), &[("cashdrawer", "offline_kick", "refuse")])
                .await;
        let answer = kick_offline_then_recover(&peer, &app, route, Offline::PaperOut).await;
        assert!(!answer.opened, "{route:?}: {}", answer.body);
        assert!(peer.non_empty_jobs().is_empty(), "{route:?}: nothing sent");
        assert_eq!(
            peer.executed_kicks(),
            vec![],
            "{route:?}: no kick, now or later"
        );
        match route {
            Route::OpenCashDrawer => {
                assert!(answer.body.contains("plus de papier"), "{}", answer.body);
                assert!(answer.body.contains("offline_kick"), "{}", answer.body);
            }
            Route::EposPulse => {
                assert!(answer.body.contains("EPTR_REC_EMPTY"), "{}", answer.body)
            }
            _ => {}
        }
        // Back online: the next kick is the configured ESC p, on one connection.
        let before = *peer.connections.lock().unwrap();
        assert!(kick(&app, route).await.opened, "{route:?}");
        // The peer records what it ran when the connection ends: give it a moment.
        let until = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while peer.executed_kicks().is_empty() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(peer.executed_kicks(), vec![Kick::Buffered(0)], "{route:?}");
        assert_eq!(
            *peer.connections.lock().unwrap(),
            before + 1,
            "{route:?}: one connection"
        );
    }
}

#[tokio::test]
async fn offline_printer_and_a_command_with_no_realtime_form_is_an_error_and_sends_nothing() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[("cashdrawer", "command", "07")]).await;
    peer.go_offline(Offline::PaperOut);
    assert_error_within(&app, Duration::from_secs(2), "forme temps réel").await;
    peer.recover();
    assert!(peer.non_empty_jobs().is_empty(), "nothing sent");
}

#[tokio::test]
async fn unknown_system_printer_is_named_in_the_error() {
    let app = TestApp::with_printer("NO_SUCH_PRINTER_QUEUE", &[]).await;
    let (status, body) = app.odoo_open_drawer().await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("NO_SUCH_PRINTER_QUEUE"),
        "{body}"
    );
}

#[tokio::test]
async fn printer_coming_back_works_without_restart() {
    let addr = refusing_addr();
    let app = TestApp::with_printer(&format!("tcp://{addr}"), &[]).await;
    assert_eq!(app.odoo_open_drawer().await.0, 503);
    let listener = std::net::TcpListener::bind(addr).unwrap();
    drop(listener); // the port is ours; start a real peer on it
    let peer = PrinterPeer::start_on(addr, Behaviour::Normal);
    assert_eq!(app.odoo_open_drawer().await.0, 200);
    assert_eq!(
        peer.wait_jobs(1, Duration::from_secs(2)),
        vec![PIN2.to_vec()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_opens_give_whole_commands_or_busy() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = app.client.clone();
        let url = app.url("/open-cash-drawer");
        tasks.push(tokio::spawn(async move {
            let res = client.get(url).send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }));
    }
    // At most 8 wait behind the running kick; the others are told the printer is busy.
    let mut opened = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => opened += 1,
            503 => assert!(
                body["message"].as_str().unwrap().contains("occupée"),
                "{body}"
            ),
            other => panic!("{other} {body}"),
        }
    }
    assert!(opened >= 9, "{opened}");
    let jobs = peer.wait_jobs(opened, Duration::from_secs(5));
    assert_eq!(jobs.len(), opened);
    assert!(
        jobs.iter().all(|j| j == PIN2),
        "every connection carried exactly one whole command"
    );
}

#[tokio::test]
async fn drawer_sensor_is_read_live() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    peer.status.lock().unwrap().drawer_pin3_high = false; // low = open (default)
    let (status, body) = app.get_json("/drawer").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["drawer"], "open");
    peer.status.lock().unwrap().drawer_pin3_high = true;
    assert_eq!(app.get_json("/drawer").await.1["drawer"], "closed");
    // /status shows the last known state without touching the printer.
    let (_, status_body) = app.get_json("/status").await;
    assert_eq!(status_body["printers"]["drawer"]["drawer"], "closed");
}

#[tokio::test]
async fn spooler_printers_report_unknown_drawer_state() {
    let app = TestApp::with_printer("TICKET", &[]).await;
    let (status, body) = app.get_json("/drawer").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["drawer"], "unknown");
}

#[tokio::test]
async fn virtual_printer_opens_and_reports_the_drawer() {
    let app = TestApp::with_printer("virtual", &[]).await;
    assert_eq!(app.get_json("/drawer").await.1["drawer"], "closed");
    assert_eq!(app.odoo_open_drawer().await.0, 200);
    assert_eq!(app.get_json("/drawer").await.1["drawer"], "open");
}

#[tokio::test]
async fn status_keeps_the_original_keys_and_adds_ours() {
    let app = TestApp::spawn(ORIGINAL_INI).await;
    let (code, body) = app.get_json("/status").await;
    assert_eq!(code, 200);
    assert_eq!(body["status"], "running");
    assert_eq!(body["message"], "Service actif");
    assert_eq!(body["remote_addr"], "127.0.0.1");
    assert_eq!(body["scheme"], "http");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64());
    assert_eq!(body["printers"]["drawer"]["target"], "TICKET");
    assert_eq!(body["printers"]["drawer"]["drawer"], "unknown");
    assert!(body["printers"]["invoice"]["routes"].is_array(), "{body}");
    assert!(
        body["printers"]["invoice"]["autoprint"].is_boolean(),
        "{body}"
    );
}

#[tokio::test]
async fn cors_preflight_with_private_network_access() {
    let app = TestApp::spawn(&ini(&[("printer", "name", "virtual")])).await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/open-cash-drawer"))
        .header("Origin", "https://shop.odoo.com")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "content-type")
        .header("Access-Control-Request-Private-Network", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "https://shop.odoo.com");
    assert_eq!(h["access-control-allow-private-network"], "true");
    assert!(h["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("GET"));
    assert_eq!(h["access-control-allow-headers"], "content-type");
}

#[tokio::test]
async fn allowed_origins_refuses_other_pages_even_without_cors() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(
        &peer.target(),
        &[("server", "allowed_origins", "https://shop.odoo.com")],
    )
    .await;
    assert_eq!(app.odoo_open_drawer().await.0, 200);
    let res = app
        .client
        .get(app.url("/open-cash-drawer"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "error");
    assert!(body["message"].as_str().unwrap().contains("evil.example"));
    assert_eq!(
        peer.wait_jobs(2, Duration::from_millis(300)).len(),
        1,
        "the refused page kicked nothing"
    );
}

#[tokio::test]
async fn unknown_route_and_method_answer_json() {
    let app = TestApp::spawn(&ini(&[("printer", "name", "virtual")])).await;
    let (code, body) = app.get_json("/nope").await;
    assert_eq!(code, 404);
    assert_eq!(body["status"], "error");
    let res = app.client.post(app.url("/status")).send().await.unwrap();
    assert_eq!(res.status(), 405);
}
