//! Keeps the table in the browser's IndexedDB, per database, so a reload or a crash loses
//! nothing. IndexedDB rather than localStorage: a 100,000-row draft is tens of megabytes,
//! past localStorage's few. What is stored: rows, their text, states and last outcomes. No
//! token, no password, no API key.
//!
//! The rows are kept in chunks of [`CHUNK_ROWS`], each its own record, under a small manifest
//! (`v2:DATABASE` → when, how many rows and chunks; `v2:DATABASE:00042` → rows 42,000 to
//! 42,999). A keystroke rewrites one chunk, not the whole table; a save writes its chunks and
//! the manifest in one transaction, so a draft is never half old, half new. One connection
//! is opened per page and kept.

use std::cell::RefCell;
use std::ops::Range;

use js_sys::Promise;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use crate::core::draft::RowDraft;
use crate::core::planner::Millis;

const DB_NAME: &str = "tolerance-editor";
const DB_VERSION: u32 = 1;
const STORE: &str = "drafts";
/// Bumped when the saved shape changes. `v1` (the whole draft as one record) is still read.
const FORMAT: &str = "v2";
const LEGACY_FORMAT: &str = "v1";
/// Rows per stored chunk: small enough that a keystroke's save is quick, large enough that a
/// 100,000-row draft is a hundred records.
pub const CHUNK_ROWS: usize = 1000;

#[derive(Debug, Clone, Deserialize)]
pub struct SavedDraft {
    /// When it was saved (ms since the epoch).
    pub saved_at: Millis,
    pub rows: Vec<RowDraft>,
}

/// What `v2:DATABASE` holds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Manifest {
    saved_at: Millis,
    rows: usize,
    chunks: usize,
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

/// The part of a draft to write: the chunks that changed, as text, made while the table is
/// borrowed (see [`DraftUpdate::of`]) and then handed to [`save`]. Each chunk's text is
/// handed to JavaScript as soon as it is made, so a 100,000-row save does not hold tens of
/// megabytes of JSON in the wasm memory (which never shrinks) at once.
#[derive(Debug, Clone)]
pub struct DraftUpdate {
    manifest: Manifest,
    chunks: Vec<(usize, JsValue)>,
}

impl DraftUpdate {
    /// The chunks of `rows` in `changed` (chunk numbers; those past the end are skipped),
    /// with the manifest for a table of `rows.len()` rows.
    pub fn of(
        saved_at: Millis,
        rows: &[RowDraft],
        changed: impl IntoIterator<Item = usize>,
    ) -> Result<Self, DraftError> {
        let count = Self::chunk_count(rows.len());
        let mut chunks = Vec::new();
        for chunk in changed.into_iter().filter(|c| *c < count) {
            let range = chunk_range(chunk, rows.len());
            let text = serde_json::to_string(&rows[range])
                .map_err(|err| DraftError::Refused(err.to_string()))?;
            chunks.push((chunk, JsValue::from_str(&text)));
        }
        Ok(DraftUpdate {
            manifest: Manifest {
                saved_at,
                rows: rows.len(),
                chunks: count,
            },
            chunks,
        })
    }

    /// How many chunks the table it was made from has.
    pub fn chunks(&self) -> usize {
        self.manifest.chunks
    }

    /// How many chunks a table of `rows` rows has.
    pub fn chunk_count(rows: usize) -> usize {
        rows.div_ceil(CHUNK_ROWS)
    }
}

fn chunk_range(chunk: usize, rows: usize) -> Range<usize> {
    chunk * CHUNK_ROWS..((chunk + 1) * CHUNK_ROWS).min(rows)
}

fn manifest_key(database: &str) -> JsValue {
    JsValue::from_str(&format!("{FORMAT}:{database}"))
}

fn chunk_key(database: &str, chunk: usize) -> JsValue {
    JsValue::from_str(&format!("{FORMAT}:{database}:{chunk:05}"))
}

fn legacy_key(database: &str) -> JsValue {
    JsValue::from_str(&format!("{LEGACY_FORMAT}:{database}"))
}

/// Writes the changed chunks and the manifest in one transaction; chunks past the table's
/// end (up to `stored_chunks`, what the draft had before) are removed, as is a draft in
/// the older one-record format.
pub async fn save(
    database: &str,
    update: DraftUpdate,
    stored_chunks: usize,
) -> Result<(), DraftError> {
    let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
    for (chunk, text) in &update.chunks {
        store
            .put_with_key(text, &chunk_key(database, *chunk))
            .map_err(refused)?;
    }
    for chunk in update.manifest.chunks..stored_chunks {
        store.delete(&chunk_key(database, chunk)).map_err(refused)?;
    }
    let manifest = serde_json::to_string(&update.manifest)
        .map_err(|err| DraftError::Refused(err.to_string()))?;
    store
        .put_with_key(&JsValue::from_str(&manifest), &manifest_key(database))
        .map_err(refused)?;
    store.delete(&legacy_key(database)).map_err(refused)?;
    done.await
}

