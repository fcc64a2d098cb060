//! Tests of `src/domain/drawer.rs`.
use cashdrawer::domain::*;

#[test]
fn parses_usual_commands_and_refuses_garbage() {
    assert_eq!(
        DrawerCommand::parse_hex("1b70001afa").unwrap().bytes(),
        &[0x1b, 0x70, 0, 0x1a, 0xfa]
    );
    assert_eq!(
        DrawerCommand::parse_hex(" 1B 70 01 1A FA ")
            .unwrap()
            .to_hex(),
        "1b70011afa"
    );
    assert_eq!(
        DrawerCommand::parse_hex("0x10:14:01:00:05")
            .unwrap()
            .bytes(),
        &[0x10, 0x14, 1, 0, 5]
    );
    for bad in ["", "1b7", "zz", "1b70 0g", "1bé0", "é1", &"00".repeat(65)] {
        assert!(DrawerCommand::parse_hex(bad).is_err(), "{bad}");
    }
    for (_, hex, _) in PRESETS {
        assert!(DrawerCommand::parse_hex(hex).is_ok());
    }
}

#[test]
fn offline_kick_values() {
    assert_eq!("realtime".parse(), Ok(OfflineKick::Realtime));
    assert_eq!("Refuse".parse(), Ok(OfflineKick::Refuse));
    assert!("later"
        .parse::<OfflineKick>()
        .unwrap_err()
        .to_string()
        .contains("realtime"));
}
