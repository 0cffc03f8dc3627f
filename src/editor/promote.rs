//! "Copy to …": rows of the database chosen (typically the test one) staged in another's
//! table. The target's records for those keys are read first (paced like a check, with
//! progress and cancel), then the target is opened with its own draft and the rows staged
//! over it by the core ([`Table::stage_promotion`]); from there the user reviews and submits
//! as usual.

use leptos::prelude::*;

use crate::api;
use crate::core::known_values::KnownValues;
use crate::core::record::Tolerance;
use crate::core::table::Table;
use crate::core::table::promote::Staged;
use crate::editor::check::read_keys;
use crate::editor::draft_keeper::DraftKeeper;
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::tab_lock::TabLock;
use crate::editor::time::sleep;

/// A promotion staged in its target: what was copied, and what staging found.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion {
    pub source: String,
    pub target: String,
    pub records: Vec<Tolerance>,
    pub staged: Staged,
    /// Conflicts settled by keeping the target's own edit: those keys were not copied.
    pub kept: Vec<i32>,
}

impl Promotion {
    /// The keys not copied, with why, for the export.
    pub fn left_out(&self) -> Vec<(i32, String)> {
        let target = &self.target;
        let with = |keys: Vec<i32>, why: String| -> Vec<(i32, String)> {
            keys.into_iter().map(|key| (key, why.clone())).collect()
        };
        [
            with(
                self.staged.conflicts.iter().map(|c| c.key).collect(),
                format!("Not copied: in conflict with an unsent edit in {target}"),
            ),
            with(
                self.kept.clone(),
                format!("Not copied: the edit in {target}'s draft was kept"),
            ),
            with(
                self.staged.unread.clone(),
                format!("Not copied: could not be read from {target}"),
            ),
        ]
        .concat()
    }
}

/// The promotion's reading progress and the last one staged; a Copy handle.
#[derive(Clone, Copy)]
pub struct PromoteControl {
    /// Keys of the target read so far, of how many, while reading.
    pub progress: RwSignal<Option<(usize, usize)>>,
    cancel_requested: RwSignal<bool>,
    pub last: RwSignal<Option<Promotion>>,
}

impl PromoteControl {
    pub fn new() -> Self {
        PromoteControl {
            progress: RwSignal::new(None),
            cancel_requested: RwSignal::new(false),
            last: RwSignal::new(None),
        }
    }

    pub fn cancel(&self) {
        self.cancel_requested.set(true);
    }
}

impl Default for PromoteControl {
    fn default() -> Self {
        Self::new()
    }
}

/// What the editor's parts a promotion moves between databases.
#[derive(Clone, Copy)]
pub struct PromoteParts {
    pub session: Session,
    pub store: TableStore,
    pub drafts: DraftKeeper,
    pub tabs: TabLock,
    pub known: RwSignal<Vec<KnownValues>>,
    pub control: PromoteControl,
}

/// Copies `records` into `target`'s table and answers what to tell the user. Nothing is
/// staged when the reading is cancelled or the target cannot be opened here.
pub async fn promote(parts: PromoteParts, target: String, records: Vec<Tolerance>) -> String {
    let PromoteParts {
        session,
        store,
        drafts,
        tabs,
        known,
        control,
    } = parts;
    let source = session.database.get_untracked();
    let Some(tokens) = session.tokens.get_untracked() else {
        return "Sign in first.".into();
    };
    let mut conn = session.connection();
    conn.database = target.clone();
    let mut keys: Vec<i32> = records.iter().map(|r| r.key).collect();
    keys.sort_unstable();
    keys.dedup();
    control.cancel_requested.set(false);
    control.progress.set(Some((0, keys.len())));
    let sign_in = session.sign_in_now();
    let stopped = || {
        control.cancel_requested.get_untracked()
            || session.sign_in_now() != sign_in
            || !session.is_on(&source)
    };
    let (reads, report) = read_keys(
        session,
        &conn,
        &keys,
        |done, of| control.progress.set(Some((done, of))),
        &stopped,
    )
    .await;
    control.progress.set(None);
    if report.cancelled {
        return format!("Copy to {target} cancelled: nothing was copied.");
    }
    if let Ok((groups, methods)) = api::read_lists(&conn, &tokens).await {
        KnownValues::new(&target, groups, methods).remember_in(&mut known.write());
    }
    // The source's edits stay in its own draft.
    drafts.save_now();
    session.database.set(target.clone());
    while drafts.database_untracked().as_deref() != Some(target.as_str()) {
        if !session.is_on(&target) {
            return format!("Copy to {target} stopped: another database was chosen.");
        }
        if tabs
            .elsewhere
            .with_untracked(|e| e.as_deref() == Some(target.as_str()))
        {
            return format!(
                "{target} is being edited in another tab: nothing was copied. Take it over here, then copy again."
            );
        }
        sleep(50).await;
    }
    let mut staged = Staged::default();
    store.update(|t: &mut Table| {
        let (done, touched) = t.stage_promotion(records.clone(), reads);
        staged = done;
        touched
    });
    let text = notice(&source, &target, &staged, report.problem.as_deref());
    control.last.set(Some(Promotion {
        source,
        target,
        records,
        staged,
        kept: Vec::new(),
    }));
    text
}

/// "Copied 3 rows from DEMO_TEST: 1 new, 1 changed, 1 already in DEMO_LIVE (not sent)."
pub fn notice(source: &str, target: &str, staged: &Staged, problem: Option<&str>) -> String {
    let copied = staged.new + staged.changed + staged.unchanged + staged.conflicts.len();
    let mut text = format!(
        "Copied {copied} {} from {source}: {} new, {} changed, {} already in {target} (not sent)",
        if copied == 1 { "row" } else { "rows" },
        staged.new,
        staged.changed,
        staged.unchanged,
    );
    if !staged.conflicts.is_empty() {
        text.push_str(&format!(
            ", {} in conflict with your unsent edits (below)",
            staged.conflicts.len()
        ));
    }
    text.push('.');
    if !staged.unread.is_empty() {
        text.push_str(&format!(
            " {} could not be read from {target} and were not copied{}.",
            staged.unread.len(),
            problem.map(|p| format!(" ({p})")).unwrap_or_default()
        ));
    }
    text
}
