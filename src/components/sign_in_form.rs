use leptos::prelude::*;

use crate::components::focus_next::focus_next_step;
use crate::components::{Shown, handler};

use crate::api::{self, SignInOutcome, SignInProblem};
use crate::core::header_value;
use crate::editor::session::Session;

/// Sign-in with user name and password (and the API key in direct mode). Used on the
/// first screen and, `reauth`, in the dialog that resumes a submit after the session expired.
#[component]
pub fn SignInForm(session: Session, #[prop(optional)] reauth: bool) -> impl IntoView {
    let user = RwSignal::new(session.user.get_untracked().unwrap_or_default());
    let password = RwSignal::new(String::new());
    let api_key = RwSignal::new(String::new());
    let direct = session.is_direct();
    let error = RwSignal::new(None::<String>);
    // A key the browser cannot put in a header, said at the key's field.
    let key_problem = RwSignal::new(None::<String>);

    let sign_in = Action::new_local(move |(): &()| {
        let name = user.get_untracked().trim().to_string();
        let secret = password.get_untracked();
        let key = direct.then(|| api_key.get_untracked().trim().to_string());
        async move {
            if name.is_empty() || secret.is_empty() {
                error.set(Some("Enter your user name and password.".into()));
                return;
            }
            if key.as_deref() == Some("") {
                error.set(Some(
                    "Enter the API key your administrator gave you.".into(),
                ));
                return;
            }
            if let Some(Err(problem)) = key.as_deref().map(header_value::check) {
                error.set(None);
                key_problem.set(Some(format!(
                    "This API key cannot be sent: {problem}. Copy it again from where your administrator gave it, or type it."
                )));
                return;
            }
            key_problem.set(None);
            let conn = session.connection_with_key(key.clone());
            match api::sign_in(&conn, &name, &secret).await {
                Ok(SignInOutcome::SignedIn(tokens)) => {
                    error.set(None);
                    password.set(String::new());
                    session.signed_in(name, tokens, key);
                    // The next step is loading (the dialog's own close puts the focus back).
                    if !reauth {
                        focus_next_step(&["#load-tolerances"], Some("form.sign-in"), LOAD_BUTTON_FRAMES);
                    }
                    return;
                }
                Ok(SignInOutcome::NewPasswordRequired { .. }) => error.set(Some(
                    "Your password must be changed before you can sign in. Change it in VBA, then sign in here with the new one."
                        .into(),
                )),
                Ok(SignInOutcome::Challenge { name, .. }) => error.set(Some(format!(
                    "VBA asks for a sign-in step this app does not support ({name}). Sign in to VBA once, then try again."
                ))),
                Err(err) => error.set(Some(sign_in_message(&err, &conn.database))),
            }
            // Refused: the disabled Sign in button dropped the focus; the password is typed
            // again (the message, an alert, is read out).
            focus_next_step(&["form.sign-in input[name=password]"], None, 30);
        }
    });

    view! {
        <form
            class="sign-in"
            aria-label=if reauth { "Sign in again" } else { "Sign in" }
            on:submit=handler(move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                sign_in.dispatch(());
            })
        >
            <Shown when=move || reauth>
                <p class="sign-in-note">
                    "Your session has expired. Sign in again and the submit carries on where it stopped; nothing you typed is lost."
                </p>
            </Shown>
            <label>
                "User name"
                <input
                    type="text"
                    name="username"
                    autocomplete="username"
                    prop:value=move || user.get()
                    on:input=handler(move |ev| user.set(event_target_value(&ev)))
                />
            </label>
            <label>
                "Password"
                <input
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    prop:value=move || password.get()
                    on:input=handler(move |ev| password.set(event_target_value(&ev)))
                />
            </label>
            <Shown when=move || direct>
                <label>
                    "API key"
                    <input
                        type="password"
                        name="api-key"
                        autocomplete="off"
                        aria-invalid=move || key_problem.with(Option::is_some).then_some("true")
                        aria-describedby=move || {
                            key_problem.with(Option::is_some).then_some("api-key-problem")
                        }
                        prop:value=move || api_key.get()
                        on:input=handler(move |ev| {
                            key_problem.set(None);
                            api_key.set(event_target_value(&ev));
                        })
                    />
                </label>
                <Shown when=move || key_problem.with(Option::is_some)>
                    <p class="form-error" id="api-key-problem" role="alert">
                        {move || key_problem.get()}
                    </p>
                </Shown>
            </Shown>
            <Shown when=move || error.with(Option::is_some)>
                <p class="form-error" role="alert">{move || error.get()}</p>
            </Shown>
            <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}

/// The Load button waits while the database's draft is read (IndexedDB, under a second):
/// the focus goes to it once it is enabled, trying for about 5 s of frames.
const LOAD_BUTTON_FRAMES: u32 = 300;

/// One plain message per way a sign-in fails.
fn sign_in_message(err: &api::ApiError, database: &str) -> String {
    let text = match err.sign_in_problem() {
        SignInProblem::WrongCredentials => {
            "The user name or password is not right. Check them and try again.".to_string()
        }
        SignInProblem::AccountLocked => {
            "This account is locked. Ask your VBA administrator to unlock it.".to_string()
        }
        SignInProblem::NotAllowed => {
            format!("This account may not use the database {database}. Pick another, or ask your administrator.")
        }
        SignInProblem::TooManyAttempts => {
            "Too many sign-in attempts in a short time. Wait a minute, then try again.".to_string()
        }
        SignInProblem::Unreachable => {
            "The VBA API cannot be reached. Check your network connection; if it is fine, the API may be down.".to_string()
        }
        SignInProblem::Other => return err.user_message(),
    };
    match err.activity_id() {
        Some(id) => format!("{text} Activity ID: {id}"),
        None => text,
    }
}
