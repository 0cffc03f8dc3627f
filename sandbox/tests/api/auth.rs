//! Sign-in, token expiry and refresh, locked accounts, sign-in throttling.

use crate::common::*;

fn two_users() -> (String, Client) {
    let base = start_with_tenant(TWO_USERS, settings());
    let mut client = Client::bare(&base);
    client.set("x-api-key", KEY);
    (base, client)
}

#[test]
fn demo_sign_in_answers_tokens_that_open_the_api() {
    let base = start(settings());
    let mut client = Client::bare(&base);
    client.set("x-api-key", KEY);
    let reply = client.sign_in("demo", "demo", "DEMO_LIVE");
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    let result = &body["data"]["authenticationResult"];
    for field in ["idToken", "accessToken", "refreshToken"] {
        let token = result[field].as_str().unwrap();
        assert_eq!(token.split('.').count(), 3, "{field} is JWT-shaped");
        assert!(token.len() > 60, "{field} is long enough not to guess");
    }
    assert_eq!(result["expiresIn"], 86_400);
    assert!(body["error"].is_null());
    let demo = Client::demo(&base, "DEMO_LIVE");
    assert_eq!(demo.get("/tolerances").status, 200);
}

#[test]
fn wrong_credentials_locked_accounts_and_challenges_are_told_apart() {
    let (_, client) = two_users();
    let wrong = client.sign_in("demo", "nope", "DEMO_LIVE");
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.detail(), "The user name or password is incorrect.");

    let locked = client.sign_in("locked", "locked-pw", "DEMO_TEST");
    assert_eq!(locked.status, 403);
    let error = &locked.json()["error"];
    assert_eq!(error["title"], "Account locked");
    assert_eq!(error["type"], "urn:vbapi-sandbox:account-locked");

    let not_hers = client.sign_in("ann", "ann-pw", "DEMO_LIVE");
    assert_eq!(not_hers.status, 403);
    assert!(not_hers.detail().contains("DEMO_LIVE"));

    let no_database = client.with(
        "POST",
        "/user-authentication",
        &[
            ("authorization", "Basic ZGVtbzpkZW1v"),
            ("vbasoftware-client-id", "demo-client"),
            ("vbasoftware-client-code", "demo"),
        ],
        None,
    );
    assert_eq!(no_database.status, 400);

    let wrong_client = client.with(
        "POST",
        "/user-authentication",
        &[
            ("authorization", "Basic ZGVtbzpkZW1v"),
            ("vbasoftware-client-id", "someone-else"),
            ("vbasoftware-client-code", "demo"),
            ("vbasoftware-database", "DEMO_LIVE"),
        ],
        None,
    );
    assert_eq!(wrong_client.status, 401);

    let challenge = client.sign_in("newbie", "first-pw", "DEMO_TEST");
    assert_eq!(challenge.status, 200);
    let data = &challenge.json()["data"];
    assert_eq!(data["challengeName"], "NEW_PASSWORD_REQUIRED");
    assert!(data["session"].as_str().unwrap().len() > 20);
    assert!(data["authenticationResult"].is_null());
}

#[test]
fn signing_in_too_often_is_rate_limited() {
    let (_, client) = two_users();
    // The tenant allows 3 sign-ins a minute per user; failed ones count.
    for _ in 0..3 {
        assert_eq!(client.sign_in("ann", "wrong", "DEMO_TEST").status, 401);
    }
    let limited = client.sign_in("ann", "ann-pw", "DEMO_TEST");
    assert_eq!(limited.status, 429);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(client.sign_in("demo", "demo", "DEMO_TEST").status, 200);
}

#[test]
fn tokens_expire_and_refresh_once_renews_them() {
    let base = start_with_tenant(
        &TWO_USERS.replace(
            "logins_per_minute = 3",
            "logins_per_minute = 3\ntoken_lifetime_seconds = 1",
        ),
        settings(),
    );
    let mut client = Client::bare(&base);
    client.set("x-api-key", KEY);
    let signed = client.sign_in("demo", "demo", "DEMO_TEST").json();
    let result = &signed["data"]["authenticationResult"];
    assert_eq!(result["expiresIn"], 1);
    let id_token = result["idToken"].as_str().unwrap().to_string();
    let refresh_token = result["refreshToken"].as_str().unwrap().to_string();
    client.set("authorization", &format!("Bearer {id_token}"));
    client.set("vbasoftware-database", "DEMO_TEST");
    assert_eq!(client.get("/tolerances").status, 200);

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let expired = client.put("/tolerances-batch", "[]");
    assert_eq!(expired.status, 401);
    // The shape of the shared fixture, but a fresh activity ID.
    let mut expected = fixture_json("error-401.json");
    expected["debug"]["activityID"] = expired.json()["debug"]["activityID"].clone();
    assert_eq!(expired.json(), expected);

    let refused = client.with(
        "POST",
        "/user-refresh-tokens",
        &[("expired-id-token", &id_token), ("refresh-token", "guess")],
        None,
    );
    assert_eq!(refused.status, 401);
    let renewed = client.with(
        "POST",
        "/user-refresh-tokens",
        &[
            ("expired-id-token", &id_token),
            ("refresh-token", &refresh_token),
        ],
        None,
    );
    assert_eq!(renewed.status, 200, "{}", renewed.text);
    let new_token = renewed.json()["data"]["authenticationResult"]["idToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_token, id_token);
    client.set("authorization", &format!("Bearer {new_token}"));
    assert_eq!(client.get("/tolerances").status, 200);
}

#[test]
fn a_flood_of_user_names_cannot_grow_the_sign_in_throttle() {
    let (_, client) = two_users();
    assert_eq!(client.sign_in("demo", "demo", "DEMO_LIVE").status, 200);
    let flood = vbapi_sandbox::auth::MAX_SIGN_IN_NAMES;
    for n in 1..flood {
        let guess = client.sign_in(&format!("guess-{n}"), "pw", "DEMO_LIVE");
        assert_eq!(guess.status, 401, "{n}: {}", guess.text);
    }
    // Full: a name not followed yet waits for the oldest to leave the minute…
    let refused = client.sign_in("one-more", "pw", "DEMO_LIVE");
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert!(refused.header("retry-after").is_some());
    // …while a followed name keeps its own count.
    assert_eq!(client.sign_in("demo", "demo", "DEMO_LIVE").status, 200);
}
