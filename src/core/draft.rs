//! A row as the user is editing it: their text per cell, kept apart from the record it
//! parses to, so nothing typed is lost to a parse error. Its life is one [`RowState`].

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::core::baseline::{Baseline, Learned};
use crate::core::columns::{CellText, CellValue, Cells, EDITABLE_COUNT, Field};
use crate::core::conflict::{Conflict, cell_means};
use crate::core::multistatus::{OutcomeKind, RowOutcome};
use crate::core::record::Tolerance;
use crate::core::validate::{self, Problem, ProblemKind};

/// Each editable cell's problem, if any. Nearly every row has none: such a row holds no
/// array of four (48 bytes in wasm, 4.8 MB at 100,000 rows), only an empty pointer. Saved
/// as the array it stands for.
#[derive(Debug, Clone, Default, PartialEq)]
struct Problems(Option<Box<[Option<ProblemKind>; EDITABLE_COUNT]>>);

impl Problems {
    fn get(&self, index: usize) -> Option<&ProblemKind> {
        self.0.as_ref()?[index].as_ref()
    }

    fn set(&mut self, index: usize, problem: Option<ProblemKind>) {
        match (&mut self.0, problem) {
            (Some(all), problem) => {
                all[index] = problem;
                if all.iter().all(Option::is_none) {
                    self.0 = None;
                }
            }
            (None, None) => {}
            (None, Some(problem)) => {
                let mut all = Box::<[Option<ProblemKind>; EDITABLE_COUNT]>::default();
                all[index] = Some(problem);
                self.0 = Some(all);
            }
        }
    }

    fn count(&self) -> usize {
        self.0
            .as_ref()
            .map_or(0, |all| all.iter().filter(|p| p.is_some()).count())
    }
}

impl Serialize for Problems {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        std::array::from_fn::<_, EDITABLE_COUNT, _>(|i| self.get(i)).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Problems {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let all = <[Option<ProblemKind>; EDITABLE_COUNT]>::deserialize(deserializer)?;
        let mut problems = Problems::default();
        for (i, problem) in all.into_iter().enumerate() {
            problems.set(i, problem);
        }
        Ok(problems)
    }
}

/// What a row's tries wrote or may have written (see `RowDraft::written`). Nearly every row
/// has nothing: such a row holds an empty pointer (8 bytes less in wasm than a `Vec`).
/// Saved as the list it stands for.
#[derive(Debug, Clone, Default, PartialEq)]
struct Written(Option<Box<[Tolerance]>>);

impl Written {
    fn iter(&self) -> std::slice::Iter<'_, Tolerance> {
        self.as_slice().iter()
    }

    fn as_slice(&self) -> &[Tolerance] {
        self.0.as_deref().unwrap_or_default()
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    fn change(&mut self, f: impl FnOnce(&mut Vec<Tolerance>)) {
        let mut list = self.0.take().map(Vec::from).unwrap_or_default();
        f(&mut list);
        *self = Written::from(list);
    }

    fn retain(&mut self, keep: impl FnMut(&Tolerance) -> bool) {
        if !self.is_empty() {
            self.change(|list| list.retain(keep));
        }
    }

    fn push(&mut self, record: Tolerance) {
        self.change(|list| list.push(record));
    }
}

impl From<Vec<Tolerance>> for Written {
    fn from(list: Vec<Tolerance>) -> Self {
        Written((!list.is_empty()).then(|| list.into_boxed_slice()))
    }
}

/// A row's stable client-side identity; never its index in the table. 32 bits: a table
/// numbers its rows from 0 (a restored one from past the highest saved), so 4 billion rows
/// would have to be made in one table's life; a `u64` would add 4 bytes to every entry of
/// the id-to-position map and of every undo step's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RowId(pub u32);

/// Where a row is in its life; the view matches on this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowState {
    /// Not on the server yet; will be sent.
    New,
    /// Holds exactly what the server is known to hold; will not be sent.
    Clean,
    /// Differs from what the server is known to hold, or edited since a try that may have
    /// been applied; will be sent.
    Modified,
    /// Some cell has a problem; blocks Submit.
    Invalid,
    /// Sent, waiting for the answer.
    Pending,
    /// The last submit created it, and it has not been edited since.
    Created,
    /// The last submit updated it, and it has not been edited since.
    Updated,
    /// The server refused it; will be sent again.
    Failed,
    /// Sent, but the answer did not say (or a try before it may have been applied); may or
    /// may not be saved; will be sent again.
    Unconfirmed,
    /// The server's record changed under the user's edit (another tab or person saved or
    /// deleted it since it was loaded or last confirmed): not sent until the user chooses
    /// Keep mine or Take the server's.
    Conflict,
}

