//! One editor per database across the tabs of this browser. A tab edits a database only
//! while it holds that database's Web Lock (`navigator.locks`, named
//! `tolerance-editor:DATABASE`); the browser lets go of it when the tab closes or crashes.
//! Another tab that opens the database finds the lock taken and edits nothing (so it never
//! saves over the draft); to take over, it asks the holder on a `BroadcastChannel` to let
//! go, and waits for the lock: the holder finishes what it is sending, saves its draft,
//! stops editing and lets go, and the draft the new tab then reads has every edit.
//!
//! web-sys has the Web Locks API only behind `--cfg=web_sys_unstable_apis`, so its one call
//! is bound here. A browser without it (or outside a secure context) edits as if alone.

use js_sys::{Function, Object, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL: &str = "tolerance-editor";
const LET_GO: &str = "let-go:";

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    /// `request(name, options, callback)`: `callback` gets the lock (or `null` with
    /// `ifAvailable` when it is taken) and holds it until the promise it returns settles.
    #[wasm_bindgen(method)]
    fn request(this: &LockManager, name: &str, options: &JsValue, callback: &Function) -> Promise;
}

/// The lock this tab holds: the database, and the function that lets go of it.
struct Held {
    database: String,
    let_go: Function,
}

/// A Copy handle to this tab's claim on the database it shows.
#[derive(Clone, Copy)]
pub struct TabLock {
    held: StoredValue<Option<Held>, LocalStorage>,
    channel: StoredValue<Option<BroadcastChannel>, LocalStorage>,
    /// The database chosen here is being edited in another tab: this one edits nothing.
    pub elsewhere: RwSignal<Option<String>>,
    /// This tab asked the other to let go and waits for it.
    pub taking_over: RwSignal<bool>,
    /// Another tab asked for the database this one edits: it is being saved and let go.
    pub letting_go: RwSignal<bool>,
}

impl TabLock {
    /// `asked_to_let_go` runs when another tab asks for the database this one holds; it
    /// must save, stop editing and then call [`Self::release`].
    pub fn new(asked_to_let_go: impl Fn(TabLock, String) + 'static) -> Self {
        let lock = TabLock {
            held: StoredValue::new_local(None),
            channel: StoredValue::new_local(BroadcastChannel::new(CHANNEL).ok()),
            elsewhere: RwSignal::new(None),
            taking_over: RwSignal::new(false),
            letting_go: RwSignal::new(false),
        };
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let asked = event.data().as_string();
            let Some(database) = asked.as_deref().and_then(|m| m.strip_prefix(LET_GO)) else {
                return;
            };
            if lock.holds(database) && !lock.letting_go.get_untracked() {
                lock.letting_go.set(true);
                asked_to_let_go(lock, database.to_string());
            }
        });
        lock.channel.with_value(|channel| {
            if let Some(channel) = channel {
                channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            }
        });
        // Listens as long as the page lives.
        on_message.forget();
        let channel = lock.channel;
        on_cleanup(move || {
            channel.try_with_value(|channel| {
                if let Some(channel) = channel {
                    channel.set_onmessage(None);
                    channel.close();
                }
            });
        });
        lock
    }

    /// Takes `database`'s lock if no other tab holds it (letting go of any other database's
    /// first). `false`: another tab edits it; [`Self::elsewhere`] says so.
    pub async fn try_acquire(&self, database: &str) -> bool {
        self.release();
        self.taking_over.set(false);
        let acquired = self.request(database, true).await;
        self.elsewhere
            .set((!acquired).then(|| database.to_string()));
        acquired
    }

    /// Asks the tab editing `database` to let go, and waits until this one holds its lock.
    pub async fn take_over(&self, database: &str) -> bool {
        self.taking_over.set(true);
        self.channel.with_value(|channel| {
            if let Some(channel) = channel {
                let _ = channel.post_message(&JsValue::from_str(&format!("{LET_GO}{database}")));
            }
        });
        let acquired = self.request(database, false).await;
        self.taking_over.set(false);
        if acquired {
            self.elsewhere.set(None);
        }
        acquired
    }

    /// Whether this tab holds `database`'s lock (and may show and save its draft).
    pub fn holds(&self, database: &str) -> bool {
        self.held
            .try_with_value(|held| held.as_ref().is_some_and(|h| h.database == database))
            .unwrap_or(false)
    }

    /// Lets go of the lock held, if any (the database's draft is saved by then).
    pub fn release(&self) {
        if let Some(held) = self.held.try_update_value(Option::take).flatten() {
            let _ = held.let_go.call0(&JsValue::NULL);
        }
    }

    /// Another tab asked for the database, and this one saved its draft and stopped editing
    /// it: lets go, and says the database is edited elsewhere now.
    pub fn hand_over(&self, database: String) {
        self.release();
        self.letting_go.set(false);
        self.elsewhere.set(Some(database));
    }

    /// Asks for the lock; with `if_available`, answers at once whether it was free,
    /// otherwise waits for it.
    async fn request(&self, database: &str, if_available: bool) -> bool {
        let (hold, let_go) = promise();
        let Some(locks) = lock_manager() else {
            // No Web Locks here: this tab edits as if it were alone.
            return self.keep(database, let_go);
        };
        let (granted, grant) = promise();
        let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
            let _ = grant.call1(&JsValue::NULL, &JsValue::from_bool(!lock.is_null()));
            if lock.is_null() {
                Promise::resolve(&JsValue::UNDEFINED)
            } else {
                hold
            }
        });
        let options = Object::new();
        let _ = Reflect::set(&options, &"ifAvailable".into(), &if_available.into());
        let name = format!("{CHANNEL}:{database}");
        let _ = locks.request(&name, &options, callback.unchecked_ref());
        let acquired = JsFuture::from(granted)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        acquired && self.keep(database, let_go)
    }

    /// Records the lock just granted for `database`; `false` (and lets go of it) when
    /// another is held by now.
    fn keep(&self, database: &str, let_go: Function) -> bool {
        // A lock waited for may come after another database was chosen and its lock taken:
        // then it is not wanted.
        let taken = self.held.try_update_value(|held| {
            if held.is_some() {
                return false;
            }
            *held = Some(Held {
                database: database.to_string(),
                let_go: let_go.clone(),
            });
            true
        });
        if taken != Some(true) {
            let _ = let_go.call0(&JsValue::NULL);
            return false;
        }
        true
    }
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then(|| locks.unchecked_into())
}

/// A promise and the function that resolves it.
fn promise() -> (Promise, Function) {
    let mut resolver = None;
    let promise = Promise::new(&mut |resolve, _| resolver = Some(resolve));
    (
        promise,
        resolver.expect("a promise runs its executor at once"),
    )
}
