//! The table's columns, defined once: title as shown, JSON field name, how a cell is read.
//! Renderers, the CSV mapper and the validator all look columns up here instead of matching
//! on indexes.

use crate::core::validate::{self, ProblemKind};

/// One column of the table, in display order. The first [`EDITABLE_COUNT`] are the ones a
/// user types into; the others are set by the server and shown read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Key,
    Amount,
    GroupId,
    PaymentMethod,
    EntryDate,
    EntryUser,
    UpdateDate,
    UpdateUser,
}

/// How a cell's text is read and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A whole number within int32.
    Key,
    /// A finite number, as people write money.
    Amount,
    /// Optional text of at most [`validate::MAX_TEXT_CHARS`] characters.
    ShortText,
    /// Optional ISO 8601 date-time.
    DateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: Field,
    /// What the user sees in the header, in messages and accessible names.
    pub title: &'static str,
    /// The contract's field name, also accepted as a CSV header.
    pub json_name: &'static str,
    pub editable: bool,
    /// Numbers are right-aligned.
    pub numeric: bool,
    /// A starting width in characters.
    pub width_ch: u16,
    pub kind: CellKind,
}

/// A cell's text read into what the record holds.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Key(i32),
    Amount(f64),
    /// Trimmed text; `None` when the cell is blank (sent as `null`).
    Text(Option<CellText>),
}

/// How many leading columns of [`COLUMNS`] are editable.
pub const EDITABLE_COUNT: usize = 4;

/// A cell's text. Held inline up to 12 bytes in wasm (a key, an amount, a group ID, a payment
/// method, a user name), so a row's texts cost no allocation of their own: 100,000 loaded
/// rows hold 400,000 of them, and their undo steps as many again.
pub type CellText = compact_str::CompactString;

/// The texts of a row's editable cells, in [`Field::EDITABLE`] order.
pub type Cells = [CellText; EDITABLE_COUNT];

pub const COLUMNS: [Column; 8] = [
    col(
        Field::Key,
        "Tolerance key",
        "tolerance_Key",
        true,
        10,
        CellKind::Key,
    ),
    col(
        Field::Amount,
        "Tolerance amount",
        "tolerance1",
        true,
        12,
        CellKind::Amount,
    ),
    col(
        Field::GroupId,
        "Group ID",
        "group_ID",
        true,
        20,
        CellKind::ShortText,
    ),
    col(
        Field::PaymentMethod,
        "Payment method",
        "payment_Method",
        true,
        20,
        CellKind::ShortText,
    ),
    col(
        Field::EntryDate,
        "Entry date",
        "entry_Date",
        false,
        20,
        CellKind::DateTime,
    ),
    col(
        Field::EntryUser,
        "Entered by",
        "entry_User",
        false,
        20,
        CellKind::ShortText,
    ),
    col(
        Field::UpdateDate,
        "Update date",
        "update_Date",
        false,
        20,
        CellKind::DateTime,
    ),
    col(
        Field::UpdateUser,
        "Updated by",
        "update_User",
        false,
        20,
        CellKind::ShortText,
    ),
];

const fn col(
    field: Field,
    title: &'static str,
    json_name: &'static str,
    editable: bool,
    width_ch: u16,
    kind: CellKind,
) -> Column {
    Column {
        field,
        title,
        json_name,
        editable,
        numeric: matches!(kind, CellKind::Key | CellKind::Amount),
        width_ch,
        kind,
    }
}

impl Field {
    /// The editable fields, in display order; index `i` is cell `i` of a row draft.
    pub const EDITABLE: [Field; EDITABLE_COUNT] = [
        Field::Key,
        Field::Amount,
        Field::GroupId,
        Field::PaymentMethod,
    ];

    pub const ALL: [Field; 8] = [
        Field::Key,
        Field::Amount,
        Field::GroupId,
        Field::PaymentMethod,
        Field::EntryDate,
        Field::EntryUser,
        Field::UpdateDate,
        Field::UpdateUser,
    ];

    /// Position in [`COLUMNS`]; for editable fields also the cell index in a draft.
    pub const fn index(self) -> usize {
        self as usize
    }

