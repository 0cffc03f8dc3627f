use leptos::ev;
use leptos::prelude::*;

use crate::components::{
    CopyToDatabase, DatabasePicker, EditedElsewhere, EditorToolbar, FilterBar, ImportPanel,
    OutcomeLine, PendingImport, PromotionPanel, ReauthDialog, ServerCheck, Shown, SignInForm,
    SubmitBar, ToleranceGrid, WorkProgress, handler,
};
use crate::core::columns::Field;
use crate::core::config::RuntimeConfig;
use crate::core::draft::RowId;
use crate::core::filter::{RowFilter, View};
use crate::core::header_value;
use crate::core::known_values::KnownValues;
use crate::core::selection::Range;
use crate::core::table::Table;
use crate::editor::bulk::Work;
use crate::editor::check::CheckControl;
use crate::editor::draft_keeper::DraftKeeper;
use crate::editor::promote::{PromoteControl, PromoteParts};
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::submit::SubmitControl;
use crate::editor::tab_lock::TabLock;
use crate::editor::time::sleep;

/// Everything after start-up: sign-in, then the table for the chosen database.
#[component]
pub fn EditorPage(config: RuntimeConfig) -> impl IntoView {
    let session = Session::new(config);
    let store = TableStore::new(Table::new());
    let submit = SubmitControl::new();
    let check = CheckControl::new();
    let selection = RwSignal::new(None::<Range>);
    let active = RwSignal::new(None::<(RowId, usize)>);
    let reveal = RwSignal::new(None::<(usize, Field)>);
    let notice = RwSignal::new(None::<String>);
    let importing = RwSignal::new(None::<PendingImport>);
    let work = RwSignal::new(None::<Work>);
    // The rows shown: the filter is applied when it changes, when rows are added, removed or
    // sorted, and on "Apply again"; not on each edit (see FilterBar).
    let filter = RwSignal::new(RowFilter::default());
    let refresh = RwSignal::new(0_u64);
    // Always "changed": rows added or moved change what a view means even when it is still
    // `View::All`, and comparing two 100,000-row views would cost as much as making one.
    let view = Memo::new_with_compare(
        move |_| {
            refresh.track();
            store.track_structure();
            filter.with(|f| store.with(|t| View::of(t, f)))
        },
        |_, _| true,
    );
    let suggestions = RwSignal::new((Vec::<String>::new(), Vec::<String>::new()));
    let known = RwSignal::new(Vec::<KnownValues>::new());
    // The table warns of values its database does not list, once those lists are read: given
    // again to each table that replaces it (a load, a draft, a switch), never another's.
    Effect::new(move |_| {
        store.track_structure();
        let database = session.database.get();
        known.with(|lists| {
            let Some(lists) = lists.iter().find(|k| k.database() == database) else {
                return;
            };
            if store.with(|t| t.known_values() != Some(lists)) {
                store.set_known_values(lists.clone());
            }
        });
    });
    // The table is kept as the draft of the database it belongs to: rows never move between
    // databases.
    let drafts = DraftKeeper::new(store, work);
    // Another tab of this browser that opens the same database asks this one to let go of it:
    // what is being sent or applied ends first, then the draft is saved, and the table is
    // emptied here (it is edited there now).
    let tabs = TabLock::new(move |tabs, database| {
        leptos::task::spawn_local(async move {
            while submit.running.get_untracked() || work.with_untracked(Option::is_some) {
                sleep(100).await;
            }
            drafts.flush().await;
            drafts.detach();
            store.replace(Table::new());
            tabs.hand_over(database);
        });
    });
    // The table waits while a submit or a big change runs, while the chosen database's
    // draft is read (it replaces the table: a change made meanwhile would be lost), and
    // while it is handed over to another tab.
    let frozen = Signal::derive(move || {
        submit.running.get()
            || work.with(Option::is_some)
            || drafts.database().is_none()
            || tabs.letting_go.get()
    });
    // The picker waits while the table is busy or its draft is read; not while another tab
    // edits the database (another one may be chosen then).
    let picker_locked = Signal::derive(move || {
        frozen.get() && !(drafts.database().is_none() && tabs.elsewhere.with(Option::is_some))
    });

    let promote = PromoteParts {
        session,
        store,
        drafts,
        tabs,
        known,
        control: PromoteControl::new(),
    };

    let has_unsent = move || {
        let s = store.summary().get_untracked();
        s.unsent() + s.pending > 0
    };

    // Offer the databases the API lists too, where it answers (in direct mode it needs the
    // key typed at sign-in). Not answering is normal: config.json's list stands.
    let environments_asked = StoredValue::new(false);
    let not_offered = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let ready = !session.is_direct() || session.is_signed_in();
        if ready && !environments_asked.get_value() {
            environments_asked.set_value(true);
            leptos::task::spawn_local(async move {
                if let Ok(listed) = crate::api::list_databases(&session.connection()).await {
                    // A name a request header cannot carry would fail every request made
                    // on it: not offered, and the picker says why, once.
                    let (sendable, refused) = header_value::split_sendable(listed);
                    not_offered.set(header_value::not_offered_note(&refused));
                    session.offer_databases(sendable);
                }
            });
        }
    });

    // Shows a database's draft once this tab edits it (another tab may).
    let open_draft = move |database: String| {
        leptos::task::spawn_local(async move {
            // Switched again meanwhile (the later switch wins), or handed over to another tab.
            let wanted = move |database: &str| session.is_on(database) && tabs.holds(database);
            match drafts.restore(database.clone(), wanted).await {
                Ok(told) => notice.set(told),
                Err(err) => notice.set(Some(format!("Your draft for {database}: {err}."))),
            }
        });
    };
    // Show the chosen database's own draft (or an empty table) whenever it changes, unless
    // another tab edits it.
    Effect::new(move |_| {
        let database = session.database.get();
        if drafts.database_untracked().as_deref() == Some(database.as_str()) {
            return;
        }
        // Until its draft is read, the table belongs to no database: nothing is saved over it.
        drafts.detach();
        store.replace(Table::new());
        notice.set(None);
        leptos::task::spawn_local(async move {
            // The database left keeps its lock until its draft is saved.
            drafts.idle().await;
            if session.is_on(&database) && tabs.try_acquire(&database).await {
                open_draft(database);
            }
        });
    });
    let take_over = Callback::new(move |()| {
        let Some(database) = tabs.elsewhere.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if tabs.take_over(&database).await {
                open_draft(database);
            }
        });
    });
    // A save that failed says so (the next one writes every row again).
    Effect::new(move |_| {
        if let Some(problem) = drafts.problem.get() {
            notice.set(Some(problem));
        }
    });

    // Leaving the page with unsent edits asks first (the draft is kept either way).
    let unload = window_event_listener(ev::beforeunload, move |ev| {
        drafts.save_now();
        if has_unsent() {
            ev.prevent_default();
            ev.set_return_value("You have edits that are not sent yet.");
        }
    });
    on_cleanup(move || unload.remove());

    let confirm_switch = Callback::new(move |wanted: String| {
        let summary = store.summary().get_untracked();
        let unsent = summary.unsent();
        if unsent == 0 {
            return true;
        }
        drafts.save_now();
        let current = session.database.get_untracked();
        let question = format!(
            "{current} has {unsent} rows with edits not sent yet. They stay kept as a draft for {current}. Switch to {wanted}?"
        );
        window().confirm_with_message(&question).unwrap_or(false)
    });

    // A jump to a row (Submit's first problem, a new row): when the filter hides it, the
    // filter is cleared, saying so, rather than the jump doing nothing.
    let jump = Callback::new(move |(index, field): (usize, Field)| {
        let hidden = view.with_untracked(|v| {
            store.with(|t| {
                t.row_at(index)
                    .is_some_and(|row| v.place_of(t, row.id()).is_none())
            })
        });
        if hidden {
            filter.set(RowFilter::default());
            notice.set(Some(format!(
                "The filter hid row {}; it was cleared to show it.",
                index + 1
            )));
        }
        reveal.set(Some((index, field)));
    });
    let focus_first_problem = move || {
        if let Some((index, field)) = store.with(|t| t.first_problem()) {
            jump.run((index, field));
        }
    };

    view! {
        <div class="session-bar">
            <DatabasePicker
                session
                confirm_switch=Some(confirm_switch)
                locked=picker_locked
                not_offered
            />
            <Shown when=move || session.is_signed_in()>
                <span class="signed-in-as">"Signed in as " {move || session.user.get()}</span>
                <button
                    type="button"
                    disabled=frozen
                    on:click=handler(move |_| session.sign_out())
                >
                    "Sign out"
                </button>
            </Shown>
        </div>
        <EditedElsewhere tabs take_over />
        <Shown
            when=move || session.is_signed_in() || session.reauth_needed.get()
            fallback=move || view! { <SignInForm session /> }
        >
            <EditorToolbar session store drafts active jump notice suggestions known importing view frozen />
            <ServerCheck session store control=check view selection notice frozen />
            <CopyToDatabase parts=promote view selection notice frozen />
            <PromotionPanel session store control=promote.control notice_line=notice />
            <ImportPanel store pending=importing notice work frozen />
            <WorkProgress work />
            // Always in the page, so that screen readers announce each notice as it comes.
            <p class="notice" role="status">{move || notice.get()}</p>
            <div class="find-and-filter">
                <FindBox store active view jump />
                <FilterBar store filter view refresh />
            </div>
            <ProblemLine store active />
            <ToleranceGrid store active reveal notice importing view work frozen selection />
            <OutcomeLine store active />
            <SubmitBar
                session
                store
                drafts
                submit
                check_control=check
                focus_first_problem=Callback::new(move |()| focus_first_problem())
                waiting=Signal::derive(move || work.with(Option::is_some) || tabs.letting_go.get())
            />
        </Shown>
        <ReauthDialog session submit check />
        <datalist id="group-suggestions">
            {move || suggestions.with(|(groups, _)| groups.iter().map(|g| view! { <option value=g.clone()></option> }).collect_view())}
        </datalist>
        <datalist id="payment-suggestions">
            {move || suggestions.with(|(_, methods)| methods.iter().map(|m| view! { <option value=m.clone()></option> }).collect_view())}
        </datalist>
    }
}

