//! Text for ESC/POS printers: code page PC858 (Western European with €), selected by
//! `ESC t 19`, which nearly every ESC/POS printer has. French receipts need é, à, ç, €.

/// `ESC t 19`: select PC858.
pub const SELECT_PC858: [u8; 3] = [0x1b, b't', 19];

/// PC858 bytes from 0x80, for the characters of Western European languages.
const HIGH: &[(char, u8)] = &[
    ('Ç', 0x80),
    ('ü', 0x81),
    ('é', 0x82),
    ('â', 0x83),
    ('ä', 0x84),
    ('à', 0x85),
    ('å', 0x86),
    ('ç', 0x87),
    ('ê', 0x88),
    ('ë', 0x89),
    ('è', 0x8a),
    ('ï', 0x8b),
    ('î', 0x8c),
    ('ì', 0x8d),
    ('Ä', 0x8e),
    ('Å', 0x8f),
    ('É', 0x90),
    ('æ', 0x91),
    ('Æ', 0x92),
    ('ô', 0x93),
    ('ö', 0x94),
    ('ò', 0x95),
    ('û', 0x96),
    ('ù', 0x97),
    ('ÿ', 0x98),
    ('Ö', 0x99),
    ('Ü', 0x9a),
    ('ø', 0x9b),
    ('£', 0x9c),
    ('Ø', 0x9d),
    ('×', 0x9e),
    ('á', 0xa0),
    ('í', 0xa1),
    ('ó', 0xa2),
    ('ú', 0xa3),
    ('ñ', 0xa4),
    ('Ñ', 0xa5),
    ('ª', 0xa6),
    ('º', 0xa7),
    ('¿', 0xa8),
    ('®', 0xa9),
    ('½', 0xab),
    ('¼', 0xac),
    ('¡', 0xad),
    ('«', 0xae),
    ('»', 0xaf),
    ('Á', 0xb5),
    ('Â', 0xb6),
    ('À', 0xb7),
    ('©', 0xb8),
    ('¢', 0xbd),
    ('¥', 0xbe),
    ('ã', 0xc6),
    ('Ã', 0xc7),
    ('Ê', 0xd2),
    ('Ë', 0xd3),
    ('È', 0xd4),
    ('€', 0xd5),
    ('Í', 0xd6),
    ('Î', 0xd7),
    ('Ï', 0xd8),
    ('Ì', 0xde),
    ('Ó', 0xe0),
    ('ß', 0xe1),
    ('Ô', 0xe2),
    ('Ò', 0xe3),
    ('õ', 0xe4),
    ('Õ', 0xe5),
    ('µ', 0xe6),
    ('Ú', 0xe9),
    ('Û', 0xea),
    ('Ù', 0xeb),
    ('±', 0xf1),
    ('§', 0xf5),
    ('°', 0xf8),
    ('·', 0xfa),
    ('²', 0xfd),
];

/// Encodes `text` in PC858. Newlines stay LF; typographic quotes, dashes and ligatures
/// become their plain forms; anything else the code page lacks becomes `?`.
pub fn encode_pc858(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push(0x0a),
            '\t' => out.push(0x09),
            c if c.is_control() => {}
            c if c.is_ascii() => out.push(c as u8),
            '\u{a0}' | '\u{202f}' | '\u{2009}' => out.push(b' '),
            '‘' | '’' | '‚' | '′' => out.push(b'\''),
            '“' | '”' | '„' | '″' => out.push(b'"'),
            '–' | '—' | '−' => out.push(b'-'),
            '…' => out.extend_from_slice(b"..."),
            'œ' => out.extend_from_slice(b"oe"),
            'Œ' => out.extend_from_slice(b"OE"),
            c => out.push(HIGH.iter().find(|(h, _)| *h == c).map_or(b'?', |(_, b)| *b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_receipt_text() {
        assert_eq!(
            encode_pc858("Café à 2,50 €\n“Merci” – œuf"),
            b"Caf\x82 \x85 2,50 \xd5\n\"Merci\" - oeuf".to_vec()
        );
        assert_eq!(encode_pc858("日本\u{7}"), b"??".to_vec());
    }
}
