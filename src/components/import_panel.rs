use leptos::prelude::*;

use crate::components::{Shown, handler};
use wasm_bindgen::JsCast;

use std::sync::Arc;

use crate::core::columns::Field;
use crate::core::csv_io::{CsvFile, ImportSummary, Quotes, RepeatedKey, Repeats, read_csv_with};
use crate::core::encoding::{self, Encoding};
use crate::core::import::plan_rows;
use crate::editor::bulk::{Work, apply_in_parts, yield_to_browser};
use crate::editor::store::TableStore;

/// A CSV file read and waiting for the user to check its mapping and apply it.
#[derive(Clone)]
pub struct PendingImport {
    pub name: String,
    pub file: CsvFile,
    pub mapping: Vec<Option<Field>>,
    /// The file as read, kept so that another encoding can be picked in the preview.
    bytes: Arc<[u8]>,
    /// The encoding the text was read in, and the one detected.
    encoding: Encoding,
    detected: Encoding,
    /// How quotes were read: as fields, or as plain text after an unclosed one.
    quotes: Quotes,
    /// Which row wins for a key repeated in the file; `None` until the user says.
    pub repeats: Option<Repeats>,
}

impl PendingImport {
    fn read(
        name: String,
        bytes: Arc<[u8]>,
        encoding: Encoding,
        detected: Encoding,
        quotes: Quotes,
    ) -> Self {
        let file = read_csv_with(&encoding::decode(&bytes, encoding), quotes);
        PendingImport {
            name,
            mapping: file.mapping.clone(),
            file,
            bytes,
            encoding,
            detected,
            quotes,
            repeats: None,
        }
    }

    /// The same bytes read again with another encoding or quote rule.
    fn reread(&self, encoding: Encoding, quotes: Quotes) -> Self {
        Self::read(
            self.name.clone(),
            self.bytes.clone(),
            encoding,
            self.detected,
            quotes,
        )
    }

    /// The rule for repeated keys: the user's, or none needed.
    fn repeats_rule(&self, repeated: &[RepeatedKey]) -> Option<Repeats> {
        if repeated.is_empty() {
            Some(Repeats::LastWins)
        } else {
            self.repeats
        }
    }

    /// What applying it to the table would do.
    fn summarize(&self, store: TableStore, repeats: Repeats) -> ImportSummary {
        store.with(|t| {
            self.file
                .summarize(&self.mapping, |key| t.row_with_key(key).is_some(), repeats)
        })
    }

