//! Keeps the editor's table as its database's draft in the browser (see [`draft_storage`]):
//! 400 ms after the last change, before a batch leaves ([`DraftKeeper::flush`]), and when a
//! change in parts begins. One save is in flight at a time, so each starts from what the
//! one before it committed; a save asked for meanwhile follows it with the table as it is
//! then.
//!
//! While a change in parts (a 100,000-row paste or import) runs, nothing is saved: the
//! draft stays the table as it was when the change began, and the change is saved whole
//! once it ends. A reload in the middle finds the draft before the paste, not a part of it.
//!
//! A save is made in slices of [`SLICE_MS`] (a 100,000-row save is about 200 ms of JSON),
//! each slice's parts written before the next begins and the manifest last, so the browser
//! handles input in between and no task runs long. A slice made from a table reshaped since
//! the save began would not fit the others: such a save ends unfinished (the draft before it
//! stays in place) and the next one writes every row.

use std::time::Duration;

use leptos::prelude::*;

use crate::core::table::Table;
use crate::editor::bulk::{Work, yield_to_browser};
use crate::editor::draft_storage::{self, CHUNK_ROWS, DraftError, DraftUpdate, Stored};
use crate::editor::store::TableStore;
use crate::editor::time::{after_quiet, clock_ms, now_ms, sleep};

/// How long after the last change the draft is written to the browser's storage.
const SAVE_DELAY: Duration = Duration::from_millis(400);
/// How long one slice of a save may run before the browser gets its turn (a part of 1,000
/// rows takes a millisecond or two).
const SLICE_MS: f64 = 8.0;

/// A Copy handle to the draft of the table shown.
#[derive(Clone, Copy)]
pub struct DraftKeeper {
    store: TableStore,
    work: RwSignal<Option<Work>>,
    /// The database whose draft the table is; `None` while its draft is read, or while the
    /// database is edited in another tab: then nothing is saved over it.
    database: RwSignal<Option<String>>,
    /// What that database's draft is stored as, as the last save committed it.
    stored: StoredValue<Stored>,
    /// A save is in flight; `again`: another was asked for meanwhile.
    saving: StoredValue<bool>,
    again: StoredValue<bool>,
    /// A save made ready while another was in flight: the table just before a change in
    /// parts began, written next.
    next: StoredValue<Option<Job>, LocalStorage>,
    generation: StoredValue<u64>,
    /// Why the last save failed, in words, for the notice.
    pub problem: RwSignal<Option<String>>,
}

/// What one save writes: the table's parts over what is stored (made as it is written, or
/// already made when the table is about to change), or nothing (an empty table has no
/// draft).
type Job = (String, Option<Result<DraftUpdate, DraftError>>);

impl DraftKeeper {
    pub fn new(store: TableStore, work: RwSignal<Option<Work>>) -> Self {
        let keeper = DraftKeeper {
            store,
            work,
            database: RwSignal::new(None),
            stored: StoredValue::new(Stored::default()),
            saving: StoredValue::new(false),
            again: StoredValue::new(false),
            next: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            problem: RwSignal::new(None),
        };
        // Saved 400 ms after the last change.
        Effect::new(move |first: Option<()>| {
            store.track_any();
            if first.is_some() {
                keeper.save_soon();
            }
        });
        // A change in parts begins: the table as it is, with what was typed just before, is
        // saved now rather than 400 ms later (nothing is saved while the change runs; it has
        // not touched the table yet: it starts after the browser's next turn). Once it
        // ends, it is saved at once.
        Effect::new(move |was: Option<bool>| {
            let running = work.with(Option::is_some);
            match (was, running) {
                (Some(false), true) => keeper.save_before_change(),
                (Some(true), false) => keeper.save_now(),
                _ => {}
            }
            running
        });
        keeper
    }

    /// The database whose draft the table is, tracked; `None` while none is.
    pub fn database(&self) -> Option<String> {
        self.database.get()
    }

    pub fn database_untracked(&self) -> Option<String> {
        self.database.get_untracked()
    }

