//! Tests of src/config, src/domain, src/cli, src/metrics, src/app and the top-level files.

mod app;
mod atomic_file;
mod config;
mod config_paths;
mod domain_drawer;
mod domain_printer_name;
mod domain_printer_target;
mod metrics;
mod metrics_cert;
mod metrics_process;
