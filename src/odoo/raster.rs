//! Pictures for receipt printers: grey images, 1-bit bitmaps, scaling to the paper,
//! dithering, and the ESC/POS raster command (`GS v 0`) in bands.
//!
//! Both Odoo modes print pictures: ePOS sends a 1-bit bitmap, the IoT box mode a JPEG.
//! Everything ends here as a [`Bitmap`] no wider than the paper.

/// Rows per `GS v 0` command. A band of 128 rows is at most 9 KB at 576 dots: small
/// enough for the receive buffer of cheap printers, large enough to print smoothly.
pub const BAND_ROWS: usize = 128;

/// A 1-bit picture, one `bool` per dot, `true` = black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: usize,
    pub height: usize,
    pub dots: Vec<bool>,
}

/// An 8-bit grey picture, 0 = black, 255 = white.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

impl Bitmap {
    /// Reads rows of `ceil(width / 8)` bytes, most significant bit first: the layout of
    /// Epson's `<image>` and of `GS v 0`. A row whose width is not a multiple of 8 ends
    /// with padding bits, which are skipped, as an Epson printer does. Missing data prints
    /// white; extra data is ignored.
    pub fn from_rows(data: &[u8], width: usize, height: usize) -> Bitmap {
        let stride = width.div_ceil(8);
        let mut dots = vec![false; width * height];
        for y in 0..height {
            for x in 0..width {
                let byte = data.get(y * stride + x / 8).copied().unwrap_or(0);
                dots[y * width + x] = byte & (0x80 >> (x % 8)) != 0;
            }
        }
        Bitmap {
            width,
            height,
            dots,
        }
    }

