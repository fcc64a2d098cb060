//! Tests of `src/metrics/cert.rs`.
use cashdrawer::metrics::cert::*;
use std::time::SystemTime;

fn certificate_until(year: i32) -> Vec<u8> {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.not_after = rcgen::date_time_ymd(year, 3, 4);
    let key = rcgen::KeyPair::generate().unwrap();
    params.self_signed(&key).unwrap().der().to_vec()
}

fn year_of(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn reads_not_after_of_utc_and_generalized_times() {
    // rcgen writes UTCTime before 2050 and GeneralizedTime from 2050 on.
    for year in [2031, 2049, 2050, 2120] {
        let t = not_after(&certificate_until(year)).expect("parsed");
        assert_eq!(year_of(t), format!("{year}-03-04"));
    }
}

#[test]
fn garbage_is_none_never_a_panic() {
    let good = certificate_until(2031);
    for cut in [0, 1, 2, 10, 100, good.len() / 2, good.len() - 1] {
        let _ = not_after(&good[..cut]);
    }
    assert_eq!(not_after(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    assert_eq!(not_after(b"not a certificate"), None);
}
