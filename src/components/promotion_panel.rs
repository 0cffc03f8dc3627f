use leptos::prelude::*;

use crate::components::{Shown, handler};
use crate::core::columns::{Cells, Field};
use crate::core::table::Table;
use crate::core::table::promote::{Conflict, export_promotion};
use crate::editor::download::{download_text, locale_list_separator};
use crate::editor::promote::PromoteControl;
use crate::editor::session::Session;
use crate::editor::store::TableStore;

/// The last promotion, in its target's table: what it staged, the rows that met an unsent
/// edit of the target's draft (both values; the user picks), and its export for the audit
/// trail (with the activity IDs of the target's outcomes once submitted).
#[component]
pub fn PromotionPanel(
    session: Session,
    store: TableStore,
    control: PromoteControl,
    notice_line: RwSignal<Option<String>>,
) -> impl IntoView {
    let here = move || {
        control.last.with(|p| {
            p.as_ref()
                .is_some_and(|p| session.database.with(|d| *d == p.target))
        })
    };
    // The notice said what was staged; this stays while the promotion is reviewed.
    let heading = move || {
        control.last.with(|p| {
            p.as_ref()
                .map(|p| {
                    let conflicts = p.staged.conflicts.len();
                    let open = match conflicts {
                        0 => "no conflict left with your unsent edits".to_string(),
                        1 => "1 conflict with your unsent edits: pick a value".to_string(),
                        n => format!("{n} conflicts with your unsent edits: pick a value for each"),
                    };
                    format!(
                        "{} rows copied from {} to {}; {open}.",
                        p.records.len(),
                        p.source,
                        p.target
                    )
                })
                .unwrap_or_default()
        })
    };
    let conflicts = move || {
        control.last.with(|p| {
            p.as_ref()
                .map(|p| p.staged.conflicts.clone())
                .unwrap_or_default()
        })
    };
    let source = move || {
        control
            .last
            .with(|p| p.as_ref().map(|p| p.source.clone()).unwrap_or_default())
    };
    let settle = move |conflict: &Conflict, take: bool| {
        if take {
            let edits = Field::EDITABLE
                .into_iter()
                .zip(conflict.promoted_cells())
                .map(|(field, text)| (conflict.row, field, text))
                .collect();
            store.update(|t: &mut Table| t.set_texts(edits));
        }
        let key = conflict.key;
        control.last.update(|p| {
            if let Some(p) = p {
                p.staged.conflicts.retain(|c| c.key != key);
                if !take {
                    p.kept.push(key);
                }
            }
        });
    };
    let export = move |_| {
        let Some((name, csv)) = control.last.with_untracked(|p| {
            let p = p.as_ref()?;
            let csv = store.with(|t| {
                export_promotion(
                    &p.source,
                    &p.target,
                    &p.records,
                    &p.left_out(),
                    |key| t.position_of_key(key).and_then(|i| t.row_at(i)),
                    locale_list_separator(),
                )
            });
            Some((format!("promotion-{}-to-{}.csv", p.source, p.target), csv))
        }) else {
            return;
        };
        if let Err(err) = download_text(&name, "text/csv;charset=utf-8", &csv) {
            notice_line.set(Some(format!("The file could not be made: {err}")));
        }
    };
    let values = |cells: &Cells| -> String {
        cells[1..]
            .iter()
            .map(|c| {
                if c.trim().is_empty() {
                    "—"
                } else {
                    c.as_str()
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };

    view! {
        <Shown when=here>
            <section class="promotion" aria-label="Promotion">
                <p>{heading}</p>
                <Shown when=move || !conflicts().is_empty()>
                    <table class="promotion-conflicts" aria-label="Conflicts with your draft">
                        <thead>
                            <tr>
                                <th scope="col">"Tolerance key"</th>
                                <th scope="col">"Your unsent edit"</th>
                                <th scope="col">{move || format!("From {}", source())}</th>
                                <th scope="col">"Pick"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=conflicts key=|c| c.key let:conflict>
                                {
                                    let (keep, take) = (conflict.clone(), conflict.clone());
                                    view! {
                                        <tr>
                                            <th scope="row">{conflict.key}</th>
                                            <td>{values(&conflict.draft)}</td>
                                            <td>{values(&conflict.promoted_cells())}</td>
                                            <td>
                                                <button type="button" on:click=handler(move |_| settle(&keep, false))>
                                                    {format!("Keep my edit of {}", conflict.key)}
                                                </button>
                                                <button type="button" on:click=handler(move |_| settle(&take, true))>
                                                    {format!("Use {}'s {}", source(), conflict.key)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </Shown>
                <button type="button" on:click=handler(export)>"Export promotion"</button>
                <button type="button" on:click=handler(move |_| control.last.set(None))>"Done with promotion"</button>
            </section>
        </Shown>
    }
}
