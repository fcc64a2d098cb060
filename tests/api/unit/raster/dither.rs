//! Tests of src/odoo/raster.rs (`ahead_bounds_hold` moved from it).

use cashdrawer::odoo::raster::{quantise, rows_to_escpos, Bitmap, Gray, V_MAX, V_MIN};

/// `golden_gray(20, 30).dither().to_escpos()` as the 1.1.0 code wrote it.
const GOLDEN_SMALL: &[u8] = &[
    0x1d, 0x76, 0x30, 0x00, 0x03, 0x00, 0x1e, 0x00, 0xfe, 0xa8, 0x00, 0xfd, 0xd2, 0x80, 0xeb, 0x28,
    0x00, 0xfe, 0xd5, 0x40, 0xf7, 0x50, 0x00, 0xfa, 0xaa, 0x80, 0xff, 0x52, 0x00, 0x00, 0x3e, 0x00,
    0x07, 0xc0, 0x00, 0xf8, 0x01, 0xf0, 0x00, 0x3e, 0x00, 0x07, 0xc0, 0x00, 0xf8, 0x01, 0xf0, 0x00,
    0x3e, 0x00, 0xaa, 0xac, 0x80, 0x37, 0x29, 0x20, 0x2a, 0x8a, 0x50, 0xea, 0x64, 0xd0, 0x59, 0xcd,
    0x30, 0x5a, 0x6b, 0x40, 0xd6, 0x65, 0x60, 0x11, 0x08, 0x10, 0x30, 0x42, 0x50, 0x95, 0x09, 0x10,
    0x10, 0x40, 0x50, 0x59, 0x25, 0x10, 0x10, 0x08, 0x50, 0x92, 0xa2, 0x10, 0xfe, 0xa8, 0x80, 0xfb,
    0x52, 0x00,
];
/// SHA-256 digests of the 1.1.0 code's output (see `golden_digest_of_a_scaled_receipt`).
const GOLDEN_FIT: &str = "2027d7d4957ae133c25c59d7a16ac89ceeebb0b542f9dd33c689a0f3b3d4c838";
const GOLDEN_ESCPOS: &str = "d0b4d7e12f5ac89048378cfd3906ed185027623464c20d5e2bbbcf545883b1a2";
const GOLDEN_WIDE: &str = "548cdd5fe9801258bb0104e19a09ce5c23f43e1005033a16d1dd1057217f74b5";

#[test]
fn rows_skip_padding_bits_like_epson() {
    // 10 dots wide: 2 bytes per row, the last 6 bits of each row are padding.
    let data = [0b1000_0000, 0b0111_1111, 0b0000_0000, 0b1100_0000];
    let b = Bitmap::from_rows(&data, 10, 2);
    let row = |y: usize| -> String {
        (0..10)
            .map(|x| if b.dots[y * 10 + x] { '#' } else { '.' })
            .collect()
    };
    assert_eq!(row(0), "#........#");
    assert_eq!(row(1), "........##");
    assert_eq!(b.to_rows(), vec![0x80, 0x40, 0x00, 0xc0]);
    // Short data prints white.
    assert!(Bitmap::from_rows(&[0xff], 8, 3).dots[8..]
        .iter()
        .all(|d| !d));
}

