use super::*;
use crate::core::config::RuntimeConfig;

fn connection(mode: &str) -> Connection {
    let config = RuntimeConfig::parse(&format!(
        r#"{{"apiBaseUrl": "https://api.example/vbasoftware", "mode": "{mode}",
            "clientId": "cid", "clientCode": "ccode", "databases": ["LIVE", "TEST"]}}"#
    ))
    .unwrap();
    Connection::new(&config, "TEST", Some("secret-key".into()))
}

fn tokens() -> Tokens {
    Tokens {
        id_token: "id.jwt".into(),
        access_token: "access".into(),
        refresh_token: "refresh".into(),
        expires_in: 86_400,
    }
}

#[test]
fn base64_matches_the_standard_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
        ("josé:pässword", "am9zw6k6cMOkc3N3b3Jk"),
    ] {
        assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
    }
}

#[test]
fn sign_in_sends_basic_credentials_client_headers_and_database() {
    let spec = connection("direct").sign_in_request("jsmith", "pw");
    assert_eq!(spec.method, Method::Post);
    assert_eq!(
        spec.url,
        "https://api.example/vbasoftware/user-authentication"
    );
    assert_eq!(spec.header("authorization"), Some("Basic anNtaXRoOnB3"));
    assert_eq!(spec.header("vbasoftware-client-id"), Some("cid"));
    assert_eq!(spec.header("vbasoftware-client-code"), Some("ccode"));
    assert_eq!(spec.header("vbasoftware-database"), Some("TEST"));
    assert_eq!(spec.header("x-api-key"), Some("secret-key"));
    let debug = format!("{spec:?}");
    assert!(
        !debug.contains("anNtaXRoOnB3") && !debug.contains("secret-key"),
        "{debug}"
    );
}

#[test]
fn the_api_key_goes_out_only_in_direct_mode() {
    let gateway = connection("gateway");
    let specs = [
        gateway.sign_in_request("u", "p"),
        gateway.refresh_request(&tokens()),
        gateway.batch_request("[]".into(), &tokens()),
        gateway.page_request("tolerances", "tolerance_Key", 1, &tokens()),
        gateway.environments_request(),
    ];
    for spec in &specs {
        assert_eq!(spec.header("x-api-key"), None, "{spec:?}");
        assert_eq!(
            spec.header("vbasoftware-database"),
            Some("TEST"),
            "{spec:?}"
        );
    }
    let direct = connection("direct");
    assert_eq!(
        direct
            .batch_request("[]".into(), &tokens())
            .header("x-api-key"),
        Some("secret-key")
    );
}

#[test]
fn batch_refresh_and_list_requests_follow_the_contract() {
    let conn = connection("gateway");
    let batch = conn.batch_request("[1]".into(), &tokens());
    assert_eq!(
        (batch.method, batch.url.as_str()),
        (
            Method::Put,
            "https://api.example/vbasoftware/tolerances-batch"
        )
    );
    assert_eq!(batch.header("authorization"), Some("Bearer id.jwt"));
    assert_eq!(batch.header("content-type"), Some("application/json"));
    assert_eq!(batch.body.as_deref(), Some("[1]"));
    let refresh = conn.refresh_request(&tokens());
    assert_eq!(
        refresh.url,
        "https://api.example/vbasoftware/user-refresh-tokens"
    );
    assert_eq!(refresh.header("expired-id-token"), Some("id.jwt"));
    assert_eq!(refresh.header("refresh-token"), Some("refresh"));
    let page = conn.page_request("tolerances", "tolerance_Key", 3, &tokens());
    assert_eq!(
        page.url,
        "https://api.example/vbasoftware/tolerances?page=3&pageSize=5000&sortBy=tolerance_Key:asc"
    );
    assert_eq!(page.method, Method::Get);
}