    /// Packs rows the same way `from_rows` reads them.
    pub fn to_rows(&self) -> Vec<u8> {
        let stride = self.width.div_ceil(8);
        let mut out = vec![0u8; stride * self.height];
        for y in 0..self.height {
            for x in 0..self.width {
                if self.dots[y * self.width + x] {
                    out[y * stride + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        out
    }

    pub fn to_gray(&self) -> Gray {
        Gray {
            width: self.width,
            height: self.height,
            pixels: self.dots.iter().map(|&b| if b { 0 } else { 255 }).collect(),
        }
    }

    /// Fits the paper: a wider bitmap is scaled down (area average, then dithered, so
    /// thin lines and grey areas survive); a narrower one is kept dot for dot.
    pub fn fit_width(self, max_width: usize) -> Bitmap {
        if self.width <= max_width {
            return self;
        }
        self.to_gray().fit_width(max_width).dither()
    }

    /// `GS v 0 0 xL xH yL yH data`, one command per band of [`BAND_ROWS`] rows.
    ///
    /// Printers scan everything they receive for real-time commands, picture data
    /// included: bytes spelling `DLE EOT`, `DLE ENQ` or `DLE DC4` would make the printer
    /// answer a status in the middle of the job (then read as the answer to our own
    /// query) or even kick the drawer. Where the data spells one, the `DLE` byte's single
    /// dot is left white: one dot, invisible on a receipt.
    pub fn to_escpos(&self) -> Vec<u8> {
        let stride = self.width.div_ceil(8);
        let mut rows = self.to_rows();
        for i in 1..rows.len() {
            if rows[i - 1] == 0x10 && matches!(rows[i], 0x04 | 0x05 | 0x14) {
                rows[i - 1] = 0x00;
            }
        }
        let mut out = Vec::with_capacity(rows.len() + 8 * (self.height / BAND_ROWS + 1));
        if stride == 0 {
            return out;
        }
        for band in rows.chunks(stride * BAND_ROWS) {
            let h = band.len() / stride;
            out.extend_from_slice(&[0x1d, b'v', b'0', 0]);
            out.extend_from_slice(&(stride as u16).to_le_bytes());
            out.extend_from_slice(&(h as u16).to_le_bytes());
            out.extend_from_slice(band);
        }
        out
    }
}

impl Gray {
    /// Scales down to `max_width` keeping the aspect ratio, each output pixel the mean of
    /// the source pixels it covers. Narrower pictures are returned as they are.
    pub fn fit_width(self, max_width: usize) -> Gray {
        if self.width <= max_width || self.width == 0 || self.height == 0 {
            return self;
        }
        let (sw, sh) = (self.width, self.height);
        let dw = max_width.max(1);
        let dh = ((sh * dw + sw / 2) / sw).max(1);
        let mut pixels = Vec::with_capacity(dw * dh);
        for oy in 0..dh {
            let (y0, y1) = span(oy, dh, sh);
            for ox in 0..dw {
                let (x0, x1) = span(ox, dw, sw);
                let mut sum = 0u32;
                for y in y0..y1 {
                    let row = &self.pixels[y * sw..(y + 1) * sw];
                    sum += row[x0..x1].iter().map(|&p| u32::from(p)).sum::<u32>();
                }
                let n = ((y1 - y0) * (x1 - x0)) as u32;
                pixels.push(((sum + n / 2) / n) as u8);
            }
        }
        Gray {
            width: dw,
            height: dh,
            pixels,
        }
    }

    /// Floyd–Steinberg error diffusion with serpentine scanning (no directional
    /// worms): grey areas and anti-aliased text come out as even dot patterns.
    pub fn dither(&self) -> Bitmap {
        let (w, h) = (self.width, self.height);
        let mut err: Vec<i32> = self.pixels.iter().map(|&p| i32::from(p) * 16).collect();
        let mut dots = vec![false; w * h];
        for y in 0..h {
            let rtl = y % 2 == 1;
            for i in 0..w {
                let x = if rtl { w - 1 - i } else { i };
                let idx = y * w + x;
                let old = err[idx].clamp(0, 255 * 16);
                let black = old < 128 * 16;
                dots[idx] = black;
                let e = old - if black { 0 } else { 255 * 16 };
                let fwd: isize = if rtl { -1 } else { 1 };
                let mut spread = |dx: isize, dy: usize, part: i32| {
                    let nx = x as isize + dx;
                    if nx >= 0 && (nx as usize) < w && y + dy < h {
                        err[(y + dy) * w + nx as usize] += e * part / 16;
                    }
                };
                spread(fwd, 0, 7);
                spread(-fwd, 1, 3);
                spread(0, 1, 5);
                spread(fwd, 1, 1);
            }
        }
        Bitmap {
            width: w,
            height: h,
            dots,
        }
    }
}

/// The source range `[start, end)` covered by output index `i` of `out` over `len`.
fn span(i: usize, out: usize, len: usize) -> (usize, usize) {
    let start = i * len / out;
    let end = ((i + 1) * len / out).max(start + 1).min(len);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `golden_gray(20, 30).dither().to_escpos()` as the 1.1.0 code wrote it.
    const GOLDEN_SMALL: &[u8] = &[
        0x1d, 0x76, 0x30, 0x00, 0x03, 0x00, 0x1e, 0x00, 0xfe, 0xa8, 0x00, 0xfd, 0xd2, 0x80, 0xeb,
        0x28, 0x00, 0xfe, 0xd5, 0x40, 0xf7, 0x50, 0x00, 0xfa, 0xaa, 0x80, 0xff, 0x52, 0x00, 0x00,
        0x3e, 0x00, 0x07, 0xc0, 0x00, 0xf8, 0x01, 0xf0, 0x00, 0x3e, 0x00, 0x07, 0xc0, 0x00, 0xf8,
        0x01, 0xf0, 0x00, 0x3e, 0x00, 0xaa, 0xac, 0x80, 0x37, 0x29, 0x20, 0x2a, 0x8a, 0x50, 0xea,
        0x64, 0xd0, 0x59, 0xcd, 0x30, 0x5a, 0x6b, 0x40, 0xd6, 0x65, 0x60, 0x11, 0x08, 0x10, 0x30,
        0x42, 0x50, 0x95, 0x09, 0x10, 0x10, 0x40, 0x50, 0x59, 0x25, 0x10, 0x10, 0x08, 0x50, 0x92,
        0xa2, 0x10, 0xfe, 0xa8, 0x80, 0xfb, 0x52, 0x00,
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
        let mut d = crate::escpos::Decoder::new();
        let mut events = d.feed(&bytes);
        events.extend(d.finish());
        let mut heights = Vec::new();
        let mut data = Vec::new();
        for e in events {
            match e {
                crate::escpos::Event::Raster {
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
        assert_eq!(sha256_hex(&wide.to_escpos()), GOLDEN_WIDE);
    }
}