    pub fn column(self) -> &'static Column {
        &COLUMNS[self.index()]
    }

    pub fn title(self) -> &'static str {
        self.column().title
    }

    pub fn json_name(self) -> &'static str {
        self.column().json_name
    }

    pub fn is_editable(self) -> bool {
        self.column().editable
    }

    /// The field a header names: its JSON name or its title, in any case, spaces and
    /// underscores around it ignored (spreadsheet headers often carry stray spaces).
    pub fn from_header(header: &str) -> Option<Field> {
        let name = header.trim().trim_start_matches('\u{feff}').trim();
        COLUMNS
            .iter()
            .find(|c| c.json_name.eq_ignore_ascii_case(name) || c.title.eq_ignore_ascii_case(name))
            .map(|c| c.field)
    }
}

impl Column {
    /// Reads a cell's text as this column's value, or says what is wrong with it.
    pub fn parse(&self, text: &str) -> Result<CellValue, ProblemKind> {
        match self.kind {
            CellKind::Key => validate::parse_key(text).map(CellValue::Key),
            CellKind::Amount => validate::parse_amount(text).map(CellValue::Amount),
            CellKind::ShortText => validate::parse_short_text(text).map(CellValue::Text),
            CellKind::DateTime => validate::parse_date_time(text).map(CellValue::Text),
        }
    }

    /// Checks a cell without keeping its value (cheaper: no string is allocated).
    pub fn check(&self, text: &str) -> Result<(), ProblemKind> {
        match self.kind {
            CellKind::Key => validate::parse_key(text).map(drop),
            CellKind::Amount => validate::parse_amount(text).map(drop),
            CellKind::ShortText => validate::check_short_text(text),
            CellKind::DateTime => validate::check_date_time(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_field_order_and_names_match_the_contract() {
        for (i, field) in Field::ALL.iter().enumerate() {
            assert_eq!(COLUMNS[i].field, *field);
            assert_eq!(field.index(), i);
        }
        let names: Vec<_> = COLUMNS.iter().map(|c| c.json_name).collect();
        assert_eq!(
            names,
            [
                "tolerance_Key",
                "tolerance1",
                "group_ID",
                "payment_Method",
                "entry_Date",
                "entry_User",
                "update_Date",
                "update_User"
            ]
        );
        let editable: Vec<_> = COLUMNS
            .iter()
            .filter(|c| c.editable)
            .map(|c| c.title)
            .collect();
        assert_eq!(
            editable,
            [
                "Tolerance key",
                "Tolerance amount",
                "Group ID",
                "Payment method"
            ]
        );
        assert!(Field::Amount.column().numeric && !Field::GroupId.column().numeric);
    }

    #[test]
    fn headers_match_by_json_name_or_title_in_any_case() {
        assert_eq!(Field::from_header("TOLERANCE_KEY"), Some(Field::Key));
        assert_eq!(
            Field::from_header(" tolerance amount "),
            Some(Field::Amount)
        );
        assert_eq!(Field::from_header("\u{feff}group_id"), Some(Field::GroupId));
        assert_eq!(
            Field::from_header("Payment Method"),
            Some(Field::PaymentMethod)
        );
        assert_eq!(Field::from_header("update_user"), Some(Field::UpdateUser));
        assert_eq!(Field::from_header("amount"), None);
    }

    #[test]
    fn each_column_parses_with_its_own_reader() {
        assert_eq!(Field::Key.column().parse(" 17 "), Ok(CellValue::Key(17)));
        assert_eq!(
            Field::Amount.column().parse("$1,234.50"),
            Ok(CellValue::Amount(1234.5))
        );
        assert_eq!(
            Field::GroupId.column().parse(" GRP1 "),
            Ok(CellValue::Text(Some("GRP1".into())))
        );
        assert_eq!(
            Field::PaymentMethod.column().parse("  "),
            Ok(CellValue::Text(None))
        );
        assert_eq!(
            Field::EntryDate.column().check("2024-13-01"),
            Err(ProblemKind::NotADate)
        );
    }
}
