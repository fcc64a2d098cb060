//! Tests of src/odoo/raster.rs and src/odoo/iot.rs.
mod dither;
mod iot;
