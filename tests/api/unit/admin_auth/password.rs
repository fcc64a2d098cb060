use cashdrawer::auth::password::{check_new, verify, PasswordProblem};

#[test]
fn new_password_rules() {
    assert_eq!(check_new("court", "court"), Err(PasswordProblem::TooShort));
    assert_eq!(
        check_new("1234567", "1234567"),
        Err(PasswordProblem::TooShort)
    );
    assert_eq!(
        check_new("12345678", "12345679"),
        Err(PasswordProblem::Mismatch)
    );
    assert_eq!(
        check_new(&"a".repeat(73), &"a".repeat(73)),
        Err(PasswordProblem::TooLong)
    );
    assert_eq!(check_new("éèàùç€ôî", "éèàùç€ôî"), Ok(()));
    assert_eq!(check_new("12345678", "12345678"), Ok(()));
}

#[test]
fn verifies_and_rejects() {
    let h = bcrypt::hash("correct horse", 4).unwrap();
    assert!(h.starts_with("$2b$"));
    assert!(verify("correct horse", &h));
    assert!(!verify("wrong horse", &h));
    assert!(!verify("anything", ""));
    assert!(!verify("anything", "not-a-hash"));
}
