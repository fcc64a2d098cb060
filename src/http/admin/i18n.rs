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
            let primary = tag
                .split('-')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            match primary.as_str() {
                _ if q <= 0.0 => {}
                "fr" => return Lang::Fr,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::Fr
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// Every fixed text of the page.
pub struct Texts {
    pub code: &'static str,
    pub title: &'static str,
    pub login_title: &'static str,
    pub login_button: &'static str,
    pub password: &'static str,
    pub new_password: &'static str,
    pub confirm: &'static str,
    pub current_password: &'static str,
    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub setup_button: &'static str,
    pub setup_remote: &'static str,
    pub wrong_password: &'static str,
    pub too_many: &'static str,
    pub logged_out: &'static str,
    pub password_changed: &'static str,
    pub session_expired: &'static str,
    pub logout: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub not_saved: &'static str,
    pub restart_needed: &'static str,
    pub status: &'static str,
    pub running: &'static str,
    pub version: &'static str,
    pub uptime: &'static str,
    pub drawer_printer: &'static str,
    pub printer_health: &'static str,
    pub drawer_sensor: &'static str,
    pub test_drawer: &'static str,
    pub test_print: &'static str,
    pub last_operations: &'static str,
    pub password_section: &'static str,
    pub change_password: &'static str,
    pub detected_printers: &'static str,
    pub no_printer_detected: &'static str,
    pub preset: &'static str,
    pub custom: &'static str,
    pub restart_badge: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub min_chars: &'static str,
    pub restart_button: &'static str,
    pub restarted: &'static str,
    pub restart_failed: &'static str,
    pub logs_tools: &'static str,
    pub logs_download: &'static str,
    pub logs_show: &'static str,
    pub logs_level: &'static str,
    pub logs_lines: &'static str,
    pub logs_purge: &'static str,
    pub logs_purge_confirm: &'static str,
}

pub const FR: Texts = Texts {
    code: "fr",
    title: "Tiroir-caisse — administration",
    login_title: "Connexion administrateur",
    login_button: "Se connecter",
    password: "Mot de passe",
    new_password: "Nouveau mot de passe",
    confirm: "Confirmation",
    current_password: "Mot de passe actuel",
    setup_title: "Créer le mot de passe administrateur",
    setup_intro: "Premier démarrage: choisissez le mot de passe qui protégera cette page.",
    setup_button: "Créer le mot de passe",
    setup_remote: "Aucun mot de passe administrateur n'est défini. Créez-le sur la caisse elle-même, en ouvrant http://localhost:22548/config, ou avec la commande « odoo-pos-cashdrawer set-password ».",
    wrong_password: "Mot de passe incorrect.",
    too_many: "Trop d'essais manqués. Réessayez dans {s} s.",
    logged_out: "Vous êtes déconnecté.",
    password_changed: "Mot de passe changé. Connectez-vous avec le nouveau mot de passe.",
    session_expired: "Session expirée: reconnectez-vous.",
    logout: "Déconnexion",
    save: "Enregistrer",
    saved: "Configuration enregistrée.",
    not_saved: "Rien n'a été enregistré: corrigez les champs signalés.",
    restart_needed: "L'adresse, le port et le certificat changent au redémarrage de l'écoute (bouton ci-dessous); le dossier et le nom du journal au prochain démarrage du service.",
    status: "État",
    running: "Service actif",
    version: "Version",
    uptime: "Démarré depuis",
    drawer_printer: "Imprimante du tiroir",
    printer_health: "État de l'imprimante",
    drawer_sensor: "Capteur du tiroir",
    test_drawer: "Test: ouvrir le tiroir",
    test_print: "Test: imprimer une facture",
    last_operations: "Dernières opérations",
    password_section: "Mot de passe",
    change_password: "Changer le mot de passe",
    detected_printers: "Imprimantes détectées",
    no_printer_detected: "aucune",
    preset: "Préréglage",
    custom: "Personnalisé (hexadécimal)",
    restart_badge: "redémarrage",
    yes: "oui",
    no: "non",
    min_chars: "8 caractères au moins",
    restart_button: "Redémarrer l'écoute maintenant",
    restarted: "Écoute redémarrée.",
    restart_failed: "Le redémarrage de l'écoute a échoué (adresse ou port indisponible, voir le journal); l'ancienne adresse reste en service.",
    logs_tools: "Journal: consulter, télécharger, purger",
    logs_download: "Télécharger le journal du jour",
    logs_show: "Afficher les dernières lignes",
    logs_level: "Niveau",
    logs_lines: "Lignes",
    logs_purge: "Purger les journaux",
    logs_purge_confirm: "Supprimer les anciens journaux et vider le journal du jour ?",
};

pub const EN: Texts = Texts {
    code: "en",
    title: "Cash drawer — administration",
    login_title: "Administrator login",
    login_button: "Log in",
    password: "Password",
    new_password: "New password",
    confirm: "Confirmation",
    current_password: "Current password",
    setup_title: "Create the administrator password",
    setup_intro: "First start: choose the password that will protect this page.",
    setup_button: "Create the password",
    setup_remote: "No administrator password is set. Create it on the till itself, at http://localhost:22548/config, or with the command \"odoo-pos-cashdrawer set-password\".",
    wrong_password: "Wrong password.",
    too_many: "Too many failed attempts. Try again in {s} s.",
    logged_out: "You are logged out.",
    password_changed: "Password changed. Log in with the new password.",
    session_expired: "Session expired: please log in again.",
    logout: "Log out",
    save: "Save",
    saved: "Configuration saved.",
    not_saved: "Nothing was saved: fix the fields marked below.",
    restart_needed: "The address, port and certificate change when the listener restarts (button below); the log folder and file name at the next start of the service.",
    status: "Status",
    running: "Service running",
    version: "Version",
    uptime: "Up for",
    drawer_printer: "Drawer printer",
    printer_health: "Printer state",
    drawer_sensor: "Drawer sensor",
    test_drawer: "Test: open the drawer",
    test_print: "Test: print an invoice",
    last_operations: "Last operations",
    password_section: "Password",
    change_password: "Change the password",
    detected_printers: "Detected printers",
    no_printer_detected: "none",
    preset: "Preset",
    custom: "Custom (hex)",
    restart_badge: "restart",
    yes: "yes",
    no: "no",
    min_chars: "at least 8 characters",
    restart_button: "Restart the listener now",
    restarted: "Listener restarted.",
    restart_failed: "The listener could not restart (address or port unavailable, see the log); the old address stays in service.",
    logs_tools: "Log: view, download, purge",
    logs_download: "Download today's log",
    logs_show: "Show the last lines",
    logs_level: "Level",
    logs_lines: "Lines",
    logs_purge: "Purge the logs",
    logs_purge_confirm: "Delete the old logs and empty today's log?",
};

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn lang(v: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
        Lang::from_headers(&h)
    }

    #[test]
    fn picks_language() {
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Fr);
        assert_eq!(lang("en-US,en;q=0.9"), Lang::En);
        assert_eq!(lang("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(lang("de-DE,en;q=0.5,fr;q=0.4"), Lang::En);
        assert_eq!(lang("fr;q=0.3,en;q=0.7"), Lang::En);
        assert_eq!(lang("de"), Lang::Fr);
    }
}