#[test]
fn sign_in_answers_give_tokens_or_a_typed_challenge() {
    let signed_in = read_sign_in(
        r#"{"data":{"authenticationResult":{"idToken":"i","accessToken":"a","refreshToken":"r",
            "expiresIn":86400,"tokenType":"Bearer"},"challengeName":null,"session":null},
            "error":null,"debug":{"activityID":"x"}}"#,
    )
    .unwrap();
    let SignInOutcome::SignedIn(tokens) = signed_in else {
        panic!("expected tokens");
    };
    assert_eq!(
        (tokens.id_token.as_str(), tokens.refresh_token.as_str()),
        ("i", "r")
    );
    assert_eq!(tokens.expires_in, 86_400);
    assert!(!format!("{tokens:?}").contains("\"i\""));

    let challenge = read_sign_in(
        r#"{"data":{"authenticationResult":null,"challengeName":"NEW_PASSWORD_REQUIRED",
            "session":"s1"},"error":null}"#,
    )
    .unwrap();
    assert_eq!(
        challenge,
        SignInOutcome::NewPasswordRequired {
            session: "s1".into()
        }
    );
    let other = read_sign_in(r#"{"data":{"challengeName":"MFA","session":"s2"}}"#).unwrap();
    assert_eq!(
        other,
        SignInOutcome::Challenge {
            name: "MFA".into(),
            session: "s2".into()
        }
    );
    let empty = read_sign_in(r#"{"data":{}}"#).unwrap_err();
    assert!(matches!(empty, ApiError::UnexpectedBody(_)), "{empty:?}");
    assert!(read_tokens(r#"{"data":{"challengeName":"MFA"}}"#).is_err());
}

#[test]
fn an_unexpected_status_carries_problem_details_activity_id_and_retry_after() {
    let raw = RawResponse {
        status: 429,
        body: r#"{"data":null,"error":{"title":"Too Many Requests","status":429,
            "detail":"Slow down."},"debug":{"activityID":"A:7"}}"#
            .into(),
        retry_after: Some("3".into()),
        pagination: None,
    };
    let err = expect_status(raw, &[200]).unwrap_err();
    let ApiError::Status {
        status,
        problem,
        activity_id,
        retry_after_ms,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*status, activity_id.as_deref(), *retry_after_ms),
        (429, Some("A:7"), Some(3_000))
    );
    assert_eq!(problem.as_ref().unwrap().summary(), Some("Slow down."));
    let html = RawResponse {
        status: 502,
        body: "<html>Bad gateway</html>".into(),
        retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
        pagination: None,
    };
    let err = expect_status(html, &[200]).unwrap_err();
    assert_eq!(
        err,
        ApiError::Status {
            status: 502,
            problem: None,
            activity_id: None,
            retry_after_ms: None
        }
    );
    let ok = RawResponse {
        status: 207,
        body: String::new(),
        retry_after: None,
        pagination: None,
    };
    assert!(expect_status(ok, &[207, 200]).is_ok());
}

#[test]
fn pagination_decides_whether_to_fetch_more() {
    let p = parse_pagination(Some(
        r#"{"TotalCount":2500,"TotalPages":3,"CurrentPage":1,"PageSize":1000}"#,
    ))
    .unwrap();
    assert_eq!((p.total_count, p.total_pages, p.page_size), (2500, 3, 1000));
    let full = LIST_PAGE_SIZE as usize;
    assert!(more_pages(Some(p), 1, 1000, full));
    assert!(!more_pages(Some(p), 3, 500, full));
    assert!(
        !more_pages(Some(p), 2, 0, full),
        "an empty page ends the load"
    );
    assert!(more_pages(None, 1, full, full));
    assert!(!more_pages(None, 2, full - 1, full));
    // A server that gives 250 rows a page whatever is asked: followed until a page is short.
    assert!(more_pages(None, 1, 250, 250));
    assert!(more_pages(None, 7, 250, 250));
    assert!(!more_pages(None, 8, 249, 250));
    assert!(!more_pages(None, 2, 0, 250), "an empty page ends the load");
    assert_eq!(parse_pagination(Some("nonsense")), None);
    assert_eq!(parse_pagination(None), None);
}

