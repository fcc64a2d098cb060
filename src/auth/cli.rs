//! `odoo-pos-cashdrawer set-password`: resets a forgotten admin password on the till,
//! read twice from the terminal without echo, or the first line of a piped stdin.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::config::ConfigStore;

use super::password;

pub fn set_password(data_dir: &Path) -> Result<()> {
    let store = ConfigStore::new(data_dir.join("config.ini"));
    store.load_or_create()?;
    let (new, confirmation) = if std::io::stdin().is_terminal() {
        let new = rpassword::prompt_password("Nouveau mot de passe administrateur: ")
            .context("lecture du mot de passe")?;
        let again =
            rpassword::prompt_password("Confirmation: ").context("lecture de la confirmation")?;
        (new, again)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("lecture du mot de passe sur l'entrée standard")?;
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        (line.clone(), line)
    };
    if let Err(problem) = password::check_new(&new, &confirmation) {
        bail!("mot de passe refusé: {}", problem.message(false));
    }
    let hash = password::hash(&new)?;
    password::store_hash(&store, &hash)?;
    println!(
        "Mot de passe administrateur enregistré dans {} (les sessions ouvertes sont fermées).",
        store.path().display()
    );
    Ok(())
}
