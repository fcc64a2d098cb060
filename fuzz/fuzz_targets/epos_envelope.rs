//! The ePOS-Print SOAP envelope Odoo posts to `/cgi-bin/epos/service.cgi`: parsing and
//! encoding never panic, whatever the XML, attributes, base64 or sizes.
#![no_main]
use cashdrawer::odoo::epos;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = epos::Options {
        paper_width: 576,
        drawer_command: vec![0x1b, 0x70, 0x00, 0x19, 0xfa],
    };
    if let Ok(elements) = epos::parse(&text) {
        if let Ok(job) = epos::encode(&elements, &opts) {
            let _ = (job.prints, job.pulses, job.bytes.len());
        }
    }
});