impl RowState {
    /// Text shown beside the state's icon (never color alone).
    pub fn label(self) -> &'static str {
        match self {
            RowState::New => "New",
            RowState::Clean => "Unchanged",
            RowState::Modified => "Changed",
            RowState::Invalid => "Has problems",
            RowState::Pending => "Sending",
            RowState::Created => "Created",
            RowState::Updated => "Updated",
            RowState::Failed => "Failed",
            RowState::Unconfirmed => "Unconfirmed",
            RowState::Conflict => "Conflict",
        }
    }
}

/// What an edit did to the row's key, for [`crate::core::keys::KeyIndex::change`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyChange {
    pub before: Option<i32>,
    pub after: Option<i32>,
}

/// Saved through [`stored::SavedRow`] (the cells written out) and read through
/// [`stored::StoredRow`], which also reads the drafts saved before rows had a [`Baseline`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "stored::StoredRow")]
pub struct RowDraft {
    id: RowId,
    /// The user's text per editable column, in [`Field::EDITABLE`] order; `None` exactly
    /// while they are what the baseline's record writes ([`record_cells`]), as for a loaded
    /// row nobody edited: such a row holds no texts of its own (44 bytes less in wasm, 4.4 MB
    /// at 100,000 loaded rows). Read through [`Self::cells`] and [`Self::text`].
    cells: Option<Box<Cells>>,
    /// Cached per cell, refreshed on each edit.
    problems: Problems,
    /// Set by the table from its key index.
    duplicate_key: bool,
    /// What the key cell reads as, when it reads (see [`Self::key`]): an `i32` and a flag,
    /// 4 bytes less than an `Option` in wasm.
    key: i32,
    has_key: bool,
    /// Something to send: the cells differ from a known baseline, or the baseline is not
    /// known.
    changed: bool,
    /// What the server holds for this row, as far as this editor knows.
    baseline: Baseline,
    /// What this row's tries wrote (the last confirmed per key) or may have written since: a
    /// row whose key changed back and forth may have its values on the server under a key
    /// its baseline is not about, so a refusal of those values cannot say "not applied".
    written: Written,
    pending: bool,
    /// Edited since it was marked pending: the answer may be about older text. Not saved
    /// (a restored draft has nothing in flight).
    #[serde(skip)]
    edited_in_flight: bool,
    /// Boxed: a row without one, nearly every row, pays a pointer (28 bytes less in wasm).
    outcome: Option<Box<RowOutcome>>,
    /// Whether `outcome` is about the text as it is now (false once edited).
    outcome_current: bool,
    /// The baseline is what a read of the server found ("Check with server"), not yet
    /// replaced by an answer: the row shows the server's values where they differ. Not saved.
    #[serde(skip)]
    read_back: bool,
    /// A read found the server's record changed under the user's edit: the row waits for
    /// the user's choice (see [`crate::core::conflict`]). Boxed: a row without one, nearly
    /// every row, pays a pointer, not a record (20 MB at 100,000 rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict: Option<Box<Conflict>>,
}

/// Rows made from pasted or imported texts, each cell checked once, before the table takes
/// them and gives them ids: a paste counts its problems from the check each row keeps
/// (checking them twice was a tenth of a 100,000-row paste). Each row is made and checked
/// where it is kept, and the table takes a part's rows in one copy of the vector: a row
/// (136 bytes in wasm) returned and handed on one function at a time was copied at each
/// step, a seventh of a 100,000-row paste's instructions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewRows(Vec<RowDraft>);

impl NewRows {
    pub fn reserve_exact(&mut self, additional: usize) {
        self.0.reserve_exact(additional);
    }

    /// Adds a row holding `cells`, checked, and answers it (its id a stand-in until the
    /// table takes it: a key shared with other rows is the table's to find).
    pub fn push(&mut self, cells: Cells) -> &RowDraft {
        let (id, cells) = (RowId(u32::MAX), Some(Box::new(cells)));
        self.0
            .push(RowDraft::unchecked(id, cells, Baseline::Absent));
        let row = self.0.last_mut().expect("a row was just added");
        row.refresh();
        row.settle_cells();
        row
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `other`'s rows after these.
    pub fn append(&mut self, mut other: NewRows) {
        self.0.append(&mut other.0);
    }

    /// The row at `index`.
    pub fn get(&self, index: usize) -> Option<&RowDraft> {
        self.0.get(index)
    }

    /// Each row's texts, in order.
    pub fn cells(&self) -> impl Iterator<Item = Cow<'_, Cells>> {
        self.0.iter().map(RowDraft::cells)
    }

