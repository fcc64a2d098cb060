//! Pictures for receipt printers (ePOS sends 1-bit bitmaps, the IoT box mode JPEGs):
//! grey images, bitmaps, scaling to the paper, dithering, and `GS v 0` raster bands.

/// Rows per `GS v 0` command: at most 9 KB at 576 dots, for cheap printers' buffers.
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
    /// Reads rows of `ceil(width / 8)` bytes, most significant bit first (Epson's
    /// `<image>`, `GS v 0`); padding bits are skipped, missing data prints white.
    pub fn from_rows(data: &[u8], width: usize, height: usize) -> Bitmap {
        let stride = width.div_ceil(8);
        let mut dots = vec![false; width * height];
        if width > 0 {
            for (y, row) in dots.chunks_exact_mut(width).enumerate() {
                let src = data.get(y * stride..).unwrap_or(&[]);
                for (chunk, byte) in row
                    .chunks_mut(8)
                    .zip(src.iter().chain(std::iter::repeat(&0)))
                {
                    for (i, dot) in chunk.iter_mut().enumerate() {
                        *dot = byte & (0x80 >> i) != 0;
                    }
                }
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
        if self.width == 0 {
            return out;
        }
        let rows = self.dots.chunks_exact(self.width);
        for (row, dst) in rows.zip(out.chunks_exact_mut(stride)) {
            pack_row(row, dst);
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

    /// Fits the paper: wider is scaled down (area average, dithered); narrower is kept.
    pub fn fit_width(self, max_width: usize) -> Bitmap {
        if self.width <= max_width {
            return self;
        }
        self.to_gray().fit_width(max_width).dither()
    }

    /// `GS v 0 0 xL xH yL yH data`, one command per band of [`BAND_ROWS`] rows. Where the
    /// data spells `DLE EOT`, `DLE ENQ` or `DLE DC4`, which printers obey even inside a
    /// picture (a stray status answer, a drawer kick), the `DLE` dot is left white.
    pub fn to_escpos(&self) -> Vec<u8> {
        escpos_bands(self.to_rows(), self.width.div_ceil(8))
    }
}

/// The bytes of `Bitmap::from_rows(..).fit_width(..).to_escpos()`, without unpacking a
/// picture that already fits the paper into one `bool` per dot.
pub fn rows_to_escpos(data: &[u8], width: usize, height: usize, max_width: usize) -> Vec<u8> {
    if width > max_width {
        return Bitmap::from_rows(data, width, height)
            .fit_width(max_width)
            .to_escpos();
    }
    let stride = width.div_ceil(8);
    let mut rows = vec![0u8; stride * height];
    let given = rows.len().min(data.len());
    rows[..given].copy_from_slice(&data[..given]);
    // Padding bits past the width are skipped by `from_rows`: they print white.
    if !width.is_multiple_of(8) {
        let pad_mask = 0xffu8 << (8 - width % 8);
        for row in rows.chunks_exact_mut(stride) {
            row[stride - 1] &= pad_mask;
        }
    }
    escpos_bands(rows, stride)
}

/// Packed rows of `stride` bytes → `GS v 0` bands, guarded as [`Bitmap::to_escpos`] says.
fn escpos_bands(mut rows: Vec<u8>, stride: usize) -> Vec<u8> {
    for i in 1..rows.len() {
        if rows[i - 1] == 0x10 && matches!(rows[i], 0x04 | 0x05 | 0x14) {
            rows[i - 1] = 0x00;
        }
    }
    if stride == 0 {
        return Vec::new();
    }
    let height = rows.len() / stride;
    let mut out = Vec::with_capacity(rows.len() + 8 * (height / BAND_ROWS + 1));
    for band in rows.chunks(stride * BAND_ROWS) {
        let h = band.len() / stride;
        out.extend_from_slice(&[0x1d, b'v', b'0', 0]);
        out.extend_from_slice(&(stride as u16).to_le_bytes());
        out.extend_from_slice(&(h as u16).to_le_bytes());
        out.extend_from_slice(band);
    }
    out
}

impl Gray {
    /// Scales down to `max_width`, keeping the aspect ratio, by area average.
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

    /// Floyd–Steinberg error diffusion, serpentine scanning (no directional worms).
    pub fn dither(&self) -> Bitmap {
        let (w, h) = (self.width, self.height);
        let mut dots = Vec::with_capacity(w * h);
        if w > 0 {
            let mut diffuser = Diffuser::new(w);
            for (y, src) in self.pixels.chunks_exact(w).enumerate() {
                dots.extend(diffuser.row(src, y % 2 == 1).iter().map(|&d| d != 0));
            }
        }
        Bitmap {
            width: w,
            height: h,
            dots,
        }
    }

    /// `self.dither().to_escpos()` without a `bool` per dot in between.
    pub fn dither_to_escpos(&self) -> Vec<u8> {
        let (w, stride) = (self.width, self.width.div_ceil(8));
        let mut rows = vec![0u8; stride * self.height];
        if w > 0 {
            let mut diffuser = Diffuser::new(w);
            for (y, (src, row)) in self
                .pixels
                .chunks_exact(w)
                .zip(rows.chunks_exact_mut(stride))
                .enumerate()
            {
                pack_row(diffuser.row(src, y % 2 == 1), row);
            }
        }
        escpos_bands(rows, stride)
    }
}

/// Floyd–Steinberg state across rows, in sixteenths of a grey level. Zipped slice
/// iterators avoid bounds checks: the only carried dependency is the error ahead.
struct Diffuser {
    err_in: Vec<i32>,
    err_out: Vec<i32>,
    dots: Vec<u8>,
}

impl Diffuser {
    fn new(width: usize) -> Diffuser {
        Diffuser {
            err_in: vec![0; width],
            err_out: vec![0; width],
            dots: vec![0; width],
        }
    }

    /// Diffuses one row, right to left if `rtl`; its dots in picture order, 1 = black.
    fn row(&mut self, src: &[u8], rtl: bool) -> &[u8] {
        let (err_in, dots) = (&self.err_in[..], &mut self.dots[..]);
        let w = src.len().min(err_in.len()).min(dots.len());
        let (src, err_in, dots) = (&src[..w], &err_in[..w], &mut dots[..w]);
        if w == 0 {
            return &self.dots[..0];
        }
        if rtl {
            let (last, out) = self.err_out[..w].split_first_mut().expect("w > 0");
            let (first_dot, dots) = dots.split_last_mut().expect("w > 0");
            let cells = src[..w - 1]
                .iter()
                .zip(&err_in[..w - 1])
                .zip(dots.iter_mut())
                .rev()
                .zip(out.iter_mut().rev());
            diffuse((src[w - 1], err_in[w - 1], first_dot), cells, last);
        } else {
            let (last, out) = self.err_out[..w].split_last_mut().expect("w > 0");
            let (first_dot, dots) = dots.split_first_mut().expect("w > 0");
            let cells = src[1..]
                .iter()
                .zip(&err_in[1..])
                .zip(dots.iter_mut())
                .zip(out.iter_mut());
            diffuse((src[0], err_in[0], first_dot), cells, last);
        }
        std::mem::swap(&mut self.err_in, &mut self.err_out);
        &self.dots[..w]
    }
}

/// One dot from its grey in sixteenths plus error: black (below half), the error left.
#[inline(always)]
pub const fn quantise(v: i32) -> (bool, i32) {
    let old = if v < 0 {
        0
    } else if v > 255 * 16 {
        255 * 16
    } else {
        v
    };
    let black = old < 128 * 16;
    (black, old - if black { 0 } else { 255 * 16 })
}

/// The range of a dot's grey plus error before clamping (checked by `ahead_bounds_hold`).
pub const V_MIN: i32 = -2032;
pub const V_MAX: i32 = 255 * 16 + 1149 + 895;

/// What a dot diffuses (7/16, 3/16, 5/16, 1/16 of its error), by `v - V_MIN`: one load
/// on the carried chain instead of clamp, select and divide.
static SHARES: [Shares; (V_MAX - V_MIN + 1) as usize] = shares_table();

/// One entry of [`SHARES`]; `i16` keeps the table mostly in the first-level cache.
#[derive(Clone, Copy)]
struct Shares {
    ahead: i16,
    behind: i16,
    under: i16,
    below_ahead: i16,
}

const fn shares_table() -> [Shares; (V_MAX - V_MIN + 1) as usize] {
    let zero = Shares {
        ahead: 0,
        behind: 0,
        under: 0,
        below_ahead: 0,
    };
    let mut table = [zero; (V_MAX - V_MIN + 1) as usize];
    let mut i = 0;
    while i < table.len() {
        let (_, e) = quantise(i as i32 + V_MIN);
        table[i] = Shares {
            ahead: (e * 7 / 16) as i16,
            behind: (e * 3 / 16) as i16,
            under: (e * 5 / 16) as i16,
            below_ahead: (e / 16) as i16,
        };
        i += 1;
    }
    table
}

/// One row in scan order: each cell writes the slot below one step behind it (final once
/// this dot added its 3/16); what would fall off the picture is dropped.
#[inline(always)]
fn diffuse<'a>(
    first: (u8, i32, &mut u8),
    cells: impl Iterator<Item = (((&'a u8, &'a i32), &'a mut u8), &'a mut i32)>,
    last: &mut i32,
) {
    let (black, e) = quantise(i32::from(first.0) * 16 + first.1);
    *first.2 = u8::from(black);
    let (ahead, mut behind, mut under) = (e * 7 / 16, e * 5 / 16, e / 16);
    // Pointer-sized, so the carried chain has no sign extension.
    let mut ahead = ahead as isize;
    for (((&px, &err), dot), slot) in cells {
        let base = (i32::from(px) * 16 + err - V_MIN) as isize;
        let at = (base + ahead) as usize;
        let share = SHARES[at];
        ahead = share.ahead as isize;
        // Clamping keeps which side of half grey `v` is on.
        *dot = u8::from(at < (128 * 16 - V_MIN) as usize);
        *slot = behind + i32::from(share.behind);
        behind = under + i32::from(share.under);
        under = i32::from(share.below_ahead);
    }
    *last = behind;
}

/// Dots (`bool`s, or bytes 0 or 1) → a `GS v 0` row, most significant bit first.
fn pack_row<D: Copy + Into<u8>>(dots: &[D], row: &mut [u8]) {
    for (byte, chunk) in row.iter_mut().zip(dots.chunks(8)) {
        *byte = chunk
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, &d)| acc | (d.into() << (7 - i)));
    }
}

/// The source range `[start, end)` covered by output index `i` of `out` over `len`.
fn span(i: usize, out: usize, len: usize) -> (usize, usize) {
    let start = i * len / out;
    let end = ((i + 1) * len / out).max(start + 1).min(len);
    (start, end)
}
