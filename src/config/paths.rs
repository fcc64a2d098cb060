//! What the admin page may set as a path or a name. The unauthenticated `GET /logs`
//! serves the log and `/logs/purge` empties it, so the page keeps the log inside the data
//! folder; config.ini edited on the till may still name any folder. Imports `domain` only.

use std::path::{Component, Path, PathBuf};

use crate::domain::{told, Lang, Message};

const ACCEPTED: [&str; 2] = [
    "dossier relatif au dossier de données attendu, sans « .. », sans lecteur (C:) \
     ni chemin réseau (\\\\serveur), par exemple logs ou journal/caisse",
    "folder relative to the data folder expected, without “..”, without a drive (C:) \
     or network path (\\\\server), for example logs or journal/till",
];

/// A path or name the admin page may not set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::Fr))]
pub enum PageError {
    LogFolder,
    LogFile,
    Outside { resolved: PathBuf },
    DownloadFolder { default: String, data_dir: PathBuf },
    TlsAuthority,
    TlsFile { example: PathBuf },
    HostName { name: String },
    Extensions,
    ListenAddress { host: String },
}

#[rustfmt::skip]
impl Message for PageError {
    fn message(&self, lang: Lang) -> String {
        use PageError as E;
        let accepted = lang.pick(ACCEPTED);
        match self {
            E::LogFolder => accepted.to_string(),
            E::LogFile => told! {lang,
                "nom de fichier en .log attendu (par exemple cashdrawer.log): le journal ne peut pas être un autre fichier du dossier de données",
                "a .log file name expected (for example cashdrawer.log): the log cannot be another file of the data folder"},
            E::Outside { resolved } => {
                let resolved = resolved.display();
                told! {lang,
                    "{resolved} sort du dossier de données par un lien symbolique; {accepted}",
                    "{resolved} leaves the data folder through a symbolic link; {accepted}"}
            }
            E::DownloadFolder { default, data_dir } => {
                let data_dir = data_dir.display();
                told! {lang,
                    "depuis cette page, le dossier de téléchargement par défaut ({default}) ou un dossier du dossier de données ({data_dir}); un autre dossier se règle dans config.ini sur la caisse",
                    "from this page, the default download folder ({default}) or a folder inside the data folder ({data_dir}); another folder is set in config.ini on the till"}
            }
            E::TlsAuthority => told! {lang,
                "depuis cette page, pas l'autorité de certification locale (tls/ca.pem, tls/ca-key.pem): le certificat servi est tls/cert.pem et sa clé tls/key.pem",
                "from this page, not the local certificate authority (tls/ca.pem, tls/ca-key.pem): the certificate served is tls/cert.pem and its key tls/key.pem"},
            E::TlsFile { example } => {
                let example = example.display();
                told! {lang,
                    "depuis cette page, un fichier du dossier de données attendu, chemin complet (par exemple {example}); un autre chemin se règle dans config.ini sur la caisse",
                    "from this page, a file inside the data folder expected, full path (for example {example}); another path is set in config.ini on the till"}
            }
            E::HostName { name } => told! {lang,
                "{name:?}: nom d'hôte attendu (lettres, chiffres, '-' et '.', sans '*'), par exemple caisse1.boutique.lan, ou une adresse IP",
                "{name:?}: host name expected (letters, digits, '-' and '.', no '*'), for example caisse1.boutique.lan, or an IP address"},
            E::ListenAddress { host } => told! {lang,
                "depuis cette page, 0.0.0.0 (tout le réseau) ou 127.0.0.1 (la caisse seule): {host} couperait la caisse elle-même (Odoo appelle 127.0.0.1); une autre adresse se règle dans config.ini sur la caisse",
                "from this page, 0.0.0.0 (whole network) or 127.0.0.1 (this till only): {host} would cut the till itself off (Odoo calls 127.0.0.1); another address is set in config.ini on the till"},
            E::Extensions => told! {lang,
                "depuis cette page, .pdf seulement (les factures); d'autres extensions se règlent dans config.ini sur la caisse",
                "from this page, .pdf only (invoices); other extensions are set in config.ini on the till"},
        }
    }
}

