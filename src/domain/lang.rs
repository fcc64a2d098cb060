//! The two languages a message can be told in, and the one way a domain value tells
//! what went wrong: [`Message::message`].
//!
//! French is the service's language: the JSON answers, the log and the start-up errors
//! say it, word for word as the original service did. English exists for the admin page
//! only. Owns no HTTP type (the page picks the language from its headers in `http`);
//! imports nothing of the crate.

use std::fmt;

/// The admin page's two languages; French everywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    /// Picks the French or English member of a pair.
    pub fn pick<T>(self, pair: [T; 2]) -> T {
        let [fr, en] = pair;
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// One message in `lang`: the French or the English `format!` of the same values (only
/// the one asked for is built).
macro_rules! told {
    ($lang:expr, $fr:literal, $en:literal $(,)?) => {
        match $lang {
            $crate::domain::Lang::Fr => format!($fr),
            $crate::domain::Lang::En => format!($en),
        }
    };
}
pub(crate) use told;

/// An error that can be told in either language. The French text is the one the JSON
/// answers and the log carry; `Display` of every domain error is it.
pub trait Message {
    fn message(&self, lang: Lang) -> String;
}

/// A message already told in both languages, for a page that collects errors of
/// several kinds (config values, devices, certificates) by field before it knows which
/// language it will be shown in. Reads as its French text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    /// A fixed text in both languages.
    pub fn new(pair: [&str; 2]) -> Text {
        let [fr, en] = pair.map(str::to_string);
        Text { fr, en }
    }

    pub fn of(error: &dyn Message) -> Text {
        Text {
            fr: error.message(Lang::Fr),
            en: error.message(Lang::En),
        }
    }

    /// `before` then this text in each language (a line number, an entry's name).
    pub fn after(self, before: [&str; 2]) -> Text {
        Text {
            fr: format!("{}{}", before[0], self.fr),
            en: format!("{}{}", before[1], self.en),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick([&self.fr, &self.en])
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.fr
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fr)
    }
}
