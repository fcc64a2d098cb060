//! Parsers for single config values. Each returns the "what is accepted" text as its
//! error, which [`super::Reader`] wraps with the file, section and key.

use std::net::IpAddr;

use super::AllowedOrigins;

/// The booleans Python's configparser accepts, so the original's files keep loading.
pub fn parse_bool(v: &str) -> Result<bool, String> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        _ => Err("valeurs acceptées: true/false, yes/no, on/off, 1/0".into()),
    }
}

pub fn parse_range(v: &str, min: u64, max: u64) -> Result<u64, String> {
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("nombre entier entre {min} et {max} attendu")),
    }
}

/// A listening port; 0 lets the system choose (used by tests and benchmarks).
pub fn parse_port(v: &str) -> Result<u16, String> {
    v.parse::<u16>()
        .map_err(|_| "port entre 0 et 65535 attendu (0 = choisi par le système)".into())
}

pub fn parse_port_nonzero(v: &str) -> Result<u16, String> {
    match v.parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err("port entre 1 et 65535 attendu".into()),
    }
}

pub fn parse_ip(v: &str) -> Result<IpAddr, String> {
    v.parse::<IpAddr>().map_err(|_| {
        "adresse IP attendue, par exemple 0.0.0.0 (toutes), 127.0.0.1 (locale) ou ::".into()
    })
}

/// An IP address or a host name, or nothing.
pub fn parse_host_or_empty(v: &str) -> Result<String, String> {
    let ok = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if ok {
        Ok(v.to_string())
    } else {
        Err("adresse IP ou nom d'hôte attendu (ou vide)".into())
    }
}

pub fn parse_nonempty(v: &str) -> Result<String, String> {
    if v.is_empty() {
        Err("une valeur non vide est attendue".into())
    } else {
        Ok(v.to_string())
    }
}

/// A bare file name: no folder part, so the log file cannot be written elsewhere.
pub fn parse_file_name(v: &str) -> Result<String, String> {
    let bad = v.is_empty()
        || v == "."
        || v == ".."
        || v.contains(['/', '\\', ':', '\0'])
        || v.chars().any(char::is_control);
    if bad {
        Err("nom de fichier simple attendu, sans dossier (par exemple cashdrawer.log)".into())
    } else {
        Ok(v.to_string())
    }
}

/// Comma- or space-separated list, empty items dropped.
pub fn parse_list(v: &str) -> Vec<String> {
    v.split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn parse_extensions(v: &str) -> Result<Vec<String>, String> {
    let list: Vec<String> = parse_list(v)
        .into_iter()
        .map(|e| {
            let e = e.to_ascii_lowercase();
            if e.starts_with('.') {
                e
            } else {
                format!(".{e}")
            }
        })
        .collect();
    if list.is_empty()
        || list
            .iter()
            .any(|e| e.len() < 2 || e[1..].contains(['.', '/', '\\']))
    {
        return Err("liste d'extensions attendue, par exemple .pdf ou .pdf,.PDF".into());
    }
    Ok(list)
}

pub fn parse_origins(v: &str) -> Result<AllowedOrigins, String> {
    let list = parse_list(v);
    if list.is_empty() || list.iter().any(|o| o == "*") {
        return Ok(AllowedOrigins::Any);
    }
    for origin in &list {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains('/') => {}
            _ => {
                return Err(format!(
                    "origine {origin:?} invalide: * ou une liste d'origines comme https://maboutique.odoo.com (schéma et hôte, sans chemin)"
                ))
            }
        }
    }
    Ok(AllowedOrigins::List(list))
}

/// Accepts an Argon-free world of hashes: only bcrypt, as written by us or by the
/// original service (Python's bcrypt writes `$2b$`).
pub fn parse_bcrypt_hash(v: &str) -> Result<String, String> {
    let ok = v.is_empty()
        || (v.len() == 60
            && ["$2a$", "$2b$", "$2y$", "$2x$"]
                .iter()
                .any(|p| v.starts_with(p)));
    if ok {
        Ok(v.to_string())
    } else {
        Err("empreinte bcrypt attendue ($2b$...), ou vide pour recréer le mot de passe".into())
    }
}

/// An IP network in CIDR form; a bare address means that one host. The arithmetic is
/// `ipnet`'s; this type adds how users type networks and how callers are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet(ipnet::IpNet);