/// `[logs] folder`: relative, no `..`, drive or UNC path, no symbolic link leading out.
pub fn check_page_log_folder(data_dir: &Path, folder: &str) -> Result<(), PageError> {
    let lexically_inside = !folder.is_empty()
        && !folder.starts_with(['/', '\\'])
        && !folder.contains(':')
        && !folder.split(['/', '\\']).any(|part| part == "..")
        && Path::new(folder)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !lexically_inside {
        return Err(PageError::LogFolder);
    }
    stays_inside(data_dir, &data_dir.join(folder))
}

/// `[logs] filename`: a `.log` name (`config.ini` as the log would serve the password
/// hash), and no symbolic link leading out of the data folder.
pub fn check_page_log_file(data_dir: &Path, folder: &str, filename: &str) -> Result<(), PageError> {
    if !filename.to_ascii_lowercase().ends_with(".log") || filename.len() <= 4 {
        return Err(PageError::LogFile);
    }
    stays_inside(data_dir, &data_dir.join(folder).join(filename))
}

/// `[invoice_printer] download_folder`: the default one or one inside the data folder.
/// The watcher prints and deletes what it finds: elsewhere, a stolen password would
/// print out and delete another folder's PDF files.
pub fn check_page_download_folder(
    data_dir: &Path,
    folder: &str,
    default: &str,
) -> Result<(), PageError> {
    let path = Path::new(folder);
    let same_as_default =
        resolve(path) == resolve(Path::new(default)) || folder.eq_ignore_ascii_case(default);
    let inside = path.is_absolute() && stays_inside(data_dir, path).is_ok();
    if same_as_default || inside {
        Ok(())
    } else {
        Err(PageError::DownloadFolder {
            default: default.to_string(),
            data_dir: data_dir.to_path_buf(),
        })
    }
}

/// `[server] cert_file` / `key_file`: empty, or an absolute path inside the data folder
/// (the page reports what it reads: any path would make it an oracle on the machine).
pub fn check_page_tls_file(data_dir: &Path, file: &str) -> Result<(), PageError> {
    let path = Path::new(file);
    // The local authority's key served on line: the shop's trust would cover anything.
    let authority = ["ca.pem", "ca-key.pem"]
        .iter()
        .any(|name| resolve(path) == resolve(&data_dir.join("tls").join(name)));
    if authority {
        return Err(PageError::TlsAuthority);
    }
    if file.is_empty() || (path.is_absolute() && stays_inside(data_dir, path).is_ok()) {
        Ok(())
    } else {
        Err(PageError::TlsFile {
            example: data_dir.join("tls").join("cert.pem"),
        })
    }
}

/// `[server] allowed_hosts`: host names or IP addresses. The local authority signs
/// them: a `*` would have it vouch for other sites.
pub fn check_page_host_names(names: &[String]) -> Result<(), PageError> {
    match names.iter().find(|n| !is_host_name(n)) {
        None => Ok(()),
        Some(n) => Err(PageError::HostName { name: n.clone() }),
    }
}

/// `[server] host`: one the till's 127.0.0.1 reaches, so a leaked password cannot cut
/// the POS off (a value the parser refuses is the parser's to report).
pub fn check_page_listen_address(host: &str) -> Result<(), PageError> {
    match host.trim() {
        "0.0.0.0" | "127.0.0.1" => Ok(()),
        h if h.parse::<std::net::IpAddr>().is_err() => Ok(()),
        h => Err(PageError::ListenAddress {
            host: h.to_string(),
        }),
    }
}

/// A DNS host name or an IP address; never a wildcard.
pub fn is_host_name(name: &str) -> bool {
    if name.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `[invoice_printer] file_extensions`: PDF only (the watcher deletes what it printed).
pub fn check_page_extensions(extensions: &[String]) -> Result<(), PageError> {
    let pdf = extensions.iter().all(|e| e.eq_ignore_ascii_case(".pdf"));
    pdf.then_some(()).ok_or(PageError::Extensions)
}

fn stays_inside(data_dir: &Path, path: &Path) -> Result<(), PageError> {
    let resolved = resolve(path);
    if resolved.starts_with(resolve(data_dir)) {
        Ok(())
    } else {
        Err(PageError::Outside { resolved })
    }
}

/// `path` with its longest existing part resolved (links followed), the rest appended.
fn resolve(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}
