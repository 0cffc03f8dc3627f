//! Keeps the table in the browser's IndexedDB, per database, so a reload or a crash loses
//! nothing. IndexedDB rather than localStorage: a 100,000-row draft is tens of megabytes,
//! past localStorage's few. What is stored: rows, their text, states and last outcomes. No
//! token, no password, no API key.
//!
//! A draft is kept in parts of [`CHUNK_ROWS`] rows under a small manifest. Each save is a
//! *version*: the parts it writes are new records under its own version's keys
//! (`v3:DATABASE:VERSION:00042` → rows 42,000 to 42,999), never written over the parts the
//! manifest in place names; the manifest (`v3:DATABASE` → when, how many rows, and the
//! version holding each part) is written last, in the same transaction. Parts no save
//! changed are not written again: the new manifest names the older version's. Only once the
//! new manifest is committed are the parts no manifest names any more removed. So whenever
//! the page goes away (reload, crash, closed tab), the manifest names parts that are all
//! there: the draft before the save or the draft after it, never neither. Parts a closed tab
//! left behind are removed when the draft is next read. One connection is opened per page
//! and kept.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbKeyRange, IdbTransactionMode};

use crate::core::draft::RowDraft;
use crate::core::planner::Millis;
use crate::editor::idb::{refused, settled, transaction};

/// Bumped when the saved shape changes. Older drafts (`v2`: parts written in place; `v1`: the
/// whole draft as one record) are still read, and replaced by the first save.
const FORMAT: &str = "v3";
const FORMAT_V2: &str = "v2";
const FORMAT_V1: &str = "v1";
/// Rows per stored part: small enough that a keystroke's save is quick, large enough that a
/// 100,000-row draft is a hundred records.
pub const CHUNK_ROWS: usize = 1000;

#[derive(Debug, Clone, Deserialize)]
pub struct SavedDraft {
    /// When it was saved (ms since the epoch).
    pub saved_at: Millis,
    pub rows: Vec<RowDraft>,
}

/// What `v3:DATABASE` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    saved_at: Millis,
    rows: usize,
    /// The version that wrote each part, in row order.
    parts: Vec<u64>,
}

/// What `v2:DATABASE` held: its parts were `v2:DATABASE:00042`, written in place.
#[derive(Debug, Clone, Copy, Deserialize)]
struct ManifestV2 {
    saved_at: Millis,
    rows: usize,
    chunks: usize,
}

/// What a database's draft is stored as now: what the next save can keep and must replace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    rows: usize,
    /// The version holding each part (empty: no `v3` draft).
    parts: Vec<u64>,
    /// The draft was read from an older format: `Some(parts)` of a `v2` draft (0 for `v1`),
    /// removed once a `v3` manifest replaces it.
    older: Option<usize>,
}

impl Stored {
    /// Whether the draft was read from an older format (the first save writes it anew).
    pub fn is_older_format(&self) -> bool {
        self.older.is_some()
    }

    /// Whether a table of `rows` rows with no row changed since is stored as it is.
    pub fn holds_unchanged(&self, rows: usize) -> bool {
        self.older.is_none() && self.rows == rows && self.parts.len() == rows.div_ceil(CHUNK_ROWS)
    }

    fn latest_version(&self) -> u64 {
        self.parts.iter().copied().max().unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("this browser does not allow keeping a draft (IndexedDB is unavailable)")]
    Unavailable,
    #[error("the browser refused to store the draft: {0}")]
    Refused(String),
    #[error(
        "the saved draft could not be read ({reason}); it is kept aside in this browser as \"{kept_as}\""
    )]
    Unreadable { reason: String, kept_as: String },
}