    /// What the preview says of the encoding: plainly when it was not UTF-8.
    fn encoding_note(&self) -> String {
        if self.encoding != self.detected {
            format!("Read as {} (chosen).", self.encoding.label())
        } else if self.encoding == Encoding::Windows1252 {
            format!(
                "Read as {}: the file is not UTF-8, as Excel's plain \"CSV (Comma delimited)\" \
                 writes it. If letters look wrong below, pick the encoding it was saved in.",
                self.encoding.label()
            )
        } else {
            format!("Read as {}.", self.encoding.label())
        }
    }
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
/// The bytes are read, not the browser's UTF-8 text, so that a file Excel wrote in the
/// computer's code page is not silently garbled (`core::encoding`).
async fn read_import(file: web_sys::File) -> Result<PendingImport, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|err| format!("{} could not be read: {err:?}", file.name()))?;
    let bytes: Arc<[u8]> = js_sys::Uint8Array::new(&buffer).to_vec().into();
    let detected = encoding::detect(&bytes).map_err(|not| format!("{} {not}", file.name()))?;
    Ok(PendingImport::read(
        file.name(),
        bytes,
        detected,
        detected,
        Quotes::Fields,
    ))
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
    // Keys repeated within the file, for the mapping in force.
    let repeated = Memo::new(move |_| {
        pending.with(|p| {
            p.as_ref()
                .map(|p| p.file.repeated_keys(&p.mapping))
                .unwrap_or_default()
        })
    });
    let rule = move || {
        pending.with(|p| {
            p.as_ref()
                .and_then(|p| repeated.with(|r| p.repeats_rule(r)))
        })
    };
    // What applying will do, counted once per file, mapping and rule (every cell of a
    // 100,000-row file checked: over 100 ms), with the table's revision it was counted
    // against: Apply counts again only when the table changed since.
    let summary = Memo::new(move |_| {
        pending.with(|p| {
            p.as_ref().map(|p| {
                let repeats = repeated
                    .with(|r| p.repeats_rule(r))
                    .unwrap_or(Repeats::LastWins);
                (store.revision_untracked(), p.summarize(store, repeats))
            })
        })
    });
    // `frozen` already covers another change in parts (`work`); a repeated key waits for
    // the user's choice.
    let busy = move || frozen.get() || rule().is_none();
    let apply = move |_| {
        if frozen.get_untracked() {
            return;
        }
        let Some(repeats) = rule() else {
            return;
        };
        let Some(import) = pending.get_untracked() else {
            return;
        };
        let counts = match summary.get_untracked() {
            Some((revision, counts)) if revision == store.revision_untracked() => counts,
            _ => import.summarize(store, repeats),
        };
        pending.set(None);
        // Planned and applied a part at a time with a progress bar, as one undo step: a
        // 100,000-row file planned at once was a 200 ms task.
        leptos::task::spawn_local(async move {
            // The pass over the file's keys that picks one row per key is a task of its own.
            yield_to_browser().await;
            let rows: Vec<_> = import.file.applied_rows(&import.mapping, repeats).collect();
            let total = rows.len();
            store.try_update(|t| {
                t.reserve(counts.added);
                None
            });
            let mut rows = rows.into_iter();
            let applied = apply_in_parts(store, work, "Importing", total, |part| {
                let plan = store.with(|t| {
                    plan_rows(
                        &import.file,
                        rows.by_ref().take(part.len()),
                        &import.mapping,
                        t,
                    )
                });
                (plan.edits, plan.new_rows)
            })
            .await;
            if let Err(why) = applied {
                notice.set(Some(format!("{}: {why}", import.name)));
            } else {
                notice.set(Some(format!(
                    "Imported {}: {} rows added, {} updated, {} with problems. Undo takes the whole import back.",
                    import.name, counts.added, counts.updated, counts.with_problems
                )));
            }
        });
    };
    // A file of thousands of columns shows its first ones and those a header maps: a menu
    // per column would freeze the page for seconds.
    let columns = move || {
        pending.with(|p| {
            p.as_ref()
                .map(|p| {
                    let headers = p.file.header.as_deref().unwrap_or_default();
                    (0..p.mapping.len())
                        .filter(|&i| i < SHOWN_COLUMNS || p.mapping[i].is_some())
                        .map(|i| (i, headers.get(i).cloned().unwrap_or_default()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let hidden_columns = move || {
        pending.with(|p| {
            let p = p.as_ref()?;
            let hidden = (SHOWN_COLUMNS..p.mapping.len())
                .filter(|&i| p.mapping[i].is_none())
                .count();
            (hidden > 0).then(|| {
                format!("{hidden} more columns are not shown; they are ignored, as no header names a table column.")
            })
        })
    };
    let unclosed = move || {
        pending.with(|p| {
            p.as_ref()
                .and_then(|p| p.file.unclosed_quote.map(|q| q.message()))
        })
    };
    let literal_quotes =
        move || pending.with(|p| p.as_ref().is_some_and(|p| p.quotes == Quotes::Literal));
    let set_quotes = move |quotes| {
        pending.update(|p| {
            if let Some(p) = p {
                *p = p.reread(p.encoding, quotes);
            }
        })
    };
    let repeated_text = move || {
        repeated.with(|repeated| {
            let mut lines: Vec<String> = repeated
                .iter()
                .take(SHOWN_REPEATS)
                .map(|r| format!("Key {} is on lines {}.", r.key, listed(&r.rows)))
                .collect();
            if repeated.len() > SHOWN_REPEATS {
                lines.push(format!(
                    "… and {} more keys.",
                    repeated.len() - SHOWN_REPEATS
                ));
            }
            lines
        })
    };
    let choose = move |repeats| {
        pending.update(|p| {
            if let Some(p) = p {
                p.repeats = Some(repeats);
            }
        })
    };
    view! {
        <Shown when=move || pending.with(Option::is_some)>
            <section class="import-panel" aria-label="Import preview">
                <h2>{move || pending.with(|p| p.as_ref().map(|p| format!("Import {}", p.name)))}</h2>
                <p class="import-encoding">
                    {move || pending.with(|p| p.as_ref().map(PendingImport::encoding_note))}
                </p>
                <label>
                    "Encoding"
                    <select on:change=handler(move |ev| {
                        let Some(chosen) = Encoding::from_id(&event_target_value(&ev)) else {
                            return;
                        };
                        pending.update(|p| {
                            if let Some(p) = p {
                                *p = p.reread(chosen, p.quotes);
                            }
                        });
                    })>
                        {Encoding::CHOICES
                            .into_iter()
                            .map(|choice| {
                                view! {
                                    <option
                                        value=choice.id()
                                        selected=move || {
                                            pending.with(|p| p.as_ref().map(|p| p.encoding)) == Some(choice)
                                        }
                                    >
                                        {choice.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <Shown when=move || unclosed().is_some()>
                    <p class="import-warning" role="alert">
                        {unclosed}
                        " "
                        <button type="button" on:click=handler(move |_| set_quotes(Quotes::Literal))>
                            "Read quotes as plain text"
                        </button>
                    </p>
                </Shown>
                <Shown when=literal_quotes>
                    <p class="import-note">
                        "Quotes are read as plain text: each line is one row. "
                        <button type="button" on:click=handler(move |_| set_quotes(Quotes::Fields))>
                            "Read quotes as fields again"
                        </button>
                    </p>
                </Shown>
                <Shown when=move || repeated.with(|r| !r.is_empty())>
                    <fieldset class="import-repeats">
                        <legend>"Some keys are in the file more than once; which row wins?"</legend>
                        <ul>
                            {move || repeated_text().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ul>
                        {[(Repeats::LastWins, "The last row with the key"), (Repeats::FirstWins, "The first row with the key")]
                            .into_iter()
                            .map(|(repeats, label)| {
                                view! {
                                    <label>
                                        <input
                                            type="radio"
                                            name="import-repeats"
                                            prop:checked=move || pending.with(|p| p.as_ref().and_then(|p| p.repeats)) == Some(repeats)
                                            on:change=handler(move |_| choose(repeats))
                                        />
                                        {label}
                                    </label>
                                }
                            })
                            .collect_view()}
                        <p>"Or cancel the import and correct the file."</p>
                    </fieldset>
                </Shown>
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
                <Shown when=move || hidden_columns().is_some()>
                    <p class="import-note">{hidden_columns}</p>
                </Shown>
                <p class="import-summary" role="status">
                    {move || summary.with(|s| s.map(|(_, s)| {
                        let mut text = format!(
                            "{} rows will be added, {} updated, {} have problems.",
                            s.added, s.updated, s.with_problems
                        );
                        if s.trimmed > 0 {
                            text.push_str(&format!(
                                " {} cells have spaces before or after their text; the spaces are left out.",
                                s.trimmed
                            ));
                        }
                        text
                    }))}
                </p>
                <button type="button" class="primary" disabled=busy on:click=handler(apply)>"Apply import"</button>
                <button type="button" on:click=handler(move |_| pending.set(None))>"Cancel import"</button>
            </section>
        </Shown>
    }
}

/// Columns of the file offered in the preview beyond those a header maps.
const SHOWN_COLUMNS: usize = 20;
/// Repeated keys listed by name; the rest are counted.
const SHOWN_REPEATS: usize = 5;

/// "2, 4 and 7".
fn listed(lines: &[usize]) -> String {
    match lines {
        [] => String::new(),
        [only] => only.to_string(),
        [rest @ .., last] => format!(
            "{} and {last}",
            rest.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
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
