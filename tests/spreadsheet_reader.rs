//! A real spreadsheet opens the app's exports and finds no formula: LibreOffice's headless
//! converter (Debian's `libreoffice-calc-nogui`, which `cargo xtask test` installs) reads
//! files full of dangerous cells, written by the app's own export in both list-separator
//! conventions, splitting on commas and on semicolons with formulas evaluated, and writes
//! them as flat ODF, where a formula cell would carry `table:formula`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use tolerance_editor::core::columns::Field;
use tolerance_editor::core::csv_io::{export_outcomes, export_table};
use tolerance_editor::core::draft::{RowDraft, RowId};
use tolerance_editor::core::list_separator::ListSeparator;
use tolerance_editor::core::multistatus::{OutcomeKind, RowOutcome};

/// Cells that start a formula where a reader splits them, one way or the other.
const DANGEROUS: [&str; 14] = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "a;=1+1",
    "b,=1+1",
    "c;+1+1",
    "d,-1+1",
    "e;\"=1+1\"",
    "f,\"=1+1\"",
    "=HYPERLINK(\"http://x\";\"y\")",
    "-5",
    "+cmd|' /C calc'!A0",
];

/// LibreOffice's CSV filter options: separator, quote `"`, UTF-8, from line 1, default
/// column formats, `language`, quoted fields not forced to text, special numbers detected,
/// …, formulas evaluated (token 13).
fn filter(separator: char, language: u32) -> String {
    format!(
        "CSV:{},34,76,1,,{language},false,true,false,false,false,0,true",
        separator as u32
    )
}

fn soffice() -> String {
    let found = Command::new("soffice").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "soffice is not installed: `cargo xtask install` (or apt-get install libreoffice-calc-nogui)"
    );
    "soffice".into()
}

/// Converts `files` to flat ODF in `out` with the CSV filter `options`; their texts.
fn open_in_calc(dir: &Path, files: &[PathBuf], options: &str, out: &str) -> Vec<String> {
    let status = Command::new(soffice())
        // A profile of its own: another LibreOffice running does not take the job over.
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args(["--headless", "--convert-to", "fods"])
        .arg(format!("--infilter={options}"))
        .arg("--outdir")
        .arg(dir.join(out))
        .args(files)
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    files
        .iter()
        .map(|f| {
            let name = f.with_extension("fods");
            let name = name.file_name().unwrap();
            std::fs::read_to_string(dir.join(out).join(name))
                .unwrap_or_else(|e| panic!("{out}/{name:?}: {e}"))
        })
        .collect()
}

fn formulas(fods: &str) -> Vec<&str> {
    fods.match_indices("table:formula=\"")
        .map(|(at, _)| &fods[at..fods[at..].find("\" ").map_or(fods.len(), |e| at + e)])
        .collect()
}

#[test]
fn libreoffice_finds_no_formula_in_the_exports_whichever_separator_it_splits_on() {
    let dir = std::env::temp_dir().join(format!("spreadsheet-reader-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows: Vec<RowDraft> = DANGEROUS
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut row = RowDraft::new(RowId(i as u32));
            for field in [Field::Key, Field::GroupId, Field::PaymentMethod] {
                row.set_text(field, *text);
            }
            row.set_text(Field::Amount, if i % 2 == 0 { *text } else { "-12.50" });
            row
        })
        .collect();
    let outcome = |message: &str| RowOutcome {
        kind: OutcomeKind::Failed,
        status: Some(400),
        message: message.into(),
        activity_id: Some(message.into()),
    };
    let outcomes: Vec<RowOutcome> = DANGEROUS.iter().map(|m| outcome(m)).collect();
    let mut files = Vec::new();
    for (separator, name) in [
        (ListSeparator::Comma, "comma"),
        (ListSeparator::Semicolon, "semicolon"),
    ] {
        let table = dir.join(format!("table-{name}.csv"));
        std::fs::write(&table, export_table(&rows, separator)).unwrap();
        let answers = dir.join(format!("outcomes-{name}.csv"));
        let keyed = DANGEROUS.iter().map(|key| (*key).into()).zip(&outcomes);
        std::fs::write(&answers, export_outcomes(keyed, separator)).unwrap();
        files.extend([table, answers]);
    }
    // The control: the same cells written raw are formulas to this reader, so it can see them.
    let raw = dir.join("raw.csv");
    std::fs::write(&raw, "a,b\r\n=1+1,x;=2+2\r\n").unwrap();
    files.push(raw);

    for (splitter, language) in [(',', 1033), (';', 1031)] {
        let out = format!("split-{}", splitter as u32);
        let opened = open_in_calc(&dir, &files, &filter(splitter, language), &out);
        let (raw, exports) = opened.split_last().unwrap();
        assert!(
            !formulas(raw).is_empty(),
            "the raw file split on {splitter:?} shows formulas: the reader evaluates them"
        );
        for (file, fods) in files.iter().zip(exports) {
            assert!(fods.contains("Tolerance key"), "{file:?} read");
            assert_eq!(
                formulas(fods),
                Vec::<&str>::new(),
                "{file:?} opened splitting on {splitter:?}"
            );
        }
        if splitter == ';' {
            // In a German locale the semicolon file's amounts are numbers: "-12,50".
            assert!(
                exports[2].contains("office:value=\"-12.5\""),
                "the semicolon export's amounts read as numbers"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
