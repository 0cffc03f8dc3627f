use leptos::prelude::*;

use crate::components::{Shown, handler};
use wasm_bindgen::JsCast;

use crate::core::columns::Field;
use crate::core::csv_io::{CsvFile, read_csv};
use crate::core::import::plan_import;
use crate::editor::bulk::{Work, apply_in_parts};
use crate::editor::store::TableStore;

/// A CSV file read and waiting for the user to check its mapping and apply it.
#[derive(Clone)]
pub struct PendingImport {
    pub name: String,
    pub file: CsvFile,
    pub mapping: Vec<Option<Field>>,
}

/// Reads a picked or dropped file into the import preview, or says in `notice` what is wrong.
pub fn start_import(
    file: web_sys::File,
    importing: RwSignal<Option<PendingImport>>,
    notice: RwSignal<Option<String>>,
) {
    notice.set(Some(format!("Reading {}…", file.name())));
    leptos::task::spawn_local(async move {
        match read_import(file).await {
            Ok(import) => {
                notice.set(None);
                importing.set(Some(import));
            }
            Err(err) => notice.set(Some(err)),
        }
    });
}

/// Reads a file the user picked or dropped into a pending import, or says what is wrong.
async fn read_import(file: web_sys::File) -> Result<PendingImport, String> {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|err| format!("{} could not be read: {err:?}", file.name()))?
        .as_string()
        .unwrap_or_default();
    let csv = read_csv(&text);
    Ok(PendingImport {
        name: file.name(),
        mapping: csv.mapping.clone(),
        file: csv,
    })
}

/// The preview of an import: which table column each file column fills (editable), and what
/// applying it will do, before anything changes.
#[component]
pub fn ImportPanel(
    store: TableStore,
    pending: RwSignal<Option<PendingImport>>,
    notice: RwSignal<Option<String>>,
    /// The progress of applying it (a 100,000-row file takes a moment).
    work: RwSignal<Option<Work>>,
    /// A submit, or another big change, is running: applying waits for it.
    #[prop(into)]
    frozen: Signal<bool>,
) -> impl IntoView {
    let summary = move || {
        pending.with(|p| {
            p.as_ref().map(|p| {
                store.with(|t| {
                    p.file
                        .summarize(&p.mapping, |key| t.position_of_key(key).is_some())
                })
            })
        })
    };
    // `frozen` already covers another change in parts (`work`).
    let busy = move || frozen.get();
    let apply = move |_| {
        if frozen.get_untracked() {
            return;
        }
        let Some(import) = pending.get_untracked() else {
            return;
        };
        let counts = summary();
        let plan = store.with(|t| plan_import(&import.file, &import.mapping, t));
        pending.set(None);
        // Applied in parts with a progress bar, as one undo step: updates first, then the
        // added rows.
        let total = plan.edits.len() + plan.new_rows.len();
        let mut edits = plan.edits.into_iter();
        let mut new_rows = plan.new_rows.into_iter();
        leptos::task::spawn_local(async move {
            let applied = apply_in_parts(store, work, "Importing", total, |part| {
                let updates: Vec<_> = edits.by_ref().take(part.len()).collect();
                let added = new_rows.by_ref().take(part.len() - updates.len()).collect();
                (updates, added)
            })
            .await;
            if let Err(why) = applied {
                notice.set(Some(format!("{}: {why}", import.name)));
            } else {
                notice.set(Some(match counts {
                    Some(s) => format!(
                        "Imported {}: {} rows added, {} updated, {} with problems. Undo takes the whole import back.",
                        import.name, s.added, s.updated, s.with_problems
                    ),
                    None => format!("Imported {}. Undo takes the whole import back.", import.name),
                }));
            }
        });
    };
    let columns = move || {
        pending.with(|p| {
            p.as_ref()
                .map(|p| {
                    let headers = p.file.header.clone().unwrap_or_default();
                    (0..p.mapping.len())
                        .map(|i| (i, headers.get(i).cloned().unwrap_or_default()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <Shown when=move || pending.with(Option::is_some)>
            <section class="import-panel" aria-label="Import preview">
                <h2>{move || pending.with(|p| p.as_ref().map(|p| format!("Import {}", p.name)))}</h2>
                <div class="import-mapping">
                    <For each=columns key=|(i, header)| (*i, header.clone()) let((index, header))>
                        <label>
                            {format!("Column {} ({header})", index + 1)}
                            <select on:change=handler(move |ev| {
                                let chosen = event_target_value(&ev);
                                pending.update(|p| {
                                    if let Some(p) = p {
                                        p.mapping[index] = Field::EDITABLE
                                            .into_iter()
                                            .find(|f| f.json_name() == chosen);
                                    }
                                });
                            })>
                                <option value="" selected=move || mapped(pending, index).is_none()>"Ignore"</option>
                                {Field::EDITABLE
                                    .into_iter()
                                    .map(|field| {
                                        view! {
                                            <option
                                                value=field.json_name()
                                                selected=move || mapped(pending, index) == Some(field)
                                            >
                                                {field.title()}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </label>
                    </For>
                </div>
                <p class="import-summary" role="status">
                    {move || summary().map(|s| format!(
                        "{} rows will be added, {} updated, {} have problems.",
                        s.added, s.updated, s.with_problems
                    ))}
                </p>
                <button type="button" class="primary" disabled=busy on:click=handler(apply)>"Apply import"</button>
                <button type="button" on:click=handler(move |_| pending.set(None))>"Cancel import"</button>
            </section>
        </Shown>
    }
}

fn mapped(pending: RwSignal<Option<PendingImport>>, index: usize) -> Option<Field> {
    pending.with(|p| {
        p.as_ref()
            .and_then(|p| p.mapping.get(index).copied().flatten())
    })
}

/// The first file of a file input's change event.
pub fn picked_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0);
    // Picking the same file again must fire `change` again.
    input.set_value("");
    file
}
