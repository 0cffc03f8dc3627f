//! `POST /user-authentication` and `POST /user-refresh-tokens`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{Call, database_header};
use crate::App;
use crate::auth::Tokens;
use crate::envelope::{Answer, ApiError};

fn tokens_data(tokens: &Tokens) -> Value {
    json!({
        "authenticationResult": {
            "idToken": tokens.id_token,
            "accessToken": tokens.access_token,
            "refreshToken": tokens.refresh_token,
            "expiresIn": tokens.expires_in,
            "tokenType": "Bearer",
        },
        "challengeName": null,
        "session": null,
    })
}

/// `Authorization: Basic base64(user:password)`.
fn basic_credentials(call: &Call) -> Option<(String, String)> {
    let value = call.header("authorization")?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The client id and code a caller names must be the tenant's.
pub fn check_client(app: &App, call: &Call) -> Result<(), ApiError> {
    let id = call.header("vbasoftware-client-id");
    let code = call.header("vbasoftware-client-code");
    if id != Some(app.tenant.client_id.as_str()) || code != Some(app.tenant.client_code.as_str()) {
        return Err(ApiError::Unauthorized(
            "The vbasoftware-client-id or vbasoftware-client-code header is missing or unknown."
                .into(),
        ));
    }
    Ok(())
}

pub fn sign_in(app: &App, call: &Call) -> Result<Answer, ApiError> {
    let (user_name, password) = basic_credentials(call).ok_or_else(|| {
        ApiError::Unauthorized(
            "The Authorization header must carry Basic credentials (user:password).".into(),
        )
    })?;
    // Counted before the password is checked, so guessing is throttled too.
    app.sessions
        .note_login(&user_name, app.tenant.logins_per_minute)
        .map_err(|retry_after| ApiError::TooManyRequests {
            detail: format!("Too many sign-in attempts; retry after {retry_after} s."),
            retry_after,
        })?;
    check_client(app, call)?;
    let database = database_header(call)?;
    let user = app
        .tenant
        .user(&user_name)
        .filter(|user| user.password == password)
        .ok_or_else(|| ApiError::Unauthorized("The user name or password is incorrect.".into()))?;
    if user.locked {
        return Err(ApiError::AccountLocked);
    }
    if !user.databases.iter().any(|db| db == database) {
        return Err(ApiError::Forbidden(format!(
            "User {} has no access to database {database}.",
            user.name
        )));
    }
    if user.new_password_required {
        let session = crate::random::random_bytes::<24>();
        return Ok(Answer::ok(json!({
            "authenticationResult": null,
            "challengeName": "NEW_PASSWORD_REQUIRED",
            "session": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(session),
        })));
    }
    let tokens = app.sessions.start(&user.name, &user.databases);
    Ok(Answer::ok(tokens_data(&tokens)))
}

pub fn refresh(app: &App, call: &Call) -> Result<Answer, ApiError> {
    let (Some(id_token), Some(refresh_token)) = (
        call.header("expired-id-token"),
        call.header("refresh-token"),
    ) else {
        return Err(ApiError::Validation(
            "The expired-id-token and refresh-token headers are required.".into(),
        ));
    };
    let tokens = app
        .sessions
        .refresh(id_token, refresh_token)
        .ok_or_else(|| {
            ApiError::Unauthorized("The refresh token is not valid for this ID token.".into())
        })?;
    Ok(Answer::ok(tokens_data(&tokens)))
}