/// One save: the manifest of a new version and the parts it writes, made from the table
/// part by part ([`DraftUpdate::make_next_part`], a millisecond or two each) so a
/// 100,000-row save can be spread over slices between which the browser handles input
/// (`draft_keeper`), then handed to [`save_parts`] and [`save`]. Each part's text is handed
/// to JavaScript as soon as it is made, so a 100,000-row save does not hold tens of
/// megabytes of JSON in the wasm memory (which never shrinks) at once.
#[derive(Debug, Clone)]
pub struct DraftUpdate {
    manifest: Manifest,
    version: u64,
    /// Parts still to make, last first.
    to_make: Vec<usize>,
    /// Parts made and not written yet.
    made: Vec<(usize, JsValue)>,
    /// Parts of earlier versions the new manifest no longer names, and an older format's.
    replaced: Vec<String>,
}

impl DraftUpdate {
    /// A new version of the draft for a table of `rows` rows, over what is `stored`, with
    /// no part made yet: the parts in `changed` (part numbers; those past the end are
    /// skipped) are to be written, and so is every part the stored draft cannot supply
    /// (past its end, or holding a different number of rows), so the manifest never names a
    /// part that is not there.
    pub fn plan(
        database: &str,
        saved_at: Millis,
        rows: usize,
        changed: impl IntoIterator<Item = usize>,
        stored: &Stored,
    ) -> Self {
        let count = Self::chunk_count(rows);
        let version = saved_at.max(stored.latest_version() + 1);
        // Parts from the first one whose rows differ in number are all new.
        let kept = if stored.rows == rows {
            stored.parts.len().min(count)
        } else {
            (stored.rows.min(rows) / CHUNK_ROWS).min(stored.parts.len())
        };
        let mut parts: Vec<u64> = stored.parts[..kept].to_vec();
        parts.resize(count, version);
        for chunk in changed.into_iter().filter(|c| *c < count) {
            parts[chunk] = version;
        }
        let to_make = (0..count).rev().filter(|c| parts[*c] == version).collect();
        let mut replaced: Vec<String> = stored
            .parts
            .iter()
            .enumerate()
            .filter(|(chunk, old)| parts.get(*chunk) != Some(old))
            .map(|(chunk, old)| part_key(database, *old, chunk))
            .collect();
        if let Some(older) = stored.older {
            replaced.push(v2_manifest_key(database));
            replaced.extend((0..older).map(|chunk| v2_part_key(database, chunk)));
            replaced.push(v1_key(database));
        }
        DraftUpdate {
            manifest: Manifest {
                saved_at,
                rows,
                parts,
            },
            version,
            to_make,
            made: Vec::new(),
            replaced,
        }
    }

    /// [`Self::plan`] for `rows`, with every part made now.
    pub fn of(
        database: &str,
        saved_at: Millis,
        rows: &[RowDraft],
        changed: impl IntoIterator<Item = usize>,
        stored: &Stored,
    ) -> Result<Self, DraftError> {
        let mut update = Self::plan(database, saved_at, rows.len(), changed, stored);
        while update.make_next_part(rows)? {}
        Ok(update)
    }

    /// Makes the next part from `rows`, the table the update was planned for; answers
    /// whether there was one to make.
    pub fn make_next_part(&mut self, rows: &[RowDraft]) -> Result<bool, DraftError> {
        let Some(chunk) = self.to_make.last().copied() else {
            return Ok(false);
        };
        let part = (rows.len() == self.manifest.rows)
            .then(|| rows.get(chunk_range(chunk, rows.len())))
            .flatten()
            .ok_or_else(|| DraftError::Refused("the table changed while it was saved".into()))?;
        let text =
            serde_json::to_string(part).map_err(|err| DraftError::Refused(err.to_string()))?;
        self.to_make.pop();
        self.made.push((chunk, JsValue::from_str(&text)));
        Ok(true)
    }

    /// How many parts are still to be made.
    pub fn parts_left(&self) -> usize {
        self.to_make.len()
    }

    /// How many parts the table it was made from has.
    pub fn chunks(&self) -> usize {
        self.manifest.parts.len()
    }

    /// How many parts it writes.
    pub fn written(&self) -> usize {
        self.manifest
            .parts
            .iter()
            .filter(|v| **v == self.version)
            .count()
    }

