//! Moved from `src/escpos/decode.rs`.

use cashdrawer::escpos::*;

#[test]
fn decodes_kicks_text_cut_and_raster_across_chunks() {
    let mut d = Decoder::new();
    let mut all = d.feed(&[0x1b, 0x40, b'H', b'i', 0x0a, 0x1b, 0x70]);
    all.extend(d.feed(&[0x00, 0x19, 0xfa, 0x10, 0x14, 0x01, 0x01, 0x03]));
    all.extend(d.feed(&[
        0x1d, b'v', b'0', 0, 1, 0, 2, 0, 0xff, 0x00, 0x1d, b'V', 66, 0,
    ]));
    all.extend(d.finish());
    assert_eq!(
        all,
        vec![
            Event::Init,
            Event::Text("Hi".into()),
            Event::Feed { lines: 1 },
            Event::DrawerKick {
                pin: 2,
                on_ms: 50,
                off_ms: 500
            },
            Event::RealtimeKick { pin: 5, on_ms: 300 },
            Event::Raster {
                width_bytes: 1,
                height: 2,
                data: vec![0xff, 0]
            },
            Event::Cut { partial: true },
        ]
    );
    assert_eq!(
        all[3].to_string(),
        "ouverture tiroir, broche 2, impulsion 50 ms, pause 500 ms"
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut d = Decoder::new();
    for seed in 0u32..2000 {
        let bytes: Vec<u8> = (0..17)
            .map(|i| (seed.wrapping_mul(2654435761).rotate_left(i) & 0xff) as u8)
            .collect();
        d.feed(&bytes);
    }
    d.finish();
}
