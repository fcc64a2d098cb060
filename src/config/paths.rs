//! Where the admin page may put the log: inside the data folder, nowhere else.
//!
//! The unauthenticated `GET /logs` serves the log and `/logs/purge` empties it, so a log
//! pointed at any file from the page would make both read and truncate that file. The
//! rule is the page's: config.ini edited on the till (by someone who already has the
//! machine) may still name an absolute folder, and [`super::Config::from_ini`] accepts it.

use std::path::{Component, Path, PathBuf};

const ACCEPTED: &str =
    "dossier relatif au dossier de données attendu, sans « .. », sans lecteur (C:) \
     ni chemin réseau (\\\\serveur), par exemple logs ou journal/caisse";

/// `[logs] folder` as typed on the page: relative, no `..`, no drive, no UNC path, and
/// not leaving the data folder through a symbolic link that exists now.
pub fn check_page_log_folder(data_dir: &Path, folder: &str) -> Result<(), String> {
    let lexically_inside = !folder.is_empty()
        && !folder.starts_with(['/', '\\'])
        && !folder.contains(':')
        && !folder.split(['/', '\\']).any(|part| part == "..")
        && Path::new(folder)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !lexically_inside {
        return Err(ACCEPTED.into());
    }
    stays_inside(data_dir, &data_dir.join(folder))
}

/// The log file itself (`folder` + `[logs] filename`): a `.log` name, so that the page
/// cannot turn the service's own files into "the log" (`folder = .` and
/// `filename = config.ini` would have `GET /logs` serve the password hash, and a key
/// file the session key), and no symbolic link already there leading out of the data
/// folder.
pub fn check_page_log_file(data_dir: &Path, folder: &str, filename: &str) -> Result<(), String> {
    if !filename.to_ascii_lowercase().ends_with(".log") || filename.len() <= 4 {
        return Err(
            "nom de fichier en .log attendu (par exemple cashdrawer.log): le journal ne peut pas être un autre fichier du dossier de données"
                .into(),
        );
    }
    stays_inside(data_dir, &data_dir.join(folder).join(filename))
}

fn stays_inside(data_dir: &Path, path: &Path) -> Result<(), String> {
    let root = resolve(data_dir);
    let resolved = resolve(path);
    if resolved.starts_with(&root) {
        Ok(())
    } else {
        Err(format!(
            "{} sort du dossier de données par un lien symbolique; {ACCEPTED}",
            resolved.display()
        ))
    }
}

/// `path` with its longest existing part resolved (symbolic links followed), the rest
/// appended as it is: what the log writer would open at the next start.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_relative_folders_inside_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        for ok in ["logs", "journal/caisse", "./logs", "a\\b", "logs..old"] {
            assert_eq!(check_page_log_folder(dir.path(), ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "/etc",
            "\\etc",
            "..",
            "../x",
            "a/../../x",
            "a\\..\\x",
            "C:\\Windows",
            "C:x",
            "\\\\srv\\share",
            "//srv/share",
        ] {
            let err = check_page_log_folder(dir.path(), bad).unwrap_err();
            assert!(err.contains("dossier de données"), "{bad}: {err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        assert!(check_page_log_folder(dir.path(), "out").is_err());
        assert!(check_page_log_folder(dir.path(), "out/deeper").is_err());
        std::fs::create_dir(dir.path().join("logs")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("logs/cashdrawer.log")).unwrap();
        assert!(check_page_log_file(dir.path(), "logs", "cashdrawer.log").is_err());
        assert!(check_page_log_file(dir.path(), "logs", "other.log").is_ok());
        for not_a_log in ["config.ini", "session.key", ".log", "x.log.txt"] {
            let err = check_page_log_file(dir.path(), ".", not_a_log).unwrap_err();
            assert!(err.contains(".log attendu"), "{not_a_log}: {err}");
        }
    }
}