impl IpNet {
    /// The host bits of a network may be set (`192.168.1.5/24` is 192.168.1.0/24).
    pub fn parse(s: &str) -> Result<IpNet, String> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?}: adresse invalide"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let invalid = || format!("{s:?}: préfixe invalide (0 à {max})");
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().map_err(|_| invalid())?,
        };
        ipnet::IpNet::new(addr, prefix)
            .map(IpNet)
            .map_err(|_| invalid())
    }

    /// Whether `ip` is in this network; IPv4-mapped IPv6 addresses count as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

pub fn parse_cidr_list(v: &str) -> Result<Vec<IpNet>, String> {
    parse_list(v)
        .iter()
        .map(|s| IpNet::parse(s))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            format!("{e}; liste de réseaux CIDR attendue, par exemple 192.168.1.0/24, 10.0.0.5")
        })
}

/// Printable width in dots: a number (8 to 2048), or `58mm` (384 dots) / `80mm`
/// (576 dots), the two usual roll widths at 203 dpi.
pub fn parse_paper_width(v: &str) -> Result<u32, String> {
    let accepted = "largeur en points attendue: 384 (58 mm), 576 (80 mm), 58mm ou 80mm";
    match v.to_ascii_lowercase().replace(' ', "").as_str() {
        "58mm" => Ok(384),
        "80mm" => Ok(576),
        n => match n.parse::<u32>() {
            Ok(w) if (8..=2048).contains(&w) => Ok(w),
            _ => Err(accepted.into()),
        },
    }
}

/// A file path, or nothing (empty = the built-in default).
pub fn parse_optional_path(v: &str) -> Result<Option<std::path::PathBuf>, String> {
    if v.contains('\0') {
        return Err("chemin de fichier attendu (ou vide)".into());
    }
    Ok((!v.is_empty()).then(|| std::path::PathBuf::from(v)))
}

/// Whether a value typed on the admin page can be written into config.ini as one
/// `key = value` line that reads back exactly as typed. Line breaks of every kind, NUL
/// and other control characters would start a new line, so a new key or section (the
/// invoice `command` run at the next PDF); a `"` (and a leading `'`) opens a quoted
/// value that rust-ini reads across lines, up to the next quote or the end of the file,
/// which then no longer parses; bidirectional marks hide what the file really says.
/// `=`, `;`, `#` and `[` are plain text after `key = ` (no inline comments) and pass.
pub fn check_ini_text(v: &str) -> Result<(), String> {
    const ACCEPTED: &str = "une seule ligne de texte, sans guillemet droit";
    for c in v.chars() {
        let refused = c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if refused {
            return Err(format!(
                "caractère U+{:04X} refusé (retour à la ligne, contrôle ou mise en forme invisible); accepté: {ACCEPTED}",
                c as u32
            ));
        }
    }
    if v.contains('"') {
        return Err(format!(
            "guillemet droit \" refusé (config.ini le lit comme le début d'une valeur entre guillemets); accepté: {ACCEPTED}"
        ));
    }
    if v.trim_start().starts_with('\'') {
        return Err(format!(
            "apostrophe en tête de valeur refusée (config.ini la lit comme le début d'une valeur entre apostrophes); accepté: {ACCEPTED}"
        ));
    }
    Ok(())
}

/// `[invoice_printer] name`: a system queue (`FACTURE`, `\\serveur\FACTURE`), optionally
/// `queue@host[:port]` for the raw socket, or empty (no system queue). The queue is given
/// to the print spooler and to `{printer}` of the invoice command: one line. (Quotes are
/// the page's text rule, [`check_ini_text`]: a file edited by hand keeps loading.)
pub fn parse_queue_name(v: &str) -> Result<String, String> {
    const ACCEPTED: &str =
        "nom de file d'impression système (FACTURE) ou nom@ip:port (par exemple FACTURE@192.168.1.60:9100), ou vide";
    let bad =
        v.chars().count() > 255 || v.chars().any(char::is_control) || v.matches('@').count() > 1;
    if bad {
        return Err(ACCEPTED.into());
    }
    if let Some((_, addr)) = v.split_once('@') {
        let addr = addr.trim();
        let host = match addr.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => {
                parse_port_nonzero(p).map_err(|_| ACCEPTED.to_string())?;
                h
            }
            _ => addr,
        };
        if host.is_empty() || parse_host_or_empty(host).is_err() {
            return Err(ACCEPTED.into());
        }
    }
    Ok(v.to_string())
}
