//! Epson ePOS-Print: the SOAP envelope Odoo's `pos_epson_printer` posts to
//! `/cgi-bin/epos/service.cgi`, turned into ESC/POS bytes. Odoo 13 to 18 sends `<image>`
//! then `<cut>` for a receipt, a bare `<pulse/>` for the drawer; `text`, `feed`, `sound`
//! and `command` work too, any other element is logged and skipped (not its children).
//!
//! Imports no printer, `http`, `state`, `app` nor `cli`: it sends nothing.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::raster;
use super::text;

/// One element of `<epos-print>`, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub content: String,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, key: &str) -> Option<bool> {
        self.attr(key).map(|v| v == "true" || v == "1")
    }
}

/// The envelope is not an ePOS-Print request (Epson answers `SchemaError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("requête ePOS invalide: {0}")]
pub struct SchemaError(pub String);

/// Reads the elements inside `<epos-print>`, in order, by local name (Odoo 17+ strips
/// namespaces).
pub fn parse(body: &str) -> Result<Vec<Element>, SchemaError> {
    let mut reader = Reader::from_str(body);
    let mut elements = Vec::new();
    let mut inside = false;
    let mut seen = false;
    let mut open: Option<Element> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| SchemaError(format!("XML illisible: {e}")))?;
        match event {
            Event::Start(e) | Event::Empty(e) if local(&e) == "epos-print" => {
                inside = true;
                seen = true;
            }
            Event::End(e) if e.local_name().as_ref() == b"epos-print" => inside = false,
            Event::Start(e) if inside => {
                elements.extend(open.take());
                open = Some(element(&e)?);
            }
            Event::Empty(e) if inside => {
                elements.extend(open.take());
                elements.push(element(&e)?);
            }
            Event::Text(t) if inside => {
                if let Some(el) = open.as_mut() {
                    let text = t
                        .unescape()
                        .map_err(|e| SchemaError(format!("texte illisible: {e}")))?;
                    el.content.push_str(&text);
                }
            }
            Event::CData(t) if inside => {
                if let Some(el) = open.as_mut() {
                    el.content.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) if inside => elements.extend(open.take()),
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen {
        return Err(SchemaError("élément <epos-print> absent".into()));
    }
    Ok(elements)
}

fn local(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

fn element(e: &BytesStart) -> Result<Element, SchemaError> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| SchemaError(format!("attribut illisible: {e}")))?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        if key == "xmlns" {
            continue;
        }
        let value = a
            .unescape_value()
            .map_err(|e| SchemaError(format!("attribut illisible: {e}")))?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name: local(e),
        attrs,
        content: String::new(),
    })
}

/// What the encoder needs from the configuration.
#[derive(Debug, Clone)]
pub struct Options {
    pub paper_width: usize,
    /// Bytes of a bare `<pulse/>`: `[cashdrawer] command`, as `/open-cash-drawer` sends.
    pub drawer_command: Vec<u8>,
}

/// The ESC/POS job for an envelope, and what it holds (for the log).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Job {
    pub bytes: Vec<u8>,
    /// Something is printed (image, text, feed or cut), not only a pulse or a sound.
    pub prints: bool,
    pub pulses: usize,
    pub skipped: Vec<String>,
}

