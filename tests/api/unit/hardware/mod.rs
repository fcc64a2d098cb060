//! Tests of src/odoo (but raster, iot), src/printer, src/escpos, src/drawer, src/platform.

mod drawer;
mod escpos_decode;
mod escpos_status;
mod odoo_b64;
mod odoo_epos;
mod odoo_epos_answer;
mod odoo_text;
mod printer_device;
mod printer_queue;
mod printer_system;
