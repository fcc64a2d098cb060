//! English for the config parsers' error texts, for the admin page only.
//!
//! The parsers (config values, printer target, drawer command, IPP address and
//! fingerprint, TLS pair) answer in French, and that same text is the JSON API's, the
//! log's and the start-up error's. Rather than give every parser a language parameter,
//! the English page translates their fixed phrases here; what the admin typed (quoted
//! with `{:?}` by the parsers), numbers and paths pass through untouched. The tests feed
//! every config key bad values: they fail on French left in the English text, and on a
//! phrase of this table that no parser produces any more.

use super::i18n::Lang;

/// French phrase → English phrase, tried in this order at each position of a message
/// (so a longer phrase comes before a shorter one it starts with). `{}` is a part passed
/// through as it is (a value, a number, a path); an English phrase has as many `{}` as
/// its French one, in the same order. A pattern never ends with `{}`.
const PHRASES: &[(&str, &str)] = &[
    // config/values.rs
    ("valeurs acceptées: ", "accepted values: "),
    (
        "nombre entier entre {} et {} attendu",
        "whole number between {} and {} expected",
    ),
    (
        "port entre {} et {} attendu",
        "port between {} and {} expected",
    ),
    (
        " (0 = choisi par le système)",
        " (0 = chosen by the system)",
    ),
    (
        "adresse IP attendue, par exemple 0.0.0.0 (toutes), 127.0.0.1 (locale) ou ::",
        "IP address expected, for example 0.0.0.0 (all), 127.0.0.1 (local only) or ::",
    ),
    (
        "adresse IP ou nom d'hôte attendu (ou vide)",
        "IP address or host name expected (or empty)",
    ),
    (
        "une valeur non vide est attendue",
        "a non-empty value is expected",
    ),
    (
        "nom de fichier simple attendu, sans dossier (par exemple cashdrawer.log)",
        "plain file name expected, without a folder (for example cashdrawer.log)",
    ),
    (
        "liste d'extensions attendue, par exemple .pdf ou .pdf,.PDF",
        "list of extensions expected, for example .pdf or .pdf,.PDF",
    ),
    (
        "origine {} invalide: * ou une liste d'origines comme https://maboutique.odoo.com \
         (schéma et hôte, sans chemin)",
        "invalid origin {}: * or a list of origins such as https://myshop.odoo.com \
         (scheme and host, no path)",
    ),
    (
        "empreinte bcrypt attendue ($2b$...), ou vide pour recréer le mot de passe",
        "bcrypt hash expected ($2b$...), or empty to create the password again",
    ),
    (": adresse invalide", ": invalid address"),
    (": préfixe invalide (0 à {})", ": invalid prefix (0 to {})"),
    (
        "; liste de réseaux CIDR attendue, par exemple 192.168.1.0/24, 10.0.0.5",
        "; list of CIDR networks expected, for example 192.168.1.0/24, 10.0.0.5",
    ),
    (
        "largeur en points attendue: 384 (58 mm), 576 (80 mm), 58mm ou 80mm",
        "width in dots expected: 384 (58 mm), 576 (80 mm), 58mm or 80mm",
    ),
    (
        "chemin de fichier attendu (ou vide)",
        "file path expected (or empty)",
    ),
    (
        "caractère U+{} refusé (retour à la ligne, contrôle ou mise en forme invisible); accepté: ",
        "character U+{} refused (line break, control or invisible formatting); accepted: ",
    ),
    (
        "guillemet droit \" refusé (config.ini le lit comme le début d'une valeur entre guillemets); accepté: ",
        "straight quote \" refused (config.ini reads it as the start of a quoted value); accepted: ",
    ),
    (
        "apostrophe en tête de valeur refusée (config.ini la lit comme le début d'une valeur entre apostrophes); accepté: ",
        "apostrophe at the start of a value refused (config.ini reads it as the start of a quoted value); accepted: ",
    ),
    (
        "une seule ligne de texte, sans guillemet droit",
        "one line of text, without a straight quote",
    ),
    (
        "nom de file d'impression système (FACTURE) ou nom@ip:port (par exemple \
         FACTURE@192.168.1.60:9100), ou vide",
        "system print queue name (FACTURE) or name@ip:port (for example \
         FACTURE@192.168.1.60:9100), or empty",
    ),
    // config/paths.rs
    (
        "nom de fichier en .log attendu (par exemple cashdrawer.log): le journal ne peut pas \
         être un autre fichier du dossier de données",
        "a .log file name expected (for example cashdrawer.log): the log cannot be another \
         file of the data folder",
    ),
    (
        " sort du dossier de données par un lien symbolique; ",
        " leaves the data folder through a symbolic link; ",
    ),
    (
        "dossier relatif au dossier de données attendu, sans « .. », sans lecteur (C:) \
         ni chemin réseau (\\\\serveur), par exemple logs ou journal/caisse",
        "folder relative to the data folder expected, without “..”, without a drive (C:) \
         or network path (\\\\server), for example logs or journal/till",
    ),
    (
        "depuis cette page, le dossier de téléchargement par défaut (",
        "from this page, the default download folder (",
    ),
    (
        ") ou un dossier du dossier de données (",
        ") or a folder inside the data folder (",
    ),
    (
        "); un autre dossier se règle dans config.ini sur la caisse",
        "); another folder is set in config.ini on the till",
    ),
    (
        "depuis cette page, un fichier du dossier de données attendu, chemin complet \
         (par exemple ",
        "from this page, a file inside the data folder expected, full path (for example ",
    ),
    (
        "); un autre chemin se règle dans config.ini sur la caisse",
        "); another path is set in config.ini on the till",
    ),
    (
        "depuis cette page, .pdf seulement (les factures); d'autres extensions se règlent \
         dans config.ini sur la caisse",
        "from this page, .pdf only (invoices); other extensions are set in config.ini on the till",
    ),
    (
        "realtime (impulsion temps réel), refuse (ne rien envoyer)",
        "realtime (real-time pulse), refuse (send nothing)",
    ),
    // config/mod.rs
    (
        "empreinte utilisable seulement avec ipp_uri en ipps:// ou https:// (chiffré); \
         videz-la ou passez ipp_uri en ipps://",
        "a fingerprint only works with an ipps:// or https:// ipp_uri (encrypted); \
         empty it or change ipp_uri to ipps://",
    ),
    // config/paths.rs (allowed_hosts, TLS files)
    (
        ": nom d'hôte attendu (lettres, chiffres, '-' et '.', sans '*'), par exemple caisse1.boutique.lan, ou une adresse IP",
        ": host name expected (letters, digits, '-' and '.', no '*'), for example caisse1.boutique.lan, or an IP address",
    ),
    (
        "depuis cette page, pas l'autorité de certification locale (tls/ca.pem, tls/ca-key.pem): le certificat servi est tls/cert.pem et sa clé tls/key.pem",
        "from this page, not the local certificate authority (tls/ca.pem, tls/ca-key.pem): the certificate served is tls/cert.pem and its key tls/key.pem",
    ),
    // printer/target.rs
    ("valeur vide", "empty value"),
    (
        "caractère de contrôle dans la valeur",
        "control character in the value",
    ),
    ("; attendu: ", "; expected: "),
    (
        "nom d'imprimante système (TICKET), tcp://hôte:port, serial:COM3?baud=9600, \
         file:/dev/usb/lp0 (ou usb:///dev/usb/lp0) ou virtual",
        "system printer name (TICKET), tcp://host:port, serial:COM3?baud=9600, \
         file:/dev/usb/lp0 (or usb:///dev/usb/lp0) or virtual",
    ),
    // printer/target.rs
    (
        " est ce service lui-même (port {} de cette machine); attendu: l'adresse et le port de l'imprimante (souvent 9100)",
        " is this service itself (port {} of this machine); expected: the printer's address and port (often 9100)",
    ),
    // printer/device.rs
    (" n'est pas un périphérique (", " is not a device ("),
    ("fichier ordinaire", "regular file"),
    ("dossier)", "folder)"),
    ("tube nommé", "named pipe"),
    ("périphérique bloc", "block device"),
    ("introuvable", "not found"),
    ("pas un nom de périphérique", "not a device name"),
    (
        "file: et usb: visent un périphérique caractère, par exemple /dev/usb/lp0 ou /dev/ttyUSB0",
        "file: and usb: name a character device, for example /dev/usb/lp0 or /dev/ttyUSB0",
    ),
    (
        "file: et usb: visent un nom de périphérique, par exemple LPT1, COM3 ou \\\\.\\COM10",
        "file: and usb: name a device, for example LPT1, COM3 or \\\\.\\COM10",
    ),
    (
        "paramètre {} inconnu (acceptés: {})",
        "unknown parameter {} (accepted: {})",
    ),
    (
        "port {} invalide dans tcp://; attendu tcp://192.168.1.50:9100",
        "invalid port {} in tcp://; expected tcp://192.168.1.50:9100",
    ),
    (
        "hôte invalide dans {}; attendu tcp://192.168.1.50:9100",
        "invalid host in {}; expected tcp://192.168.1.50:9100",
    ),
    (
        "port série manquant; attendu serial:COM3?baud=9600 ou serial:/dev/ttyUSB0?baud=19200",
        "missing serial port; expected serial:COM3?baud=9600 or serial:/dev/ttyUSB0?baud=19200",
    ),
    (
        "baud={} invalide; attendu 9600, 19200, 38400, 115200...",
        "invalid baud={}; expected 9600, 19200, 38400, 115200...",
    ),
    (
        "chemin manquant; attendu file:/dev/usb/lp0",
        "missing path; expected file:/dev/usb/lp0",
    ),
    (
        "schéma inconnu dans {}; attendu: ",
        "unknown scheme in {}; expected: ",
    ),
    // drawer/mod.rs
    (
        "octets en hexadécimal attendus, par exemple 1b70001afa (broche 2), 1b70011afa \
         (broche 5) ou 1014010005 (temps réel)",
        "bytes in hexadecimal expected, for example 1b70001afa (pin 2), 1b70011afa \
         (pin 5) or 1014010005 (real time)",
    ),
    (
        " (nombre pair de chiffres, 1 à 64 octets)",
        " (an even number of digits, 1 to 64 bytes)",
    ),
    // invoices/ipp.rs
    ("schéma manquant", "missing scheme"),
    ("schéma {} inconnu", "unknown scheme {}"),
    ("adresse {} invalide", "invalid address {}"),
    ("port {} invalide", "invalid port {}"),
    ("hôte manquant", "missing host"),
    (
        "accepté: ipp://hôte[:port]/chemin (ex. ipp://192.168.1.50/ipp/print), \
         ipps://hôte[:port]/chemin (IPP chiffré, TLS), http:// ou https://hôte:port/chemin",
        "accepted: ipp://host[:port]/path (e.g. ipp://192.168.1.50/ipp/print), \
         ipps://host[:port]/path (encrypted IPP, TLS), http:// or https://host:port/path",
    ),
    // invoices/ipps.rs
    (
        "empreinte SHA-256 du certificat de l'imprimante attendue: 64 chiffres hexadécimaux, \
         séparés ou non par « : » (ex. 3F:A2:…:9C), ou vide (certificat non vérifié, \
         empreinte notée dans le journal)",
        "SHA-256 fingerprint of the printer's certificate expected: 64 hexadecimal digits, \
         with or without “:” between them (e.g. 3F:A2:…:9C), or empty (certificate not \
         verified, its fingerprint written in the log)",
    ),
    // metrics/mod.rs ([metrics] token)
    (
        "jeton de 16 à 256 caractères ASCII visibles attendu (sans espace), ou vide pour aucun jeton",
        "token of 16 to 256 visible ASCII characters expected (no space), or empty for no token",
    ),
    // http/admin/fields.rs (tls_pair_errors) and http/tls.rs (load_pem_pair)
    (
        "la clé privée est nécessaire avec le certificat",
        "the private key is needed with the certificate",
    ),
    (
        "le certificat est nécessaire avec la clé privée",
        "the certificate is needed with the private key",
    ),
    (
        ": certificat PEM illisible (",
        ": unreadable PEM certificate (",
    ),
    (
        ": aucun certificat PEM trouvé",
        ": no PEM certificate found",
    ),
    (
        ": clé privée PEM illisible (",
        ": unreadable PEM private key (",
    ),
    ("{} et {} ne vont pas ensemble", "{} and {} do not match"),
    // printer/named.rs and http/admin/printers_field.rs ([printers])
    (
        "nom de 1 à 32 caractères parmi a-z, 0-9, _ et - (minuscules, commençant par une \
         lettre ou un chiffre), autre que default; par exemple kitchen = tcp://192.168.1.60:9100",
        "name of 1 to 32 characters among a-z, 0-9, _ and - (lower-case, starting with a \
         letter or a digit), other than default; for example kitchen = tcp://192.168.1.60:9100",
    ),
    (
        "default désigne déjà l'imprimante [printer] name; accepté: ",
        "default already means the [printer] name printer; accepted: ",
    ),
    (
        "nom déjà utilisé plus haut dans [printers]; chaque nom une seule fois (",
        "name already used above in [printers]; each name only once (",
    ),
    (
        "au plus {} imprimantes nommées dans [printers]",
        "at most {} named printers in [printers]",
    ),
    (
        "texte trop long (au plus {} octets); une ligne nom = imprimante par imprimante",
        "text too long (at most {} bytes); one line name = printer for each printer",
    ),
    (
        "nom = imprimante attendu, par exemple kitchen = tcp://192.168.1.60:9100",
        "name = printer expected, for example kitchen = tcp://192.168.1.60:9100",
    ),
    ("ligne {}: ", "line {}: "),
    ("certificat ou clé refusé", "certificate or key refused"),
];