/// Builds the job; one that prints starts with `ESC @` and PC858, so no style leaks in.
pub fn encode(elements: &[Element], opts: &Options) -> Result<Job, SchemaError> {
    let mut job = Job::default();
    let mut body = Vec::new();
    let mut dots = 0usize;
    for el in elements {
        let name = el.name.as_str();
        job.prints |= matches!(name, "image" | "text" | "feed" | "cut");
        match name {
            "image" => {
                let w = number(el, "width")?.unwrap_or(0);
                let h = number(el, "height")?.unwrap_or(0);
                dots = dots.saturating_add(w.saturating_mul(h));
                if dots > MAX_REQUEST_DOTS {
                    return Err(SchemaError(format!(
                        "images trop grandes pour une requête: {MAX_REQUEST_DOTS} points au plus en tout"
                    )));
                }
                body.extend(image(el, opts)?);
            }
            "text" => body.extend(text_element(el)),
            "feed" => body.extend(feed(el)),
            "cut" => body.extend(cut(el)),
            "pulse" => {
                body.extend(pulse(el, opts));
                job.pulses += 1;
            }
            "sound" => body.extend(sound(el)),
            "command" => body.extend(hex(&el.content)?),
            other => {
                op!(warn, "odoo.epos", "ignored";
                    "élément ePOS <{}> non pris en charge, ignoré", crate::logs::escape(other));
                job.skipped.push(other.to_string());
            }
        }
    }
    if job.prints {
        job.bytes.extend_from_slice(&[0x1b, b'@']);
        job.bytes.extend_from_slice(&text::SELECT_PC858);
    }
    job.bytes.extend(body);
    Ok(job)
}

fn number(el: &Element, key: &str) -> Result<Option<usize>, SchemaError> {
    el.attr(key)
        .map(|v| {
            v.trim().parse::<usize>().map_err(|_| {
                SchemaError(format!("<{}> {key}={v:?}: nombre entier attendu", el.name))
            })
        })
        .transpose()
}

/// `ESC a n` for an `align` attribute; nothing for none or an unknown one.
fn align(value: Option<&str>) -> Vec<u8> {
    let n = match value {
        Some("left") => 0,
        Some("center") => 1,
        Some("right") => 2,
        _ => return Vec::new(),
    };
    vec![0x1b, b'a', n]
}

/// Largest `<image>` accepted: far above a receipt, too low to allocate gigabytes.
const MAX_WIDTH: usize = 8192;
const MAX_DOTS: usize = 16 * 1024 * 1024;
/// Dots of all the images of one request (about fifteen long receipts): without it, a
/// few hundred bytes of empty `<image>` elements kept the service busy for minutes.
pub const MAX_REQUEST_DOTS: usize = 16 * 1024 * 1024;

/// `<image>`, scaled down to the paper if wider: `ESC a` for `align`, then `GS v 0`.
fn image(el: &Element, opts: &Options) -> Result<Vec<u8>, SchemaError> {
    let (Some(width), Some(height)) = (number(el, "width")?, number(el, "height")?) else {
        return Err(SchemaError("<image> sans width ou height".into()));
    };
    // checked: a huge height must not overflow the product.
    let dots_ok = matches!(width.checked_mul(height), Some(d) if d <= MAX_DOTS);
    if width == 0 || height == 0 || width > MAX_WIDTH || !dots_ok {
        return Err(SchemaError(format!(
            "<image> {width}x{height}: taille hors limites (largeur {MAX_WIDTH} points et {MAX_DOTS} points au plus)"
        )));
    }
    if el.attr("mode").is_some_and(|m| m != "mono") {
        return Err(SchemaError(format!(
            "<image mode={:?}>: seul mode=\"mono\" est pris en charge",
            el.attr("mode").unwrap_or_default()
        )));
    }
    let data = super::b64::decode(&el.content)
        .map_err(|e| SchemaError(format!("<image>: base64 invalide: {e}")))?;
    // A short picture would cost as much as a full one, drawn from nothing.
    let needed = width.div_ceil(8) * height;
    if data.len() < needed {
        return Err(SchemaError(format!(
            "<image> {width}x{height}: {} octets de données, {needed} attendus",
            data.len()
        )));
    }
    let mut out = align(el.attr("align"));
    let paper = opts.paper_width;
    out.extend(raster::rows_to_escpos(&data, width, height, paper));
    Ok(out)
}