    /// The rows, given ids from `first` on.
    pub(in crate::core) fn into_rows(mut self, first: u32) -> Vec<RowDraft> {
        for (row, id) in self.0.iter_mut().zip(first..) {
            row.id = RowId(id);
        }
        self.0
    }
}

impl FromIterator<Cells> for NewRows {
    fn from_iter<I: IntoIterator<Item = Cells>>(rows: I) -> Self {
        let mut new = NewRows::default();
        for cells in rows {
            new.push(cells);
        }
        new
    }
}

impl RowDraft {
    /// An empty new row.
    pub fn new(id: RowId) -> Self {
        Self::from_cells(id, Default::default())
    }

    /// A new row from text (typed, pasted or imported).
    pub fn from_cells(id: RowId, cells: Cells) -> Self {
        Self::checked(id, cells, Baseline::Absent)
    }

    /// A row from its cells and its baseline, each cell checked once.
    fn checked(id: RowId, cells: Cells, baseline: Baseline) -> Self {
        let mut draft = Self::unchecked(id, Some(Box::new(cells)), baseline);
        draft.refresh();
        draft.settle_cells();
        draft
    }

    /// A row holding `cells`, nothing checked yet: no problems, no key, changed.
    fn unchecked(id: RowId, cells: Option<Box<Cells>>, baseline: Baseline) -> Self {
        RowDraft {
            id,
            cells,
            problems: Default::default(),
            duplicate_key: false,
            key: 0,
            has_key: false,
            changed: true,
            baseline,
            written: Written::default(),
            pending: false,
            edited_in_flight: false,
            outcome: None,
            outcome_current: false,
            read_back: false,
            conflict: None,
        }
    }

    /// A clean row showing a record loaded from the server. Its key and amount cells are
    /// written from the record's own numbers and read back exactly (see [`amount_text`]),
    /// so only its texts are checked, and it is clean: what a full check would find, at a
    /// fraction of the cost for 100,000 loaded rows.
    pub fn from_record(id: RowId, record: Tolerance) -> Self {
        let key = record.key;
        let mut draft = Self::unchecked(id, None, Baseline::Known(record));
        draft.set_key(Some(key));
        draft.changed = false;
        for field in [Field::GroupId, Field::PaymentMethod] {
            draft.refresh_cell(field.index());
        }
        draft
    }

    pub fn id(&self) -> RowId {
        self.id
    }

