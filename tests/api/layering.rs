//! Dependencies point down (issue 15): each top-level module of `src/` has a layer, and
//! production code may only name (`use crate::…`, `crate::x::…`) modules of its own
//! layer or below. A module that needs something from above takes it as an argument.
//!
//! The check reads the source, not the compiler's view: comments, doc comments, string
//! and character literals are skipped, `use crate::{a, b::c}` groups count each name,
//! and `#[cfg(test)] mod tests` (inline or in a `tests.rs` file) is left out, as tests
//! may build whatever they exercise. A new top-level module must be given a layer here.

use std::path::{Path, PathBuf};

/// The layers of issue 15, lowest first. `lib` and `main` sit on top of everything.
const LAYERS: &[(&str, u8)] = &[
    ("VERSION", 0),
    ("domain", 1),
    ("escpos", 1),
    ("atomic_file", 1),
    ("config", 2),
    ("platform", 3),
    ("printer", 4),
    ("invoices", 4),
    ("logs", 4),
    ("auth", 4),
    ("metrics", 4),
    ("drawer", 5),
    ("odoo", 5),
    ("state", 6),
    ("http", 6),
    ("error", 6),
    ("app", 7),
    ("shutdown", 7),
    ("cli", 8),
    ("lib", 9),
    ("main", 9),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Replaces comments and the contents of string and character literals with spaces,
/// so that only code is left to scan (line breaks are kept).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend(bytes.iter().map(|&c| if c == b'\n' { b'\n' } else { b' ' }))
    };
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            block_comment_len(rest)
        } else if rest.starts_with(b"r#") || rest.starts_with(b"r\"") {
            raw_string_len(rest)
        } else if rest[0] == b'"' {
            quoted_len(rest, b'"')
        } else if rest[0] == b'\'' && is_char_literal(rest) {
            quoted_len(rest, b'\'')
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        blank(&mut out, &rest[..end]);
        i += end;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Length of a (possibly nested) `/* … */` comment.
fn block_comment_len(s: &[u8]) -> usize {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < s.len() {
        if s[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if s[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    s.len()
}

/// Length of `r"…"` or `r#"…"#` (any number of `#`); an identifier such as `r#type`
/// is not a string and counts 1.
fn raw_string_len(s: &[u8]) -> usize {
    let hashes = s[1..].iter().take_while(|&&c| c == b'#').count();
    if s.get(1 + hashes) != Some(&b'"') {
        return 1;
    }
    let close: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let body = 2 + hashes;
    s[body..]
        .windows(close.len())
        .position(|w| w == close.as_slice())
        .map_or(s.len(), |p| body + p + close.len())
}

/// Length of a literal opened by `quote` and closed by the next unescaped `quote`.
fn quoted_len(s: &[u8], quote: u8) -> usize {
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

/// `'x'` or `'\n'` is a character literal; `'a` (a lifetime or label) is not.
fn is_char_literal(s: &[u8]) -> bool {
    if s.get(1) == Some(&b'\\') {
        return true;
    }
    // `s` starts at a `'`, so `s[1..]` starts on a character boundary.
    let first = std::str::from_utf8(&s[1..])
        .ok()
        .and_then(|t| t.chars().next());
    first.is_some_and(|c| s.get(1 + c.len_utf8()) == Some(&b'\''))
}

/// The code before the inline `#[cfg(test)] mod tests`, which by convention ends a file.
fn without_test_module(code: &str) -> &str {
    let mut from = 0;
    while let Some(p) = code[from..].find("#[cfg(test)]") {
        let at = from + p;
        let after = code[at + "#[cfg(test)]".len()..].trim_start();
        if after.starts_with("mod tests {") || after.starts_with("mod tests{") {
            return &code[..at];
        }
        from = at + 1;
    }
    code
}

/// The top-level modules named by `crate::` paths in `code`: `crate::a::b` gives `a`,
/// `crate::{a, b::c, d::{e}}` gives `a`, `b` and `d`.
fn crate_modules(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(p) = code[from..].find("crate::") {
        let at = from + p;
        from = at + "crate::".len();
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `mycrate::`, `$crate::`
        }
        let rest = code[from..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_heads(group));
        } else {
            found.push(ident(rest).to_string());
        }
    }
    found.retain(|m| !m.is_empty() && m != "self");
    found
}

/// The first name of each item of a `{…}` group (the text after its `{`).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0usize;
    let mut expect_head = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expect_head = true,
            c if expect_head && depth == 0 && !c.is_whitespace() => {
                heads.push(ident(&group[i..]).to_string());
                expect_head = false;
            }
            _ => {}
        }
    }
    heads
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`http/odoo.rs` → `http`).
fn owner(relative: &Path) -> String {
    let first = relative.components().next().expect("a path inside src");
    let first = first.as_os_str().to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

fn is_test_file(relative: &Path) -> bool {
    relative.file_name().is_some_and(|n| n == "tests.rs")
        || relative.components().any(|c| c.as_os_str() == "tests")
}

/// Every upward import of `src/`, as `file -> module` lines, plus the modules that have
/// no layer in [`LAYERS`].
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    assert!(files.len() > 10, "no sources found in {}", src.display());
    let mut found = Vec::new();
    for path in files {
        let relative = path.strip_prefix(src).expect("under src");
        if is_test_file(relative) {
            continue;
        }
        let me = owner(relative);
        let shown = relative.display().to_string().replace('\\', "/");
        let Some(mine) = layer(&me) else {
            found.push(format!(
                "{shown}: module `{me}` has no layer in tests/layering.rs"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("readable source");
        let code = code_only(&text);
        let mut targets = crate_modules(without_test_module(&code));
        targets.sort();
        targets.dedup();
        for target in targets {
            match layer(&target) {
                None => found.push(format!("{shown} -> {target} (module without a layer)")),
                Some(theirs) if theirs > mine && target != me => found.push(format!(
                    "{shown} -> {target} (layer {mine} imports layer {theirs})"
                )),
                Some(_) => {}
            }
        }
    }
    found
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "{} upward import(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_scanner_sees_paths_and_groups_but_not_comments_or_strings() {
    let code = code_only(
        r##"//! see crate::http
use crate::{config::Config, printer::{Printer, Timeouts}, escpos};
/// returns crate::state::AppState
fn f<'a>(x: &'a str) -> char {
    let _ = "crate::app"; let _ = r#"crate::cli "quoted""#; /* crate::lib */
    let _ = crate::logs::escape(x);
    '"'
}
const S: &str = "after the char literal: crate::main";
"##,
    );
    let mut modules = crate_modules(&code);
    modules.sort();
    assert_eq!(modules, ["config", "escpos", "logs", "printer"]);
    let with_tests = "use crate::printer::X;\n#[cfg(test)]\nmod tests {\n use crate::http::Y;\n}\n";
    assert_eq!(crate_modules(without_test_module(with_tests)), ["printer"]);
}