    /// The table no longer belongs to a database's draft: nothing is saved until
    /// [`Self::restore`] names one.
    /// A save being made in slices cannot go on once the table is replaced: its table is
    /// made whole now, to be written next.
    pub fn detach(&self) {
        if self.saving.get_value() {
            self.store.mark_all_changed();
            if let Some(job) = self.job(true) {
                self.next.set_value(Some(job));
            }
        }
        self.database.set(None);
    }

    /// Reads `database`'s draft into the table (or leaves it empty), and keeps the table as
    /// that draft from now on, unless `still_wanted` says otherwise once it is read (another
    /// database was chosen meanwhile). Answers what to tell the user, if anything.
    pub async fn restore(
        &self,
        database: String,
        still_wanted: impl Fn(&str) -> bool,
    ) -> Result<Option<String>, DraftError> {
        let draft = draft_storage::load(&database).await;
        if !still_wanted(&database) {
            return Ok(None);
        }
        let (table, stored, told) = match draft {
            Ok(Some((draft, stored))) => {
                let rows = draft.rows.len();
                let told = format!(
                    "Restored your draft for {database} ({rows} rows, saved {}).",
                    saved_when(draft.saved_at)
                );
                (Table::from_drafts(draft.rows), stored, Some(told))
            }
            Ok(None) => (Table::new(), Stored::default(), None),
            Err(err) => {
                // What could not be read is kept aside; the table starts empty.
                self.stored.set_value(Stored::default());
                self.database.set(Some(database));
                return Err(err);
            }
        };
        let fresh = !stored.is_older_format();
        self.store.replace(table);
        // What is stored is what is shown: nothing to write until a change (a draft in an
        // older format is written anew at once).
        if fresh {
            self.store.take_changes();
        }
        self.stored.set_value(stored);
        self.database.set(Some(database));
        Ok(told)
    }

    /// Saves 400 ms after the last of a burst of calls.
    pub fn save_soon(&self) {
        let keeper = *self;
        after_quiet(self.generation, SAVE_DELAY, move || keeper.save_now());
    }

    /// Starts saving the table now (after the save in flight, if any).
    pub fn save_now(&self) {
        if self.saving.get_value() {
            self.again.set_value(true);
            return;
        }
        if let Some(job) = self.job(false) {
            self.start(job);
        }
    }

    /// Saves the table as it is now, before a change in parts touches it; after the save in
    /// flight, if any, but with the table as it is now.
    fn save_before_change(&self) {
        let Some(job) = self.job(true) else {
            return;
        };
        if self.saving.get_value() {
            self.next.set_value(Some(job));
        } else {
            self.start(job);
        }
    }

    fn start(&self, job: Job) {
        self.saving.set_value(true);
        let keeper = *self;
        // The table the job was planned for.
        let structure = self.store.structure_untracked();
        leptos::task::spawn_local(async move {
            // The save begins in a task of its own: its first slice would otherwise lengthen
            // the task that asked for it (a submit's last answer: 22-46 ms in all, traced).
            yield_to_browser().await;
            let mut job = Some((job, structure));
            while let Some(((database, update), structure)) = job.take() {
                keeper.write(database, update, structure).await;
                let mut next = keeper.next.try_update_value(Option::take).flatten();
                if next.is_none() && keeper.again.try_update_value(std::mem::take) == Some(true) {
                    next = keeper.job(false);
                }
                job = next.map(|next| (next, keeper.store.structure_untracked()));
            }
            keeper.saving.try_set_value(false);
        });
    }

    /// Saves the table as it is now and returns once it is committed (or failed, which the
    /// notice says). Used before a batch leaves: that its rows were sent is then on record.
    pub async fn flush(&self) {
        self.save_now();
        self.idle().await;
    }

    /// Returns once no save is in flight.
    pub async fn idle(&self) {
        while self.saving.try_get_value() == Some(true) {
            sleep(10).await;
        }
    }

    /// Removes the database's draft, after any save in flight; the table is emptied first
    /// (so the next save would discard it too).
    pub async fn discard(&self, database: &str) -> Result<(), DraftError> {
        self.idle().await;
        self.stored.set_value(Stored::default());
        draft_storage::discard(database).await
    }