#[test]
fn escpos_bands_carry_width_height_and_rows() {
    let b = Bitmap::from_rows(&vec![0xaa; 2 * 300], 16, 300);
    let bytes = b.to_escpos();
    let mut d = cashdrawer::escpos::Decoder::new();
    let mut events = d.feed(&bytes);
    events.extend(d.finish());
    let mut heights = Vec::new();
    let mut data = Vec::new();
    for e in events {
        match e {
            cashdrawer::escpos::Event::Raster {
                width_bytes,
                height,
                data: d,
            } => {
                assert_eq!(width_bytes, 2);
                heights.push(height);
                data.extend(d);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(heights, vec![128, 128, 44]);
    assert_eq!(Bitmap::from_rows(&data, 16, 300), b);
}

#[test]
fn data_never_spells_a_real_time_command() {
    // Row 0 ends with DLE, row 1 starts with EOT: the pair spans rows.
    let b = Bitmap::from_rows(&[0xff, 0x10, 0x04, 0x01, 0x10, 0x14, 0x10, 0x42], 16, 4);
    let bytes = b.to_escpos();
    assert_eq!(
        &bytes[8..],
        &[0xff, 0x00, 0x04, 0x01, 0x00, 0x14, 0x10, 0x42]
    );
}

#[test]
fn scaling_keeps_aspect_and_grey_level() {
    let g = Gray {
        width: 1000,
        height: 200,
        pixels: vec![100; 200_000],
    };
    let s = g.fit_width(576);
    assert_eq!((s.width, s.height), (576, 115));
    assert!(s.pixels.iter().all(|&p| p == 100));
    let bits = s.dither();
    let black = bits.dots.iter().filter(|&&d| d).count() as f64 / bits.dots.len() as f64;
    // 100/255 grey is 61 % black.
    assert!((black - (1.0 - 100.0 / 255.0)).abs() < 0.02, "{black}");
}

#[test]
fn narrow_bitmaps_are_kept_dot_for_dot() {
    let b = Bitmap::from_rows(&[0x5a; 40], 64, 5);
    assert_eq!(b.clone().fit_width(576), b);
    let wide = Bitmap::from_rows(&vec![0xff; 100 * 10], 800, 10).fit_width(400);
    assert_eq!((wide.width, wide.height), (400, 5));
    assert!(wide.dots.iter().all(|&d| d));
}

/// A deterministic picture with everything the encoder meets: grey levels for the
/// dithering, hard black and white edges, and bytes spelling `DLE EOT` once packed.
fn golden_gray(width: usize, height: usize) -> Gray {
    let mut seed = 0x2545_f491_u32;
    let pixels = (0..width * height)
        .map(|i| {
            let (x, y) = (i % width, i / width);
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            match (y / 7) % 4 {
                0 => ((x * 255) / width.max(1)) as u8,
                1 => {
                    if (x / 5 + y) % 3 == 0 {
                        0
                    } else {
                        255
                    }
                }
                2 => (seed >> 24) as u8,
                _ => {
                    if x % 16 == 3 {
                        0
                    } else {
                        200
                    }
                }
            }
        })
        .collect();
    Gray {
        width,
        height,
        pixels,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Pins the exact bytes of dithering and `GS v 0` encoding on a tiny picture, so a
/// faster implementation is proven byte-identical to the one it replaced.
#[test]
fn golden_bytes_of_a_small_dithered_picture() {
    let bytes = golden_gray(20, 30).dither().to_escpos();
    assert_eq!(bytes, GOLDEN_SMALL);
    assert_eq!(golden_gray(20, 30).dither_to_escpos(), GOLDEN_SMALL);
}

/// The same on a receipt-sized picture wider than the paper: scaling, serpentine
/// error diffusion, bands and the real-time command guard, all pinned by one digest.
#[test]
fn golden_digest_of_a_scaled_receipt() {
    let g = golden_gray(700, 333);
    let gray_fit = g.clone().fit_width(576);
    let bitmap = gray_fit.dither();
    let escpos = bitmap.to_escpos();
    let rows = bitmap.to_rows();
    let back = Bitmap::from_rows(&rows, bitmap.width, bitmap.height);
    let wide = Bitmap::from_rows(&escpos, 803, 150).fit_width(576);
    assert_eq!(back, bitmap);
    assert_eq!(sha256_hex(&gray_fit.pixels), GOLDEN_FIT);
    assert_eq!(sha256_hex(&escpos), GOLDEN_ESCPOS);
    assert_eq!(sha256_hex(&gray_fit.dither_to_escpos()), GOLDEN_ESCPOS);
    assert_eq!(sha256_hex(&wide.to_escpos()), GOLDEN_WIDE);
}

/// The ePOS fast path writes what the general one (unpack, fit, pack) writes: widths
/// on and off a byte boundary, padding bits set, short and long data, wider than
/// the paper.
#[test]
fn rows_to_escpos_is_the_general_path() {
    let mut seed = 7u32;
    let data: Vec<u8> = (0..4000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as u8
        })
        .collect();
    for (w, h) in [
        (8, 10),
        (13, 40),
        (64, 50),
        (200, 20),
        (203, 7),
        (1, 3),
        (300, 9),
    ] {
        for len in [0, 5, usize::div_ceil(w, 8) * h, data.len()] {
            let d = &data[..len.min(data.len())];
            let general = Bitmap::from_rows(d, w, h).fit_width(120).to_escpos();
            assert_eq!(
                rows_to_escpos(d, w, h, 120),
                general,
                "{w}x{h}, {len} bytes"
            );
        }
    }
    assert!(rows_to_escpos(&data, 0, 5, 576).is_empty());
    assert!(rows_to_escpos(&data, 5, 0, 576).is_empty());
}

/// The table of [`SHARES`] covers every value a dot can see: the extreme errors a
/// dot leaves, diffused as `diffuse` does, stay within `V_MIN..=V_MAX`.
#[test]
fn ahead_bounds_hold() {
    let errors = (0..=255 * 16 * 3).map(|v| quantise(v - 255 * 16).1);
    let (lo, hi) = errors.fold((0, 0), |(lo, hi), e| (e.min(lo), e.max(hi)));
    assert_eq!((lo, hi), (-2032, 2047));
    let below = |e: i32| e / 16 + e * 5 / 16 + e * 3 / 16;
    assert_eq!(V_MIN, below(lo) + lo * 7 / 16);
    assert_eq!(V_MAX, 255 * 16 + below(hi) + hi * 7 / 16);
}
