//! Tests of `src/config/paths.rs`.
use cashdrawer::config::*;

#[test]
fn page_download_folder_tls_files_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().canonicalize().unwrap();
    let default = "/home/caisse/Downloads";
    assert!(check_page_download_folder(&data, default, default).is_ok());
    let inside = data.join("factures");
    assert!(check_page_download_folder(&data, &inside.display().to_string(), default).is_ok());
    for bad in [
        "/etc",
        "/home/patron/Documents",
        "factures",
        "../x",
        "C:\\Windows",
    ] {
        let err = check_page_download_folder(&data, bad, default)
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.ini sur la caisse"), "{bad}: {err}");
    }
    assert!(check_page_tls_file(&data, "").is_ok());
    let cert = data.join("tls/mine.pem").display().to_string();
    assert!(check_page_tls_file(&data, &cert).is_ok());
    for bad in ["/etc/shadow", "tls/cert.pem", "/root/.ssh/id_rsa"] {
        assert!(check_page_tls_file(&data, bad).is_err(), "{bad}");
    }
    let ext = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(check_page_extensions(&ext(&[".pdf", ".PDF"])).is_ok());
    assert!(check_page_extensions(&ext(&[".pdf", ".docx"])).is_err());
    assert!(check_page_extensions(&ext(&[".dll"])).is_err());
}

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
        let err = check_page_log_folder(dir.path(), bad)
            .unwrap_err()
            .to_string();
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
        let err = check_page_log_file(dir.path(), ".", not_a_log)
            .unwrap_err()
            .to_string();
        assert!(err.contains(".log attendu"), "{not_a_log}: {err}");
    }
}