    /// The text shown in a cell: the user's for editable columns, the server's otherwise
    /// (a date written out from its digits, see [`crate::core::stamp::Stamp`]).
    pub fn text(&self, field: Field) -> Cow<'_, str> {
        if field.is_editable() {
            return self.cell(field.index());
        }
        let original = self.baseline.record();
        let (stamp, text) = match field {
            Field::EntryDate => (original.and_then(|r| r.entry_date.as_ref()), None),
            Field::EntryUser => (None, original.and_then(|r| r.entry_user.as_deref())),
            Field::UpdateDate => (original.and_then(|r| r.update_date.as_ref()), None),
            Field::UpdateUser => (None, original.and_then(|r| r.update_user.as_deref())),
            _ => (None, None),
        };
        match stamp {
            Some(stamp) => stamp.as_text(),
            None => Cow::Borrowed(text.unwrap_or("")),
        }
    }

    /// The editable cells' texts.
    pub fn cells(&self) -> Cow<'_, Cells> {
        match (&self.cells, self.baseline.record()) {
            (Some(cells), _) => Cow::Borrowed(cells),
            (None, Some(record)) => Cow::Owned(record_cells(record)),
            (None, None) => Cow::Owned(Cells::default()),
        }
    }

    /// One editable cell's text (by its place in [`Field::EDITABLE`]).
    fn cell(&self, index: usize) -> Cow<'_, str> {
        match (&self.cells, self.baseline.record()) {
            (Some(cells), _) => Cow::Borrowed(&cells[index]),
            (None, Some(record)) => record_cell(record, index),
            (None, None) => Cow::Borrowed(""),
        }
    }

    /// The texts, made the row's own to be changed. The cell `replaced`, about to be
    /// overwritten, is not written from the record first (an amount written out only to
    /// be replaced was a tenth of a 100,000-row import).
    fn cells_mut(&mut self, replaced: Option<usize>) -> &mut Cells {
        let baseline = &self.baseline;
        self.cells.get_or_insert_with(|| {
            Box::new(match baseline.record() {
                Some(record) => std::array::from_fn(|i| {
                    if replaced == Some(i) {
                        CellText::default()
                    } else {
                        record_cell(record, i).into()
                    }
                }),
                None => Cells::default(),
            })
        })
    }

    /// Lets go of the texts when they are what the baseline's record writes (see `cells`).
    pub(super) fn settle_cells(&mut self) {
        let Some(record) = self.baseline.record() else {
            return;
        };
        // A number's text is written out only when it reads as the record's number: what
        // the record writes reads back as it (the loaded-row property test), so a text that
        // reads otherwise differs (an import's new amounts are not formatted to tell).
        let differs = |cells: &Cells, i: usize| match i {
            0 => validate::parse_key(&cells[0]).ok() != Some(record.key),
            1 => validate::parse_amount(&cells[1]).ok() != Some(record.amount),
            _ => false,
        } || cells[i] != *record_cell(record, i);
        if let Some(cells) = &self.cells
            && ![2, 3, 1, 0].into_iter().any(|i| differs(cells, i))
        {
            self.cells = None;
        }
    }

    /// Replaces the baseline, the texts kept as they are: made the row's own first, let go
    /// again if the new record writes them.
    fn set_baseline(&mut self, baseline: Baseline) {
        self.cells_mut(None);
        self.baseline = baseline;
        self.settle_cells();
    }

    /// Replaces an editable cell's text (read-only fields are ignored and report no change).
    /// Returns the key change when the key cell now reads differently.
    pub fn set_text(&mut self, field: Field, text: impl Into<CellText>) -> Option<KeyChange> {
        self.set_texts([(field, text.into())])
    }

    /// Replaces several cells at once (a pasted row), checking each once.
    pub fn set_texts(
        &mut self,
        edits: impl IntoIterator<Item = (Field, CellText)>,
    ) -> Option<KeyChange> {
        let before = self.key();
        let mut edited = false;
        for (field, text) in edits {
            if field.is_editable() {
                self.cells_mut(Some(field.index()))[field.index()] = text;
                self.refresh_cell(field.index());
                edited = true;
            }
        }
        if edited {
            self.settle_cells();
            self.outcome_current = false;
            self.edited_in_flight |= self.pending;
            self.refresh_changed();
        }
        (before != self.key()).then_some(KeyChange {
            before,
            after: self.key(),
        })
    }

    /// The key, when the key cell reads as one.
    pub fn key(&self) -> Option<i32> {
        self.has_key.then_some(self.key)
    }

    fn set_key(&mut self, key: Option<i32>) {
        (self.key, self.has_key) = (key.unwrap_or(0), key.is_some());
    }

    /// The amount the amount cell reads as, if it reads: `validate::parse_amount` of its
    /// text, without writing the text out for a row that holds none (its record's amount is
    /// what that text reads back as).
    pub fn amount(&self) -> Option<f64> {
        match (&self.cells, self.baseline.record()) {
            (None, Some(record)) => Some(record.amount),
            _ => validate::parse_amount(&self.cell(Field::Amount.index())).ok(),
        }
    }

    pub fn set_duplicate_key(&mut self, duplicate: bool) {
        self.duplicate_key = duplicate;
    }

    /// The problem shown beside a cell, if any.
    pub fn problem(&self, field: Field) -> Option<Problem> {
        if field == Field::Key
            && self.duplicate_key
            && self.problems.get(0).is_none()
            && let Some(key) = self.key()
        {
            return Some(Problem::new(field, ProblemKind::DuplicateKey(key)));
        }
        let kind = self.problems.get(field.index())?.clone();
        Some(Problem::new(field, kind))
    }

    pub fn problems(&self) -> impl Iterator<Item = Problem> + '_ {
        Field::EDITABLE.into_iter().filter_map(|f| self.problem(f))
    }

    /// How many cells have a problem: `problems().count()` without building them (the
    /// summary counts every row of a 100,000-row load).
    pub fn problem_count(&self) -> usize {
        let duplicate = self.duplicate_key && self.problems.get(0).is_none() && self.has_key;
        self.problems.count() + usize::from(duplicate)
    }

    pub fn has_problems(&self) -> bool {
        self.duplicate_key || self.problems.count() > 0
    }

    /// Whether the row has something to send: its values differ from what the server is
    /// known to hold (always true for new rows and for rows whose baseline is unknown).
    pub fn is_changed(&self) -> bool {
        self.changed
    }

    /// The last record known to be on the server for this row (its audit columns).
    pub fn original(&self) -> Option<&Tolerance> {
        self.baseline.record()
    }

    pub fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    /// The conflict waiting for the user's choice, if a read found one.
    pub fn conflict(&self) -> Option<&Conflict> {
        self.conflict.as_deref()
    }

    /// Sets the conflict (the user chose, or undo took the choice back); returns the one it
    /// replaces.
    pub fn replace_conflict(&mut self, conflict: Option<Box<Conflict>>) -> Option<Box<Conflict>> {
        std::mem::replace(&mut self.conflict, conflict)
    }

    /// The last submit's outcome for this row, kept after edits so the message stays visible.
    pub fn outcome(&self) -> Option<&RowOutcome> {
        self.outcome.as_deref()
    }

    pub fn state(&self) -> RowState {
        if self.pending {
            return RowState::Pending;
        }
        // Until the user chooses, whatever its cells: only cells that equal the server's
        // record read otherwise (it holds exactly them).
        if self.conflict.is_some() && self.changed {
            return RowState::Conflict;
        }
        if self.has_problems() {
            return RowState::Invalid;
        }
        if let (Some(outcome), true) = (&self.outcome, self.outcome_current) {
            match outcome.kind {
                OutcomeKind::Failed => return RowState::Failed,
                OutcomeKind::Unconfirmed => return RowState::Unconfirmed,
                OutcomeKind::Created if !self.changed => return RowState::Created,
                OutcomeKind::Updated if !self.changed => return RowState::Updated,
                _ => {}
            }
        }
        match (&self.baseline, self.changed) {
            (Baseline::Absent, _) => RowState::New,
            (Baseline::Known(_), false) => RowState::Clean,
            (Baseline::Known(_), true) | (Baseline::Unknown { .. }, _) => RowState::Modified,
        }
    }

    /// New, changed, failed and unconfirmed rows without problems are sent on Submit; a
    /// conflict only once the user chose.
    pub fn needs_sending(&self) -> bool {
        !self.pending
            && self.conflict.is_none()
            && !self.has_problems()
            && (self.changed
                || (self.outcome_current
                    && self.outcome.as_ref().is_some_and(|o| !o.kind.is_saved())))
    }

    /// The record to send: the cells parsed, the server-set fields as last loaded.
    pub fn to_record(&self) -> Result<Tolerance, Problem> {
        if let Some(problem) = self.problems().next() {
            return Err(problem);
        }
        let parse = |field: Field| {
            field
                .column()
                .parse(&self.cell(field.index()))
                .map_err(|kind| Problem::new(field, kind))
        };
        // Without a problem the key cell reads as `key` (kept as each edit checked it).
        let (Some(key), CellValue::Amount(amount)) = (self.key(), parse(Field::Amount)?) else {
            return Err(Problem::new(Field::Key, ProblemKind::NotANumber));
        };
        let text = |field: Field| match parse(field) {
            Ok(CellValue::Text(text)) => Ok(text),
            Ok(_) => Ok(None),
            Err(problem) => Err(problem),
        };
        // The server's stamps belong to the record with that key: a row whose key was
        // changed is another record, so it goes without them.
        let base = self.baseline.record().filter(|r| r.key == key);
        Ok(Tolerance {
            key,
            amount,
            group_id: text(Field::GroupId)?,
            payment_method: text(Field::PaymentMethod)?,
            entry_date: base.and_then(|r| r.entry_date.clone()),
            entry_user: base.and_then(|r| r.entry_user.clone()),
            update_date: base.and_then(|r| r.update_date.clone()),
            update_user: base.and_then(|r| r.update_user.clone()),
        })
    }

    /// Puts back the server's values (a new row becomes empty).
    pub fn revert(&mut self) {
        self.cells = match self.baseline.record() {
            Some(_) => None,
            None => Some(Box::default()),
        };
        self.outcome_current = false;
        self.edited_in_flight |= self.pending;
        self.refresh();
    }

    fn refresh(&mut self) {
        for i in 0..EDITABLE_COUNT {
            self.refresh_cell(i);
        }
        self.refresh_changed();
    }

    /// Re-checks one cell: an edit costs one cell's check, not the row's.
    fn refresh_cell(&mut self, index: usize) {
        if index == 0 {
            let key = validate::parse_key(&self.cell(0));
            self.problems.set(0, key.as_ref().err().cloned());
            self.set_key(key.ok());
        } else {
            let column = Field::EDITABLE[index].column();
            self.problems
                .set(index, column.check(&self.cell(index)).err());
        }
    }

    fn refresh_changed(&mut self) {
        self.changed = self.differs_from_baseline();
    }

    /// Whether the cells hold something the server is not known to hold.
    fn differs_from_baseline(&self) -> bool {
        match &self.baseline {
            Baseline::Known(record) => !self.same_values_as(record),
            Baseline::Absent | Baseline::Unknown { .. } => true,
        }
    }

    /// Compares what the cells mean, not their text: "5.00" equals 5.
    fn same_values_as(&self, record: &Tolerance) -> bool {
        self.key() == Some(record.key)
            && Field::EDITABLE[1..]
                .iter()
                .all(|field| cell_means(*field, &self.cell(field.index()), record))
    }
}

