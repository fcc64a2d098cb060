//! The admin page, authentication and HTTPS, over real HTTP(S) against the real
//! service (issue 3). One module per concern.

mod access;
mod browser;
mod buttons;
mod cli;
mod csrf;
mod login;
mod logs;
#[cfg(target_os = "linux")]
mod netns;
mod odoo_card;
mod printers;
mod restart;
mod save;
mod screenshot;
mod tls;
