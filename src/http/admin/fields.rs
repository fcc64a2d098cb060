//! The editable keys of config.ini, grouped as on the page, and how a submitted form
//! becomes a new config.ini: every field checked by the config parsers, each error next
//! to its field, nothing written unless all are valid. Not editable on purpose: `[auth]`
//! hashes and `[invoice_printer] command` (a web page must not turn an admin password
//! into code execution).

use std::collections::{BTreeMap, HashMap};

use ini::Ini;

use crate::config::{Config, KEYS};
use crate::domain::{Lang, Message, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Bool,
    Choice(&'static [&'static str]),
    Printer,
    Command,
}

pub struct Field {
    pub section: &'static str,
    pub key: &'static str,
    pub kind: Kind,
    pub label: [&'static str; 2],
    pub help: [&'static str; 2],
    /// A change takes effect only after a restart of the service.
    pub restart: bool,
}

/// Where a group sits: open at the top (what a shop sets up once), or folded under
/// "Advanced"; in [`GROUPS`] order in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Basic,
    Advanced,
}

pub struct Group {
    pub id: &'static str,
    pub title: [&'static str; 2],
    pub place: Place,
    pub fields: &'static [Field],
}

const fn f(
    section: &'static str,
    key: &'static str,
    kind: Kind,
    label: [&'static str; 2],
    help: [&'static str; 2],
    restart: bool,
) -> Field {
    Field {
        section,
        key,
        kind,
        label,
        help,
        restart,
    }
}

const fn g(
    id: &'static str,
    title: [&'static str; 2],
    place: Place,
    fields: &'static [Field],
) -> Group {
    Group {
        id,
        title,
        place,
        fields,
    }
}

/// The group whose fieldset also holds the Odoo card.
pub const ODOO_CARD_GROUP: &str = "odoo";

pub const GROUPS: &[Group] = &[
    g("drawer", ["Imprimante du tiroir", "Drawer printer"], Place::Basic, &[
        f("printer", "name", Kind::Printer, ["Imprimante", "Printer"],
          ["Nom d'imprimante système (TICKET), tcp://192.168.1.50:9100, serial:///dev/ttyUSB0?baud=9600, usb:///dev/usb/lp0 ou virtual.",
           "System printer name (TICKET), tcp://192.168.1.50:9100, serial:///dev/ttyUSB0?baud=9600, usb:///dev/usb/lp0 or virtual."], false),
        f("cashdrawer", "command", Kind::Command, ["Commande d'ouverture", "Kick command"],
          ["Octets en hexadécimal envoyés à l'imprimante.", "Bytes sent to the printer, in hex."], false),
        f("cashdrawer", "sensor_open_level", Kind::Choice(&["low", "high"]), ["Niveau « ouvert » du capteur", "Sensor level meaning open"],
          ["low pour la plupart des tiroirs (Epson).", "low for most drawers (Epson)."], false),
        f("cashdrawer", "offline_kick", Kind::Choice(&["realtime", "refuse"]), ["Tiroir, imprimante hors ligne", "Kick, printer offline"],
          ["realtime : impulsion temps réel (DLE DC4), le tiroir s'ouvre quand même ; refuse : rien n'est envoyé. Jamais d'ouverture différée.",
           "realtime: real-time pulse (DLE DC4), the drawer opens anyway; refuse: nothing is sent. Never a late kick."], false),
    ]),
    g(ODOO_CARD_GROUP, ["Odoo", "Odoo"], Place::Basic, &[
        f("server", "allowed_origins", Kind::Text, ["Adresse de votre Odoo (origines autorisées)", "Your Odoo address (allowed origins)"],
          ["https://maboutique.odoo.com, ou * pour toute page (déconseillé)", "https://myshop.odoo.com, or * for any page (not advised)"], false),
    ]),
    g("invoice", ["Imprimante des factures", "Invoice printer"], Place::Basic, &[
        f("invoice_printer", "autoprint", Kind::Bool, ["Impression automatique", "Automatic printing"], ["", ""], true),
        f("invoice_printer", "name", Kind::Printer, ["Imprimante", "Printer"], ["FACTURE, ou FACTURE@192.168.1.60:9100 pour l'imprimante réseau", "FACTURE, or FACTURE@192.168.1.60:9100 for the network printer"], true),
        f("invoice_printer", "printer_ip", Kind::Text, ["Adresse IP", "IP address"], ["Vide = imprimante système", "Empty = system printer"], true),
        f("invoice_printer", "printer_port", Kind::Number, ["Port", "Port"], ["9100 en général", "usually 9100"], true),
        f("invoice_printer", "download_folder", Kind::Text, ["Dossier surveillé", "Watched folder"], ["", ""], true),
    ]),
    g("timeouts", ["Délais", "Timeouts"], Place::Advanced, &[
        f("printer", "connect_timeout_ms", Kind::Number, ["Délai de connexion à l'imprimante du tiroir (ms)", "Drawer printer connect timeout (ms)"], ["50 à 60000", "50 to 60000"], false),
        f("printer", "write_timeout_ms", Kind::Number, ["Délai d'écriture à l'imprimante du tiroir (ms)", "Drawer printer write timeout (ms)"], ["50 à 60000", "50 to 60000"], false),
        f("invoice_printer", "scan_frequency", Kind::Number, ["Fréquence de scan (s)", "Scan period (s)"], ["1 à 3600", "1 to 3600"], true),
        f("invoice_printer", "open_delay", Kind::Number, ["Délai avant suppression (s)", "Delay before removal (s)"], ["0 à 3600", "0 to 3600"], true),
        f("invoice_printer", "stable_ms", Kind::Number, ["Intervalle de contrôle de taille (ms)", "Size check interval (ms)"], ["", ""], true),
        f("invoice_printer", "print_timeout", Kind::Number, ["Durée maximale d'une impression (s)", "Print timeout (s)"], ["", ""], true),
    ]),
    g("invoice-files", ["Factures: fichiers", "Invoices: files"], Place::Advanced, &[
        f("invoice_printer", "file_extensions", Kind::Text, ["Extensions", "Extensions"], [".pdf", ".pdf"], true),
        f("invoice_printer", "purge_on_start", Kind::Bool, ["Purger au démarrage", "Purge at start"], ["", ""], true),
        f("invoice_printer", "keep_printed", Kind::Bool, ["Garder les factures imprimées (printed/)", "Keep printed invoices (printed/)"], ["", ""], true),
        f("invoice_printer", "stale_age", Kind::Number, ["Ancienneté ignorée au démarrage (min)", "Age ignored at start (min)"], ["0 = règle désactivée", "0 = rule off"], true),
        f("invoice_printer", "max_size_mb", Kind::Number, ["Taille maximale d'une facture (Mo)", "Largest invoice (MB)"], ["1 à 2048, au-delà: failed/", "1 to 2048, larger: failed/"], true),
    ]),
    g("ipp", ["Factures: IPP et PJL", "Invoices: IPP and PJL"], Place::Advanced, &[
        f("invoice_printer", "ipp_uri", Kind::Text, ["Adresse IPP", "IPP address"],
          ["ipp://192.168.1.50/ipp/print (vide = non utilisé)", "ipp://192.168.1.50/ipp/print (empty = not used)"], false),
        f("invoice_printer", "ipps_fingerprint", Kind::Text, ["Empreinte du certificat (ipps)", "Certificate fingerprint (ipps)"],
          ["SHA-256, 64 chiffres hexa (« : » permis); vide = chiffré sans vérification, empreinte dans le journal",
           "SHA-256, 64 hex digits (“:” allowed); empty = encrypted, not verified, fingerprint in the log"], false),
        f("invoice_printer", "pjl", Kind::Bool, ["Enveloppe PJL (socket)", "PJL wrapper (socket)"], ["", ""], true),
    ]),
    g("retries", ["Factures: nouveaux essais", "Invoices: retries"], Place::Advanced, &[
        f("invoice_printer", "retries", Kind::Number, ["Essais", "Attempts"], ["1 à 100, puis failed/", "1 to 100, then failed/"], true),
        f("invoice_printer", "retry_delay", Kind::Number, ["Délai avant nouvel essai (s)", "Retry delay (s)"], ["doublé à chaque essai", "doubled at each attempt"], true),
    ]),
    g("odoo-protocols", ["Odoo POS sans module (ePOS, IoT box)", "Stock Odoo POS (ePOS, IoT box)"], Place::Advanced, &[
        f("odoo", "epos", Kind::Bool, ["Imprimante Epson ePOS émulée", "Emulated Epson ePOS printer"], ["", ""], false),
        f("odoo", "epos_allowed_networks", Kind::Text, ["Réseaux autorisés (ePOS)", "Allowed networks (ePOS)"], ["ex. 192.168.1.0/24", "e.g. 192.168.1.0/24"], false),
        f("odoo", "iot", Kind::Bool, ["IoT box émulée (hw_proxy)", "Emulated IoT box (hw_proxy)"], ["", ""], false),
        f("odoo", "iot_allowed_networks", Kind::Text, ["Réseaux autorisés (IoT)", "Allowed networks (IoT)"], ["", ""], false),
        f("odoo", "paper_width", Kind::Text, ["Largeur du papier (points)", "Paper width (dots)"], ["576 = 80 mm, 384 = 58 mm", "576 = 80 mm, 384 = 58 mm"], false),
    ]),
    g("service", ["Service et réseaux", "Service and networks"], Place::Advanced, &[
        f("server", "host", Kind::Text, ["Adresse d'écoute", "Listen address"], ["0.0.0.0 = tout le réseau, 127.0.0.1 = la caisse seule", "0.0.0.0 = whole network, 127.0.0.1 = this till only"], true),
        f("server", "port", Kind::Number, ["Port", "Port"], ["22548 par défaut", "22548 by default"], true),
        f("server", "https_only", Kind::Bool, ["HTTPS obligatoire pour cette page", "HTTPS required for this page"], ["Le tiroir reste accessible en HTTP.", "The drawer stays reachable over HTTP."], false),
        f("server", "allowed_networks", Kind::Text, ["Réseaux autorisés", "Allowed networks"], ["Vide = tous; ex. 192.168.1.0/24", "Empty = all; e.g. 192.168.1.0/24"], false),
        f("server", "allowed_hosts", Kind::Text, ["Noms d'hôte acceptés", "Accepted host names"], ["En plus de localhost, des adresses IP et du nom de la machine", "Besides localhost, IP addresses and the machine name"], false),
        f("auth", "session_minutes", Kind::Number, ["Durée de session (min)", "Session length (min)"], ["1 à 1440", "1 to 1440"], false),
    ]),
    g("tls", ["Certificat HTTPS", "HTTPS certificate"], Place::Advanced, &[
        f("server", "cert_file", Kind::Text, ["Certificat (PEM)", "Certificate (PEM)"], ["Vide = certificat auto-signé généré", "Empty = generated self-signed certificate"], true),
        f("server", "key_file", Kind::Text, ["Clé privée (PEM)", "Private key (PEM)"], ["", ""], true),
    ]),
    g("logs", ["Journal", "Log"], Place::Advanced, &[
        f("logs", "retention_days", Kind::Number, ["Conservation (jours)", "Retention (days)"], ["1 à 3650", "1 to 3650"], false),
        f("logs", "folder", Kind::Text, ["Dossier", "Folder"], ["Relatif au dossier de données", "Relative to the data folder"], true),
        f("logs", "filename", Kind::Text, ["Nom du fichier", "File name"], ["", ""], true),
    ]),
];

pub fn all_fields() -> impl Iterator<Item = &'static Field> {
    GROUPS.iter().flat_map(|g| g.fields.iter())
}

pub fn form_name(field: &Field) -> String {
    format!("{}.{}", field.section, field.key)
}

/// The value of a key as the file has it (or its default).
pub fn raw_value(ini: &Ini, section: &str, key: &str) -> String {
    ini.get_from(Some(section), key)
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| default_of(section, key))
}

fn default_of(section: &str, key: &str) -> String {
    KEYS.iter()
        .find(|k| k.section == section && k.key == key)
        .map(|k| (k.default)())
        .unwrap_or_default()
}

/// Copies the page's own fields of `form` into `ini`; returns the fields changed and the
/// values that cannot be one config.ini line (copied anyway, to be shown back).
pub fn apply(
    ini: &mut Ini,
    form: &HashMap<String, String>,
) -> (Vec<&'static Field>, BTreeMap<String, Text>) {
    let mut changed = Vec::new();
    let mut errors = BTreeMap::new();
    for field in all_fields() {
        let Some(value) = form.get(&form_name(field)) else {
            continue;
        };
        let value = value.trim().to_string();
        if let Err(reason) = crate::domain::check_ini_text(&value) {
            errors.insert(form_name(field), Text::of(&reason));
        }
        if raw_value(ini, field.section, field.key) != value {
            changed.push(field);
        }
        ini.with_section(Some(field.section)).set(field.key, value);
    }
    (changed, errors)
}

/// The whole check of a form, errors by field name; no `tcp://` printer on `service_ports`.
pub fn check_form(
    ini: &mut Ini,
    form: &HashMap<String, String>,
    data_dir: &std::path::Path,
    file: &str,
    service_ports: &[u16],
) -> Result<(Config, Vec<&'static Field>), BTreeMap<String, Text>> {
    let (mut changed, mut errors) = apply(ini, form);
    let mut ports = service_ports.to_vec();
    ports.extend(raw_value(ini, "server", "port").trim().parse::<u16>());
    match super::printers_field::apply(ini, form, &ports) {
        Some(Ok(true)) => changed.push(&super::printers_field::FIELD),
        Some(Err(reason)) => {
            errors.insert(super::printers_field::form_name(), reason);
        }
        Some(Ok(false)) | None => {}
    }
    let parsed = validate(ini, file);
    if let Err(parser_errors) = &parsed {
        for (name, reason) in parser_errors {
            errors.entry(name.clone()).or_insert_with(|| reason.clone());
        }
    }
    // The page's limits win: a TLS file outside the data folder is not read.
    for (name, reason) in page_limits(ini, &changed, data_dir, &ports) {
        errors.insert(name, reason);
    }
    match parsed {
        Ok(config) if errors.is_empty() => Ok((config, changed)),
        _ => Err(errors),
    }
}

/// What the page may set, beyond config.ini edited on the till (the log inside the data
/// folder...), on changed fields only: a hand-edited config.ini can still be saved.
fn page_limits(
    ini: &Ini,
    changed: &[&'static Field],
    data_dir: &std::path::Path,
    service_ports: &[u16],
) -> BTreeMap<String, Text> {
    use crate::config as c;
    let mut errors = BTreeMap::new();
    let was_changed = |s: &str, k: &str| changed.iter().any(|f| f.section == s && f.key == k);
    let new_value = |s: &str, k: &str| was_changed(s, k).then(|| raw_value(ini, s, k));
    let folder = raw_value(ini, "logs", "folder");
    if was_changed("logs", "folder") {
        let checked = c::check_page_log_folder(data_dir, &folder);
        refuse(&mut errors, "logs.folder", checked);
    }
    if (was_changed("logs", "folder") || was_changed("logs", "filename"))
        && !errors.contains_key("logs.folder")
    {
        let filename = raw_value(ini, "logs", "filename");
        let checked = c::check_page_log_file(data_dir, &folder, &filename);
        refuse(&mut errors, "logs.filename", checked);
    }
    if let Some(folder) = new_value("invoice_printer", "download_folder") {
        let default = c::default_download_folder();
        let checked = c::check_page_download_folder(data_dir, &folder, &default);
        refuse(&mut errors, "invoice_printer.download_folder", checked);
    }
    let extensions = new_value("invoice_printer", "file_extensions");
    if let Some(Ok(list)) = extensions.map(|v| crate::domain::parse_extensions(&v)) {
        let checked = c::check_page_extensions(&list);
        refuse(&mut errors, "invoice_printer.file_extensions", checked);
    }
    if let Some(host) = new_value("server", "host") {
        let checked = c::check_page_listen_address(&host);
        refuse(&mut errors, "server.host", checked);
    }
    if let Some(hosts) = new_value("server", "allowed_hosts") {
        let checked = c::check_page_host_names(&crate::domain::parse_list(&hosts));
        refuse(&mut errors, "server.allowed_hosts", checked);
    }
    for key in ["cert_file", "key_file"] {
        if let Some(file) = new_value("server", key) {
            let checked = c::check_page_tls_file(data_dir, &file);
            refuse(&mut errors, &format!("server.{key}"), checked);
        }
    }
    // A value the parser refuses is already reported by `validate`.
    let target = new_value("printer", "name").map(|v| crate::domain::PrinterTarget::parse(&v));
    if let Some(Ok(target)) = target {
        let checked = target
            .check_device()
            .and_then(|()| target.check_not_this_service(service_ports));
        refuse(&mut errors, "printer.name", checked);
    }
    errors
}

/// Files the reason of a refused check under the form field `name`.
fn refuse<E: Message>(errors: &mut BTreeMap<String, Text>, name: &str, checked: Result<(), E>) {
    if let Err(e) = checked {
        errors.insert(name.to_string(), Text::of(&e));
    }
}

/// Checks the whole document with the config parsers: every error, by form field name.
pub fn validate(ini: &Ini, file: &str) -> Result<Config, BTreeMap<String, Text>> {
    let mut scratch = ini.clone();
    let mut errors = BTreeMap::new();
    for _ in 0..=KEYS.len() {
        match Config::from_ini(&scratch, file) {
            Ok(config) if errors.is_empty() => {
                return tls_pair_errors(&config).map(|()| config);
            }
            Ok(_) => return Err(errors),
            // `[printers]` (edited by hand) is one field on the page: without it.
            Err(e) if e.section == crate::config::PRINTERS_SECTION => {
                let name = super::printers_field::form_name();
                let entry = format!("{} = {:?}: ", e.key, e.value);
                let reason = Text::of(&*e.reason).after([&entry, &entry]);
                if errors.insert(name, reason).is_some() {
                    return Err(errors);
                }
                scratch.delete(Some(crate::config::PRINTERS_SECTION));
            }
            Err(e) => {
                let name = format!("{}.{}", e.section, e.key);
                if errors.insert(name, Text::of(&*e.reason)).is_some() {
                    return Err(errors); // the default itself is refused: stop here
                }
                let default = default_of(&e.section, &e.key);
                scratch
                    .with_section(Some(e.section.clone()))
                    .set(e.key.clone(), default);
            }
        }
    }
    Err(errors)
}

/// A configured certificate must come with its key, and both must load.
fn tls_pair_errors(config: &Config) -> Result<(), BTreeMap<String, Text>> {
    let (name, reason) = match (&config.server.cert_file, &config.server.key_file) {
        (None, None) => return Ok(()),
        (Some(_), None) => (
            "server.key_file",
            Text::new([
                "la clé privée est nécessaire avec le certificat",
                "the private key is needed with the certificate",
            ]),
        ),
        (None, Some(_)) => (
            "server.cert_file",
            Text::new([
                "le certificat est nécessaire avec la clé privée",
                "the certificate is needed with the private key",
            ]),
        ),
        (Some(cert), Some(key)) => match crate::http::tls::load_pem_pair(cert, key) {
            Ok(_) => return Ok(()),
            Err(e) => ("server.cert_file", Text::of(&e)),
        },
    };
    Err(BTreeMap::from([(name.to_string(), reason)]))
}

/// One field as the template shows it.
pub struct FieldView {
    pub name: String,
    pub label: &'static str,
    pub help: &'static str,
    pub value: String,
    pub error: String,
    pub kind: &'static str,
    pub choices: Vec<String>,
    pub restart: bool,
}

pub struct GroupView {
    pub id: &'static str,
    pub title: &'static str,
    pub advanced: bool,
    pub odoo_card: bool,
    pub fields: Vec<FieldView>,
}

/// The page's groups with their values and `errors` by field name.
pub fn views(
    lang: Lang,
    value_of: impl Fn(&Field) -> String,
    errors: &BTreeMap<String, Text>,
) -> Vec<GroupView> {
    GROUPS
        .iter()
        .map(|g| GroupView {
            id: g.id,
            title: lang.pick(g.title),
            advanced: g.place == Place::Advanced,
            odoo_card: g.id == ODOO_CARD_GROUP,
            fields: g
                .fields
                .iter()
                .map(|field| {
                    let name = form_name(field);
                    let (kind, choices) = match field.kind {
                        Kind::Text => ("text", vec![]),
                        Kind::Number => ("number", vec![]),
                        Kind::Bool => ("choice", vec!["true".into(), "false".into()]),
                        Kind::Choice(list) => {
                            ("choice", list.iter().map(|s| s.to_string()).collect())
                        }
                        Kind::Printer => ("printer", vec![]),
                        Kind::Command => ("command", vec![]),
                    };
                    FieldView {
                        error: errors
                            .get(&name)
                            .map(|e| e.get(lang).to_string())
                            .unwrap_or_default(),
                        value: value_of(field),
                        name,
                        label: lang.pick(field.label),
                        help: lang.pick(field.help),
                        kind,
                        choices,
                        restart: field.restart,
                    }
                })
                .collect(),
        })
        .collect()
}