/// Finds text in any editable cell of the rows shown (the filter's), scrolled into sight or
/// not (the browser's own find sees only the rows rendered), and moves the focus to the
/// next match in the order shown.
#[component]
fn FindBox(
    store: TableStore,
    active: RwSignal<Option<(RowId, usize)>>,
    view: Memo<View>,
    jump: Callback<(usize, Field)>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let find_next = move || {
        let wanted = query.get_untracked().trim().to_lowercase();
        if wanted.is_empty() {
            return;
        }
        let found = view.with_untracked(|v| {
            store.with(|t| {
                let from = active
                    .get_untracked()
                    .and_then(|(id, _)| v.place_of(t, id))
                    .map_or(0, |p| p + 1);
                // Places shown, with the table index and the first matching cell.
                let matches: Vec<(usize, usize, Field)> = (0..v.len(t))
                    .filter_map(|place| {
                        let index = v.table_index(t, place)?;
                        let row = t.row_at(index)?;
                        Field::EDITABLE
                            .into_iter()
                            .find(|f| row.text(*f).to_lowercase().contains(&wanted))
                            .map(|f| (place, index, f))
                    })
                    .collect();
                let next = matches
                    .iter()
                    .position(|(place, _, _)| *place >= from)
                    .or((!matches.is_empty()).then_some(0));
                next.map(|n| ((matches[n].1, matches[n].2), n + 1, matches.len()))
            })
        });
        match found {
            Some(((index, field), n, total)) => {
                result.set(format!("Row {}: match {n} of {total}", index + 1));
                jump.run((index, field));
            }
            None => result.set(format!(
                "No row shown contains “{}”.",
                query.get_untracked().trim()
            )),
        }
    };
    view! {
        <form
            class="find"
            role="search"
            on:submit=handler(move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                find_next();
            })
        >
            <input
                type="search"
                aria-label="Find"
                placeholder="Find in the table"
                prop:value=move || query.get()
                on:input=handler(move |ev| query.set(event_target_value(&ev)))
            />
            <button type="submit">"Find next"</button>
            <span class="find-result" role="status">{move || result.get()}</span>
        </form>
    }
}

/// The problem (or warning) of the cell the user is in, in words, under the toolbar.
#[component]
fn ProblemLine(store: TableStore, active: RwSignal<Option<(RowId, usize)>>) -> impl IntoView {
    let message = move || {
        let (id, index) = active.get()?;
        store.track_row(id);
        let field = Field::EDITABLE.get(index).copied()?;
        store.with(|t| {
            let position = t.position(id)?;
            let row = t.row(id)?;
            let said = match row.problem(field) {
                Some(problem) => problem.to_string(),
                // A warning when there is no problem: "GRP099 is not a group in DEMO_LIVE".
                None => t.warnings(row)[field.index()].as_ref()?.to_string(),
            };
            Some(format!("Row {}: {said}", position + 1))
        })
    };
    view! {
        <p class="problem-line" aria-hidden="true">
            {move || message().unwrap_or_default()}
        </p>
    }
}
