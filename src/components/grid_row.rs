use leptos::prelude::*;

use crate::components::grid_columns::grid_columns;
use crate::components::tolerance_grid::ROW_HEIGHT;
use crate::core::columns::Field;
use crate::core::draft::{RowDraft, RowId, RowState};
use crate::core::multistatus::OutcomeKind;
use crate::editor::store::TableStore;

/// The DOM id of an editable cell, for focusing it from elsewhere (Submit's first problem).
pub fn cell_dom_id(id: RowId, field: Field) -> String {
    format!("cell-{}-{}", id.0, field.index())
}

/// One row of the grid. It re-renders when this row changes, never for another row's edit.
#[component]
pub fn GridRow(
    store: TableStore,
    id: RowId,
    active: RwSignal<Option<(RowId, usize)>>,
) -> impl IntoView {
    // Everything the row shows, read once per change of the row.
    let row = Memo::new(move |_| {
        store.track_row(id);
        store.with(|t| t.position(id).zip(t.row(id).map(RowView::of)))
    });
    let position = move || row.with(|r| r.as_ref().map_or(0, |(p, _)| *p));
    let state = move || row.with(|r| r.as_ref().map_or(RowState::New, |(_, v)| v.state));

    let cells = grid_columns()
        .into_iter()
        .map(|column| match column.field {
            Some(field) => view! { <EditableCell store id field class=column.class row position active /> }.into_any(),
            None => match column.title {
                "Row" => view! {
                    <div class=format!("grid-cell {}", column.class) role="rowheader">
                        <span class="row-number">{move || position() + 1}</span>
                        <span class=move || format!("row-state state-{}", state_class(state()))>
                            <span aria-hidden="true">{move || state_icon(state())}</span>
                            " "
                            {move || state().label()}
                        </span>
                    </div>
                }
                .into_any(),
                "Entered" | "Updated" => {
                    let entered = column.title == "Entered";
                    view! {
                        <div class=format!("grid-cell {}", column.class) role="gridcell">
                            {move || row.with(|r| r.as_ref().map(|(_, v)| if entered { v.entered.clone() } else { v.updated.clone() }).unwrap_or_default())}
                        </div>
                    }
                    .into_any()
                }
                _ => view! { <OutcomeCell row /> }.into_any(),
            },
        })
        .collect_view();

    view! {
        <div
            class=move || format!("grid-row state-{}", state_class(state()))
            role="row"
            aria-rowindex=move || position() + 2
            style:transform=move || format!("translateY({}px)", position() * ROW_HEIGHT as usize)
        >
            {cells}
        </div>
    }
}

/// What a row shows, copied out of the table so views need no borrow.
#[derive(Clone, PartialEq)]
struct RowView {
    state: RowState,
    cells: [String; 4],
    problems: [Option<String>; 4],
    entered: String,
    updated: String,
    outcome: Option<(OutcomeKind, String)>,
}

impl RowView {
    fn of(row: &RowDraft) -> Self {
        let original = row.original();
        let audit = |date: Option<&String>, user: Option<&String>| {
            // The day is enough in a dense table.
            let date = date.map(|d| d.chars().take(10).collect::<String>());
            match (date, user) {
                (Some(d), Some(u)) => format!("{d} · {u}"),
                (Some(d), None) => d,
                (None, Some(u)) => u.clone(),
                (None, None) => String::new(),
            }
        };
        RowView {
            state: row.state(),
            cells: row.cells().clone(),
            problems: Field::EDITABLE.map(|f| row.problem(f).map(|p| p.to_string())),
            entered: audit(
                original.and_then(|r| r.entry_date.as_ref()),
                original.and_then(|r| r.entry_user.as_ref()),
            ),
            updated: audit(
                original.and_then(|r| r.update_date.as_ref()),
                original.and_then(|r| r.update_user.as_ref()),
            ),
            outcome: row.outcome().map(|o| (o.kind, outcome_text(o))),
        }
    }
}

fn outcome_text(outcome: &crate::core::multistatus::RowOutcome) -> String {
    if outcome.kind.is_saved() {
        return outcome.kind.label().to_string();
    }
    let mut text = String::new();
    if let Some(status) = outcome.status {
        text.push_str(&format!("{status}: "));
    }
    text.push_str(&outcome.message);
    if let Some(activity) = &outcome.activity_id {
        text.push_str(&format!(" (activity ID {activity})"));
    }
    text
}

