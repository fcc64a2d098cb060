//! The virtual printer's ESC/POS decoder: any byte stream, in any chunking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut whole = cashdrawer::escpos::Decoder::new();
    let mut a = whole.feed(data);
    a.extend(whole.finish());
    // Chunked at the first byte's value: exactly the same events as in one piece.
    let cut = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let mut chunked = cashdrawer::escpos::Decoder::new();
    let mut b = chunked.feed(&data[..cut]);
    b.extend(chunked.feed(&data[cut..]));
    b.extend(chunked.finish());
    assert_eq!(a, b, "chunking must not change the decoded events");
});
