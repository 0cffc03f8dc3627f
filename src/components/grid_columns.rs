//! The grid's columns: the editable ones come from the core's column table; the rest are
//! the read-only audit columns and the outcome.

use crate::core::columns::Field;

pub struct GridColumn {
    pub title: &'static str,
    /// CSS class setting width and alignment.
    pub class: &'static str,
    /// The editable field shown, if the column is one.
    pub field: Option<Field>,
}

const fn fixed(title: &'static str, class: &'static str) -> GridColumn {
    GridColumn {
        title,
        class,
        field: None,
    }
}

fn editable(field: Field, class: &'static str) -> GridColumn {
    GridColumn {
        title: field.title(),
        class,
        field: Some(field),
    }
}

/// Every column in display order.
pub fn grid_columns() -> [GridColumn; 8] {
    [
        fixed("Row", "col-row"),
        editable(Field::Key, "col-key numeric"),
        editable(Field::Amount, "col-amount numeric"),
        editable(Field::GroupId, "col-group"),
        editable(Field::PaymentMethod, "col-payment"),
        fixed("Entered", "col-audit"),
        fixed("Updated", "col-audit"),
        fixed("Outcome", "col-outcome"),
    ]
}