/// Whether two records hold the same values (the server's stamps aside).
fn same_values(a: &Tolerance, b: &Tolerance) -> bool {
    (a.key, a.amount, &a.group_id, &a.payment_method)
        == (b.key, b.amount, &b.group_id, &b.payment_method)
}

/// An amount as a spreadsheet shows money: at least two decimals ("5.00", "0.50"), more
/// only when the value has them ("0.125"), never rounded.
pub fn amount_text(amount: f64) -> String {
    let mut text = plain_decimal(amount);
    match text.find('.') {
        None => text.push_str(".00"),
        Some(dot) if text.len() - dot == 2 => text.push('0'),
        Some(_) => {}
    }
    text
}

/// A number as `f64`'s `Display` writes it: the fewest digits that read back as the same
/// value, never an exponent. Built on `zmij`, which serde_json already carries, so the app
/// needs none of core's float formatting (some 15 KB of wasm). Where two shortest texts are
/// equally near (rare: 17 significant digits), `zmij` may pick the other one; both read back.
pub fn plain_decimal(value: f64) -> String {
    if !value.is_finite() {
        return zmij::Buffer::new().format(value).to_string();
    }
    let mut buffer = zmij::Buffer::new();
    let written = buffer.format_finite(value);
    let (negative, unsigned) = match written.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, written),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().unwrap_or(0)),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = [whole, fraction].concat();
    // Where the decimal point falls in `digits`.
    let point = whole.len() as i32 + exponent;
    let mut text = String::with_capacity(digits.len() + 8);
    if negative {
        text.push('-');
    }
    if point <= 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        text.push_str(&digits);
    } else if point as usize >= digits.len() {
        text.push_str(&digits);
        text.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        let (int, frac) = digits.split_at(point as usize);
        text.push_str(int);
        text.push('.');
        text.push_str(frac);
    }
    // Display writes no trailing zeros after the point, nor a point with nothing after it.
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(trimmed);
    }
    text
}

