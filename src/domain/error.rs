//! [`ParseError`]: why one value of config.ini (or of the admin page) is refused, and
//! what is accepted; French as the original said it, English for the admin page.
//! Imports only `domain` itself.

use super::lang::{told, Lang, Message};
use super::printer_name::NameError;
use super::printer_target::TargetError;

/// One of `options` (any case), or [`ParseError::Choice`] naming them in `fr` and `en`.
pub fn choose<T: Copy>(
    s: &str,
    options: &[(&str, T)],
    fr: &'static str,
    en: &'static str,
) -> Result<T, ParseError> {
    let s = s.to_ascii_lowercase();
    let found = options.iter().find(|(word, _)| *word == s);
    found.map(|&(_, v)| v).ok_or(ParseError::Choice { fr, en })
}

/// A refused value, with what its message needs; the wording is [`Message::message`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message(Lang::Fr))]
pub enum ParseError {
    Bool,
    Choice { fr: &'static str, en: &'static str },
    Range { min: u64, max: u64 },
    Port,
    PortNonZero,
    Ip,
    HostOrEmpty,
    Empty,
    FileName,
    Extensions,
    Origin { origin: String },
    BcryptHash,
    NetAddress { text: String },
    NetPrefix { text: String, max: u8 },
    NetList(Box<ParseError>),
    PaperWidth,
    OptionalPath,
    IniChar { code: u32 },
    IniQuote,
    IniApostrophe,
    QueueName,
    DrawerHex,
    DrawerLength,
    Fingerprint,
    PinNeedsTls,
    MetricsToken,
    Ipp { problem: IppProblem },
    Target(#[from] TargetError),
    Name(#[from] NameError),
}

/// What is wrong in an `ipp_uri`; the accepted forms follow in the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IppProblem {
    NoScheme,
    Scheme(String),
    Address(String),
    Port(String),
    NoHost,
}

const INI_LINE: [&str; 2] = [
    "une seule ligne de texte, sans guillemet droit",
    "one line of text, without a straight quote",
];
const DRAWER_HEX: [&str; 2] = [
    "octets en hexadécimal attendus, par exemple 1b70001afa (broche 2), 1b70011afa (broche 5) ou 1014010005 (temps réel)",
    "bytes in hexadecimal expected, for example 1b70001afa (pin 2), 1b70011afa (pin 5) or 1014010005 (real time)",
];
const IPP: [&str; 2] = [
    "accepté: ipp://hôte[:port]/chemin (ex. ipp://192.168.1.50/ipp/print), ipps://hôte[:port]/chemin (IPP chiffré, TLS), http:// ou https://hôte:port/chemin",
    "accepted: ipp://host[:port]/path (e.g. ipp://192.168.1.50/ipp/print), ipps://host[:port]/path (encrypted IPP, TLS), http:// or https://host:port/path",
];

#[rustfmt::skip]
impl Message for ParseError {
    fn message(&self, lang: Lang) -> String {
        use ParseError as E;
        let (line, hex, ipp) = (lang.pick(INI_LINE), lang.pick(DRAWER_HEX), lang.pick(IPP));
        match self {
            E::Bool => told! {lang, "valeurs acceptées: true/false, yes/no, on/off, 1/0", "accepted values: true/false, yes/no, on/off, 1/0"},
            E::Choice { fr, en } => told! {lang, "valeurs acceptées: {fr}", "accepted values: {en}"},
            E::Range { min, max } => told! {lang, "nombre entier entre {min} et {max} attendu", "whole number between {min} and {max} expected"},
            E::Port => told! {lang, "port entre 0 et 65535 attendu (0 = choisi par le système)", "port between 0 and 65535 expected (0 = chosen by the system)"},
            E::PortNonZero => told! {lang, "port entre 1 et 65535 attendu", "port between 1 and 65535 expected"},
            E::Ip => told! {lang,
                "adresse IP attendue, par exemple 0.0.0.0 (toutes), 127.0.0.1 (locale) ou ::",
                "IP address expected, for example 0.0.0.0 (all), 127.0.0.1 (local only) or ::"},
            E::HostOrEmpty => told! {lang, "adresse IP ou nom d'hôte attendu (ou vide)", "IP address or host name expected (or empty)"},
            E::Empty => told! {lang, "une valeur non vide est attendue", "a non-empty value is expected"},
            E::FileName => told! {lang,
                "nom de fichier simple attendu, sans dossier (par exemple cashdrawer.log)",
                "plain file name expected, without a folder (for example cashdrawer.log)"},
            E::Extensions => told! {lang,
                "liste d'extensions attendue, par exemple .pdf ou .pdf,.PDF",
                "list of extensions expected, for example .pdf or .pdf,.PDF"},
            E::Origin { origin } => told! {lang,
                "origine {origin:?} invalide: * ou une liste d'origines comme https://maboutique.odoo.com (schéma et hôte, sans chemin)",
                "invalid origin {origin:?}: * or a list of origins such as https://myshop.odoo.com (scheme and host, no path)"},
            E::BcryptHash => told! {lang,
                "empreinte bcrypt attendue ($2b$...), ou vide pour recréer le mot de passe",
                "bcrypt hash expected ($2b$...), or empty to create the password again"},
            E::NetAddress { text } => told! {lang, "{text:?}: adresse invalide", "{text:?}: invalid address"},
            E::NetPrefix { text, max } => told! {lang, "{text:?}: préfixe invalide (0 à {max})", "{text:?}: invalid prefix (0 to {max})"},
            E::NetList(inner) => {
                let inner = inner.message(lang);
                told! {lang,
                    "{inner}; liste de réseaux CIDR attendue, par exemple 192.168.1.0/24, 10.0.0.5",
                    "{inner}; list of CIDR networks expected, for example 192.168.1.0/24, 10.0.0.5"}
            }
            E::PaperWidth => told! {lang,
                "largeur en points attendue: 384 (58 mm), 576 (80 mm), 58mm ou 80mm",
                "width in dots expected: 384 (58 mm), 576 (80 mm), 58mm or 80mm"},
            E::OptionalPath => told! {lang, "chemin de fichier attendu (ou vide)", "file path expected (or empty)"},
            E::IniChar { code } => told! {lang,
                "caractère U+{code:04X} refusé (retour à la ligne, contrôle ou mise en forme invisible); accepté: {line}",
                "character U+{code:04X} refused (line break, control or invisible formatting); accepted: {line}"},
            E::IniQuote => told! {lang,
                "guillemet droit \" refusé (config.ini le lit comme le début d'une valeur entre guillemets); accepté: {line}",
                "straight quote \" refused (config.ini reads it as the start of a quoted value); accepted: {line}"},
            E::IniApostrophe => told! {lang,
                "apostrophe en tête de valeur refusée (config.ini la lit comme le début d'une valeur entre apostrophes); accepté: {line}",
                "apostrophe at the start of a value refused (config.ini reads it as the start of a quoted value); accepted: {line}"},
            E::QueueName => told! {lang,
                "nom de file d'impression système (FACTURE) ou nom@ip:port (par exemple FACTURE@192.168.1.60:9100), ou vide",
                "system print queue name (FACTURE) or name@ip:port (for example FACTURE@192.168.1.60:9100), or empty"},
            E::DrawerHex => hex.to_string(),
            E::DrawerLength => told! {lang, "{hex} (nombre pair de chiffres, 1 à 64 octets)", "{hex} (an even number of digits, 1 to 64 bytes)"},
            E::Fingerprint => told! {lang,
                "empreinte SHA-256 du certificat de l'imprimante attendue: 64 chiffres hexadécimaux, séparés ou non par « : » (ex. 3F:A2:…:9C), ou vide (certificat non vérifié, empreinte notée dans le journal)",
                "SHA-256 fingerprint of the printer's certificate expected: 64 hexadecimal digits, with or without “:” between them (e.g. 3F:A2:…:9C), or empty (certificate not verified, its fingerprint written in the log)"},
            E::PinNeedsTls => told! {lang,
                "empreinte utilisable seulement avec ipp_uri en ipps:// ou https:// (chiffré); videz-la ou passez ipp_uri en ipps://",
                "a fingerprint only works with an ipps:// or https:// ipp_uri (encrypted); empty it or change ipp_uri to ipps://"},
            E::MetricsToken => told! {lang,
                "jeton de 16 à 256 caractères ASCII visibles attendu (sans espace), ou vide pour aucun jeton",
                "token of 16 to 256 visible ASCII characters expected (no space), or empty for no token"},
            E::Ipp { problem } => {
                let problem = ipp_problem(problem, lang);
                format!("{problem}; {ipp}")
            }
            E::Target(e) => e.message(lang),
            E::Name(e) => e.message(lang),
        }
    }
}

#[rustfmt::skip]
fn ipp_problem(problem: &IppProblem, lang: Lang) -> String {
    match problem {
        IppProblem::NoScheme => told! {lang, "schéma manquant", "missing scheme"},
        IppProblem::Scheme(s) => told! {lang, "schéma {s} inconnu", "unknown scheme {s}"},
        IppProblem::Address(a) => told! {lang, "adresse {a:?} invalide", "invalid address {a:?}"},
        IppProblem::Port(p) => told! {lang, "port {p:?} invalide", "invalid port {p:?}"},
        IppProblem::NoHost => told! {lang, "hôte manquant", "missing host"},
    }
}
