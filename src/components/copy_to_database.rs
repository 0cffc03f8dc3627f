use leptos::prelude::*;

use crate::components::{Shown, handler};
use crate::core::draft::{RowDraft, RowState};
use crate::core::filter::View;
use crate::core::record::Tolerance;
use crate::core::selection::Range;
use crate::core::table::Table;
use crate::editor::promote::{PromoteParts, promote};

/// Which rows a promotion copies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rows {
    Selected,
    LastSaved,
}

/// "Copy to DEMO_LIVE…": the selected rows, or the rows the last submit saved, copied into
/// another database's table, after reading what that database holds for their keys.
#[component]
pub fn CopyToDatabase(
    parts: PromoteParts,
    view: Memo<View>,
    selection: RwSignal<Option<Range>>,
    notice: RwSignal<Option<String>>,
    frozen: Signal<bool>,
) -> impl IntoView {
    let PromoteParts {
        session,
        store,
        control,
        ..
    } = parts;
    let others = move || {
        let chosen = session.database.get();
        session
            .databases
            .get()
            .into_iter()
            .filter(|d| *d != chosen)
            .collect::<Vec<_>>()
    };
    let picked = RwSignal::new(None::<String>);
    // The target: the one picked, while it is still another database, or the first other.
    let target = move || {
        let others = others();
        picked
            .get()
            .filter(|p| others.contains(p))
            .or_else(|| others.first().cloned())
    };
    let open = RwSignal::new(false);
    let which = RwSignal::new(Rows::Selected);
    let reading = move || control.progress.with(Option::is_some);

    let records = move |rows: Rows| -> (Vec<Tolerance>, usize) {
        let take = |rows: &mut dyn Iterator<Item = &RowDraft>| {
            let mut skipped = 0;
            let records = rows
                .filter_map(|row| {
                    let record = row.to_record().ok();
                    skipped += usize::from(record.is_none());
                    record
                })
                .collect();
            (records, skipped)
        };
        store.with(|t: &Table| match rows {
            Rows::LastSaved => take(
                &mut t
                    .rows()
                    .iter()
                    .filter(|r| matches!(r.state(), RowState::Created | RowState::Updated)),
            ),
            Rows::Selected => {
                let Some(range) = selection.get_untracked() else {
                    return (Vec::new(), 0);
                };
                view.with_untracked(|v| {
                    take(
                        &mut (range.top..=range.bottom)
                            .filter_map(|place| v.id_at(t, place))
                            .filter_map(|id| t.row(id)),
                    )
                })
            }
        })
    };
    let count = move |rows: Rows| {
        store.track_any();
        records(rows).0.len()
    };
    let start = Action::new_local(move |(target, rows): &(String, Rows)| {
        let (target, rows) = (target.clone(), *rows);
        async move {
            let (records, skipped) = records(rows);
            if records.is_empty() {
                notice.set(Some(format!(
                    "No rows to copy to {target}: select rows without problems, or submit first."
                )));
                return;
            }
            open.set(false);
            let mut told = promote(parts, target, records).await;
            if skipped > 0 {
                told.push_str(&format!(" {skipped} rows with problems were left out."));
            }
            notice.set(Some(told));
        }
    });
    let on_open = move |_| {
        which.set(
            if count(Rows::LastSaved) > 0 && selection.with_untracked(Option::is_none) {
                Rows::LastSaved
            } else {
                Rows::Selected
            },
        );
        open.set(true);
    };
    let choice = move |rows: Rows, label: fn(usize) -> String| {
        view! {
            <label class="copy-choice">
                <input
                    type="radio"
                    name="copy-rows"
                    prop:checked=move || which.get() == rows
                    on:change=handler(move |_| which.set(rows))
                />
                {move || label(count(rows))}
            </label>
        }
    };

    view! {
        <Shown when=move || !others().is_empty()>
            <section class="copy-to" aria-label="Copy to another database">
                <Shown when=move || { others().len() > 1 }>
                    <select
                        aria-label="Database to copy to"
                        on:change=handler(move |ev| picked.set(Some(event_target_value(&ev))))
                    >
                        {move || others().into_iter().map(|d| {
                            let selected = Some(d.clone()) == target();
                            view! { <option value=d.clone() selected=selected>{d.clone()}</option> }
                        }).collect_view()}
                    </select>
                </Shown>
                <button
                    type="button"
                    disabled=move || frozen.get() || reading() || start.pending().get()
                    on:click=handler(on_open)
                >
                    {move || format!("Copy to {}…", target().unwrap_or_default())}
                </button>
                <Shown when=move || open.get()>
                    <div class="copy-dialog" role="dialog" aria-label=move || format!("Copy to {}", target().unwrap_or_default())>
                        <fieldset>
                            <legend>"Rows to copy"</legend>
                            {choice(Rows::Selected, |n| format!("The selected rows ({n})"))}
                            {choice(Rows::LastSaved, |n| format!("The rows saved by the last submit ({n})"))}
                        </fieldset>
                        <p>
                            {move || {
                                let target = target().unwrap_or_default();
                                format!(
                                    "{target}'s records for these keys are read first: rows it lacks become New, rows that differ Changed, rows it already holds are not sent. Your unsent edits in {target} are kept."
                                )
                            }}
                        </p>
                        <button
                            type="button"
                            on:click=handler(move |_| {
                                if let Some(target) = target() {
                                    start.dispatch_local((target, which.get_untracked()));
                                }
                            })
                        >
                            {move || format!("Read {} and stage the rows", target().unwrap_or_default())}
                        </button>
                        <button type="button" on:click=handler(move |_| open.set(false))>"Close"</button>
                    </div>
                </Shown>
                <Shown when=reading>
                    <div class="copy-progress" role="status">
                        {move || control.progress.get().map(|(done, of)| {
                            format!("Reading {}: {done} of {of} keys…", target().unwrap_or_default())
                        })}
                        <progress
                            aria-label="Reading the target database"
                            max=move || control.progress.get().map_or(0, |(_, of)| of)
                            value=move || control.progress.get().map_or(0, |(done, _)| done)
                        ></progress>
                        <button type="button" on:click=handler(move |_| control.cancel())>"Cancel copy"</button>
                    </div>
                </Shown>
            </section>
        </Shown>
    }
}
