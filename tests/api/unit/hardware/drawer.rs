//! Moved from `src/drawer/mod.rs`.

use cashdrawer::domain::SensorOpenLevel;
use cashdrawer::domain::{DrawerCommand, PRESETS};
use cashdrawer::drawer::*;

#[test]
fn realtime_form_of_usual_kicks() {
    let rt = |hex: &str| {
        realtime_form(DrawerCommand::parse_hex(hex).unwrap().bytes())
            .map(|b| b.iter().map(|b| format!("{b:02x}")).collect::<String>())
    };
    // 52 ms on pin 2 -> the shortest real-time pulse (100 ms) on pin 2.
    assert_eq!(rt("1b70001afa").as_deref(), Some("1014010001"));
    assert_eq!(rt("1b70011afa").as_deref(), Some("1014010101"));
    // ASCII '0'/'1' pins, 500 ms (ePOS pulse_500), the longest ESC p (510 ms).
    assert_eq!(rt("1b7030fafa").as_deref(), Some("1014010005"));
    assert_eq!(rt("1b7031fffa").as_deref(), Some("1014010105"));
    assert_eq!(rt("1b7000ff00").as_deref(), Some("1014010005"));
    assert_eq!(
        rt("1b7000ffff 1b7000ffff").as_deref(),
        Some("10140100051014010005")
    );
    assert_eq!(
        rt("1b70001afa1b70011afa").as_deref(),
        Some("10140100011014010101")
    );
    assert_eq!(rt("1014010005").as_deref(), Some("1014010005"));
    assert_eq!(rt("1b40 1b70001afa").as_deref(), Some("1014010001"));
    // Another dialect (Star's BEL), or a truncated ESC p: nothing to translate.
    assert_eq!(rt("07"), None);
    assert_eq!(rt("1b7000"), None);
    for (_, hex, _) in PRESETS {
        assert!(rt(hex).is_some(), "{hex}");
    }
}

#[test]
fn sensor_level_mapping() {
    assert_eq!(
        DrawerState::from_pin3(false, SensorOpenLevel::Low),
        DrawerState::Open
    );
    assert_eq!(
        DrawerState::from_pin3(true, SensorOpenLevel::Low),
        DrawerState::Closed
    );
    assert_eq!(
        DrawerState::from_pin3(true, SensorOpenLevel::High),
        DrawerState::Open
    );
}