/// A parser's error text in the page's language: as it is in French, translated in
/// English.
pub fn field_error(lang: Lang, message: &str) -> String {
    match lang {
        Lang::Fr => message.to_string(),
        Lang::En => translate(message, &mut |_| {}),
    }
}

/// Scans `message` left to right: a phrase of the table is replaced by its English, a
/// quoted value is copied whole, anything else one character at a time. `used` is told
/// the index of every phrase replaced.
fn translate(message: &str, used: &mut dyn FnMut(usize)) -> String {
    let mut out = String::with_capacity(message.len() + message.len() / 4);
    let mut rest = message;
    'scan: while let Some(first) = rest.chars().next() {
        for (index, (fr, en)) in PHRASES.iter().enumerate() {
            if let Some((parts, len)) = match_at(rest, fr) {
                let mut parts = parts.into_iter();
                for (i, piece) in en.split("{}").enumerate() {
                    if i > 0 {
                        out.push_str(parts.next().unwrap_or_default());
                    }
                    out.push_str(piece);
                }
                used(index);
                rest = &rest[len..];
                continue 'scan;
            }
        }
        let len = quoted_len(rest).unwrap_or(first.len_utf8());
        out.push_str(&rest[..len]);
        rest = &rest[len..];
    }
    out
}

/// Whether `pattern` matches at the start of `text`: its literal pieces follow one
/// another, each `{}` taking the shortest non-empty text before the next piece (a quoted
/// value at least whole). Gives the texts taken by the `{}` and the length matched.
fn match_at<'a>(text: &'a str, pattern: &str) -> Option<(Vec<&'a str>, usize)> {
    let mut pieces = pattern.split("{}");
    let head = pieces.next().unwrap_or_default();
    if !text.starts_with(head) {
        return None;
    }
    let mut pos = head.len();
    let mut parts = Vec::new();
    for piece in pieces {
        let slot = &text[pos..];
        let min = quoted_len(slot).or_else(|| slot.chars().next().map(char::len_utf8))?;
        let end = min + slot[min..].find(piece)?;
        parts.push(&slot[..end]);
        pos += end + piece.len();
    }
    Some((parts, pos))
}

/// The length of the `"..."` value (as `{:?}` writes it) at the start of `text`.
fn quoted_len(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests;
