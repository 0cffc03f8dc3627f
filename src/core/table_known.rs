//! The database's lists given to the table, so each cell naming a group or payment method
//! it does not list carries a warning, counted in the summary and kept as cells change.

use super::{RowDraft, Table};
use crate::core::columns::EDITABLE_COUNT;
use crate::core::known_values::{KnownValues, Warning};

impl Table {
    /// Gives the table its database's lists (read after the table, as a rule): every row is
    /// counted again, one set lookup per group and payment method cell (some milliseconds at
    /// 100,000 rows). Rows keep their text and state; only their warnings change.
    pub fn set_known_values(&mut self, known: KnownValues) {
        self.known = Some(known);
        self.counts = self.recount();
    }

    /// The lists the warnings are from, if they were read.
    pub fn known_values(&self) -> Option<&KnownValues> {
        self.known.as_ref()
    }

    /// A row's warnings by column; none until the lists are read.
    pub fn warnings(&self, row: &RowDraft) -> [Option<Warning>; EDITABLE_COUNT] {
        match &self.known {
            Some(known) => known.warnings(row),
            None => Default::default(),
        }
    }

    /// Whether any cell of `row` is warned (the filter's "Warnings").
    pub fn is_warned(&self, row: &RowDraft) -> bool {
        self.known.as_ref().is_some_and(|k| k.count(row) > 0)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::columns::Field;
    use crate::core::known_values::KnownValues;
    use crate::core::record::Tolerance;
    use crate::core::table::Table;

    fn record(key: i32, group: &str) -> Tolerance {
        Tolerance::sample(key, 1.0, group)
    }

    #[test]
    fn warnings_arrive_with_the_lists_and_follow_each_edit() {
        let mut table = Table::from_records((1..=1000).map(|k| record(k, "GRP001")));
        let id = table.rows()[4].id();
        table.set_text(id, Field::GroupId, "GRP099");
        // Until the lists are read, nothing is warned.
        assert_eq!(table.summary().warnings, 0);
        assert_eq!(
            table.warnings(table.row(id).unwrap()),
            [None, None, None, None]
        );
        table.set_known_values(KnownValues::new(
            "DEMO_LIVE",
            ["GRP001".to_string()],
            ["ACH".to_string()],
        ));
        assert_eq!(table.summary().warnings, 1);
        let warned = table.warnings(table.row(id).unwrap());
        assert_eq!(
            warned[2].as_ref().map(ToString::to_string).as_deref(),
            Some("GRP099 is not a group in DEMO_LIVE")
        );
        // A warning is not a problem: the row is still sent.
        assert_eq!(table.summary().problems, 0);
        assert_eq!(table.summary().to_send, 1);
        table.set_text(id, Field::PaymentMethod, "BARTER");
        assert_eq!(table.summary().warnings, 2);
        table.set_text(id, Field::GroupId, "GRP001");
        assert_eq!(table.summary().warnings, 1);
        table.undo();
        assert_eq!(table.summary().warnings, 2);
        table.delete(&[id]);
        assert_eq!(table.summary(), table.recount());
        assert_eq!(table.summary().warnings, 0);
    }
}
