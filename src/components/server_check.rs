use leptos::prelude::*;

use crate::components::{Shown, handler};
use crate::core::draft::RowId;
use crate::core::filter::View;
use crate::core::selection::Range;
use crate::core::table::Table;
use crate::editor::check::{CheckControl, CheckKind, check, keys_of};
use crate::editor::session::Session;
use crate::editor::store::TableStore;

/// "Check with server", "Take the server's" and "Keep mine" (for conflicts) on the selected
/// rows, and the progress and result of a check (also one started from the submit bar).
#[component]
pub fn ServerCheck(
    session: Session,
    store: TableStore,
    control: CheckControl,
    /// The rows shown, which the selection's places are in.
    view: Memo<View>,
    /// The grid's selected rectangle.
    selection: RwSignal<Option<Range>>,
    notice: RwSignal<Option<String>>,
    /// A submit, or a big paste or import, is running: the table waits.
    frozen: Signal<bool>,
) -> impl IntoView {
    let selected_ids = move || -> Vec<RowId> {
        let Some(range) = selection.get_untracked() else {
            return Vec::new();
        };
        view.with_untracked(|v| {
            store.with(|t| {
                (range.top..=range.bottom)
                    .filter_map(|place| v.id_at(t, place))
                    .collect()
            })
        })
    };
    let check_selected = Action::new_local(move |rows: &Vec<(RowId, i32)>| {
        check(session, store, control, rows.clone(), CheckKind::Asked)
    });
    let on_check = move |_| {
        let rows = store.with(|t| keys_of(t, selected_ids()));
        if rows.is_empty() {
            notice.set(Some(
                "Select rows with a key first, then Check with server reads them back.".into(),
            ));
            return;
        }
        check_selected.dispatch_local(rows);
    };
    let on_take = move |_| {
        let ids = selected_ids();
        let mut taken = 0;
        store.update(|t: &mut Table| {
            let (rows, touched) = t.take_servers_values(&ids);
            taken = rows;
            touched
        });
        notice.set(Some(if taken == 0 {
            "None of the selected rows differs from what the server was read to hold.".into()
        } else {
            format!(
                "Took the server's values into {taken} {} (Undo brings yours back).",
                if taken == 1 { "row" } else { "rows" }
            )
        }));
    };
    let on_keep = move |_| {
        let ids = selected_ids();
        let mut kept = 0;
        store.update(|t: &mut Table| {
            let (rows, touched) = t.keep_mine(&ids);
            kept = rows;
            touched
        });
        notice.set(Some(if kept == 0 {
            "None of the selected rows is a conflict (a record changed on the server since it was loaded).".into()
        } else {
            format!(
                "Kept your edits in {kept} {}, on top of the server's values; they go with the next Submit (Undo brings the conflict back).",
                if kept == 1 { "row" } else { "rows" }
            )
        }));
    };
    let asked = move || control.running.get() == Some(CheckKind::Asked);
    let busy = move || frozen.get() || asked();

    view! {
        <section class="server-check" aria-label="Check with server">
            <button
                type="button"
                title="Reads the selected rows back from the server and shows where it differs"
                disabled=busy
                on:click=handler(on_check)
            >
                "Check selected with server"
            </button>
            <button
                type="button"
                title="Replaces the selected rows' values with the server's, where a check found them different"
                disabled=busy
                on:click=handler(on_take)
            >
                "Take the server's"
            </button>
            <button
                type="button"
                title="For the selected conflicts: the fields you changed, on top of what the server holds now; sent with the next Submit"
                disabled=busy
                on:click=handler(on_keep)
            >
                "Keep mine"
            </button>
            <Shown when=asked>
                <label class="check-progress">
                    {move || {
                        let (done, total) = control.progress.get();
                        format!("Checking {done} of {total}…")
                    }}
                    <progress
                        max=move || control.progress.get().1
                        value=move || control.progress.get().0
                    ></progress>
                </label>
                <button type="button" on:click=handler(move |_| control.cancel())>
                    "Cancel check"
                </button>
            </Shown>
            <Shown when=move || control.running.get() == Some(CheckKind::AuditColumns)>
                <span class="check-background">
                    {move || {
                        let (done, total) = control.progress.get();
                        format!("Reading the saved rows' Updated dates ({done} of {total})…")
                    }}
                </span>
            </Shown>
            <Shown when=move || control.last.with(Option::is_some)>
                <p class="check-result" role="status">
                    {move || control.last.with(|r| r.as_ref().map(|r| r.text()))}
                </p>
            </Shown>
        </section>
    }
}
