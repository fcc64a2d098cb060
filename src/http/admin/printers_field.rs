//! The `[printers]` section on the admin page: one textarea of `name = target` lines
//! (the shop chooses the keys, so they are no [`super::fields::GROUPS`] fields). Only
//! entries that pass the name, text and target rules (and, new or changed, the device
//! check) are written, into `[printers]` only; one refused line and nothing is.

use std::collections::HashMap;

use ini::Ini;

use super::fields::{Field, Kind};
use crate::config::PRINTERS_SECTION;
use crate::domain::Lang;
use crate::domain::{NamedPrinters, PrinterTarget, Text};

/// The page's field for the whole section (form name `printers.entries`).
pub static FIELD: Field = Field {
    section: PRINTERS_SECTION,
    key: "entries",
    kind: Kind::Text,
    label: [
        "Imprimantes nommées (une par ligne : nom = imprimante)",
        "Named printers (one a line: name = printer)",
    ],
    help: [
        "Cuisine, bar : kitchen = tcp://192.168.1.60:9100. Noms : a-z, 0-9, _ et -, au plus 16 imprimantes. Dans Odoo, l'adresse de l'imprimante de préparation est 127.0.0.1:22548/nom.",
        "Kitchen, bar: kitchen = tcp://192.168.1.60:9100. Names: a-z, 0-9, _ and -, at most 16 printers. In Odoo, the preparation printer's address is 127.0.0.1:22548/name.",
    ],
    restart: false,
};

/// Longest textarea accepted: 16 lines of a 32-character name and a long target.
pub const MAX_TEXT: usize = 8 * 1024;

pub fn form_name() -> String {
    super::fields::form_name(&FIELD)
}

/// The section's entries, trimmed, in the file's order.
fn entries_of(ini: &Ini) -> Vec<(String, String)> {
    let trimmed = |(k, v): (&str, &str)| (k.trim().to_string(), v.trim().to_string());
    let section = ini.section(Some(PRINTERS_SECTION));
    section.map_or_else(Vec::new, |p| p.iter().map(trimmed).collect())
}

/// The section as the textarea shows it: `name = target` lines.
pub fn text_of(ini: &Ini) -> String {
    entries_of(ini)
        .iter()
        .map(|(k, v)| format!("{k} = {v}\n"))
        .collect()
}

/// Reads the textarea into entries; the error names the line.
fn parse_text(text: &str) -> Result<Vec<(String, String)>, Text> {
    if text.len() > MAX_TEXT {
        return Err(Text {
            fr: format!("texte trop long (au plus {MAX_TEXT} octets); une ligne nom = imprimante par imprimante"),
            en: format!("text too long (at most {MAX_TEXT} bytes); one line name = printer for each printer"),
        });
    }
    let mut entries = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let at = |reason: Text| {
            reason.after([&format!("ligne {}: ", n + 1), &format!("line {}: ", n + 1)])
        };
        let Some((name, target)) = line.split_once('=') else {
            return Err(at(Text::new([
                "nom = imprimante attendu, par exemple kitchen = tcp://192.168.1.60:9100",
                "name = printer expected, for example kitchen = tcp://192.168.1.60:9100",
            ])));
        };
        let (name, target) = (name.trim(), target.trim());
        let checked = |v| crate::domain::check_ini_text(v).map_err(|e| at(Text::of(&e)));
        checked(name)?;
        checked(target)?;
        entries.push((name.to_string(), target.to_string()));
    }
    NamedPrinters::parse(entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(|e| {
        let line = text
            .split('\n')
            .position(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == e.key))
            .map_or(0, |i| i + 1);
        let key = crate::logs::escape(&e.key);
        Text::of(&e.reason).after([
            &format!("ligne {line} ({key}): "),
            &format!("line {line} ({key}): "),
        ])
    })?;
    Ok(entries)
}

/// A new or changed `file:`/`usb:` target must be a device, and a `tcp://` one not this
/// service; an entry kept as it was passes, so a hand-edited file still saves.
fn check_devices(before: &Ini, entries: &[(String, String)], ports: &[u16]) -> Result<(), Text> {
    for (name, target) in entries {
        let unchanged =
            before.get_from(Some(PRINTERS_SECTION), name).map(str::trim) == Some(target.as_str());
        if unchanged {
            continue;
        }
        if let Ok(t) = PrinterTarget::parse(target) {
            t.check_device()
                .and_then(|()| t.check_not_this_service(ports))
                .map_err(|e| {
                    let name = format!("{name}: ");
                    Text::of(&e).after([&name, &name])
                })?;
        }
    }
    Ok(())
}

/// Replaces `[printers]` by the submitted textarea: `None` without the field, else
/// whether it changed, or why nothing was.
pub fn apply(
    ini: &mut Ini,
    form: &HashMap<String, String>,
    service_ports: &[u16],
) -> Option<Result<bool, Text>> {
    let text = form.get(&form_name())?;
    Some(replace_section(ini, text, service_ports))
}

fn replace_section(ini: &mut Ini, text: &str, service_ports: &[u16]) -> Result<bool, Text> {
    let entries = parse_text(text)?;
    check_devices(ini, &entries, service_ports)?;
    if entries_of(ini) == entries {
        return Ok(false);
    }
    ini.delete(Some(PRINTERS_SECTION));
    for (name, target) in &entries {
        ini.with_section(Some(PRINTERS_SECTION)).set(name, target);
    }
    Ok(true)
}

/// The card as the template shows it.
pub struct NamedView {
    pub name: String,
    pub title: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub value: String,
    pub error: String,
    /// (name, address to type in Odoo, target, last known state) of the printers in force.
    pub list: Vec<(String, String, String, String)>,
}

/// The textarea holding `value`, and the printers in force with their address on `port`.
pub fn view(
    lang: Lang,
    value: String,
    error: Option<&Text>,
    printers: &NamedPrinters,
    port: u16,
    health_of: impl Fn(&PrinterTarget) -> crate::printer::PrinterHealth,
) -> NamedView {
    NamedView {
        name: form_name(),
        title: lang.pick([
            "Imprimantes de préparation (cuisine, bar)",
            "Preparation printers (kitchen, bar)",
        ]),
        label: lang.pick(FIELD.label),
        help: lang.pick(FIELD.help),
        value,
        error: error.map(|e| e.get(lang).to_string()).unwrap_or_default(),
        list: printers
            .iter()
            .map(|(name, target)| {
                (
                    name.to_string(),
                    format!("127.0.0.1:{port}/{name}"),
                    target.to_string(),
                    health_text(lang, &health_of(target)),
                )
            })
            .collect(),
    }
}

/// The last known state (never a live probe: the page stays fast).
pub(super) fn health_text(lang: Lang, health: &crate::printer::PrinterHealth) -> String {
    match (&health.reachable, &health.last_error) {
        (None, _) => lang
            .pick(["pas encore utilisée", "not used yet"])
            .to_string(),
        (Some(true), _) => "OK".to_string(),
        (Some(false), Some(e)) => e.clone(),
        (Some(false), None) => lang.pick(["hors ligne", "offline"]).to_string(),
    }
}
