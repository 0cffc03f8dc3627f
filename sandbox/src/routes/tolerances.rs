//! `PUT /tolerances-batch` (207 multi-status) and the single-record endpoints
//! `POST /tolerances`, `GET/PUT/DELETE /tolerances/{tolerance_Key}`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Call, Caller, blocking};
use crate::App;
use crate::datetime::now_iso;
use crate::envelope::{Answer, ApiError};
use crate::record::{self, NewTolerance};

/// The vendor's words for a body that is not a list of records.
const NOT_A_LIST: &str = "The request body could not be read as a list of Tolerance.";

fn item(id: Value, status: u16, body: &str) -> Value {
    json!({ "id": [{ "key": "tolerance_Key", "value": id }], "status": status, "body": body })
}

pub async fn batch(app: &App, call: &Call, caller: Caller) -> Result<Answer, ApiError> {
    let body: Value =
        serde_json::from_slice(&call.body).map_err(|_| ApiError::Validation(NOT_A_LIST.into()))?;
    let Value::Array(sent) = body else {
        return Err(ApiError::Validation(NOT_A_LIST.into()));
    };
    let mut checked: Vec<_> = sent.iter().map(record::check).collect();
    let valid: Vec<NewTolerance> = checked
        .iter()
        .filter_map(|c| c.result.as_ref().ok().cloned())
        .collect();
    let Caller { user, database } = caller;
    // Checked and written in one job: a record naming a group or payment method the
    // database does not hold is refused on its own, the others written.
    let (refusals, created) = blocking(&app.store, move |store| {
        let refusals = store.missing_references(&database, &valid)?;
        let kept: Vec<NewTolerance> = valid
            .into_iter()
            .zip(&refusals)
            .filter(|(_, refused)| refused.is_none())
            .map(|(row, _)| row)
            .collect();
        let created = store.upsert_batch(&database, &kept, &user, &now_iso())?;
        Ok((refusals, created))
    })
    .await?;
    let mut refusals = refusals.into_iter();
    for c in &mut checked {
        if c.result.is_ok()
            && let Some(Some(refused)) = refusals.next()
        {
            c.result = Err(refused);
        }
    }
    let mut created = created.into_iter();
    let items: Vec<Value> = checked
        .into_iter()
        .map(|c| match c.result {
            Ok(_) => match created.next() {
                Some(true) => item(c.id, 201, "Created"),
                _ => item(c.id, 200, "Updated"),
            },
            Err(message) => item(c.id, 400, &message),
        })
        .collect();
    Ok(Answer {
        status: StatusCode::MULTI_STATUS,
        plain_text: true,
        ..Answer::ok(Value::Array(items))
    })
}

fn record_body(call: &Call) -> Result<Value, ApiError> {
    let body: Value = serde_json::from_slice(&call.body).map_err(|_| {
        ApiError::Validation("The request body could not be read as a Tolerance.".into())
    })?;
    if !body.is_object() {
        return Err(ApiError::Validation(
            "The request body could not be read as a Tolerance.".into(),
        ));
    }
    Ok(body)
}

fn valid(body: &Value) -> Result<NewTolerance, ApiError> {
    record::check(body).result.map_err(ApiError::Validation)
}

/// Refuses a record naming a group or payment method the database does not hold.
async fn held(app: &App, database: &str, row: &NewTolerance) -> Result<(), ApiError> {
    let (database, rows) = (database.to_string(), vec![row.clone()]);
    let refusals = blocking(&app.store, move |store| {
        store.missing_references(&database, &rows)
    })
    .await?;
    match refusals.into_iter().next().flatten() {
        Some(refused) => Err(ApiError::Validation(refused)),
        None => Ok(()),
    }
}

fn path_key(text: &str) -> Result<i32, ApiError> {
    text.parse().map_err(|_| {
        ApiError::Validation(format!(
            "tolerance_Key must be an integer from {} to {}, not {text:?}.",
            i32::MIN,
            i32::MAX
        ))
    })
}

fn no_such(key: i32) -> ApiError {
    ApiError::NotFound(format!("There is no tolerance with tolerance_Key {key}."))
}

pub async fn create(app: &App, call: &Call, caller: Caller) -> Result<Answer, ApiError> {
    let row = valid(&record_body(call)?)?;
    let key = row.key;
    let Caller { user, database } = caller;
    held(app, &database, &row).await?;
    let created = blocking(&app.store, move |store| {
        store.create(&database, &row, &user, &now_iso())
    })
    .await?;
    let record = created.ok_or_else(|| {
        ApiError::Conflict(format!(
            "A tolerance with tolerance_Key {key} already exists."
        ))
    })?;
    Ok(Answer::ok(record))
}

/// `GET`, `PUT` and `DELETE /tolerances/{tolerance_Key}`.
pub async fn one(
    app: &App,
    call: &Call,
    caller: Caller,
    key_text: &str,
) -> Result<Answer, ApiError> {
    let key = path_key(key_text)?;
    let Caller { user, database } = caller;
    let method = call.method.clone();
    if method == axum::http::Method::GET {
        let found = blocking(&app.store, move |store| store.get(&database, key)).await?;
        return found.map(Answer::ok).ok_or_else(|| no_such(key));
    }
    if method == axum::http::Method::DELETE {
        let deleted = blocking(&app.store, move |store| store.delete(&database, key)).await?;
        return if deleted {
            Ok(Answer::ok(Value::Null))
        } else {
            Err(no_such(key))
        };
    }
    let mut body = record_body(call)?;
    match body.get("tolerance_Key") {
        None | Some(Value::Null) => body["tolerance_Key"] = json!(key),
        Some(sent) if sent.as_i64() == Some(i64::from(key)) => {}
        Some(sent) => {
            return Err(ApiError::Validation(format!(
                "tolerance_Key in the body ({sent}) differs from the one in the path ({key})."
            )));
        }
    }
    let row = valid(&body)?;
    held(app, &database, &row).await?;
    let updated = blocking(&app.store, move |store| {
        store.update(&database, &row, &user, &now_iso())
    })
    .await?;
    updated.map(Answer::ok).ok_or_else(|| no_such(key))
}
