//! Text for ESC/POS printers: code page PC858 (Western European with €, for é, à, ç),
//! selected by `ESC t 19`, which nearly every ESC/POS printer has. Imports nothing.

/// `ESC t 19`: select PC858.
pub const SELECT_PC858: [u8; 3] = [0x1b, b't', 19];

/// PC858 from 0x80, 32 bytes a row; `?` where it holds what we do not map (box drawing,
/// rare symbols), so that those characters become `?` too.
pub const HIGH: [&str; 4] = [
    "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×?",
    "áíóúñÑªº¿®?½¼¡«»?????ÁÂÀ©????¢¥?",
    "??????ãÃ??????????ÊËÈ€ÍÎÏ?????Ì?",
    "ÓßÔÒõÕµ??ÚÛÙ?????±???§??°?·??²??",
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
            c => out.push(high_byte(c).unwrap_or(b'?')),
        }
    }
    out
}

/// The PC858 byte of a non-ASCII character, from [`HIGH`].
fn high_byte(c: char) -> Option<u8> {
    let at = HIGH
        .iter()
        .flat_map(|row| row.chars())
        .position(|h| h == c)?;
    Some(0x80 + at as u8)
}
