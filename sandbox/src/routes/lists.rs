//! The paged lists (`GET /tolerances`, `/groups`, `/payment-methods`) and
//! `GET /client-environments`.

use axum::http::HeaderName;
use serde_json::{Value, json};

use super::paging::{page_request, pagination_header};
use super::{Call, Caller, blocking, sign_in::check_client};
use crate::App;
use crate::envelope::{Answer, ApiError};
use crate::store::ListSpec;

pub async fn list(
    app: &App,
    call: &Call,
    spec: &'static ListSpec,
    caller: Caller,
) -> Result<Answer, ApiError> {
    let request = page_request(call.query.as_deref(), spec)?;
    let asked = request.clone();
    let page = blocking(&app.store, move |store| {
        store.list(spec, &caller.database, &asked)
    })
    .await?;
    let header = pagination_header(page.total, &request);
    Ok(Answer::ok_written(page.rows).with_header(HeaderName::from_static("x-pagination"), &header))
}

/// The tenant's databases; needs the API key and the client id and code, no sign-in.
pub fn client_environments(app: &App, call: &Call) -> Result<Answer, ApiError> {
    check_client(app, call)?;
    let environments: Vec<Value> = app
        .tenant
        .databases
        .iter()
        .map(|db| {
            json!({
                "databaseName": db.name,
                "clientID": app.tenant.client_id,
            })
        })
        .collect();
    Ok(Answer::ok(Value::Array(environments)))
}
