use leptos::prelude::*;

use crate::components::row_view::outcome_text;
use crate::core::draft::RowId;
use crate::editor::store::TableStore;

/// The id the active cell's input names in `aria-describedby` when its row has an outcome.
pub(crate) const OUTCOME_LINE_ID: &str = "active-outcome";

/// The whole outcome of the row the user is in, under the table: a server's message is often
/// longer than its cell.
#[component]
pub fn OutcomeLine(store: TableStore, active: RwSignal<Option<(RowId, usize)>>) -> impl IntoView {
    let message = move || {
        let (id, _) = active.get()?;
        store.track_row(id);
        store.with(|t| {
            let position = t.position(id)?;
            let outcome = t.row(id)?.outcome()?;
            let row = position + 1;
            Some(if outcome.kind.is_saved() {
                format!("Row {row}: {}", outcome_text(outcome))
            } else {
                format!(
                    "Row {row}, {}: {}",
                    outcome.kind.label(),
                    outcome_text(outcome)
                )
            })
        })
    };
    view! {
        <p class="outcome-line" id=OUTCOME_LINE_ID>
            {move || message().unwrap_or_default()}
        </p>
    }
}