/// The saved draft for `database`, if there is one, and how many chunks it is stored in. A
/// draft that no longer reads (say, from an older version of the app) is not lost: its
/// records are moved aside under other keys and the error says so.
pub async fn load(database: &str) -> Result<Option<(SavedDraft, usize)>, DraftError> {
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let manifest = store.get(&manifest_key(database)).map_err(refused)?;
    let legacy = store.get(&legacy_key(database)).map_err(refused)?;
    let manifest = settled(&manifest).await?.as_string();
    let legacy = settled(&legacy).await?.as_string();
    let Some(manifest_text) = manifest else {
        return match legacy {
            None => Ok(None),
            Some(text) => match serde_json::from_str::<SavedDraft>(&text) {
                Ok(draft) => Ok(Some((draft, 0))),
                Err(err) => {
                    let records = vec![(legacy_key(database), JsValue::from_str(&text))];
                    Err(keep_aside(database, records, err.to_string()).await)
                }
            },
        };
    };
    let manifest: Manifest = match serde_json::from_str(&manifest_text) {
        Ok(manifest) => manifest,
        Err(err) => {
            let records = vec![(manifest_key(database), JsValue::from_str(&manifest_text))];
            return Err(keep_aside(database, records, err.to_string()).await);
        }
    };
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let requests = (0..manifest.chunks)
        .map(|chunk| store.get(&chunk_key(database, chunk)).map_err(refused))
        .collect::<Result<Vec<_>, _>>()?;
    // Each chunk is read into the wasm memory, parsed and dropped before the next.
    let mut texts = Vec::with_capacity(requests.len());
    let mut rows = Vec::with_capacity(manifest.rows);
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
    if broken.is_none() && rows.len() != manifest.rows {
        broken = Some(format!(
            "{} of its {} rows were found",
            rows.len(),
            manifest.rows
        ));
    }
    if let Some(reason) = broken {
        let mut records = vec![(manifest_key(database), JsValue::from_str(&manifest_text))];
        records.extend(
            texts
                .into_iter()
                .enumerate()
                .filter(|(_, text)| !text.is_undefined())
                .map(|(chunk, text)| (chunk_key(database, chunk), text)),
        );
        return Err(keep_aside(database, records, reason).await);
    }
    let draft = SavedDraft {
        saved_at: manifest.saved_at,
        rows,
    };
    Ok(Some((draft, manifest.chunks)))
}

