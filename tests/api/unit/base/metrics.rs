//! Tests of `src/metrics`.
use cashdrawer::config::MetricsConfig;
use cashdrawer::domain::PrinterTarget;
use cashdrawer::invoices::{Failures, StatusSnapshot};
use cashdrawer::metrics::*;
use cashdrawer::printer::{PrinterError, PrinterErrorKind, PrinterHealth};
use std::path::PathBuf;
use std::time::Duration;

fn ok() -> Result<cashdrawer::printer::Outcome, PrinterError> {
    Ok(cashdrawer::printer::Outcome {
        status: None,
        elapsed: Duration::from_millis(3),
    })
}

/// The hook metrics, then the scrape-time ones of an idle service (no printer health,
/// no invoice, no certificate).
fn registry_text(m: &Metrics) -> String {
    let idle = Snapshot {
        drawer_printer: String::new(),
        drawer_health: PrinterHealth::default(),
        invoices: StatusSnapshot {
            watching: false,
            routes: Vec::new(),
            queue_length: 0,
            in_progress: 0,
            printed: 0,
            last_printed: None,
            failures: Failures::default(),
            printer: None,
        },
        oldest_invoice_age: Duration::ZERO,
        log_write_failures: 0,
        certificate: PathBuf::new(),
    };
    m.encode(&idle, false)
}

#[tokio::test]
async fn hooks_count_by_route_and_outcome_with_bounded_labels() {
    let m = Metrics::new();
    let target = PrinterTarget::parse("tcp://10.0.0.5:9100").unwrap();
    m.kick(Route::Module, async { ok() }).await.unwrap();
    m.kick(Route::Module, async { ok() }).await.unwrap();
    let _ = m
        .kick(Route::HwProxy, async {
            Err::<(), _>(PrinterError::new(
                PrinterErrorKind::Offline,
                "imprimante x: plus de papier",
            ))
        })
        .await;
    m.print(Route::Epos, &target, 120, async { ok() })
        .await
        .unwrap();
    // ePOS ticket + drawer: one print job and one kick.
    m.epos(true, true, &target, 80, async { ok() })
        .await
        .unwrap();
    m.login_failed();
    m.login_throttled();
    m.login_throttled();
    let text = registry_text(&m);
    for line in [
        "cashdrawer_drawer_kicks_total{route=\"module\",outcome=\"ok\"} 2",
        "cashdrawer_drawer_kicks_total{route=\"hw_proxy\",outcome=\"offline\"} 1",
        "cashdrawer_drawer_kicks_total{route=\"epos\",outcome=\"ok\"} 1",
        "cashdrawer_print_jobs_total{printer=\"tcp://10.0.0.5:9100\",outcome=\"ok\"} 2",
        "cashdrawer_print_bytes_total{printer=\"tcp://10.0.0.5:9100\",outcome=\"ok\"} 200",
        "cashdrawer_receipt_duration_seconds_count{route=\"epos\"} 2",
        "cashdrawer_drawer_kick_duration_seconds_count{route=\"module\"} 2",
        "cashdrawer_admin_login_failures_total 1",
        "cashdrawer_admin_login_throttled_total 2",
        "cashdrawer_build_info{version=\"",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // The failed kick's message (which names the printer and the cause) is not a label.
    assert!(!text.contains("papier"), "{text}");
    // The combined ePOS job times the receipt, not the kick.
    assert!(!text.contains("cashdrawer_drawer_kick_duration_seconds_count{route=\"epos\"}"));
}

#[test]
fn token_is_optional_and_must_be_long_visible_ascii() {
    assert_eq!(MetricsConfig::parse_token(""), Ok(None));
    let good = "s3cr3t-0123456789";
    assert_eq!(MetricsConfig::parse_token(good), Ok(Some(good.to_string())));
    for bad in [
        "short",
        "with a space 0123456789",
        "accentué-0123456789",
        &"x".repeat(257),
    ] {
        let err = MetricsConfig::parse_token(bad).unwrap_err().to_string();
        assert!(err.contains("16 à 256"), "{err}");
    }
}