/// One of a record's values as its cell shows it: the key, the amount (see
/// [`amount_text`]), the group and the payment method, by place in [`Field::EDITABLE`].
fn record_cell(record: &Tolerance, index: usize) -> Cow<'_, str> {
    match index {
        0 => Cow::Owned(record.key.to_string()),
        1 => Cow::Owned(amount_text(record.amount)),
        2 => Cow::Borrowed(record.group_id.as_deref().unwrap_or("")),
        _ => Cow::Borrowed(record.payment_method.as_deref().unwrap_or("")),
    }
}

impl Serialize for RowDraft {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        stored::SavedRow::of(self).serialize(serializer)
    }
}

/// A record's values as the cells show them.
pub fn record_cells(record: &Tolerance) -> Cells {
    std::array::from_fn(|i| record_cell(record, i).into())
}

/// The rows a Submit sends, with the record for each, in table order.
pub fn rows_to_send<'a>(rows: impl IntoIterator<Item = &'a RowDraft>) -> Vec<(RowId, Tolerance)> {
    rows.into_iter()
        .filter(|row| row.needs_sending())
        .filter_map(|row| Some((row.id, row.to_record().ok()?)))
        .collect()
}

#[path = "draft_server.rs"]
mod server;
#[path = "draft_stored.rs"]
mod stored;

#[cfg(test)]
#[path = "draft_tests.rs"]
mod tests;
