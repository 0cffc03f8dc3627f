//! Applying a CSV file to the table: rows whose key the table holds are updated (only the
//! columns the file maps), the others are added. Pure, so the preview's counts and the
//! applied result come from the same rules.

use crate::core::clipboard::Row;
use crate::core::columns::{CellText, Field};
use crate::core::csv_io::{CsvFile, Repeats};
use crate::core::draft::{NewRows, RowId};
use crate::core::table::Table;
use crate::core::validate;

/// What an import does, in the shape [`Table::paste`] applies as one undo step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    /// Cells of existing rows to overwrite: the row (by id, so the plan holds whatever
    /// order the rows are in when a part is applied), field, new text.
    pub edits: Vec<(RowId, Field, CellText)>,
    /// Rows to add at the end, checked.
    pub new_rows: NewRows,
}

/// Merges `file` (its columns read as `mapping` says) into `table` by key; of rows repeating
/// a key within the file, only the one `repeats` picks.
pub fn plan_import(
    file: &CsvFile,
    mapping: &[Option<Field>],
    table: &Table,
    repeats: Repeats,
) -> ImportPlan {
    plan_rows(file, file.applied_rows(mapping, repeats), mapping, table)
}

/// [`plan_import`] for some of the rows [`CsvFile::applied_rows`] answers: a 100,000-row
/// file is planned a part at a time, each part against the table as the parts before it
/// left it (one row per key, so a part never meets a row an earlier part added).
pub fn plan_rows<'a>(
    file: &CsvFile,
    rows: impl IntoIterator<Item = Row<'a>>,
    mapping: &[Option<Field>],
    table: &Table,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    for row in rows {
        let cells = CsvFile::editable_cells(row, mapping);
        let existing = cells[0]
            .and_then(|key| validate::parse_key(key).ok())
            .and_then(|key| table.row_with_key(key));
        match existing {
            Some(id) => {
                plan.edits
                    .extend(
                        Field::EDITABLE
                            .into_iter()
                            .zip(cells)
                            .filter_map(|(field, cell)| {
                                Some((id, field, file.read_as(field, cell?).into()))
                            }),
                    )
            }
            None => {
                plan.new_rows.push(std::array::from_fn(|i| {
                    let cell = cells[i].unwrap_or("");
                    CellText::from(file.read_as(Field::EDITABLE[i], cell))
                }));
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::columns::Cells;
    use crate::core::csv_io::read_csv;
    use crate::core::record::Tolerance;

    fn texts(rows: &NewRows) -> Vec<Cells> {
        rows.cells().map(std::borrow::Cow::into_owned).collect()
    }

    fn table() -> Table {
        Table::from_records((1..=3).map(|key| Tolerance {
            key,
            amount: 1.0,
            group_id: Some("GRP001".into()),
            payment_method: Some("ACH".into()),
            entry_date: None,
            entry_user: None,
            update_date: None,
            update_user: None,
        }))
    }

    #[test]
    fn known_keys_update_only_the_mapped_columns_and_new_keys_are_added() {
        let file = read_csv(
            "\u{feff}Tolerance key;Tolerance amount\r\n2;9,00\r\n2;9.50\r\n7;1.25\r\n\r\n",
        );
        let mut table = table();
        assert_eq!(
            plan_import(&file, &file.mapping, &table, Repeats::FirstWins).edits[1],
            (
                table.row_at(1).unwrap().id(),
                Field::Amount,
                CellText::from("9.00")
            ),
            "a key twice in the file, first wins: its first row (a semicolon file's decimal comma \
             read as such)"
        );
        let plan = plan_import(&file, &file.mapping, &table, Repeats::LastWins);
        let two = table.row_at(1).unwrap().id();
        assert_eq!(
            plan.edits,
            [
                (two, Field::Key, CellText::from("2")),
                (two, Field::Amount, CellText::from("9.50")),
            ]
        );
        assert_eq!(
            texts(&plan.new_rows),
            [["7", "1.25", "", ""].map(String::from)]
        );
        table.paste(plan.edits, plan.new_rows);
        let row = table.row_at(1).unwrap();
        assert_eq!(
            row.text(Field::Amount),
            "9.50",
            "a key twice in the file, last wins: its last row"
        );
        assert_eq!(
            row.text(Field::GroupId),
            "GRP001",
            "unmapped columns are kept"
        );
        assert_eq!(table.len(), 4);
        table.undo().unwrap();
        assert_eq!(table.len(), 3);
        assert_eq!(table.row_at(1).unwrap().text(Field::Amount), "1.00");
        table.redo().unwrap();
        assert_eq!(table.row_at(1).unwrap().text(Field::Amount), "9.50");
        assert_eq!(table.len(), 4);
    }

    #[test]
    fn an_import_applied_after_a_sort_still_updates_the_rows_with_its_keys() {
        let file = read_csv("Tolerance key;Tolerance amount\r\n1;7.00\r\n3;9.00\r\n");
        let mut table = table();
        let plan = plan_import(&file, &file.mapping, &table, Repeats::LastWins);
        // The rows are reordered between the plan and its parts (a sort while it runs).
        table.sort_by(&[(Field::Key, false)]);
        table.paste(plan.edits, plan.new_rows);
        let amount_of = |key: &str| {
            let row = table
                .rows()
                .iter()
                .find(|r| r.text(Field::Key) == key)
                .unwrap();
            row.text(Field::Amount).to_string()
        };
        assert_eq!(amount_of("1"), "7.00");
        assert_eq!(amount_of("3"), "9.00");
        assert_eq!(amount_of("2"), "1.00", "the row in between is untouched");
    }

    #[test]
    fn a_file_planned_and_applied_in_parts_gives_the_table_planned_at_once() {
        let mut text = String::from("Tolerance key,Tolerance amount,Group ID\r\n");
        // Known keys, new keys, a repeated key, a blank key and an unreadable one, mixed.
        for (key, amount) in [
            ("3", "3.50"),
            ("9", "9.00"),
            ("1", "1.50"),
            ("", "0.10"),
            ("9", "9.90"),
            ("x", "0.20"),
            ("2", "2.50"),
            ("12", "12.00"),
        ] {
            text.push_str(&format!("{key},{amount},G{key}\r\n"));
        }
        let file = read_csv(&text);
        let cells = |t: &Table| {
            t.rows()
                .iter()
                .map(|r| r.cells().into_owned())
                .collect::<Vec<_>>()
        };
        let mut whole = table();
        let plan = plan_import(&file, &file.mapping, &whole, Repeats::LastWins);
        whole.paste(plan.edits, plan.new_rows);
        for part in 1..=3 {
            let mut parts = table();
            let rows: Vec<_> = file
                .applied_rows(&file.mapping, Repeats::LastWins)
                .collect();
            for chunk in rows.chunks(part) {
                let plan = plan_rows(&file, chunk.iter().copied(), &file.mapping, &parts);
                parts.paste(plan.edits, plan.new_rows);
            }
            assert_eq!(
                cells(&parts),
                cells(&whole),
                "planned in parts of {part} rows"
            );
        }
    }

    #[test]
    fn a_changed_mapping_reads_the_columns_differently() {
        let file = read_csv("5,GRP9\n");
        let mapping = [Some(Field::Key), Some(Field::GroupId)];
        let plan = plan_import(&file, &mapping, &table(), Repeats::LastWins);
        assert_eq!(
            texts(&plan.new_rows),
            [["5", "", "GRP9", ""].map(String::from)]
        );
    }
}
