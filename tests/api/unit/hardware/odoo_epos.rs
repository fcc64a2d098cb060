//! Moved from `src/odoo/epos/tests.rs`.

use base64::Engine as _;
use cashdrawer::odoo::epos::*;

/// The envelope of Odoo 17+ (`ePOSPrint([...])`: the `ePOSLayout` template's inner
/// HTML with the children appended and `xmlns=""` removed).
fn odoo17(children: &str) -> String {
    format!(
        "\n        <s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n            <s:Body>\n                <epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\">{children}</epos-print>\n            </s:Body>\n        </s:Envelope>\n    "
    )
}

fn opts() -> Options {
    Options {
        paper_width: 576,
        drawer_command: vec![0x1b, b'p', 0, 0x19, 0xfa],
    }
}

#[test]
fn odoo_image_and_cut() {
    // 16x2: row 0 = 0xF00F, row 1 = 0x0FF0.
    let env = odoo17(
        "<image width=\"16\" height=\"2\" align=\"center\">8A8P8A==</image><cut type=\"feed\"/>",
    );
    let elements = parse(&env).unwrap();
    assert_eq!(elements.len(), 2);
    let job = encode(&elements, &opts()).unwrap();
    assert!(job.prints);
    assert_eq!(
        job.bytes,
        [
            &[0x1b, b'@', 0x1b, b't', 19, 0x1b, b'a', 1][..],
            &[0x1d, b'v', b'0', 0, 2, 0, 2, 0, 0xf0, 0x0f, 0x0f, 0xf0],
            &[0x1d, b'V', 66, 0],
        ]
        .concat()
    );
}

#[test]
fn odoo16_qweb_envelope_with_whitespace() {
    let env = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n            <s:Body>\n                <epos-print xmlns=\"http://www.epson-pos.com/schemas/2011/03/epos-print\">\n                    \n            <pulse/>\n        \n                </epos-print>\n            </s:Body>\n        </s:Envelope>";
    let job = encode(&parse(env).unwrap(), &opts()).unwrap();
    assert!(!job.prints);
    assert_eq!(job.pulses, 1);
    assert_eq!(job.bytes, opts().drawer_command);
}

#[test]
fn pulse_with_attributes_text_feed_sound_command() {
    let env = odoo17(concat!(
        "<pulse drawer=\"drawer_2\" time=\"pulse_200\"/>",
        "<text lang=\"fr\" smooth=\"true\" align=\"center\" em=\"true\" ul=\"false\" dw=\"true\" dh=\"true\" reverse=\"false\">Total &amp; TVA: 12,50 €&#10;</text>",
        "<feed line=\"3\"/><feed unit=\"30\"/><feed/>",
        "<sound pattern=\"pattern_b\" repeat=\"2\"/>",
        "<command>1b 40</command>",
        "<barcode type=\"ean13\">4901234567894</barcode>",
    ));
    let job = encode(&parse(&env).unwrap(), &opts()).unwrap();
    assert_eq!(job.skipped, vec!["barcode".to_string()]);
    let mut expected = vec![0x1b, b'@', 0x1b, b't', 19];
    expected.extend_from_slice(&[0x1b, b'p', 1, 100, 250]);
    expected.extend_from_slice(&[0x1b, b'a', 1, 0x1b, b'E', 1, 0x1b, b'-', 0]);
    expected.extend_from_slice(&[0x1d, b'B', 0, 0x1d, b'b', 1, 0x1d, b'!', 0x11]);
    expected.extend_from_slice(b"Total & TVA: 12,50 \xd5\n");
    expected.extend_from_slice(&[0x1b, b'd', 3, 0x1b, b'J', 30, 0x0a]);
    expected.extend_from_slice(&[0x1b, b'B', 2, 2, 0x1b, b'@']);
    assert_eq!(job.bytes, expected);
}

#[test]
fn wide_images_are_scaled_to_the_paper() {
    // 800 dots of solid black, 4 rows: scaled to 384 wide and 2 rows high.
    let data = base64::engine::general_purpose::STANDARD.encode(vec![0xffu8; 100 * 4]);
    let env = odoo17(&format!(
        "<image width=\"800\" height=\"4\" align=\"left\">{data}</image>"
    ));
    let o = Options {
        paper_width: 384,
        ..opts()
    };
    let job = encode(&parse(&env).unwrap(), &o).unwrap();
    let mut head = vec![0x1b, b'@', 0x1b, b't', 19, 0x1b, b'a', 0];
    head.extend_from_slice(&[0x1d, b'v', b'0', 0, 48, 0, 2, 0]);
    assert_eq!(&job.bytes[..head.len()], &head[..]);
    assert!(job.bytes[head.len()..].iter().all(|&b| b == 0xff));
    assert_eq!(job.bytes.len(), head.len() + 48 * 2);
}

#[test]
fn bad_requests_are_schema_errors() {
    for bad in [
        "not xml at all",
        "<s:Envelope><s:Body></s:Body></s:Envelope>",
        &odoo17("<image width=\"8\">AA==</image>"),
        &odoo17("<image width=\"8\" height=\"1\">@@@</image>"),
        &odoo17("<image width=\"8\" height=\"1\" mode=\"gray16\">AA==</image>"),
        &odoo17("<command>1b4</command>"),
        // A multi-byte character across the 2-digit step: once a panic (fuzzing).
        &odoo17("<command>1b\u{20ac}1</command>"),
        &odoo17("<image width=\"65535\" height=\"65535\">AA==</image>"),
        "<epos-print><text>unclosed</epos-print>",
    ] {
        let result = parse(bad).and_then(|e| encode(&e, &opts()));
        assert!(result.is_err(), "{bad} should be refused: {result:?}");
    }
}
