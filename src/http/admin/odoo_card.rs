//! The Odoo card of the admin page: what to type in Odoo for each mode, with this
//! machine's addresses, and the words of its test. The addresses always have dots
//! (`127.0.0.1`, never `localhost`): Odoo replaces an ePOS address without one by an
//! Epson "certified domain" that does not reach the till (docs/odoo.md).

use std::net::IpAddr;

use axum::http::{header, HeaderMap};

use super::i18n::texts;
use crate::config::Config;
use crate::domain::AllowedOrigins;
use crate::domain::Lang;

/// At most this many LAN addresses are listed (some machines have dozens of interfaces).
pub const MAX_LAN_ADDRESSES: usize = 8;

pub struct OdooCard {
    /// `127.0.0.1:<port>`: what to type in Odoo on this till.
    pub loopback: String,
    /// `<LAN address>:<port>`, for Odoo builds that use Local Network Access. IPv4
    /// only: an IPv6 address has no dot, and Odoo would rewrite it.
    pub lan: Vec<String>,
    /// The Odoo address the test starts with: the first of `[server] allowed_origins`.
    pub origin: String,
    pub t: &'static CardTexts,
}

texts! {
    /// The card's fixed words, in the page's language.
    CardTexts in CARD_FR, CARD_EN;
    intro: "Ce qu'il faut taper dans Odoo, sur cette caisse. Choisissez l'imprimante Epson ePOS pour une nouvelle installation.",
        "What to type in Odoo, on this till. Choose the Epson ePOS printer for a new installation.";
    epos_mode: "Imprimante Epson ePOS — Odoo 17, 18 et 19 (recommandé)", "Epson ePOS printer — Odoo 17, 18 and 19 (recommended)";
    epos_where: "Point de Vente → Configuration → Paramètres, ePos Printer, champ « Epson Receipt Printer IP Address » (en 19 : l'imprimante de type ePOS, même champ) :",
        "Point of Sale → Configuration → Settings, ePos Printer, field “Epson Receipt Printer IP Address” (in 19: the printer of type ePOS, same field):";
    iot_mode: "IoT box (hw_proxy) — Odoo 17, 18 et 19 ; Odoo la retire après la 19 (master) : préférez ePOS", "IoT box (hw_proxy) — Odoo 17, 18 and 19; Odoo is removing it after 19 (master): prefer ePOS";
    iot_where: "Même page, IoT Box, champ « IoT Box IP Address » (le port doit être écrit) :", "Same page, IoT Box, field “IoT Box IP Address” (the port must be written):";
    lan: "Si votre Odoo utilise Local Network Access (paramètre point_of_sale.use_lna) et refuse 127.0.0.1, l'adresse réseau de la caisse, à autoriser aussi dans « Réseaux autorisés (ePOS) » :",
        "If your Odoo uses Local Network Access (parameter point_of_sale.use_lna) and refuses 127.0.0.1, the till's network address, to allow in “Allowed networks (ePOS)” too:";
    no_lan: "aucune adresse réseau trouvée", "no network address found";
    no_localhost: "N'écrivez pas localhost : à l'enregistrement, Odoo remplace une adresse sans point par un nom Epson « certifié » (…omnilinkcert.epson.biz) qui ne mène pas à la caisse, et l'impression s'arrête ; 127.0.0.1 a des points, Odoo le garde.",
        "Do not type localhost: when the setting is saved, Odoo replaces an address without a dot by an Epson “certified” name (…omnilinkcert.epson.biz) that does not lead to the till, and printing stops; 127.0.0.1 has dots, Odoo keeps it.";
    test_origin: "Adresse de votre page Odoo, pour le test", "Address of your Odoo page, for the test";
    test_button: "Tester comme Odoo", "Test as Odoo does";
    /// Shown by the script; `{addr}` is the HTTPS address tested.
    msg_cert: "✗ Certificat non reconnu : ce navigateur refuse {addr}, l'adresse qu'appelle un Odoo en https. Faites confiance au certificat du service (aide : « certificat HTTPS »), puis redémarrez le navigateur.",
        "✗ Certificate not trusted: this browser refuses {addr}, the address an Odoo on https calls. Trust the service's certificate (help: “HTTPS certificate”), then restart the browser.";
    msg_cert_ok: "✓ HTTPS : ce navigateur accepte le certificat de {addr}.", "✓ HTTPS: this browser accepts the certificate of {addr}.";
    msg_cert_not_needed: "✓ HTTPS non nécessaire : votre Odoo est en http.", "✓ HTTPS not needed: your Odoo is on http.";
    msg_unreachable: "✗ Service injoignable depuis ce navigateur à {addr}.", "✗ Service unreachable from this browser at {addr}.";
    /// The LAN address refused by the browser (Local Network Access), then reached.
    msg_lna_denied: "⚠ Accès au réseau local refusé par le navigateur, ou adresse réseau injoignable : pour les Odoo qui utilisent l'adresse réseau de la caisse, autorisez l'accès au réseau local dans l'onglet d'Odoo (icône à gauche de l'adresse → Paramètres du site).",
        "⚠ Local Network Access denied by the browser, or the LAN address unreachable: for Odoo builds that use the till's LAN address, allow local network access in Odoo's tab (icon left of the address → Site settings).";
    msg_lna_ok: "✓ Adresse réseau {addr} joignable (accès au réseau local autorisé).", "✓ LAN address {addr} reachable (Local Network Access allowed).";
    msg_all_ok: "Tout est prêt : Odoo pourra imprimer et ouvrir le tiroir.", "All set: Odoo will be able to print and open the drawer.";
    msg_problems: "Odoo ne pourra pas imprimer : corrigez les points marqués ✗.", "Odoo will not be able to print: fix the points marked ✗.";
}

/// The card for a page reached with `headers` (its `Host` gives the port).
pub fn card(lang: Lang, headers: &HeaderMap, config: &Config, addresses: &[IpAddr]) -> OdooCard {
    let port = host_port(headers).unwrap_or(config.server.port);
    OdooCard {
        loopback: format!("127.0.0.1:{port}"),
        lan: addresses
            .iter()
            .filter(|ip| ip.is_ipv4())
            .take(MAX_LAN_ADDRESSES)
            .map(|ip| std::net::SocketAddr::new(*ip, port).to_string())
            .collect(),
        origin: match &config.server.allowed_origins {
            AllowedOrigins::List(list) => list.first().cloned().unwrap_or_default(),
            AllowedOrigins::Any => String::new(),
        },
        t: lang.pick([&CARD_FR, &CARD_EN]),
    }
}

impl OdooCard {
    /// The admin CSP plus `connect-src` for the till itself and its listed LAN addresses.
    pub fn content_security_policy(&self) -> String {
        let lan: String = self.lan.iter().map(|a| format!(" http://{a}")).collect();
        format!("{}; connect-src 'self'{lan}", super::CSP)
    }
}

/// The port of the `Host` header (the one the browser connected to), if it names one.
fn host_port(headers: &HeaderMap) -> Option<u16> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    host.parse::<axum::http::uri::Authority>().ok()?.port_u16()
}