#[component]
fn EditableCell(
    store: TableStore,
    id: RowId,
    field: Field,
    class: &'static str,
    row: Memo<Option<(usize, RowView)>>,
    position: impl Fn() -> usize + Copy + Send + Sync + 'static,
    active: RwSignal<Option<(RowId, usize)>>,
) -> impl IntoView {
    let index = field.index();
    let problem = move || row.with(|r| r.as_ref().and_then(|(_, v)| v.problems[index].clone()));
    let dom_id = cell_dom_id(id, field);
    let problem_id = format!("{dom_id}-problem");
    let list = match field {
        Field::GroupId => Some("group-suggestions"),
        Field::PaymentMethod => Some("payment-suggestions"),
        _ => None,
    };
    view! {
        <div
            class=move || format!("grid-cell {class}{}", if problem().is_some() { " has-problem" } else { "" })
            role="gridcell"
        >
            <input
                id=dom_id
                class="cell-input"
                type="text"
                autocomplete="off"
                spellcheck="false"
                list=list
                aria-label=move || format!("{} row {}", field.title(), position() + 1)
                aria-invalid=move || if problem().is_some() { "true" } else { "false" }
                aria-describedby=move || problem().map(|_| problem_id.clone())
                prop:value=move || row.with(|r| r.as_ref().map(|(_, v)| v.cells[index].clone()).unwrap_or_default())
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    store.update(|t| t.type_text(id, field, text));
                }
                on:focus=move |_| active.set(Some((id, index)))
                on:blur=move |_| store.end_typing()
            />
            <Show when=move || problem().is_some()>
                <span class="cell-problem-icon" aria-hidden="true" title=problem>"⚠"</span>
                <span class="visually-hidden" id=format!("{}-problem", cell_dom_id(id, field))>{problem}</span>
            </Show>
        </div>
    }
}

#[component]
fn OutcomeCell(row: Memo<Option<(usize, RowView)>>) -> impl IntoView {
    let outcome = move || row.with(|r| r.as_ref().and_then(|(_, v)| v.outcome.clone()));
    let pending = move || {
        row.with(|r| {
            r.as_ref()
                .is_some_and(|(_, v)| v.state == RowState::Pending)
        })
    };
    view! {
        <div class="grid-cell col-outcome" role="gridcell">
            {move || {
                if pending() {
                    return view! { <span class="outcome outcome-pending"><span aria-hidden="true">"⏳ "</span>"Sending…"</span> }.into_any();
                }
                match outcome() {
                    Some((kind, text)) => {
                        let (icon, class) = match kind {
                            OutcomeKind::Created | OutcomeKind::Updated => ("✓", "outcome-saved"),
                            OutcomeKind::Failed => ("✗", "outcome-failed"),
                            OutcomeKind::Unconfirmed => ("?", "outcome-unconfirmed"),
                        };
                        let title = text.clone();
                        view! {
                            <span class=format!("outcome {class}") title=title>
                                <span aria-hidden="true">{icon}" "</span>
                                {text}
                            </span>
                        }
                        .into_any()
                    }
                    None => ().into_any(),
                }
            }}
        </div>
    }
}

fn state_class(state: RowState) -> &'static str {
    match state {
        RowState::New => "new",
        RowState::Clean => "clean",
        RowState::Modified => "changed",
        RowState::Invalid => "invalid",
        RowState::Pending => "pending",
        RowState::Created | RowState::Updated => "saved",
        RowState::Failed => "failed",
        RowState::Unconfirmed => "unconfirmed",
    }
}

/// Every state has its own symbol, so no state is told apart by color alone.
fn state_icon(state: RowState) -> &'static str {
    match state {
        RowState::New => "＋",
        RowState::Clean => "·",
        RowState::Modified => "✎",
        RowState::Invalid => "⚠",
        RowState::Pending => "⏳",
        RowState::Created | RowState::Updated => "✓",
        RowState::Failed => "✗",
        RowState::Unconfirmed => "?",
    }
}
