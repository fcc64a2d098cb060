//! The two languages a message can be told in, and [`Message::message`]. French is the
//! service's (JSON answers, the log, as the original said it); English is the admin
//! page's only, picked in `http`. Imports nothing of the crate.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn is_en(self) -> bool {
        self == Lang::En
    }

    pub fn pick<T>(self, pair: [T; 2]) -> T {
        let [fr, en] = pair;
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// The French or the English `format!` of the same values, as `lang` says.
macro_rules! told {
    ($lang:expr, $fr:literal, $en:literal $(,)?) => {
        match $lang {
            $crate::domain::Lang::Fr => format!($fr),
            $crate::domain::Lang::En => format!($en),
        }
    };
}
pub(crate) use told;

/// An error told in either language; its `Display` is the French.
pub trait Message {
    fn message(&self, lang: Lang) -> String;
}

/// A message told in both languages, for a page that collects errors before it knows
/// its language. Reads as its French text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
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
