//! Unit tests of `invoices::ipps`.

use cashdrawer::domain::Fingerprint;

#[test]
fn parses_fingerprints_with_or_without_colons() {
    let hex = "3fa2".repeat(16);
    let plain = Fingerprint::parse(&hex).unwrap();
    assert_eq!(plain.0[..2], [0x3f, 0xa2]);
    let colons: Vec<String> = plain.0.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(Fingerprint::parse(&colons.join(":")).unwrap(), plain);
    assert_eq!(Fingerprint::parse(&hex.to_uppercase()).unwrap(), plain);
    // Shown in the form it is accepted in, so a logged one can be pasted as the pin.
    let shown = plain.to_string();
    assert!(shown.starts_with("3F:A2:3F") && shown.len() == 32 * 3 - 1);
    assert_eq!(Fingerprint::parse(&shown).unwrap(), plain);
    assert_eq!(Fingerprint::parse_optional("").unwrap(), None);
}

#[test]
fn rejects_what_is_not_a_sha256() {
    for bad in [
        "abc".to_string(),
        "3f".repeat(31),
        "3f".repeat(33),
        format!("{}zz", "3f".repeat(31)),
        format!("{} ", "3f".repeat(32)),
        "é".repeat(32),
    ] {
        let err = Fingerprint::parse(&bad).unwrap_err().to_string();
        assert!(err.contains("64 chiffres hexadécimaux"), "{bad}: {err}");
    }
}

#[test]
fn fingerprint_is_the_sha256_of_the_der() {
    let fp = Fingerprint::of(b"abc");
    assert_eq!(
        fp.to_string().replace(':', "").to_lowercase(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
