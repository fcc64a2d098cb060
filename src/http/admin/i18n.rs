//! The page's two languages: French by default (the shops are French), English when
//! the browser prefers it (`Accept-Language`).

use axum::http::{header, HeaderMap};

use crate::domain::Lang;

/// The page's side of [`Lang`]: which one a browser asks for, and the page's texts in it.
impl Lang {
    /// The first of fr/en in the browser's preference order; French when neither.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::Fr;
        };
        let mut tags: Vec<(f32, &str)> = value
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        for (q, tag) in tags {
            let primary = tag.split('-').next().unwrap_or_default();
            match primary.to_ascii_lowercase().as_str() {
                _ if q <= 0.0 => {}
                "fr" => return Lang::Fr,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::Fr
    }

    pub fn texts(self) -> &'static Texts {
        self.pick([&FR, &EN])
    }
}

impl Texts {
    /// The throttled caller's message.
    pub fn too_many(&self, denied: crate::auth::throttle::Denied) -> String {
        self.too_many.replace("{s}", &denied.seconds().to_string())
    }
}

/// A struct of fixed texts and its French and English values: `name: "fr", "en";`.
macro_rules! texts {
    ($(#[$doc:meta])* $ty:ident in $fr:ident, $en:ident;
        $($(#[$field_doc:meta])* $name:ident: $f:literal, $e:literal;)+) => {
        $(#[$doc])*
        pub struct $ty {
            $($(#[$field_doc])* pub $name: &'static str,)+
        }

        pub const $fr: $ty = $ty { $($name: $f,)+ };
        pub const $en: $ty = $ty { $($name: $e,)+ };
    };
}
pub(crate) use texts;

texts! {
    /// Every fixed text of the page.
    Texts in FR, EN;
    code: "fr", "en";
    title: "Tiroir-caisse — administration", "Cash drawer — administration";
    login_title: "Connexion administrateur", "Administrator login";
    login_button: "Se connecter", "Log in";
    password: "Mot de passe", "Password";
    new_password: "Nouveau mot de passe", "New password";
    confirm: "Confirmation", "Confirmation";
    current_password: "Mot de passe actuel", "Current password";
    setup_title: "Créer le mot de passe administrateur", "Create the administrator password";
    setup_intro: "Premier démarrage: choisissez le mot de passe qui protégera cette page.",
        "First start: choose the password that will protect this page.";
    setup_button: "Créer le mot de passe", "Create the password";
    setup_remote: "Aucun mot de passe administrateur n'est défini. Créez-le sur la caisse elle-même, en ouvrant http://localhost:22548/config, ou avec la commande « odoo-pos-cashdrawer set-password ».",
        "No administrator password is set. Create it on the till itself, at http://localhost:22548/config, or with the command \"odoo-pos-cashdrawer set-password\".";
    wrong_password: "Mot de passe incorrect.", "Wrong password.";
    too_many: "Trop d'essais manqués. Réessayez dans {s} s.",
        "Too many failed attempts. Try again in {s} s.";
    logged_out: "Vous êtes déconnecté.", "You are logged out.";
    password_changed: "Mot de passe changé. Connectez-vous avec le nouveau mot de passe.",
        "Password changed. Log in with the new password.";
    session_expired: "Session expirée: reconnectez-vous.", "Session expired: please log in again.";
    logout: "Déconnexion", "Log out";
    save: "Enregistrer", "Save";
    saved: "Configuration enregistrée.", "Configuration saved.";
    not_saved: "Rien n'a été enregistré: corrigez les champs signalés.",
        "Nothing was saved: fix the fields marked below.";
    restart_needed: "L'adresse, le port et le certificat changent au redémarrage de l'écoute (bouton ci-dessous); le dossier et le nom du journal au prochain démarrage du service.",
        "The address, port and certificate change when the listener restarts (button below); the log folder and file name at the next start of the service.";
    status: "État", "Status";
    running: "Service actif", "Service running";
    version: "Version", "Version";
    uptime: "Démarré depuis", "Up for";
    drawer_printer: "Imprimante du tiroir", "Drawer printer";
    printer_health: "État de l'imprimante", "Printer state";
    drawer_sensor: "Capteur du tiroir", "Drawer sensor";
    test_drawer: "Test: ouvrir le tiroir", "Test: open the drawer";
    test_print: "Test: imprimer une facture", "Test: print an invoice";
    last_operations: "Dernières opérations", "Last operations";
    password_section: "Mot de passe", "Password";
    change_password: "Changer le mot de passe", "Change the password";
    detected_printers: "Imprimantes détectées", "Detected printers";
    no_printer_detected: "aucune", "none";
    preset: "Préréglage", "Preset";
    custom: "Personnalisé (hexadécimal)", "Custom (hex)";
    restart_badge: "redémarrage", "restart";
    yes: "oui", "yes";
    no: "non", "no";
    min_chars: "8 caractères au moins", "at least 8 characters";
    restart_button: "Redémarrer l'écoute maintenant", "Restart the listener now";
    restarted: "Écoute redémarrée.", "Listener restarted.";
    restart_failed: "Le redémarrage de l'écoute a échoué (adresse ou port indisponible, voir le journal); l'ancienne adresse reste en service.",
        "The listener could not restart (address or port unavailable, see the log); the old address stays in service.";
    logs_tools: "Journal: consulter, télécharger, purger", "Log: view, download, purge";
    logs_download: "Télécharger le journal du jour", "Download today's log";
    logs_show: "Afficher les dernières lignes", "Show the last lines";
    logs_level: "Niveau", "Level";
    logs_lines: "Lignes", "Lines";
    logs_purge: "Purger les journaux", "Purge the logs";
    origin_label: "Adresse Odoo de la boutique", "The shop's Odoo address";
    origin_help: "Par exemple https://maboutique.odoo.com : seules les pages de cette adresse pourront ouvrir le tiroir et imprimer ([server] allowed_origins). Facultatif mais conseillé : vide, n'importe quel site ouvert sur la caisse le peut.",
        "For example https://myshop.odoo.com: only pages at this address will be able to open the drawer and print ([server] allowed_origins). Optional but advised: left empty, any website open on the till can.";
    logs_purge_confirm: "Supprimer les anciens journaux et vider le journal du jour ?",
        "Delete the old logs and empty today's log?";
}
