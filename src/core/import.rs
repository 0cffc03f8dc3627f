//! Applying a CSV file to the table: rows whose key the table holds are updated (only the
//! columns the file maps), the others are added. Pure, so the preview's counts and the
//! applied result come from the same rules.

use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::csv_io::CsvFile;
use crate::core::table::Table;
use crate::core::validate;

/// What an import does, in the shape [`Table::paste`] applies as one undo step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// Cells of existing rows to overwrite: row index, field, new text.
    pub edits: Vec<(usize, Field, String)>,
    /// Rows to add at the end.
    pub new_rows: Vec<[String; EDITABLE_COUNT]>,
}

/// Merges `file` (its columns read as `mapping` says) into `table` by key.
pub fn plan_import(file: &CsvFile, mapping: &[Option<Field>], table: &Table) -> ImportPlan {
    let mut plan = ImportPlan::default();
    for row in file.rows.rows().filter(|r| !r.is_blank()) {
        let cells = CsvFile::editable_cells(row, mapping);
        let existing = cells[0]
            .and_then(|key| validate::parse_key(key).ok())
            .and_then(|key| table.position_of_key(key));
        match existing {
            Some(index) => plan.edits.extend(
                Field::EDITABLE
                    .into_iter()
                    .zip(cells)
                    .filter_map(|(field, cell)| Some((index, field, cell?.to_string()))),
            ),
            None => plan
                .new_rows
                .push(cells.map(|cell| cell.unwrap_or("").to_string())),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::csv_io::read_csv;
    use crate::core::record::Tolerance;

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
        )
        .unwrap();
        let mut table = table();
        let plan = plan_import(&file, &file.mapping, &table);
        assert_eq!(
            plan.edits,
            [
                (1, Field::Key, "2".to_string()),
                (1, Field::Amount, "9,00".to_string()),
                (1, Field::Key, "2".to_string()),
                (1, Field::Amount, "9.50".to_string()),
            ]
        );
        assert_eq!(plan.new_rows, [["7", "1.25", "", ""].map(String::from)]);
        table.paste(plan.edits, plan.new_rows);
        let row = table.row_at(1).unwrap();
        assert_eq!(
            row.text(Field::Amount),
            "9.50",
            "a key twice in the file: the last wins"
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
    fn a_changed_mapping_reads_the_columns_differently() {
        let file = read_csv("5,GRP9\n").unwrap();
        let mapping = [Some(Field::Key), Some(Field::GroupId)];
        let plan = plan_import(&file, &mapping, &table());
        assert_eq!(plan.new_rows, [["5", "", "GRP9", ""].map(String::from)]);
    }
}
