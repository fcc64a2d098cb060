//! Who may administer the service: the admin password (bcrypt hash only), cookie
//! sessions, CSRF tokens, login throttling, the Host-header check. Decides on plain
//! values (header texts, tokens, hashes); must not import HTTP types, the service state
//! or anything above it.

pub mod cli;
pub mod csrf;
pub mod host;
pub mod password;
pub mod session;
pub mod throttle;

use std::path::Path;

pub use session::{Session, Sessions};
pub use throttle::Throttle;

/// What the admin routes share; `setup_lock` keeps two first-run setups from racing.
pub struct Auth {
    pub sessions: Sessions,
    pub throttle: Throttle,
    pub setup_lock: tokio::sync::Mutex<()>,
}

impl Auth {
    /// Loads the session key of this data folder (creating it on first run).
    pub fn load(data_dir: &Path) -> Auth {
        Auth::with(Sessions::load_or_create(data_dir))
    }

    /// Sessions under a key of this process only, nothing written (a state nothing serves).
    pub fn in_memory() -> Auth {
        Auth::with(Sessions::with_key(cookie::Key::generate()))
    }

    fn with(sessions: Sessions) -> Auth {
        Auth {
            sessions,
            throttle: Throttle::default(),
            setup_lock: tokio::sync::Mutex::new(()),
        }
    }
}

/// 32 random bytes as hex: session ids and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("system random generator");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets without an early exit, so timing does not tell how much matched.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
