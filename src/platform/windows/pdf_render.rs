//! Printing a PDF on Windows with no extra software: WinRT `Windows.Data.Pdf` renders
//! each page to a bitmap at the printer's resolution (at most 300 dpi: 35 MB for an A4
//! page), and GDI prints it, fit to the printable area, through the spooler. Success
//! means the spooler accepted every page.

use std::path::Path;

use windows::core::{HSTRING, PCWSTR};
use windows::Data::Pdf::{PdfDocument, PdfPageRenderOptions};
use windows::Graphics::Imaging::BitmapEncoder;
use windows::Storage::StorageFile;
use windows::Storage::Streams::{
    Buffer, DataReader, InMemoryRandomAccessStream, InputStreamOptions,
};
use windows::Win32::Graphics::Gdi::{
    CreateDCW, DeleteDC, GetDeviceCaps, StretchDIBits, BITMAPINFO, DIB_RGB_COLORS, HDC, HORZRES,
    LOGPIXELSX, SRCCOPY, VERTRES,
};
use windows::Win32::Storage::Xps::{EndDoc, EndPage, StartDocW, StartPage, DOCINFOW};
use windows::Win32::System::Com::{CoInitializeEx, COINIT_MULTITHREADED};

use super::wide;

const MAX_DPI: f32 = 300.0;

/// A printer device context, deleted on drop.
struct PrinterDc(HDC);

impl Drop for PrinterDc {
    fn drop(&mut self) {
        // SAFETY: the DC came from a successful CreateDCW and is deleted once.
        let _ = unsafe { DeleteDC(self.0) };
    }
}

/// One rendered page: a BMP file as the WIC encoder wrote it.
struct Bmp(Vec<u8>);

impl Bmp {
    /// Offset of the pixels, and width and height of the bitmap.
    fn layout(&self) -> Result<(usize, i32, i32), String> {
        let b = &self.0;
        if b.len() < 54 || &b[..2] != b"BM" {
            return Err("rendu de page inattendu (pas un BMP)".into());
        }
        let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let offset = u32_at(10) as usize;
        let width = u32_at(18) as i32;
        let height = (u32_at(22) as i32).abs();
        if offset >= b.len() || width <= 0 || height == 0 {
            return Err("rendu de page inattendu (en-tête BMP)".into());
        }
        Ok((offset, width, height))
    }
}

/// Renders `file` and prints it on `printer`, blocking; call it off the async runtime.
pub fn print(file: &Path, printer: &str) -> Result<(), String> {
    let fail = |what: &str, e: windows::core::Error| format!("{what}: {}", e.message());
    // SAFETY: no preconditions; an already initialized thread's code is fine to ignore.
    let _ = unsafe { CoInitializeEx(None, COINIT_MULTITHREADED) };
    let absolute = std::path::absolute(file).map_err(|e| e.to_string())?;
    let storage = StorageFile::GetFileFromPathAsync(&HSTRING::from(absolute.as_os_str()))
        .and_then(|op| op.join())
        .map_err(|e| fail("ouverture du PDF", e))?;
    let doc = PdfDocument::LoadFromFileAsync(&storage)
        .and_then(|op| op.join())
        .map_err(|e| fail("lecture du PDF par Windows.Data.Pdf", e))?;
    let pages = doc.PageCount().map_err(|e| fail("nombre de pages", e))?;

    let device = wide(printer);
    let driver = wide("WINSPOOL");
    // SAFETY: both strings are NUL-terminated and outlive the call.
    let hdc = unsafe {
        CreateDCW(
            PCWSTR(driver.as_ptr()),
            PCWSTR(device.as_ptr()),
            PCWSTR::null(),
            None,
        )
    };
    if hdc.is_invalid() {
        return Err(format!(
            "imprimante {printer} inconnue ou inaccessible (CreateDC)"
        ));
    }
    let dc = PrinterDc(hdc);
    // SAFETY: dc.0 is a valid printer DC for the calls below.
    let (dpi, area_w, area_h) = unsafe {
        (
            GetDeviceCaps(Some(dc.0), LOGPIXELSX) as f32,
            GetDeviceCaps(Some(dc.0), HORZRES),
            GetDeviceCaps(Some(dc.0), VERTRES),
        )
    };
    let render_dpi = if dpi > 0.0 { dpi.min(MAX_DPI) } else { MAX_DPI };
    let title = wide(&file.file_name().unwrap_or_default().to_string_lossy());
    let info = DOCINFOW {
        cbSize: std::mem::size_of::<DOCINFOW>() as i32,
        lpszDocName: PCWSTR(title.as_ptr()),
        ..Default::default()
    };
    // SAFETY: info and the strings it points to outlive the call.
    if unsafe { StartDocW(dc.0, &info) } <= 0 {
        return Err(format!("le spouleur refuse le document pour {printer}"));
    }
    for index in 0..pages {
        let page = render(&doc, index, render_dpi)?;
        if let Err(e) = print_page(&dc, &page, area_w, area_h) {
            // SAFETY: closes the document opened above on the same DC.
            unsafe { EndDoc(dc.0) };
            return Err(format!("page {}: {e}", index + 1));
        }
    }
    // SAFETY: closes the document opened above.
    if unsafe { EndDoc(dc.0) } <= 0 {
        return Err(format!(
            "le spouleur n'a pas accepté la fin du document pour {printer}"
        ));
    }
    Ok(())
}