    /// How many parts a table of `rows` rows has.
    pub fn chunk_count(rows: usize) -> usize {
        rows.div_ceil(CHUNK_ROWS)
    }

    /// What is stored once it is saved.
    fn stored(&self) -> Stored {
        Stored {
            rows: self.manifest.rows,
            parts: self.manifest.parts.clone(),
            older: None,
        }
    }
}

fn chunk_range(chunk: usize, rows: usize) -> Range<usize> {
    chunk * CHUNK_ROWS..((chunk + 1) * CHUNK_ROWS).min(rows)
}

fn manifest_key(database: &str) -> String {
    format!("{FORMAT}:{database}")
}

fn part_key(database: &str, version: u64, chunk: usize) -> String {
    format!("{FORMAT}:{database}:{version}:{chunk:05}")
}

/// The version and part number of a key that is one of `database`'s parts. A database
/// whose name goes on with `:` has keys with more fields after this one's prefix, so they
/// are never taken for this one's.
fn parse_part_key(database: &str, key: &str) -> Option<(u64, usize)> {
    let rest = key
        .strip_prefix(&manifest_key(database))?
        .strip_prefix(':')?;
    let (version, chunk) = rest.split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(version) && digits(chunk)).then_some((version.parse().ok()?, chunk.parse().ok()?))
}

fn v2_manifest_key(database: &str) -> String {
    format!("{FORMAT_V2}:{database}")
}

fn v2_part_key(database: &str, chunk: usize) -> String {
    format!("{FORMAT_V2}:{database}:{chunk:05}")
}

fn v1_key(database: &str) -> String {
    format!("{FORMAT_V1}:{database}")
}

