//! Tests of `src/metrics/process.rs`.
use cashdrawer::metrics::process::*;

#[test]
fn reads_the_proc_formats() {
    let status = "Name:\tx\nVmPeak:\t  9000 kB\nVmRSS:\t    1234 kB\nThreads: 3\n";
    assert_eq!(parse_vm_rss(status), Some(1234 * 1024));
    let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                  Max processes             63459                63459                processes\n\
                  Max open files            1024                 524288               files\n";
    assert_eq!(parse_max_open_files(limits), Some(1024));
    assert_eq!(parse_vm_rss("Name: x\n"), None);
}
