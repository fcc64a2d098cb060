//! The admin-page screenshot of the README (`docs/admin-page.png`), made by a test so
//! that it never goes stale: the real binary on a fixed data folder (virtual printer,
//! the shop's Odoo origin), logged in, rendered by headless Chromium at 1280 px wide.
//! It checks in the DOM what the picture must show (the version from Cargo.toml, the
//! Odoo card with `127.0.0.1:22548`, the Advanced section folded), then writes the
//! picture to `target/tmp/`, and to `docs/admin-page.png` with `UPDATE_SCREENSHOT=1`:
//!
//! ```text
//! UPDATE_SCREENSHOT=1 cargo test --test api admin::screenshot
//! ```

use std::path::Path;

use fantoccini::Locator;
use serde_json::json;

use crate::helpers::admin::*;
use crate::helpers::binary::Binary;
use crate::helpers::browser::{artifact, chromium_in, Driver};

/// The port Odoo is told to use. The picture shows it only when it was free.
const PORT: u16 = 22548;
const WIDTH: u32 = 1280;

fn port_is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_page_screenshot_is_regenerated_from_the_real_page() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let update = std::env::var_os("UPDATE_SCREENSHOT").is_some_and(|v| v == "1");
    // A fixed folder, emptied at each run: the same settings in every picture.
    let dir = artifact("admin-screenshot");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.ini"),
        ini_with_password(&[
            ("server", "allowed_origins", "https://maboutique.odoo.com"),
            ("invoice_printer", "autoprint", "false"),
        ]),
    )
    .unwrap();
    // Port 22548 only for the picture: in the suite, the packaging tests run a service
    // on 22548 at the same time, so the check runs on any free port.
    let port = if update { PORT } else { 0 };
    assert!(
        !update || port_is_free(PORT),
        "port {PORT} is busy: the picture must show 127.0.0.1:{PORT}"
    );
    let service = Binary::start_at(&dir, "127.0.0.1", port, &[]);
    let profile = tempfile::tempdir().unwrap();
    let c = chromium_in("en-US", &driver, profile.path(), true, &[]).await;
    c.set_window_size(WIDTH, 1000).await.unwrap();
    crate::helpers::admin::log_in_with_chromium(&c, &service.url("")).await;

    // What the picture must show, checked in the page it is taken from.
    let text = |id: &str| {
        let c = c.clone();
        let id = id.to_string();
        async move {
            c.find(Locator::Id(&id))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(text("version").await, env!("CARGO_PKG_VERSION"));
    let typed = format!("127.0.0.1:{}", service.addr.port());
    assert_eq!(text("odoo-epos-address").await, typed);
    assert_eq!(text("odoo-iot-address").await, typed);
    assert!(text("group-odoo").await.contains("localhost"));
    let folded = c
        .execute("return document.getElementById('advanced').open;", vec![])
        .await
        .unwrap();
    assert_eq!(folded, json!(false), "Advanced must be folded");
    let target = c
        .find(Locator::Css("[name='printer.name']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(target.as_deref(), Some("virtual"));

    // The whole page at a fixed width.
    let height = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap() as u32;
    // The window's frame is not part of the viewport: add it.
    let frame = c
        .execute("return window.outerHeight - window.innerHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(0) as u32;
    c.set_window_size(WIDTH, height.clamp(600, 4000) + frame)
        .await
        .unwrap();
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(artifact("admin-page.png"), &png).unwrap();
    if update {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/admin-page.png");
        std::fs::write(&docs, &png).unwrap();
        eprintln!("wrote {} ({} px high)", docs.display(), height);
    }
    c.close().await.unwrap();
    service.stop();
}
