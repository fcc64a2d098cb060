//! Embeds the Windows file properties (product name, version from Cargo.toml, icon) into
//! the .exe. Only when the target is Windows: the Linux build embeds nothing and needs
//! no resource compiler. Cross-builds use mingw's `x86_64-w64-mingw32-windres`.

fn main() {
    println!("cargo:rerun-if-changed=packaging/windows/icon.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut res = winresource::WindowsResource::new();
    res.set_icon("packaging/windows/icon.ico")
        .set("ProductName", "Odoo POS Cashdrawer")
        .set(
            "FileDescription",
            "Service local Odoo POS: tiroir-caisse, tickets et factures",
        )
        .set("CompanyName", "odoo-pos-cashdrawer")
        .set("LegalCopyright", "MIT")
        .set("OriginalFilename", "odoo-pos-cashdrawer.exe");
    if let Err(e) = res.compile() {
        panic!("Windows resource (icon, version): {e}");
    }
}
