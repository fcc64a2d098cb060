//! Tests of src/config, src/domain, src/cli, src/metrics, src/app and the top-level files.