#[test]
fn environments_groups_and_payment_methods_read_from_their_envelopes() {
    let dbs = read_environments(
        r#"{"data":[{"databaseName":"LIVE","clientID":"c"},{"databaseName":"TEST"}]}"#,
    )
    .unwrap();
    assert_eq!(dbs, ["LIVE", "TEST"]);
    let (groups, _): (Vec<Group>, _) = crate::core::envelope::parse_data(
        r#"{"data":[{"group_ID":"G1","group_Name":"One"},{"group_ID":"G2"}]}"#,
    )
    .unwrap();
    assert_eq!(
        groups[0],
        Group {
            id: "G1".into(),
            name: Some("One".into())
        }
    );
    assert_eq!(groups[1].name, None);
    let (methods, _): (Vec<PaymentMethod>, _) = crate::core::envelope::parse_data(
        r#"{"data":[{"payment_Method":"ACH","description":"Bank transfer"}]}"#,
    )
    .unwrap();
    assert_eq!(methods[0].code, "ACH");
}

#[test]
fn one_tolerance_is_read_back_by_key_with_the_token_and_database() {
    for mode in ["gateway", "direct"] {
        let spec = connection(mode).tolerance_request(17, &tokens());
        assert_eq!(
            (spec.method, spec.url.as_str(), spec.body.as_deref()),
            (
                Method::Get,
                "https://api.example/vbasoftware/tolerances/17",
                None
            )
        );
        assert_eq!(spec.header("authorization"), Some("Bearer id.jwt"));
        assert_eq!(spec.header("vbasoftware-database"), Some("TEST"));
        let key = (mode == "direct").then_some("secret-key");
        assert_eq!(spec.header("x-api-key"), key, "{mode}");
    }
    let negative = connection("gateway").tolerance_request(-3, &tokens());
    assert!(negative.url.ends_with("/tolerances/-3"), "{negative:?}");
}

fn answer(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        body: body.into(),
        retry_after: Some("2".into()),
        pagination: None,
    }
}

#[test]
fn a_read_back_tolerance_is_the_record_none_for_404_and_an_error_otherwise() {
    let body = r#"{"data":{"tolerance_Key":1,"entry_Date":"2024-01-15T09:30:00Z","entry_User":"JSMITH",
        "group_ID":"GRP001","payment_Method":"ACH","tolerance1":9.0,
        "update_Date":"2024-06-01T12:00:00Z","update_User":"MLOPEZ"},
        "error":null,"debug":{"activityID":"A:1"}}"#;
    let record = read_tolerance(answer(200, body)).unwrap().unwrap();
    assert_eq!((record.key, record.amount), (1, 9.0));
    assert_eq!(record.update_user.as_deref(), Some("MLOPEZ"));
    assert_eq!(record.group_id.as_deref(), Some("GRP001"));

    let missing = r#"{"data":null,"error":{"title":"Not Found","status":404,"detail":"No tolerance 5."},"debug":{"activityID":"A:2"}}"#;
    assert_eq!(read_tolerance(answer(404, missing)).unwrap(), None);
    // A gateway's bare 404 says the same.
    assert_eq!(read_tolerance(answer(404, "<html>")).unwrap(), None);

    match read_tolerance(answer(429, "{}")) {
        Err(ApiError::Status {
            status: 429,
            retry_after_ms: Some(2000),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_tolerance(answer(401, "{}")),
        Err(ApiError::Status { status: 401, .. })
    ));
    // A 200 that is not a record is an error, not a record of defaults.
    assert!(read_tolerance(answer(200, r#"{"data":null}"#)).is_err());
    assert!(read_tolerance(answer(200, "<html>")).is_err());
}
