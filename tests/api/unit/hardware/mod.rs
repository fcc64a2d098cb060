//! Tests of src/odoo (but raster, iot), src/printer, src/escpos, src/drawer, src/platform.