fn render(doc: &PdfDocument, index: u32, dpi: f32) -> Result<Bmp, String> {
    let fail = |e: windows::core::Error| format!("rendu de la page {}: {}", index + 1, e.message());
    let page = doc.GetPage(index).map_err(fail)?;
    let size = page.Size().map_err(fail)?; // in DIPs, 1/96 inch
    let options = PdfPageRenderOptions::new().map_err(fail)?;
    let bmp = BitmapEncoder::BmpEncoderId().map_err(fail)?;
    options.SetBitmapEncoderId(bmp).map_err(fail)?;
    let dots = |dips: f32| (dips / 96.0 * dpi).round().max(1.0) as u32;
    options
        .SetDestinationWidth(dots(size.Width))
        .map_err(fail)?;
    options
        .SetDestinationHeight(dots(size.Height))
        .map_err(fail)?;
    let stream = InMemoryRandomAccessStream::new().map_err(fail)?;
    page.RenderWithOptionsToStreamAsync(&stream, &options)
        .and_then(|op| op.join())
        .map_err(fail)?;
    let len = stream.Size().map_err(fail)? as u32;
    let buffer = Buffer::Create(len).map_err(fail)?;
    let filled = stream
        .GetInputStreamAt(0)
        .and_then(|input| input.ReadAsync(&buffer, len, InputStreamOptions::None))
        .and_then(|op| op.join())
        .map_err(fail)?;
    let reader = DataReader::FromBuffer(&filled).map_err(fail)?;
    let mut bytes = vec![0u8; filled.Length().map_err(fail)? as usize];
    reader.ReadBytes(&mut bytes).map_err(fail)?;
    Ok(Bmp(bytes))
}

fn print_page(dc: &PrinterDc, page: &Bmp, area_w: i32, area_h: i32) -> Result<(), String> {
    let (offset, width, height) = page.layout()?;
    let scale = (area_w as f32 / width as f32).min(area_h as f32 / height as f32);
    let (dest_w, dest_h) = (
        (width as f32 * scale) as i32,
        (height as f32 * scale) as i32,
    );
    let header = page.0[14..].as_ptr() as *const BITMAPINFO;
    let bits = page.0[offset..].as_ptr() as *const core::ffi::c_void;
    // SAFETY: dc is a printer DC inside a document; header and bits point into `page`.
    unsafe {
        if StartPage(dc.0) <= 0 {
            return Err("StartPage refusé par le spouleur".into());
        }
        let lines = StretchDIBits(
            dc.0,
            0,
            0,
            dest_w,
            dest_h,
            0,
            0,
            width,
            height,
            Some(bits),
            header,
            DIB_RGB_COLORS,
            SRCCOPY,
        );
        if lines == 0 {
            let _ = EndPage(dc.0);
            return Err("StretchDIBits a échoué".into());
        }
        if EndPage(dc.0) <= 0 {
            return Err("EndPage refusé par le spouleur".into());
        }
    }
    Ok(())
}
