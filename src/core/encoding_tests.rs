use proptest::prelude::*;

use super::*;

/// `encoding_rs`, the browser engines' own decoder, as the oracle for each encoding.
fn oracle(encoding: Encoding) -> &'static encoding_rs::Encoding {
    match encoding {
        Encoding::Utf8 => encoding_rs::UTF_8,
        Encoding::Utf16Le => encoding_rs::UTF_16LE,
        Encoding::Utf16Be => encoding_rs::UTF_16BE,
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252,
        Encoding::MacRoman => encoding_rs::MACINTOSH,
    }
}

#[test]
fn every_byte_of_the_single_byte_encodings_reads_as_encoding_rs_reads_it() {
    let all: Vec<u8> = (0..=255).collect();
    for encoding in [Encoding::Windows1252, Encoding::MacRoman] {
        let (want, _) = oracle(encoding).decode_without_bom_handling(&all);
        assert_eq!(decode(&all, encoding), want, "{encoding:?}");
    }
}

#[test]
fn what_excel_writes_is_detected() {
    // "CSV UTF-8": a BOM; "Unicode Text": UTF-16 LE with a BOM; "CSV (Comma delimited)" on a
    // Western Windows: Windows-1252, here CAFÉ with É as 0xC9.
    assert_eq!(
        detect(b"\xef\xbb\xbfkey,group\r\n1,CAF\xc3\x89\r\n"),
        Ok(Encoding::Utf8)
    );
    assert_eq!(detect(b"key,group\r\n1,CAFE\r\n"), Ok(Encoding::Utf8));
    assert_eq!(detect(b"\xff\xfek\0e\0y\0"), Ok(Encoding::Utf16Le));
    assert_eq!(detect(b"\xfe\xff\0k\0e\0y"), Ok(Encoding::Utf16Be));
    let ansi = b"key,group\r\n1,CAF\xc9\r\n";
    assert_eq!(detect(ansi), Ok(Encoding::Windows1252));
    assert_eq!(
        decode(ansi, Encoding::Windows1252),
        "key,group\r\n1,CAFÉ\r\n"
    );
    assert_eq!(decode(b"\xef\xbb\xbfA", Encoding::Utf8), "A");
    assert_eq!(decode(b"\xff\xfeA\0", Encoding::Utf16Le), "A");
}

#[test]
fn files_that_are_not_text_are_refused_with_what_they_look_like() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_eq!(detect(png).unwrap_err().looks_like, "a PNG image");
    assert!(
        detect(b"PK\x03\x04rest")
            .unwrap_err()
            .looks_like
            .contains(".xlsx")
    );
    let nul = detect(b"key,group\r\n1,\0\0\r\n").unwrap_err();
    assert!(nul.to_string().contains("NUL bytes"), "{nul}");
    assert!(nul.to_string().starts_with("is not a CSV or text file"));
}

#[test]
fn what_cannot_be_read_becomes_the_replacement_character() {
    assert_eq!(decode(b"CAF\xc9", Encoding::Utf8), "CAF\u{fffd}");
    assert_eq!(decode(b"A\0\0", Encoding::Utf16Le), "A\u{fffd}");
    assert_eq!(decode(b"\0\xd8A\0", Encoding::Utf16Le), "\u{fffd}A");
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(3000) })]

    /// Any bytes read in any encoding give what `encoding_rs` gives (a BOM of that encoding
    /// taken off first, as `decode` does).
    #[test]
    fn any_bytes_decode_as_encoding_rs_decodes_them(
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        which in 0..5usize,
    ) {
        let encoding = Encoding::CHOICES[which];
        let (want, _) = oracle(encoding).decode_with_bom_removal(&bytes);
        prop_assert_eq!(decode(&bytes, encoding), want.into_owned());
    }

    /// Text written in an encoding Excel writes (with its BOM where Excel adds one) is
    /// detected as that encoding, or as one that reads it the same, and reads back as written.
    #[test]
    fn written_text_round_trips_through_detection(
        text in "[a-zA-Z0-9,;\"\\r\\n éÉüßçñ€–’]{0,40}",
        which in 0..3usize,
    ) {
        let bytes: Vec<u8> = match which {
            0 => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
            1 => {
                let mut out = vec![0xff, 0xfe];
                out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                out
            }
            _ => {
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
                prop_assume!(!unmappable);
                // Windows-1252 bytes that happen to be valid UTF-8 ("É€" is C9 80, "ɀ") are
                // read as UTF-8: the preview names the encoding and offers the others.
                prop_assume!(text.is_ascii() || std::str::from_utf8(&bytes).is_err());
                bytes.into_owned()
            }
        };
        let detected = detect(&bytes).unwrap();
        prop_assert_eq!(decode(&bytes, detected), text);
    }
}

#[test]
fn a_text_file_starting_with_the_letters_of_a_signature_is_text() {
    // Seen as a flaky property case: Windows-1252 text starting "MZ" was refused as a program.
    assert_eq!(detect(b"MZ001,1.00\r\n"), Ok(Encoding::Utf8));
    assert_eq!(detect(b"GIF89a,2.00\r\n"), Ok(Encoding::Utf8));
    assert_eq!(detect(b"MZ\xc9,1.00\r\n"), Ok(Encoding::Windows1252));
    // The real formats hold NUL bytes at once, and are named.
    assert!(
        detect(b"MZ\x90\x00\x03\x00\x00\x00").is_err_and(|e| e.looks_like == "a Windows program")
    );
    assert!(
        detect(b"GIF89a\x01\x00\x01\x00\x80\x00").is_err_and(|e| e.looks_like == "a GIF image")
    );
}
