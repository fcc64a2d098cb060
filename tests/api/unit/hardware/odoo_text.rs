//! Moved from `src/odoo/text.rs`.

use cashdrawer::odoo::text::*;

#[test]
fn french_receipt_text() {
    assert_eq!(
        encode_pc858("Café à 2,50 €\n“Merci” – œuf"),
        b"Caf\x82 \x85 2,50 \xd5\n\"Merci\" - oeuf".to_vec()
    );
    assert_eq!(encode_pc858("日本\u{7}"), b"??".to_vec());
}

#[test]
fn every_row_of_the_code_page_is_at_its_byte() {
    assert!(HIGH.iter().all(|row| row.chars().count() == 32));
    assert_eq!(
        encode_pc858("Ç×áÁ¥ãÈ€ÌÓ²ƒ░"),
        b"\x80\x9e\xa0\xb5\xbe\xc6\xd4\xd5\xde\xe0\xfd??".to_vec()
    );
}
