use leptos::prelude::*;

use crate::api::{self, ListProgress};
use crate::components::focus_next::{focus_is_lost, focus_next_step};
use crate::components::{PendingImport, Shown, handler, picked_file, start_import};
use crate::core::columns::Field;
use crate::core::csv_io::{export_outcomes, export_table};
use crate::core::draft::RowId;
use crate::core::filter::View;
use crate::core::known_values::KnownValues;
use crate::core::list_separator::ListSeparator;
use crate::core::table::Table;
use crate::editor::download::{download_text, locale_list_separator};
use crate::editor::draft_keeper::DraftKeeper;
use crate::editor::session::Session;
use crate::editor::store::TableStore;

/// Loading, adding, duplicating, deleting rows, and undo.
#[component]
pub fn EditorToolbar(
    session: Session,
    store: TableStore,
    /// The table's draft in the browser (Discard draft removes it).
    drafts: DraftKeeper,
    active: RwSignal<Option<(RowId, usize)>>,
    /// Brings a row (by table index) into view with the focus in a cell of it.
    jump: Callback<(usize, Field)>,
    notice: RwSignal<Option<String>>,
    suggestions: RwSignal<(Vec<String>, Vec<String>)>,
    /// Each database's lists read so far (the table warns of values its own does not hold).
    known: RwSignal<Vec<KnownValues>>,
    /// A CSV file read and waiting in the import preview.
    importing: RwSignal<Option<PendingImport>>,
    /// The rows shown: Export CSV writes these when a filter is on.
    view: Memo<View>,
    /// A submit, or a big paste or import, is running: the table waits.
    frozen: Signal<bool>,
) -> impl IntoView {
    let progress = RwSignal::new(None::<ListProgress>);
    let busy = move || frozen.get();

    let load = Action::new_local(move |(): &()| {
        let database = session.database.get_untracked();
        let sign_in = session.sign_in_now();
        let revision = store.revision_untracked();
        async move {
            let Some(tokens) = session.tokens.get_untracked() else {
                return;
            };
            let conn = session.connection();
            progress.set(Some(ListProgress {
                loaded: 0,
                total: None,
            }));
            let result = api::load_table(&conn, &tokens, |p| progress.set(Some(p))).await;
            progress.set(None);
            if !session.is_on(&database) {
                return; // Switched meanwhile: these rows belong to the other one.
            }
            if session.sign_in_now() != sign_in {
                // Signed out meanwhile: the rows were read in a session that has ended, and
                // are not shown to whoever signs in next.
                return;
            }
            let table = match result {
                Ok(table) => table,
                Err(err) => {
                    notice.set(Some(format!(
                        "The tolerances could not be loaded: {}",
                        err.user_message()
                    )));
                    // Back on Load, to try again; the notice is read out.
                    focus_next_step(&["#load-tolerances"], None, 30);
                    return;
                }
            };
            if frozen.get_untracked() {
                // A paste, an import or a submit started while the rows came: replacing the
                // table under it would lose it or apply the rest to the wrong rows.
                notice.set(Some(
                    "The tolerances arrived while a change was being applied; the table was kept. Load again to replace it.".into(),
                ));
                return;
            }
            if store.revision_untracked() != revision {
                // Rows typed or deleted while these came would be lost under them.
                notice.set(Some(
                    "The tolerances arrived after the table was changed; your changes were kept and the table was not replaced. Load again to replace it.".into(),
                ));
                return;
            }
            let count = table.len();
            store.replace(table);
            notice.set(Some(format!("Loaded {count} tolerances from {database}.")));
            // The next step is editing: the first cell shown (or Add row in an empty table),
            // unless the user put the focus somewhere while the rows came.
            if focus_is_lost(Some("#load-tolerances")) {
                let first = view.with_untracked(|v| {
                    store.with(|t| v.id_at(t, 0).and_then(|id| t.position(id)))
                });
                match first {
                    Some(index) => jump.run((index, Field::Key)),
                    None => focus_next_step(&["#add-row"], None, 30),
                }
            }
            // Suggestions help typing, and the same lists warn of values the database does
            // not hold; without them the table still works (and warns of nothing).
            match api::read_lists(&conn, &tokens).await {
                Ok((groups, methods)) => {
                    KnownValues::new(&database, groups.clone(), methods.clone())
                        .remember_in(&mut known.write());
                    suggestions.set((groups, methods));
                }
                Err(err) => notice.set(Some(format!(
                    "Loaded the tolerances, but not the suggestions for groups and payment methods: {}",
                    err.user_message()
                ))),
            }
        }
    });

    // Replacing the table asks first when it holds edits not sent yet: they would be lost.
    let may_replace = move || {
        let summary = store.summary().get_untracked();
        let unsent = summary.unsent();
        if unsent == 0 {
            return true;
        }
        let question = format!(
            "The table has {unsent} rows with edits not sent yet. Replacing it loses them. Replace the table anyway?"
        );
        window().confirm_with_message(&question).unwrap_or(false)
    };

    let add_row = move |_| {
        let index = store.with(Table::len);
        store.update(|t| {
            t.insert_new(index);
            crate::core::table::Touched::Structure
        });
        jump.run((index, Field::Key));
    };
    let duplicate_row = move |_| {
        let Some((id, _)) = active.get_untracked() else {
            notice.set(Some(
                "Click in a row first, then Duplicate row copies it.".into(),
            ));
            return;
        };
        let mut copy = None;
        store.update(|t| {
            copy = t.duplicate(id);
            crate::core::table::Touched::Structure
        });
        if let Some(index) = copy.and_then(|c| store.with(|t| t.position(c))) {
            jump.run((index, Field::Key));
        }
    };
    let delete_row = move |_| {
        let Some((id, _)) = active.get_untracked() else {
            notice.set(Some(
                "Click in a row first, then Delete row removes it.".into(),
            ));
            return;
        };
        let position = store.with(|t| t.position(id)).unwrap_or(0);
        store.update(|t| t.delete(&[id]));
        active.set(None);
        notice.set(Some(format!(
            "Row {} deleted from the table (not from the database). Undo brings it back.",
            position + 1
        )));
    };
    // Exports are written in the list-separator convention of the browser's locale, or the
    // one chosen beside Export.
    let separator = RwSignal::new(locale_list_separator());
    // The table as a CSV file, or the last outcomes (key, status, message, activity ID).
    let export = move |kind: ExportKind| {
        let separator = separator.get_untracked();
        let database = session.database.get_untracked();
        let filtered = kind == ExportKind::Table && view.with_untracked(View::is_filtered);
        let (name, csv) = store.with(|t| match kind {
            ExportKind::Table if filtered => view.with_untracked(|v| {
                let rows = (0..v.len(t))
                    .filter_map(|p| v.id_at(t, p))
                    .filter_map(|id| t.row(id));
                (
                    format!("tolerances-{database}-filtered.csv"),
                    export_table(rows, separator),
                )
            }),
            ExportKind::Table => (
                format!("tolerances-{database}.csv"),
                export_table(t.rows(), separator),
            ),
            ExportKind::Outcomes => (
                format!("outcomes-{database}.csv"),
                export_outcomes(
                    t.rows()
                        .iter()
                        .filter_map(|row| Some((row.text(Field::Key), row.outcome()?))),
                    separator,
                ),
            ),
        });
        let result = download_text(&name, "text/csv;charset=utf-8", &csv);
        match result {
            Err(err) => notice.set(Some(format!("The file could not be made: {err}"))),
            Ok(()) if filtered => notice.set(Some(format!(
                "Exported the {} rows the filter shows to {name}.",
                view.with_untracked(|v| store.with(|t| v.len(t)))
            ))),
            Ok(()) => {}
        }
    };
    let has_outcomes = move || store.summary().get().with_outcome > 0;
    let can_undo = move || {
        store.track_any();
        store.with(Table::can_undo)
    };
    let can_redo = move || {
        store.track_any();
        store.with(Table::can_redo)
    };

    view! {
        <div class="toolbar" role="toolbar" aria-label="Table">
            <button
                type="button"
                id="load-tolerances"
                disabled=move || busy() || load.pending().get()
                on:click=handler(move |_| {
                    if may_replace() {
                        load.dispatch(());
                    }
                })
            >
                {move || format!("Load tolerances from {}", session.database.get())}
            </button>
            <button
                type="button"
                disabled=busy
                on:click=handler(move |_| {
                    if may_replace() {
                        store.replace(Table::new());
                        notice.set(None);
                    }
                })
            >
                "Start empty"
            </button>
            <span class="toolbar-gap"></span>
            <button type="button" id="add-row" disabled=busy on:click=handler(add_row)>"Add row"</button>
            <button type="button" disabled=busy on:click=handler(duplicate_row)>"Duplicate row"</button>
            <button type="button" disabled=busy on:click=handler(delete_row)>"Delete row"</button>
            <button
                type="button"
                disabled=move || busy() || !can_undo()
                on:click=handler(move |_| {
                    store.try_update(Table::undo);
                })
            >
                "Undo"
            </button>
            <button
                type="button"
                disabled=move || busy() || !can_redo()
                on:click=handler(move |_| {
                    store.try_update(Table::redo);
                })
            >
                "Redo"
            </button>
            <span class="toolbar-gap"></span>
            <label class="file-button" class:disabled=busy>
                "Import CSV"
                <input
                    type="file"
                    accept=".csv,text/csv,text/plain"
                    class="visually-hidden"
                    disabled=busy
                    on:change=handler(move |ev| {
                        if let Some(file) = picked_file(&ev) {
                            start_import(file, importing, notice);
                        }
                    })
                />
            </label>
            <button type="button" on:click=handler(move |_| export(ExportKind::Table))>
                {move || if view.with(View::is_filtered) { "Export CSV (filtered rows)" } else { "Export CSV" }}
            </button>
            <label class="csv-separator">
                "Separator"
                <select
                    title="Excel in locales with a decimal comma (German, French, Dutch…) opens files separated by semicolons, with amounts like 12,50"
                    on:change=handler(move |ev| {
                        separator.set(match event_target_value(&ev).as_str() {
                            ";" => ListSeparator::Semicolon,
                            _ => ListSeparator::Comma,
                        });
                    })
                >
                    <option value="," prop:selected=move || separator.get() == ListSeparator::Comma>
                        "Comma (,)"
                    </option>
                    <option value=";" prop:selected=move || separator.get() == ListSeparator::Semicolon>
                        "Semicolon (;)"
                    </option>
                </select>
            </label>
            <Shown when=has_outcomes>
                <button type="button" on:click=handler(move |_| export(ExportKind::Outcomes))>
                    "Export outcomes"
                </button>
            </Shown>
            <span class="toolbar-gap"></span>
            <button
                type="button"
                disabled=busy
                on:click=handler(move |_| {
                    let database = session.database.get_untracked();
                    let question = format!(
                        "Discard the draft for {database}? Edits not sent are lost; the database itself is not changed."
                    );
                    if window().confirm_with_message(&question).unwrap_or(false) {
                        store.replace(Table::new());
                        leptos::task::spawn_local(async move {
                            notice.set(Some(match drafts.discard(&database).await {
                                Ok(()) => format!("Draft for {database} discarded."),
                                Err(err) => format!("The draft for {database} could not be removed: {err}."),
                            }));
                        });
                    }
                })
            >
                "Discard draft"
            </button>
        </div>
        <Shown when=move || progress.with(Option::is_some)>
            <div class="load-progress" role="status">
                {move || {
                    progress
                        .get()
                        .map(|p| match p.total {
                            Some(total) => format!("Loading tolerances: {} of {total}…", p.loaded),
                            None => "Loading tolerances…".to_string(),
                        })
                }}
                <progress
                    aria-label="Loading tolerances"
                    max=move || progress.get().and_then(|p| p.total).unwrap_or(0)
                    value=move || progress.get().map_or(0, |p| p.loaded)
                ></progress>
            </div>
        </Shown>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ExportKind {
    Table,
    Outcomes,
}
