//! The groups and payment methods a database lists (`/groups`, `/payment-methods`), and the
//! warning a cell gets when it names one that database does not hold. A warning, not a
//! problem: the row can still be sent (the server has the last word), but a typo is seen
//! before the server refuses it. Until a database's lists are read, nothing is warned.

use std::fmt;

use rustc_hash::FxHashSet;

use crate::core::columns::{EDITABLE_COUNT, Field};
use crate::core::draft::RowDraft;

/// What one database lists, read for suggestions and for these warnings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownValues {
    database: String,
    groups: FxHashSet<String>,
    methods: FxHashSet<String>,
}

/// A cell naming a value its database does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub field: Field,
    pub value: String,
    pub database: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.field {
            Field::GroupId => "a group",
            _ => "a payment method",
        };
        write!(f, "{} is not {what} in {}", self.value, self.database)
    }
}

impl KnownValues {
    pub fn new(
        database: impl Into<String>,
        groups: impl IntoIterator<Item = String>,
        methods: impl IntoIterator<Item = String>,
    ) -> Self {
        KnownValues {
            database: database.into(),
            groups: groups.into_iter().collect(),
            methods: methods.into_iter().collect(),
        }
    }

    /// Keeps `self` in `lists` in place of the same database's older lists.
    pub fn remember_in(self, lists: &mut Vec<KnownValues>) {
        lists.retain(|k| k.database != self.database);
        lists.push(self);
    }

    /// The database these lists are of.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The warning for `text` in `field`: only a group or payment method cell, only when it
    /// is not blank and its database does not list it (compared as sent: trimmed).
    pub fn warning(&self, field: Field, text: &str) -> Option<Warning> {
        let listed = match field {
            Field::GroupId => &self.groups,
            Field::PaymentMethod => &self.methods,
            _ => return None,
        };
        let value = text.trim();
        (!value.is_empty() && !listed.contains(value)).then(|| Warning {
            field,
            value: value.to_string(),
            database: self.database.clone(),
        })
    }

    /// The row's warnings by column. A cell with a problem shows that instead: its text is
    /// not what would be sent.
    pub fn warnings(&self, row: &RowDraft) -> [Option<Warning>; EDITABLE_COUNT] {
        Field::EDITABLE.map(|field| match row.problem(field) {
            Some(_) => None,
            None => self.warning(field, &row.text(field)),
        })
    }

    /// The fields a warning can be about: a change to another cell leaves a row's warnings
    /// as they were.
    pub const FIELDS: [Field; 2] = [Field::GroupId, Field::PaymentMethod];

    /// How many cells of `row` are warned: [`Self::warnings`] counted without building the
    /// messages (the summary counts every row when the lists arrive).
    pub fn count(&self, row: &RowDraft) -> usize {
        Self::FIELDS
            .into_iter()
            .zip([&self.groups, &self.methods])
            .filter(|(field, listed)| {
                let text = row.text(*field);
                let value = text.trim();
                !value.is_empty() && !listed.contains(value) && row.problem(*field).is_none()
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::draft::RowId;

    fn known() -> KnownValues {
        KnownValues::new(
            "DEMO_LIVE",
            ["GRP001".to_string(), "GRP002".to_string()],
            ["ACH".to_string()],
        )
    }

    fn row(group: &str, method: &str) -> RowDraft {
        RowDraft::from_cells(
            RowId(1),
            ["1".into(), "2.50".into(), group.into(), method.into()],
        )
    }

    #[test]
    fn an_unlisted_group_or_method_is_warned_in_the_databases_words() {
        let warnings = known().warnings(&row("GRP099", "BARTER"));
        assert_eq!(
            warnings[2].as_ref().map(ToString::to_string).as_deref(),
            Some("GRP099 is not a group in DEMO_LIVE")
        );
        assert_eq!(
            warnings[3].as_ref().map(ToString::to_string).as_deref(),
            Some("BARTER is not a payment method in DEMO_LIVE")
        );
        assert_eq!(known().count(&row("GRP099", "BARTER")), 2);
    }

    #[test]
    fn listed_blank_and_invalid_cells_are_not_warned() {
        for (group, method) in [("GRP001", "ACH"), (" GRP002 ", ""), ("", " ACH")] {
            assert_eq!(
                known().warnings(&row(group, method)),
                [None, None, None, None]
            );
            assert_eq!(
                known().count(&row(group, method)),
                0,
                "{group:?} {method:?}"
            );
        }
        // Too long for the contract: the problem is shown, not a warning as well.
        let long = "G".repeat(30);
        assert_eq!(known().warnings(&row(&long, "ACH"))[2], None);
        assert_eq!(known().count(&row(&long, "ACH")), 0);
        // Compared as sent: case matters to the server.
        assert_eq!(known().count(&row("grp001", "ach")), 2);
    }
}
