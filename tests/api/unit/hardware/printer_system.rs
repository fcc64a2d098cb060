//! Moved from `src/printer/system.rs`.

use cashdrawer::platform::QueueSystem::{Cups, WindowsSpooler as Win};
use cashdrawer::platform::{QueueCause, QueueError};
use cashdrawer::printer::{PrinterError, PrinterErrorKind};
use PrinterErrorKind as K;

/// The kinds (they pick the ePOS code and the metric label) and the texts, word for
/// word, that 1.1.0 gave each queue failure.
#[test]
fn queue_failures_keep_their_kinds_and_french_texts() {
    #[rustfmt::skip]
    let cases = [
        (Cups, QueueCause::UnknownQueue, K::UnknownPrinter, "imprimante inconnue du système"),
        (Win, QueueCause::CannotOpen("5".into()), K::UnknownPrinter, "imprimante inconnue ou inaccessible (5)"),
        (Cups, QueueCause::NoLpCommand("x".into()), K::Unreachable, "commande lp introuvable (x); CUPS est-il installé ?"),
        (Cups, QueueCause::LpFailed("x".into()), K::Unreachable, "lp a échoué: x"),
        (Cups, QueueCause::Timeout, K::Timeout, "délai dépassé"),
        (Win, QueueCause::JobStillWaiting { ms: 9, job: 2 }, K::Timeout, "le travail attend toujours dans la file après 9 ms; travail 2 annulé"),
        (Win, QueueCause::NotReady("plus de papier"), K::Offline, "plus de papier; rien n'a été envoyé"),
        (Win, QueueCause::JobRefused { problem: "p", job: 2 }, K::Offline, "p; travail 2 annulé"),
        (Cups, QueueCause::Wait("x".into()), K::Io, "x"),
        (Win, QueueCause::Call { call: "EndDocPrinter", error: "x".into() }, K::Io, "EndDocPrinter: x"),
        (Win, QueueCause::PartlyWritten { sent: 3, total: 5, error: "E".into() }, K::Io, "WritePrinter: 3 octets écrits sur 5 (E)"),
    ];
    for (system, cause, kind, text) in cases {
        let queue = "Caisse".to_string();
        let e = PrinterError::from(QueueError {
            queue,
            system,
            cause,
        });
        let want = format!("imprimante Caisse ({system}): {text}");
        assert_eq!((e.kind, e.message), (kind, want));
    }
}