/// Moves unreadable records under `unreadable:DATABASE:TIME…` and answers the error.
async fn keep_aside(
    database: &str,
    records: Vec<(JsValue, JsValue)>,
    reason: String,
) -> DraftError {
    let aside = format!("unreadable:{database}:{}", js_sys::Date::now() as u64);
    let moved = async {
        let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
        for (i, (key, text)) in records.iter().enumerate() {
            let name = if i == 0 {
                aside.clone()
            } else {
                format!("{aside}:{i:05}")
            };
            store
                .put_with_key(text, &JsValue::from_str(&name))
                .map_err(refused)?;
            store.delete(key).map_err(refused)?;
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

/// Removes the draft for `database`: its manifest, its chunks, and an older one-record draft.
pub async fn discard(database: &str) -> Result<(), DraftError> {
    let (_, store) = transaction(IdbTransactionMode::Readonly).await?;
    let manifest = settled(&store.get(&manifest_key(database)).map_err(refused)?).await?;
    let chunks = manifest
        .as_string()
        .and_then(|text| serde_json::from_str::<Manifest>(&text).ok())
        .map_or(0, |m| m.chunks);
    let (done, store) = transaction(IdbTransactionMode::Readwrite).await?;
    store.delete(&manifest_key(database)).map_err(refused)?;
    store.delete(&legacy_key(database)).map_err(refused)?;
    for chunk in 0..chunks {
        store.delete(&chunk_key(database, chunk)).map_err(refused)?;
    }
    done.await
}

fn refused(err: JsValue) -> DraftError {
    DraftError::Refused(format!("{err:?}"))
}

thread_local! {
    /// The page's one connection, opened on first use.
    static CONNECTION: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

async fn connection() -> Result<IdbDatabase, DraftError> {
    if let Some(database) = CONNECTION.with_borrow(Clone::clone) {
        return Ok(database);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(DraftError::Unavailable)?;
    let open: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(refused)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let database = event
            .target()
            .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
            .and_then(|r| r.result().ok())
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
        if let Some(database) = database
            && !database.object_store_names().contains(STORE)
        {
            let _ = database.create_object_store(STORE);
        }
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = settled(&open).await;
    open.set_onupgradeneeded(None);
    drop(upgrade);
    let database: IdbDatabase = opened?.unchecked_into();
    // Another tab upgrading the database asks this one to let go; the next use reopens.
    let closing = database.clone();
    let on_version_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        closing.close();
        CONNECTION.set(None);
    });
    database.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    // Lives as long as the connection it listens to, which is the page's.
    on_version_change.forget();
    CONNECTION.set(Some(database.clone()));
    Ok(database)
}

/// A transaction on the drafts store, and a future that resolves once it is committed.
async fn transaction(
    mode: IdbTransactionMode,
) -> Result<
    (
        impl std::future::Future<Output = Result<(), DraftError>>,
        IdbObjectStore,
    ),
    DraftError,
> {
    let database = connection().await?;
    let transaction = match database.transaction_with_str_and_mode(STORE, mode) {
        Ok(transaction) => transaction,
        Err(_) => {
            // The connection was closed under us (another tab): open a fresh one once.
            CONNECTION.set(None);
            connection()
                .await?
                .transaction_with_str_and_mode(STORE, mode)
                .map_err(refused)?
        }
    };
    let store = transaction.object_store(STORE).map_err(refused)?;
    let (complete, failed) = (transaction.clone(), transaction);
    let done = Outcome::listen(
        move |on| complete.set_oncomplete(on),
        move |on| {
            failed.set_onerror(on);
            failed.set_onabort(on);
        },
        |_| JsValue::UNDEFINED,
        |_| "the transaction failed or was aborted".into(),
    );
    Ok((async move { done.await.map(drop) }, store))
}

/// Resolves with the request's result once it succeeds, or its error once it fails.
async fn settled(request: &IdbRequest) -> Result<JsValue, DraftError> {
    let (ok, failed) = (request.clone(), request.clone());
    let (on_success, on_error) = (request.clone(), request.clone());
    Outcome::listen(
        move |on| on_success.set_onsuccess(on),
        move |on| on_error.set_onerror(on),
        move |_| ok.result().unwrap_or(JsValue::UNDEFINED),
        move |_| {
            failed
                .error()
                .ok()
                .flatten()
                .map(|e| e.message())
                .unwrap_or_else(|| "the request failed".into())
        },
    )
    .await
}

/// A success-or-failure event pair as a future. The handlers are removed and their closures
/// dropped once it settles or is dropped, so nothing is left behind per request.
struct Outcome;

type Handler = Closure<dyn FnMut(web_sys::Event)>;
type Setter = Box<dyn Fn(Option<&js_sys::Function>)>;

/// Owns the two closures while they are set as handlers; unsets them before dropping them.
struct Listening {
    handlers: [(Setter, Handler); 2],
}

impl Drop for Listening {
    fn drop(&mut self) {
        for (set, _) in &self.handlers {
            set(None);
        }
    }
}

impl Outcome {
    fn listen(
        set_success: impl Fn(Option<&js_sys::Function>) + 'static,
        set_failure: impl Fn(Option<&js_sys::Function>) + 'static,
        success: impl FnOnce(&web_sys::Event) -> JsValue + 'static,
        failure: impl FnOnce(&web_sys::Event) -> String + 'static,
    ) -> impl std::future::Future<Output = Result<JsValue, DraftError>> {
        let mut success = Some(success);
        let mut failure = Some(failure);
        let mut handlers = None;
        let promise = Promise::new(&mut |resolve, reject| {
            let mut success = success.take();
            let on_success = Handler::new(move |event: web_sys::Event| {
                if let Some(success) = success.take() {
                    let _ = resolve.call1(&JsValue::NULL, &success(&event));
                }
            });
            let mut failure = failure.take();
            let on_failure = Handler::new(move |event: web_sys::Event| {
                if let Some(failure) = failure.take() {
                    let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&failure(&event)));
                }
            });
            handlers = Some((on_success, on_failure));
        });
        let (on_success, on_failure) = handlers.expect("a promise runs its executor at once");
        set_success(Some(on_success.as_ref().unchecked_ref()));
        set_failure(Some(on_failure.as_ref().unchecked_ref()));
        let listening = Listening {
            handlers: [
                (Box::new(set_success), on_success),
                (Box::new(set_failure), on_failure),
            ],
        };
        async move {
            let result = JsFuture::from(promise).await.map_err(|err| {
                DraftError::Refused(err.as_string().unwrap_or_else(|| format!("{err:?}")))
            });
            drop(listening);
            result
        }
    }
}
