use super::*;
use crate::core::draft::RowId;
use crate::core::multistatus::OutcomeKind;

fn rows(file: &CsvFile) -> Vec<Vec<String>> {
    file.rows
        .rows()
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn header_by_json_names_in_any_order_and_case() {
    let file = read_csv("TOLERANCE1,tolerance_key,Notes\r\n5.5,1,x\r\n6,2,y\r\n");
    assert_eq!(file.mapping, [Some(Field::Amount), Some(Field::Key), None]);
    assert_eq!(file.delimiter, b',');
    assert_eq!(rows(&file), [["5.5", "1", "x"], ["6", "2", "y"]]);
    let row = file.rows.row(0).unwrap();
    assert_eq!(
        CsvFile::editable_cells(row, &file.mapping),
        [Some("1"), Some("5.5"), None, None]
    );
}

#[test]
fn bom_semicolons_and_titles_as_european_excel_writes_them() {
    let text = "\u{feff}Tolerance key;Tolerance amount;Group ID;Payment method\n\
                1;\"1,5\";GRP;ACH\n2;3;\"a;b\";\n";
    let file = read_csv(text);
    assert_eq!(file.delimiter, b';');
    assert_eq!(file.mapping, Field::EDITABLE.map(Some));
    assert_eq!(
        file.header.as_deref().unwrap()[0],
        "Tolerance key",
        "BOM gone from the first header"
    );
    assert_eq!(
        rows(&file),
        [["1", "1,5", "GRP", "ACH"], ["2", "3", "a;b", ""]]
    );
    let summary = file.summarize(&file.mapping, |k| k == 2);
    assert_eq!(
        summary,
        ImportSummary {
            added: 0,
            updated: 1,
            with_problems: 1
        }
    );
}

#[test]
fn no_header_means_table_order_and_a_repeated_column_counts_once() {
    let file = read_csv("7,1.25,G\n");
    assert_eq!(file.header, None);
    assert_eq!(
        file.mapping,
        [Some(Field::Key), Some(Field::Amount), Some(Field::GroupId)]
    );
    assert_eq!(file.rows.row_count(), 1);
    let twice = read_csv("group_ID,Group ID\na,b\n");
    assert_eq!(twice.mapping, [Some(Field::GroupId), None]);
}

#[test]
fn export_writes_bom_titles_user_text_and_defused_formulas() {
    let mut row = RowDraft::new(RowId(1));
    row.set_text(Field::Key, "=1+1");
    row.set_text(Field::Amount, "-12.50");
    row.set_text(Field::GroupId, "a,\"b\"");
    let text = export_table([&row]);
    assert_eq!(
        text,
        "\u{feff}Tolerance key,Tolerance amount,Group ID,Payment method,Entry date,\
         Entered by,Update date,Updated by\r\n'=1+1,-12.50,\"a,\"\"b\"\"\",,,,,\r\n"
    );
    let back = read_csv(&text);
    assert_eq!(back.rows.cell(0, 0), Some("=1+1"));
    assert_eq!(back.rows.cell(0, 2), Some("a,\"b\""));
    assert_eq!(back.mapping.len(), 8);
    assert_eq!(back.mapping[7], Some(Field::UpdateUser));
}

#[test]
fn outcomes_export_key_status_message_and_activity_id() {
    let outcome = RowOutcome {
        kind: OutcomeKind::Failed,
        status: Some(400),
        message: "group_ID must be 20 characters or fewer".into(),
        activity_id: Some("0HN7V6B3Q5L2A:00000001".into()),
    };
    let text = export_outcomes([("3", &outcome)]);
    assert_eq!(
        text,
        "\u{feff}Tolerance key,Outcome,HTTP status,Message,Activity ID\r\n\
         3,Failed,400,group_ID must be 20 characters or fewer,0HN7V6B3Q5L2A:00000001\r\n"
    );
}

#[test]
fn tabs_are_detected_and_empty_text_reads_as_no_rows() {
    let file = read_csv("tolerance_Key\ttolerance1\n1\t2\n");
    assert_eq!(file.delimiter, b'\t');
    assert_eq!(rows(&file), [["1", "2"]]);
    let empty = read_csv("");
    assert!(empty.rows.is_empty() && empty.mapping.is_empty());
}
