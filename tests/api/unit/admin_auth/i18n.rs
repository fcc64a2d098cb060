use axum::http::{header, HeaderMap, HeaderValue};
use cashdrawer::domain::Lang;

fn lang(v: &str) -> Lang {
    let mut h = HeaderMap::new();
    h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
    Lang::from_headers(&h)
}

#[test]
fn picks_language() {
    assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Fr);
    assert_eq!(lang("en-US,en;q=0.9"), Lang::En);
    assert_eq!(lang("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
    assert_eq!(lang("de-DE,en;q=0.5,fr;q=0.4"), Lang::En);
    assert_eq!(lang("fr;q=0.3,en;q=0.7"), Lang::En);
    assert_eq!(lang("de"), Lang::Fr);
}