    /// The table's parts to write now, or `None` when nothing may be saved: no database
    /// (its draft is being read, or another tab edits it), or a change in parts runs (its
    /// changes stay recorded and are saved when it ends) unless `before_change`.
    fn job(&self, before_change: bool) -> Option<Job> {
        let database = self.database.get_untracked()?;
        if !before_change && self.work.with_untracked(Option::is_some) {
            return None;
        }
        let changes = self.store.take_changes();
        let stored = self.stored.get_value();
        let rows = self.store.with(Table::len);
        if !changes.all && changes.rows.is_empty() && stored.holds_unchanged(rows) {
            return None; // Nothing changed since the last save.
        }
        let update = self.store.with(|t| {
            (!t.is_empty()).then(|| {
                let chunks: Vec<usize> = if changes.all {
                    (0..DraftUpdate::chunk_count(t.len())).collect()
                } else {
                    let mut chunks: Vec<usize> = changes
                        .rows
                        .iter()
                        .filter_map(|id| t.position(*id))
                        .map(|index| index / CHUNK_ROWS)
                        .collect();
                    chunks.sort_unstable();
                    chunks.dedup();
                    chunks
                };
                if before_change {
                    DraftUpdate::of(&database, now_ms(), t.rows(), chunks, &stored)
                } else {
                    Ok(DraftUpdate::plan(
                        &database,
                        now_ms(),
                        t.len(),
                        chunks,
                        &stored,
                    ))
                }
            })
        });
        Some((database, update))
    }

    /// Writes `update`, planned for the table whose structure was `structure`.
    async fn write(
        &self,
        database: String,
        update: Option<Result<DraftUpdate, DraftError>>,
        structure: u64,
    ) {
        let saved = match update {
            Some(Ok(update)) => self.save_in_slices(&database, update, structure).await,
            Some(Err(err)) => Err(err),
            None => draft_storage::discard(&database)
                .await
                .map(|()| Some(Stored::default())),
        };
        let saved = match saved {
            Ok(Some(stored)) => Ok(stored),
            Err(err) => Err(err),
            Ok(None) => return, // Ended unfinished: saved again in full (see below).
        };
        let current = self.database.try_get_untracked().flatten();
        if current.as_deref() != Some(database.as_str()) {
            return; // Switched meanwhile: what is stored for the new one is already known.
        }
        match saved {
            Ok(stored) => {
                self.stored.set_value(stored);
                self.problem.set(None);
            }
            Err(err) => {
                // Nothing is lost: the old version is still in place, and the next save
                // writes every row again.
                self.store.mark_all_changed();
                self.problem.set(Some(format!(
                    "Your draft could not be kept in this browser: {err}."
                )));
            }
        }
    }

    /// Makes and writes `update`'s parts a slice at a time, the manifest last. Answers
    /// `None` when, before a slice, the table was no longer the one the update was planned
    /// for (of that `structure`): reshaped, in a change in parts, or another database's
    /// table. The save then ends without its manifest (the draft before it stays whole) and
    /// every row counts as changed, for the next save.
    async fn save_in_slices(
        &self,
        database: &str,
        mut update: DraftUpdate,
        structure: u64,
    ) -> Result<Option<Stored>, DraftError> {
        loop {
            // Checked before the first slice too: the save began a task after it was planned.
            if update.parts_left() > 0 {
                let same_table =
                    self.database.try_get_untracked().flatten().as_deref() == Some(database);
                if !same_table {
                    return Ok(None);
                }
                if self.store.structure_untracked() != structure
                    || self.work.with_untracked(Option::is_some)
                {
                    self.store.mark_all_changed();
                    return Ok(None);
                }
            }
            let started = clock_ms();
            while self.store.with(|t| update.make_next_part(t.rows()))?
                && clock_ms() - started < SLICE_MS
            {}
            if update.parts_left() == 0 {
                return draft_storage::save(database, update).await.map(Some);
            }
            draft_storage::save_parts(database, &mut update).await?;
        }
    }
}

fn saved_when(saved_at: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(saved_at as f64));
    String::from(date.to_locale_string("en-US", &wasm_bindgen::JsValue::UNDEFINED))
}
