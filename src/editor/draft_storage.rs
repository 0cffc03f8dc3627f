//! Keeps the table in the browser's IndexedDB, per database, so a reload or a crash loses
//! nothing. IndexedDB rather than localStorage: a 100,000-row draft is tens of megabytes,
//! past localStorage's few. What is stored: rows, their text, states and last outcomes. No
//! token, no password, no API key.

use js_sys::Promise;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::core::draft::RowDraft;
use crate::core::planner::Millis;

const DB_NAME: &str = "tolerance-editor";
const DB_VERSION: u32 = 1;
const STORE: &str = "drafts";
/// Bumped when the saved shape changes; an older draft then reads as none.
const FORMAT: &str = "v1";

#[derive(Debug, Clone, Deserialize)]
pub struct SavedDraft {
    /// When it was saved (ms since the epoch).
    pub saved_at: Millis,
    pub rows: Vec<RowDraft>,
}

/// The same shape, borrowed, so saving does not copy the table.
#[derive(Serialize)]
struct DraftToSave<'a> {
    saved_at: Millis,
    rows: &'a [RowDraft],
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

fn key(database: &str) -> JsValue {
    JsValue::from_str(&format!("{FORMAT}:{database}"))
}

/// The draft as stored; made while the table is borrowed, then handed to [`save`].
pub fn to_text(saved_at: Millis, rows: &[RowDraft]) -> Result<String, DraftError> {
    serde_json::to_string(&DraftToSave { saved_at, rows })
        .map_err(|err| DraftError::Refused(err.to_string()))
}

/// Writes `text` (from [`to_text`]) as the draft for `database`, replacing the one before.
pub async fn save(database: &str, text: String) -> Result<(), DraftError> {
    let (transaction, store) = open_store(IdbTransactionMode::Readwrite).await?;
    let request = store
        .put_with_key(&JsValue::from_str(&text), &key(database))
        .map_err(refused)?;
    settled(&request).await?;
    committed(&transaction).await
}

/// The saved draft for `database`, if there is one. A draft that no longer reads (say, from
/// an older version of the app) is not lost: it is moved aside under another key and the
/// error says so.
pub async fn load(database: &str) -> Result<Option<SavedDraft>, DraftError> {
    let (_, store) = open_store(IdbTransactionMode::Readonly).await?;
    let request = store.get(&key(database)).map_err(refused)?;
    let value = settled(&request).await?;
    let Some(text) = value.as_string() else {
        return Ok(None);
    };
    match serde_json::from_str(&text) {
        Ok(draft) => Ok(Some(draft)),
        Err(err) => {
            let aside = format!("unreadable:{database}:{}", js_sys::Date::now() as u64);
            let (transaction, store) = open_store(IdbTransactionMode::Readwrite).await?;
            store
                .put_with_key(&JsValue::from_str(&text), &JsValue::from_str(&aside))
                .map_err(refused)?;
            store.delete(&key(database)).map_err(refused)?;
            committed(&transaction).await?;
            Err(DraftError::Unreadable {
                reason: err.to_string(),
                kept_as: aside,
            })
        }
    }
}

pub async fn discard(database: &str) -> Result<(), DraftError> {
    let (transaction, store) = open_store(IdbTransactionMode::Readwrite).await?;
    let request = store.delete(&key(database)).map_err(refused)?;
    settled(&request).await?;
    committed(&transaction).await
}

fn refused(err: JsValue) -> DraftError {
    DraftError::Refused(format!("{err:?}"))
}

async fn open_store(
    mode: IdbTransactionMode,
) -> Result<(IdbTransaction, web_sys::IdbObjectStore), DraftError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(DraftError::Unavailable)?;
    let open: IdbOpenDbRequest = factory
        .open_with_u32(DB_NAME, DB_VERSION)
        .map_err(refused)?;
    let upgrade = wasm_bindgen::closure::Closure::once_into_js(move |event: web_sys::Event| {
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
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let database: IdbDatabase = settled(&open).await?.unchecked_into();
    let transaction = database
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(refused)?;
    let store = transaction.object_store(STORE).map_err(refused)?;
    Ok((transaction, store))
}

/// Resolves with the request's result once it succeeds, or its error once it fails.
async fn settled(request: &IdbRequest) -> Result<JsValue, DraftError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        request.set_onsuccess(Some(
            wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
                let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
            })
            .unchecked_ref(),
        ));
        let failed = request.clone();
        request.set_onerror(Some(
            wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
                let error = failed
                    .error()
                    .ok()
                    .flatten()
                    .map(|e| JsValue::from_str(&e.message()))
                    .unwrap_or(JsValue::UNDEFINED);
                let _ = reject.call1(&JsValue::NULL, &error);
            })
            .unchecked_ref(),
        ));
    });
    JsFuture::from(promise)
        .await
        .map_err(|err| DraftError::Refused(err.as_string().unwrap_or_else(|| format!("{err:?}"))))
}

/// Resolves once the transaction is committed (the data is on disk), or fails with it.
async fn committed(transaction: &IdbTransaction) -> Result<(), DraftError> {
    let promise = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(
            wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
                let _ = resolve.call0(&JsValue::NULL);
            })
            .unchecked_ref(),
        ));
        let abort = reject.clone();
        transaction.set_onabort(Some(
            wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
                let _ = abort.call1(
                    &JsValue::NULL,
                    &JsValue::from_str("the transaction was aborted"),
                );
            })
            .unchecked_ref(),
        ));
        transaction.set_onerror(Some(
            wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("the transaction failed"));
            })
            .unchecked_ref(),
        ));
    });
    JsFuture::from(promise)
        .await
        .map(drop)
        .map_err(|err| DraftError::Refused(err.as_string().unwrap_or_default()))
}
