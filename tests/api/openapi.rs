//! The API reference (`/openapi.json`, `/docs`): complete, stating every access level,
//! matching the real answers, and served by the running service.

use std::collections::BTreeSet;
use std::path::Path;

use crate::helpers::peer::{Behaviour, PrinterPeer};
use crate::helpers::{ini, TestApp};
use serde_json::Value;

const METHODS: [&str; 7] = ["get", "post", "put", "delete", "patch", "head", "options"];

/// Every `.route("path", get(..).post(..))` in `src/http`, as ("METHOD", "path").
/// Calls may span lines; string contents and line comments are skipped.
fn routes_in_code() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut files = Vec::new();
    collect_rs(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http")),
        &mut files,
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut rest = code.as_str();
        while let Some(at) = rest.find(".route(") {
            let args = balanced(&rest[at + ".route".len()..]);
            let (path, methods) = parse_route_args(args, &file);
            for m in methods {
                found.insert((m.to_string(), path.clone()));
            }
            rest = &rest[at + ".route(".len()..];
        }
    }
    found
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text inside the parentheses that open `s`, strings skipped.
fn balanced(s: &str) -> &str {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for (i, c) in s.char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[1..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced .route( call: {}", &s[..s.len().min(80)]);
}

fn parse_route_args<'a>(args: &'a str, file: &Path) -> (String, Vec<&'a str>) {
    let open = args
        .find('"')
        .unwrap_or_else(|| panic!("route without a literal path in {file:?}: {args}"));
    let close = open + 1 + args[open + 1..].find('"').unwrap();
    let path = args[open + 1..close].to_string();
    let handlers = &args[close + 1..];
    let mut methods = Vec::new();
    for m in METHODS {
        let mut from = 0;
        while let Some(i) = handlers[from..].find(&format!("{m}(")) {
            let at = from + i;
            let before = handlers[..at].chars().last().unwrap_or(' ');
            if !(before.is_alphanumeric() || before == '_' || before == ':') {
                methods.push(m);
            }
            from = at + m.len();
        }
    }
    assert!(
        !methods.is_empty(),
        "no method found for route {path} in {file:?}"
    );
    (path, methods)
}

fn document() -> Value {
    serde_json::to_value(cashdrawer::http::apidoc::document()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.push((m.to_string(), path.clone(), op.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_in_the_code_is_in_the_document_and_nothing_else() {
    let code = routes_in_code();
    assert!(
        code.len() >= 30,
        "the scanner found too few routes: {code:?}"
    );
    assert!(
        code.contains(&("get".into(), "/config/assets/{file}".into())),
        "{code:?}"
    );
    assert!(
        code.contains(&("post".into(), "/hw_proxy/open_cashbox".into())),
        "multi-line route missed: {code:?}"
    );
    let doc: BTreeSet<(String, String)> = operations(&document())
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    let missing: Vec<_> = code.difference(&doc).collect();
    assert!(
        missing.is_empty(),
        "routes missing from /openapi.json: {missing:?}"
    );
    let phantom: Vec<_> = doc.difference(&code).collect();
    assert!(phantom.is_empty(), "documented but not routed: {phantom:?}");
}

#[test]
fn every_operation_states_its_access_level_and_error_body() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let level = op["x-access-level"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {path}: no x-access-level"));
        assert!(
            ["local", "network", "authenticated"].contains(&level),
            "{method} {path}: {level}"
        );
        let description = op["description"].as_str().unwrap_or("");
        assert!(
            description.starts_with(&format!("Access level: **{level}**")),
            "{method} {path}: description does not start with its access level: {description}"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.contains_key("200") || responses.keys().any(|k| k.starts_with('3')),
            "{method} {path}: no success answer"
        );
        assert!(
            responses.keys().any(|k| k.starts_with('4')),
            "{method} {path}: no error answer"
        );
        for (code, answer) in responses {
            if let Some(json) = answer["content"].get("application/json") {
                if code.starts_with('4') || code.starts_with('5') {
                    assert_eq!(
                        json["schema"]["$ref"], "#/components/schemas/ErrorBody",
                        "{method} {path} {code}"
                    );
                }
            }
        }
    }
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(error["required"], serde_json::json!(["status", "message"]));
}

/// The keys of a real answer are the properties of its documented schema.
fn assert_shape(doc: &Value, schema: &str, answer: &Value) {
    let props: BTreeSet<&str> = doc["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no schema {schema}"))
        .keys()
        .map(String::as_str)
        .collect();
    let keys: BTreeSet<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        props, keys,
        "schema {schema} differs from the real answer {answer}"
    );
}

#[tokio::test]
async fn documented_shapes_match_the_real_answers() {
    let peer = PrinterPeer::start(Behaviour::Normal);
    let app = TestApp::with_printer(&peer.target(), &[]).await;
    let doc = document();
    for (path, schema) in [
        ("/status", "ServiceStatus"),
        ("/drawer", "DrawerAnswer"),
        ("/invoice-printer/status", "InvoicePrinterStatus"),
        ("/logs/list", "LogList"),
        ("/open-cash-drawer", "Done"),
        ("/invoice-printer/purge", "InvoicePurge"),
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_shape(&doc, schema, &body);
    }
    let (status, body) = app.get_json("/logs/list").await;
    assert_eq!(status, 200);
    assert_shape(&doc, "LogFileEntry", &body["files"][0]);
    let (status, body) = app.get_json("/logs?nope=1").await;
    assert_eq!(status, 400);
    assert_shape(&doc, "ErrorBody", &body);
    assert_eq!(body["status"], "error");
}

#[tokio::test]
async fn the_running_service_serves_the_document_and_the_page() {
    let app = TestApp::spawn(&ini(&[("printer", "name", "virtual")])).await;
    let (status, served) = app.get_json("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(served, document());
    assert!(served["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(served["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        served["paths"]["/openapi.json"]["get"]["x-access-level"],
        "network"
    );
    assert_eq!(served["paths"]["/docs"]["get"]["x-access-level"], "network");
    assert_eq!(
        served["paths"]["/open-cash-drawer"]["get"]["x-access-level"],
        "local"
    );
    assert_eq!(
        served["paths"]["/logs/tail"]["get"]["x-access-level"],
        "authenticated"
    );

    let page = app.get("/docs").await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    for asset in ["/docs/assets/docs.js", "/docs/assets/docs.css"] {
        assert!(html.contains(asset), "{asset} not linked");
        let res = app.get(asset).await;
        assert_eq!(res.status(), 200, "{asset}");
        let text = res.text().await.unwrap();
        assert!(!text.contains("https://"), "{asset} refers to another site");
    }
    let (status, body) = app.get_json("/docs/assets/swagger.js").await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], "error");
}

/// The page really renders the document in a browser (headless Chromium, under the
/// page's own Content-Security-Policy): one block per operation, each with its level.
#[tokio::test]
async fn the_docs_page_renders_every_operation_in_chromium() {
    let app = TestApp::spawn(&ini(&[("printer", "name", "virtual")])).await;
    let browser = crate::helpers::browser::Browser::start().await;
    browser.goto(&app.url("/docs")).await;
    let rendered = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            const started = Date.now();
            (function poll() {
                const ops = [...document.querySelectorAll("section.op")];
                const error = document.querySelector(".error");
                if (ops.length || error || Date.now() - started > 20000) {
                    done({
                        failure: error ? error.textContent : null,
                        ops: ops.map((o) => [o.id, o.querySelector(".level").textContent]),
                        title: document.getElementById("title").textContent,
                    });
                } else {
                    setTimeout(poll, 50);
                }
            })();"#,
            serde_json::json!([]),
        )
        .await;
    assert!(rendered["failure"].is_null(), "{rendered}");
    let shown: BTreeSet<(String, String)> = rendered["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o[0].as_str().unwrap().to_string(),
                o[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = operations(&document())
        .into_iter()
        .map(|(m, p, op)| {
            (
                format!("{m}{p}"),
                op["x-access-level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(shown, expected);
    assert!(
        rendered["title"]
            .as_str()
            .unwrap()
            .contains(env!("CARGO_PKG_VERSION")),
        "{rendered}"
    );
}
