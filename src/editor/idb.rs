//! The page's one IndexedDB connection to the drafts store, its transactions and requests as
//! futures. What is stored and how is `draft_storage`'s.

use std::cell::RefCell;

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

use crate::editor::draft_storage::DraftError;

const DB_NAME: &str = "tolerance-editor";
const DB_VERSION: u32 = 1;
const STORE: &str = "drafts";

pub(crate) fn refused(err: JsValue) -> DraftError {
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
pub(crate) async fn transaction(
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
pub(crate) async fn settled(request: &IdbRequest) -> Result<JsValue, DraftError> {
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
