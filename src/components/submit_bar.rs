use leptos::prelude::*;

use crate::components::{Shown, handler};

use crate::core::draft::RowState;
use crate::editor::check::{CheckControl, CheckKind, check, keys_of};
use crate::editor::draft_keeper::DraftKeeper;
use crate::editor::session::Session;
use crate::editor::store::TableStore;
use crate::editor::submit::SubmitControl;

/// Saved rows read back after a submit for their audit columns: one request each, so about
/// 10 s at 20 requests a second of the rate limit the organisation's other work shares.
const AUDIT_READS_AFTER_SUBMIT: usize = 200;

/// What will be sent, Submit, Resend failed and Check with server (the unconfirmed rows),
/// the progress of a submit and its summary.
#[component]
pub fn SubmitBar(
    session: Session,
    store: TableStore,
    /// The draft: that rows are being sent is saved in it before they leave.
    drafts: DraftKeeper,
    submit: SubmitControl,
    /// Reads rows back: the unconfirmed ones when asked, the saved ones' audit columns after
    /// each submit.
    check_control: CheckControl,
    focus_first_problem: Callback<()>,
    /// A big paste or import is still being applied: nothing is sent meanwhile.
    #[prop(optional, into)]
    waiting: Signal<bool>,
) -> impl IntoView {
    let summary = store.summary();
    let refusal = RwSignal::new(None::<String>);
    let control = submit;
    // What the last submit was asked to send, for "Try again".
    let last_only_failed = StoredValue::new(false);

    let start = move |only_failed: bool| {
        last_only_failed.set_value(only_failed);
        let problems = summary.get_untracked().problems;
        if problems > 0 {
            refusal.set(Some(format!(
                "Nothing was sent: {problems} {} must be fixed first. The first one has the focus.",
                if problems == 1 { "problem" } else { "problems" }
            )));
            focus_first_problem.run(());
            return;
        }
        refusal.set(None);
        // A read begun before this submit's answers could be older than them.
        check_control.cancel();
        leptos::task::spawn_local(async move {
            let sent =
                crate::editor::submit::submit(session, store, drafts, control, only_failed).await;
            // The saved rows' Updated date and user, read back in the background: the first
            // AUDIT_READS_AFTER_SUBMIT of them (one request each, under the rate limit the
            // user's other work shares; Load shows the rest).
            let saved = store.with(|t| {
                let saved = sent
                    .into_iter()
                    .take(AUDIT_READS_AFTER_SUBMIT)
                    .filter(|id| {
                        t.row(*id).is_some_and(|r| {
                            matches!(r.state(), RowState::Created | RowState::Updated)
                        })
                    });
                keys_of(t, saved)
            });
            check(
                session,
                store,
                check_control,
                saved,
                CheckKind::AuditColumns,
            )
            .await;
        });
    };
    let check_unconfirmed = Action::new_local(move |(): &()| {
        let rows = store.with(|t| {
            let unconfirmed = t
                .rows()
                .iter()
                .filter(|r| r.state() == RowState::Unconfirmed)
                .map(|r| r.id());
            keys_of(t, unconfirmed)
        });
        check(session, store, check_control, rows, CheckKind::Asked)
    });

    // Pages of the server read (before sending, and refusals read back), or rows answered.
    let progress = move || match control.checking.get() {
        Some((read, asked)) => (read, asked, "pages of the server read"),
        None => {
            let p = control.progress.get();
            (p.rows_answered, p.rows_total, "rows answered")
        }
    };

    let counter = move || {
        let s = summary.get();
        let mut parts = vec![format!("{} new", s.new), format!("{} changed", s.changed)];
        if s.failed + s.unconfirmed > 0 {
            parts.push(format!("{} to resend", s.failed + s.unconfirmed));
        }
        if s.invalid > 0 {
            parts.push(format!("{} with problems", s.invalid));
        }
        if s.conflicts > 0 {
            parts.push(format!("{} waiting for your choice", s.conflicts));
        }
        format!(
            "{} {} will be sent ({}).",
            s.to_send,
            if s.to_send == 1 { "row" } else { "rows" },
            parts.join(", ")
        )
    };

    view! {
        <section class="submit-bar" aria-label="Submit">
            <p class="send-counter" aria-live="polite">{counter}</p>
            <button
                type="button"
                class="primary"
                disabled=move || control.running.get() || waiting.get() || summary.get().to_send + summary.get().problems == 0
                on:click=handler(move |_| start(false))
            >
                "Submit"
            </button>
            <Shown when=move || { let s = summary.get(); s.failed + s.unconfirmed > 0 }>
                <button type="button" disabled=move || control.running.get() || waiting.get() on:click=handler(move |_| start(true))>
                    "Resend failed"
                </button>
            </Shown>
            <Shown when=move || { summary.get().unconfirmed > 0 }>
                <button
                    type="button"
                    title="Reads the unconfirmed rows back from the server: those it holds as sent are saved"
                    disabled=move || control.running.get() || waiting.get() || check_control.running.get() == Some(CheckKind::Asked)
                    on:click=handler(move |_| { check_unconfirmed.dispatch_local(()); })
                >
                    "Check with server"
                </button>
            </Shown>
            <Shown when=move || control.running.get()>
                <button type="button" on:click=handler(move |_| control.cancel())>"Cancel"</button>
                <label class="submit-progress">
                    {move || {
                        let (done, total, what) = progress();
                        format!("{done} of {total} {what}")
                    }}
                    <progress max=move || progress().1 value=move || progress().0></progress>
                </label>
            </Shown>
            <Shown when=move || refusal.with(Option::is_some)>
                <p class="form-error" role="alert">{move || refusal.get()}</p>
            </Shown>
            <Shown when=move || control.last.with(Option::is_some)>
                <p class="submit-summary" role="status">
                    {move || control.last.get().map(|r| r.text())}
                </p>
                <Shown when=move || control.last.with(|r| r.as_ref().is_some_and(|r| r.check_failed.is_some()))>
                    <button
                        type="button"
                        disabled=move || control.running.get() || waiting.get()
                        on:click=handler(move |_| start(last_only_failed.get_value()))
                    >
                        "Try again"
                    </button>
                </Shown>
                <ul class="strays">
                    {move || control.last.get().map(|r| r.strays.into_iter().map(|s| view! { <li>{s}</li> }).collect_view())}
                </ul>
            </Shown>
        </section>
    }
}