fn key(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// Writes the parts of `update` made so far, in one transaction, without its manifest:
/// until [`save`] writes that, no read takes them (and the next read removes them if the
/// page went away first).
pub async fn save_parts(database: &str, update: &mut DraftUpdate) -> Result<(), DraftError> {
    let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
    put_parts(&store, database, update)?;
    commit_now(&store);
    done.await
}

/// Asks for the transaction to be committed now rather than once the page has run the
/// requests' callbacks: a long task right after (a big paste being parsed) does not hold
/// the draft back from the disk. Browsers without `commit()` commit as before.
// web-sys marks `commit()` deprecated, but it is IndexedDB 3.0 (Chromium 76, Firefox 74,
// Safari 15).
#[allow(deprecated)]
fn commit_now(store: &web_sys::IdbObjectStore) {
    let _ = store.transaction().commit();
}

fn put_parts(
    store: &web_sys::IdbObjectStore,
    database: &str,
    update: &mut DraftUpdate,
) -> Result<(), DraftError> {
    for (chunk, text) in update.made.drain(..) {
        store
            .put_with_key(&text, &key(&part_key(database, update.version, chunk)))
            .map_err(refused)?;
    }
    Ok(())
}

/// Writes a new version of the draft: the parts not written yet, then the manifest that
/// names them, in one transaction; once that is committed, removes the parts it replaced (a
/// second transaction: if the page goes away before it, they are left over and removed at
/// the next read). Every part must be made. Answers what is stored now.
pub async fn save(database: &str, mut update: DraftUpdate) -> Result<Stored, DraftError> {
    if update.parts_left() > 0 {
        return Err(DraftError::Refused(
            "a part of the draft was not made".into(),
        ));
    }
    let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
    put_parts(&store, database, &mut update)?;
    let manifest = serde_json::to_string(&update.manifest)
        .map_err(|err| DraftError::Refused(err.to_string()))?;
    store
        .put_with_key(&key(&manifest), &key(&manifest_key(database)))
        .map_err(refused)?;
    commit_now(&store);
    done.await?;
    let stored = update.stored();
    if !update.replaced.is_empty() {
        remove(&update.replaced).await?;
    }
    Ok(stored)
}

async fn remove(keys: &[String]) -> Result<(), DraftError> {
    let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
    for old in keys {
        store.delete(&key(old)).map_err(refused)?;
    }
    done.await
}

/// The keys of every `v3` part of `database` in the store, with their version and number.
async fn parts_on_record(database: &str) -> Result<Vec<(String, u64, usize)>, DraftError> {
    let prefix = format!("{}:", manifest_key(database));
    // `;` follows `:`: the range holds exactly the keys that start with the prefix.
    let end = format!("{};", manifest_key(database));
    let range = IdbKeyRange::bound(&key(&prefix), &key(&end)).map_err(refused)?;
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let keys = settled(&store.get_all_keys_with_key(&range).map_err(refused)?).await?;
    let keys: js_sys::Array = keys.dyn_into().map_err(refused)?;
    Ok(keys
        .iter()
        .filter_map(|k| k.as_string())
        .filter_map(|k| parse_part_key(database, &k).map(|(v, c)| (k, v, c)))
        .collect())
}

/// The saved draft for `database`, if there is one, and what it is stored as. A draft that
/// no longer reads (say, from an older version of the app) is not lost: its records are
/// moved aside under other keys and the error says so.
pub async fn load(database: &str) -> Result<Option<(SavedDraft, Stored)>, DraftError> {
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let requests = [
        manifest_key(database),
        v2_manifest_key(database),
        v1_key(database),
    ]
    .map(|k| store.get(&key(&k)).map_err(refused));
    let mut texts = Vec::with_capacity(3);
    for request in requests {
        texts.push(settled(&request?).await?.as_string());
    }
    let [v3, v2, v1]: [Option<String>; 3] = texts.try_into().unwrap_or_default();
    let v2_manifest = v2.as_deref().map(serde_json::from_str::<ManifestV2>);
    let older_parts = match &v2_manifest {
        Some(Ok(manifest)) => Some(manifest.chunks),
        _ => v1.as_ref().map(|_| 0),
    };
    if let Some(text) = v3 {
        let manifest: Manifest = match serde_json::from_str(&text) {
            Ok(manifest) => manifest,
            Err(err) => {
                let records = vec![(manifest_key(database), key(&text))];
                return Err(keep_aside(database, records, err.to_string()).await);
            }
        };
        let keys = (manifest.parts.iter().enumerate())
            .map(|(chunk, version)| part_key(database, *version, chunk))
            .collect();
        let rows = read_parts(
            database,
            (manifest_key(database), text),
            keys,
            manifest.rows,
        )
        .await?;
        sweep(database, &manifest.parts).await;
        let stored = Stored {
            rows: manifest.rows,
            parts: manifest.parts,
            older: older_parts,
        };
        let draft = SavedDraft {
            saved_at: manifest.saved_at,
            rows,
        };
        return Ok(Some((draft, stored)));
    }
    let older = Stored {
        older: older_parts,
        ..Stored::default()
    };
    if let (Some(text), Some(manifest)) = (v2, v2_manifest) {
        let manifest = match manifest {
            Ok(manifest) => manifest,
            Err(err) => {
                let records = vec![(v2_manifest_key(database), key(&text))];
                return Err(keep_aside(database, records, err.to_string()).await);
            }
        };
        let keys = (0..manifest.chunks)
            .map(|chunk| v2_part_key(database, chunk))
            .collect();
        let manifest_record = (v2_manifest_key(database), text);
        let rows = read_parts(database, manifest_record, keys, manifest.rows).await?;
        let draft = SavedDraft {
            saved_at: manifest.saved_at,
            rows,
        };
        return Ok(Some((draft, older)));
    }
    match v1 {
        None => Ok(None),
        Some(text) => match serde_json::from_str::<SavedDraft>(&text) {
            Ok(draft) => Ok(Some((draft, older))),
            Err(err) => {
                let records = vec![(v1_key(database), key(&text))];
                Err(keep_aside(database, records, err.to_string()).await)
            }
        },
    }
}

/// Reads the parts named `keys` into rows; a part missing or unreadable, or a count of rows
/// other than `expected`, moves the manifest and the parts aside and says so.
async fn read_parts(
    database: &str,
    (manifest_key, manifest_text): (String, String),
    keys: Vec<String>,
    expected: usize,
) -> Result<Vec<RowDraft>, DraftError> {
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let requests = keys
        .iter()
        .map(|k| store.get(&key(k)).map_err(refused))
        .collect::<Result<Vec<_>, _>>()?;
    // Each part is read into the wasm memory, parsed and dropped before the next.
    let mut texts = Vec::with_capacity(requests.len());
    let mut rows = Vec::with_capacity(expected);
    let mut broken = None;
    for (chunk, request) in requests.iter().enumerate() {
        let text = settled(request).await?;
        if broken.is_none() {
            let parsed = text
                .as_string()
                .map(|text| serde_json::from_str::<Vec<RowDraft>>(&text));
            match parsed {
                Some(Ok(part)) => rows.extend(part),
                Some(Err(err)) => broken = Some(format!("part {chunk}: {err}")),
                None => broken = Some(format!("part {chunk} is missing")),
            }
        }
        texts.push(text);
    }
    if broken.is_none() && rows.len() != expected {
        broken = Some(format!("{} of its {expected} rows were found", rows.len()));
    }
    let Some(reason) = broken else {
        return Ok(rows);
    };
    let mut records = vec![(manifest_key, key(&manifest_text))];
    records.extend(
        keys.into_iter()
            .zip(texts)
            .filter(|(_, text)| !text.is_undefined()),
    );
    Err(keep_aside(database, records, reason).await)
}

/// Removes the parts of `database` that the manifest in place (naming `parts`) does not name:
/// left by a save whose page went away before it removed what it replaced. Best effort: what
/// is left is tried again at the next read.
async fn sweep(database: &str, parts: &[u64]) {
    let Ok(on_record) = parts_on_record(database).await else {
        return;
    };
    let left: Vec<String> = on_record
        .into_iter()
        .filter(|(_, version, chunk)| parts.get(*chunk) != Some(version))
        .map(|(k, _, _)| k)
        .collect();
    if !left.is_empty() {
        let _ = remove(&left).await;
    }
}

/// Moves unreadable records under `unreadable:DATABASE:TIME…` and answers the error.
async fn keep_aside(database: &str, records: Vec<(String, JsValue)>, reason: String) -> DraftError {
    let aside = format!("unreadable:{database}:{}", js_sys::Date::now() as u64);
    let moved = async {
        let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
        for (i, (old, text)) in records.iter().enumerate() {
            let name = if i == 0 {
                aside.clone()
            } else {
                format!("{aside}:{i:05}")
            };
            store.put_with_key(text, &key(&name)).map_err(refused)?;
            store.delete(&key(old)).map_err(refused)?;
        }
        done.await
    };
    match moved.await {
        Ok(()) => DraftError::Unreadable {
            reason,
            kept_as: aside,
        },
        Err(failed) => failed,
    }
}

/// Removes the draft for `database` in every format: manifests first, in one transaction
/// (the draft is gone at once), then every part.
pub async fn discard(database: &str) -> Result<(), DraftError> {
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let v2 = settled(
        &store
            .get(&key(&v2_manifest_key(database)))
            .map_err(refused)?,
    )
    .await?;
    let v2_parts = v2
        .as_string()
        .and_then(|text| serde_json::from_str::<ManifestV2>(&text).ok())
        .map_or(0, |m| m.chunks);
    remove(&[
        manifest_key(database),
        v2_manifest_key(database),
        v1_key(database),
    ])
    .await?;
    let mut parts: Vec<String> = (0..v2_parts)
        .map(|chunk| v2_part_key(database, chunk))
        .collect();
    parts.extend(
        parts_on_record(database)
            .await?
            .into_iter()
            .map(|(k, _, _)| k),
    );
    remove(&parts).await
}
