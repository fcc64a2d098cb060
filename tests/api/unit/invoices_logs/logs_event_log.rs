//! Unit tests of `logs::event_log`.

use std::sync::{Arc, Mutex};

use tracing::Level;
use tracing_subscriber::layer::SubscriberExt;

use cashdrawer::logs::event_log::*;
use cashdrawer::logs::line::Entry;

/// The target of the crate's own events: the layer takes only theirs below WARN.
const T: &str = "cashdrawer::logs::event_log";

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Forwarded>>>);

impl EventSink for Recorder {
    fn report(&self, event: &Forwarded) {
        self.0.lock().unwrap().push(event.clone());
    }
}

#[test]
fn forwards_start_stop_errors_and_security_events_only() {
    let recorder = Recorder::default();
    let subscriber = tracing_subscriber::registry().with(EventLogLayer::new(recorder.clone()));
    tracing::subscriber::with_default(subscriber, || {
        tracing::info!(target: T,op = "service.start", outcome = "ok", "à l'écoute");
        tracing::info!(target: T,
            op = "http.request",
            outcome = "ok",
            peer = "10.0.0.2",
            "GET /status -> 200"
        );
        tracing::info!(target: T,op = "drawer.open", outcome = "ok", "tiroir ouvert");
        tracing::warn!(target: T,op = "drawer.open", outcome = "error", "imprimante lente");
        tracing::error!(target: T,op = "drawer.open", outcome = "error", "imprimante absente");
        tracing::warn!(target: T,
            op = "access.denied",
            outcome = "denied",
            peer = "10.0.0.9",
            "accès refusé (réseau) à /config\nfaux"
        );
        tracing::info!(target: T,
            op = "auth.login",
            outcome = "ok",
            peer = "10.0.0.3",
            "connexion administrateur"
        );
        tracing::warn!(target: T,
            op = "auth.login",
            outcome = "denied",
            peer = "10.0.0.4",
            "échec de connexion"
        );
        tracing::warn!(target: T,
            op = "auth.login",
            outcome = "throttled",
            peer = "10.0.0.4",
            "trop d'essais"
        );
        tracing::debug!(target: T,op = "service.stop", "debug: not wanted");
        tracing::info!(target: T,op = "service.stop", outcome = "ok", "service arrêté");
    });
    let got = recorder.0.lock().unwrap().clone();
    let summary: Vec<(EventKind, u32)> = got.iter().map(|f| (f.kind, f.id)).collect();
    assert_eq!(
        summary,
        [
            (EventKind::Information, ID_SERVICE),
            (EventKind::Error, ID_ERROR),
            (EventKind::Warning, ID_ACCESS_DENIED),
            (EventKind::Warning, ID_LOGIN_DENIED),
            (EventKind::Warning, ID_LOGIN_DENIED),
            (EventKind::Information, ID_SERVICE),
        ]
    );
    assert_eq!(
        got[0].text,
        "à l'écoute\r\nop: service.start\r\noutcome: ok"
    );
    assert_eq!(
        got[1].text,
        "imprimante absente\r\nop: drawer.open\r\noutcome: error"
    );
    assert_eq!(
        got[2].text,
        "accès refusé (réseau) à /config\\nfaux\r\nop: access.denied\r\noutcome: denied\r\npeer: 10.0.0.9",
        "caller text stays on one line"
    );
    assert_eq!(
        got[3].text,
        "échec de connexion\r\nop: auth.login\r\noutcome: denied\r\npeer: 10.0.0.4"
    );
}

#[test]
fn other_crates_errors_are_forwarded_their_warnings_not() {
    let entry = Entry {
        message: "hyper: connection reset".into(),
        ..Entry::default()
    };
    assert_eq!(
        forward(Level::ERROR, &entry).map(|f| f.text),
        Some("hyper: connection reset".to_string())
    );
    assert_eq!(forward(Level::WARN, &entry), None);
}

#[test]
fn long_text_is_cut() {
    let entry = Entry {
        message: "x".repeat(MAX_CHARS + 50),
        ..Entry::default()
    };
    let text = forward(Level::ERROR, &entry).unwrap().text;
    assert_eq!(text.chars().count(), MAX_CHARS + 3);
}
