use cashdrawer::auth::csrf::{check, foreign_origin, form_field, Refusal};

#[test]
fn finds_the_field() {
    assert_eq!(form_field(b"a=1&csrf=ab12&b=2").as_deref(), Some("ab12"));
    assert_eq!(form_field(b"a=1&xcsrf=ab12"), None);
    assert_eq!(form_field(b""), None);
}

#[test]
fn check_refuses_a_foreign_origin_and_any_token_but_the_expected_one() {
    use Refusal::*;
    let (e, other) = (Some("ab12"), Some("ab13"));
    for (foreign, expected, given, answer) in [
        (false, e, e, Ok(())),
        (true, e, e, Err(ForeignOrigin)),
        (false, e, None, Err(Missing)),
        (false, None, None, Err(Missing)),
        (false, None, e, Err(Expired)),
        (false, e, other, Err(Invalid)),
    ] {
        let got = check(foreign, expected, given);
        assert_eq!(got, answer, "{foreign} {given:?}");
    }
    let host = Some("localhost:22548");
    assert!(!foreign_origin(None, host));
    assert!(!foreign_origin(Some("http://LOCALHOST:22548"), host));
    assert!(foreign_origin(Some("http://localhost:22548"), None));
}
