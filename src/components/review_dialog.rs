use leptos::html::{Button, Dialog};
use leptos::prelude::*;

use crate::components::{ReviewList, Shown, handler};
use crate::core::review::Review;
use crate::editor::bulk::yield_to_browser;
use crate::editor::download::{download_text, locale_list_separator};
use crate::editor::session::Session;
use crate::editor::store::TableStore;

/// Closes the review. Its rows (100,000 after a big change) are freed in a task of their own:
/// freed in the click's, they were 11 to 17 ms of the Send click's task (profiled).
fn close(review: RwSignal<Option<Review>>) {
    let mut shown = None;
    review.update(|r| shown = r.take());
    leptos::task::spawn_local(async move {
        yield_to_browser().await;
        drop(shown);
    });
}

/// "Review changes": what Submit (or Resend failed) is about to send to which database,
/// opened over the table while `review` holds one. Send starts the submit; Escape or Back
/// closes it with nothing sent and the focus back on `return_focus`. On a guarded database
/// the database's name must be typed before Send is enabled.
#[component]
pub fn ReviewDialog(
    session: Session,
    store: TableStore,
    review: RwSignal<Option<Review>>,
    /// The table's revision when the review was made: a table changed since is reviewed again.
    revision: StoredValue<u64>,
    /// Starts the submit reviewed (`true`: Resend failed).
    send: Callback<bool>,
    return_focus: NodeRef<Button>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let typed = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let open = Memo::new(move |_| review.with(Option::is_some));
    // Send closed it: the focus stays with the submit's progress, not on Submit.
    let sent = StoredValue::new(false);
    Effect::new(move |_| {
        let open = open.get();
        if let Some(el) = dialog.get() {
            if open && !el.open() {
                typed.set(String::new());
                note.set(None);
                sent.set_value(false);
                let _ = el.show_modal();
            } else if !open && el.open() {
                el.close();
            }
        }
    });
    // Escape, Back or Send: the dialog closes; nothing is left of the review.
    let closed = move |_| {
        if review.with_untracked(Option::is_some) {
            close(review);
        }
        if !sent.get_value()
            && let Some(button) = return_focus.get_untracked()
        {
            let _ = button.focus();
        }
    };
    let database = move || session.database.get();
    let total = move || review.with(|r| r.as_ref().map_or(0, |r| r.counts.total()));
    let rows_word = move |n: usize| if n == 1 { "row" } else { "rows" };
    let guarded = move || session.is_guarded();
    let confirmed = move || !guarded() || typed.with(|t| *t == database());
    let on_send = move |_| {
        let Some(only_failed) = review.with_untracked(|r| r.as_ref().map(|r| r.only_failed)) else {
            return;
        };
        if store.revision_untracked() != revision.get_value() {
            // Something changed the table under the review: what is sent is what it shows.
            revision.set_value(store.revision_untracked());
            review.set(Some(store.with(|t| Review::of(t, only_failed))));
            note.set(Some(
                "The table changed while this review was open; it now shows what will be sent. Review it again.".into(),
            ));
            return;
        }
        sent.set_value(true);
        close(review);
        send.run(only_failed);
    };
    let export = move |_| {
        let database = session.database.get_untracked();
        let csv = review.with_untracked(|r| {
            r.as_ref()
                .map(|r| r.to_csv(&database, locale_list_separator()))
        });
        if let Some(csv) = csv {
            let name = format!("review-{database}.csv");
            if let Err(err) = download_text(&name, "text/csv;charset=utf-8", &csv) {
                note.set(Some(format!("The file could not be made: {err}")));
            }
        }
    };

    view! {
        <dialog
            node_ref=dialog
            class="review"
            aria-labelledby="review-title"
            aria-describedby="review-counts"
            on:close=handler(closed)
        >
            <h2 id="review-title">"Review changes"</h2>
            <p id="review-counts" class="review-counts">
                {move || {
                    review.with(|r| r.as_ref().map(|r| {
                        let n = r.counts.total();
                        format!(
                            "{n} {} will be sent to {}: {}.",
                            rows_word(n),
                            session.database.get(),
                            r.counts.describe()
                        )
                    }))
                }}
            </p>
            <Shown when=move || review.with(|r| r.as_ref().is_some_and(|r| r.counts.warned > 0))>
                <p class="review-warned">
                    {move || review.with(|r| r.as_ref().map(|r| {
                        let n = r.counts.warned;
                        format!(
                            "{n} {} a group or payment method {} does not list (see \"With warnings\"); {} sent as typed.",
                            if n == 1 { "row names" } else { "rows name" },
                            session.database.get(),
                            if n == 1 { "it is" } else { "they are" }
                        )
                    }))}
                </p>
            </Shown>
            <Shown when=open>
                <ReviewList review />
            </Shown>
            <p class="review-export">
                <button type="button" on:click=handler(export)>"Export review as CSV"</button>
            </p>
            <Shown when=move || guarded()>
                <div class="review-guard">
                    <p>
                        <strong>{move || format!("{} is guarded.", database())}</strong>
                        {move || format!(" {} {} will change there.", total(), rows_word(total()))}
                    </p>
                    <label for="review-guard-input">{move || format!("Type {} to confirm", database())}</label>
                    <input
                        id="review-guard-input"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=move || typed.get()
                        on:input=handler(move |ev| typed.set(event_target_value(&ev)))
                    />
                </div>
            </Shown>
            <Shown when=move || note.with(Option::is_some)>
                <p class="form-error" role="alert">{move || note.get()}</p>
            </Shown>
            <div class="review-actions">
                <button type="button" on:click=handler(move |_| close(review))>
                    "Back to the table"
                </button>
                <button
                    type="button"
                    class="primary"
                    disabled=move || !confirmed() || total() == 0
                    on:click=handler(on_send)
                >
                    {move || format!("Send {} {} to {}", total(), rows_word(total()), database())}
                </button>
            </div>
        </dialog>
    }
}