/// `<text>`: attributes are commands that stay in force, as on an Epson printer.
fn text_element(el: &Element) -> Vec<u8> {
    let mut out = align(el.attr("align"));
    if let Some(font) = el.attr("font") {
        out.extend_from_slice(&[0x1b, b'M', u8::from(font == "font_b")]);
    }
    let switches = [
        ("em", [0x1b, b'E']),
        ("ul", [0x1b, b'-']),
        ("reverse", [0x1d, b'B']),
        ("smooth", [0x1d, b'b']),
    ];
    for (key, [a, b]) in switches {
        if let Some(on) = el.flag(key) {
            out.extend_from_slice(&[a, b, u8::from(on)]);
        }
    }
    let scale = |key: &str, double: &str| -> Option<u8> {
        let n = el.attr(key).and_then(|v| v.parse::<u8>().ok());
        n.map(|n| n.clamp(1, 8) - 1)
            .or_else(|| el.flag(double).map(u8::from))
    };
    let (w, h) = (scale("width", "dw"), scale("height", "dh"));
    if w.is_some() || h.is_some() {
        out.extend_from_slice(&[0x1d, b'!', w.unwrap_or(0) << 4 | h.unwrap_or(0)]);
    }
    out.extend(text::encode_pc858(&el.content));
    out
}

fn feed(el: &Element) -> Vec<u8> {
    let n = |k: &str| el.attr(k).and_then(|v| v.parse::<u32>().ok());
    let mut out = Vec::new();
    if let Some(sp) = n("linespc") {
        out.extend_from_slice(&[0x1b, b'3', sp.min(255) as u8]);
    }
    match (n("line"), n("unit")) {
        (Some(lines), _) => out.extend_from_slice(&[0x1b, b'd', lines.min(255) as u8]),
        (None, Some(dots)) => out.extend_from_slice(&[0x1b, b'J', dots.min(255) as u8]),
        (None, None) if out.is_empty() => out.push(0x0a),
        (None, None) => {}
    }
    out
}

/// `<cut>`: `feed` (Epson's default) feeds to the cutter then cuts partially.
fn cut(el: &Element) -> Vec<u8> {
    match el.attr("type").unwrap_or("feed") {
        "no_feed" => vec![0x1d, b'V', 1],
        "full_cut_feed" => vec![0x1d, b'V', 65, 0],
        "full_cut_no_feed" => vec![0x1d, b'V', 0],
        _ => vec![0x1d, b'V', 66, 0],
    }
}

/// `<pulse>`: bare, the configured drawer command; with `drawer`/`time`, `ESC p` on
/// pin 2 (`drawer_1`) or 5 (`drawer_2`) for 100 to 500 ms.
fn pulse(el: &Element, opts: &Options) -> Vec<u8> {
    if el.attr("drawer").is_none() && el.attr("time").is_none() {
        return opts.drawer_command.clone();
    }
    let pin = u8::from(el.attr("drawer") == Some("drawer_2"));
    let ms: u32 = el
        .attr("time")
        .and_then(|t| t.strip_prefix("pulse_"))
        .and_then(|t| t.parse().ok())
        .unwrap_or(100)
        .clamp(100, 500);
    vec![0x1b, b'p', pin, (ms / 2) as u8, 250]
}

/// `<sound>`: `ESC B n t`, `repeat` beeps of a length set by `pattern` (if a buzzer).
fn sound(el: &Element) -> Vec<u8> {
    let repeat = el
        .attr("repeat")
        .and_then(|r| r.parse::<u8>().ok())
        .unwrap_or(1)
        .clamp(1, 9);
    let length = match el.attr("pattern").unwrap_or("pattern_a") {
        "none" => return Vec::new(),
        "pattern_b" | "error" => 2,
        "pattern_c" | "paper_end" => 3,
        "pattern_d" => 4,
        "pattern_e" => 5,
        _ => 1,
    };
    vec![0x1b, b'B', repeat, length]
}

/// `<command>`: raw bytes in hexadecimal.
fn hex(content: &str) -> Result<Vec<u8>, SchemaError> {
    let digits: String = content.split_whitespace().collect();
    let refuse = |what: &str| SchemaError(format!("<command>: {what}"));
    // First: slicing by two bytes below would panic inside a multi-byte character.
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refuse("chiffres hexadécimaux attendus"));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(refuse("nombre pair de chiffres hexadécimaux attendu"));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| refuse("chiffres hexadécimaux attendus"))
}
