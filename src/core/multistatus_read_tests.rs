use super::tests::reference_parse;
use super::*;

/// Both readers agree on `body`; answers what they read.
fn same(body: &str) -> Result<BatchAnswer, BodyError> {
    let direct = parse_batch_answer(body);
    let reference = reference_parse(body);
    match (&direct, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
        (Err(a), Err(b)) => assert_eq!(a.reason.is_empty(), b.reason.is_empty(), "{body}"),
        _ => panic!("{body}: direct {direct:?}, reference {reference:?}"),
    }
    direct
}

#[test]
fn odd_shapes_read_as_the_tree_reader_read_them() {
    let items = [
        r#"{"id":[{"key":" TOLERANCE_key ","value":"12"}],"status":" 201 ","body":"Cr\u00e9\"ated\""}"#,
        r#"{"id":[{"value":7}],"status":200}"#,
        r#"{"id":[{"key":null,"value":-3}],"status":-1,"body":5}"#,
        r#"{"id":[{"key":"other","value":1},{"key":"tolerance_Key","value":2.0}],"body":true}"#,
        r#"{"id":[{"key":"other","value":1}],"status":200.0}"#,
        r#"{"id":[{"value":1},{"value":2}],"status":70000}"#,
        r#"{"id":[5],"status":[200],"body":{"a":1}}"#,
        r#"{"id":{"key":"tolerance_Key","value":1},"status":null,"body":null}"#,
        r#"{"id":[{"key":"tolerance_Key","value":2.5}]}"#,
        r#"{"id":[{"key":"tolerance_Key","value":1e3}]}"#,
        r#"{"id":[{"key":"tolerance_Key","value":99999999999}]}"#,
        r#"{"id":[{"key":"tolerance_Key","value":{"x":[1,2]}}],"extra":[{"y":null}]}"#,
        r#"{"id":[{"key":"tolerance_Key","value":1,"value":2}],"status":400,"status":200}"#,
        r#"[1,2]"#,
        r#""junk""#,
        r#"null"#,
        r#"17"#,
    ];
    let answer = same(&format!(
        r#"{{"data":[{}],"error":null,"debug":{{"activityID":"A:1"}}}}"#,
        items.join(",")
    ))
    .unwrap();
    let read = answer.items.unwrap();
    assert_eq!(read.len(), items.len());
    assert_eq!((read[0].key, read[0].status), (Some(12), Some(201)));
    assert_eq!(read[0].body, "Cré\"ated\"");
    assert_eq!(
        (read[1].key, read[2].key, read[2].body.as_str()),
        (Some(7), Some(-3), "5")
    );
    assert_eq!((read[3].key, read[3].key_text.as_str()), (Some(2), "2.0"));
    assert_eq!((read[4].key, read[5].key), (None, None));
    assert_eq!((read[12].key, read[12].status), (Some(2), Some(200)));
    assert_eq!(answer.activity_id.as_deref(), Some("A:1"));
}

#[test]
fn envelopes_lists_and_bodies_that_are_neither_read_as_before() {
    let bodies = [
        "\u{feff}[{\"id\":[{\"key\":\"tolerance_Key\",\"value\":1}],\"status\":201}]",
        r#"{"data":null,"error":{"title":"Bad","status":"400","detail":7},"debug":{"activityId":3}}"#,
        r#"{"data":{"id":1},"error":"boom","debug":[1]}"#,
        r#"{"data":"text","debug":{"activityID":true,"activityId":"x"}}"#,
        r#"{"data":[],"data":null}"#,
        r#"{}"#,
        r#"[]"#,
        "42",
        r#""text""#,
        "true",
        "null",
        "Bad gateway",
        r#"{"data":[1,}"#,
        r#"{"data":[]} trailing"#,
        "",
    ];
    for body in bodies {
        let _ = same(body);
    }
    assert!(parse_batch_answer("null").is_err());
    let error = parse_batch_answer(bodies[1]).unwrap().error.unwrap();
    assert_eq!((error.status, error.summary()), (Some(400), Some("7")));
}

#[test]
fn the_fixtures_read_as_before() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vbapi/fixtures");
    for name in [
        "batch-207-mixed.json",
        "batch-207-loose-ids.json",
        "batch-207-data-null.json",
    ] {
        let body = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(same(&body).is_ok(), "{name}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod generated {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::same;

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-100_000i32..100_000).prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            (-1000i32..1000).prop_map(|n| Value::from(f64::from(n))),
            prop::sample::select(vec![
                "tolerance_Key",
                " Tolerance_KEY ",
                "key",
                "",
                " 7 ",
                "7.0",
                "-12",
                "abc",
                "Updated",
                "é\"\\\n\t",
                "201",
                "99999999999",
            ])
            .prop_map(Value::from),
            "[ -~]{0,6}".prop_map(Value::from),
        ]
    }

    fn any_value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// An object with some of `fields`, each from its strategy, plus a stray field.
    fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> impl Strategy<Value = Value> {
        let parts: Vec<_> = fields
            .into_iter()
            .map(|(name, values)| prop::option::of(values).prop_map(move |v| (name, v)))
            .collect();
        (parts, prop::option::of(any_value())).prop_map(|(parts, extra)| {
            let mut map = serde_json::Map::new();
            for (name, value) in parts {
                if let Some(value) = value {
                    map.insert(name.to_string(), value);
                }
            }
            if let Some(extra) = extra {
                map.insert("extra".into(), extra);
            }
            Value::Object(map)
        })
    }

    fn id_part() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => object(vec![("key", scalar().boxed()), ("value", any_value().boxed())]),
            1 => any_value(),
        ]
    }

    fn item() -> impl Strategy<Value = Value> {
        let ids = prop_oneof![
            4 => prop::collection::vec(id_part(), 0..4).prop_map(Value::from),
            1 => any_value(),
        ];
        prop_oneof![
            6 => object(vec![
                ("id", ids.boxed()),
                ("status", any_value().boxed()),
                ("body", any_value().boxed()),
            ]),
            1 => any_value(),
        ]
    }

    fn body() -> impl Strategy<Value = String> {
        let data = prop_oneof![
            5 => prop::collection::vec(item(), 0..6).prop_map(Value::from),
            1 => any_value(),
        ];
        let envelope = object(vec![
            ("data", data.boxed()),
            ("error", any_value().boxed()),
            (
                "debug",
                prop_oneof![any_value(), scalar().prop_map(|a| json!({"activityID": a}))].boxed(),
            ),
        ]);
        let top = prop_oneof![
            4 => envelope,
            1 => prop::collection::vec(item(), 0..4).prop_map(Value::from),
            1 => any_value(),
        ];
        (top, any::<bool>())
            .prop_map(|(top, bom)| format!("{}{}", if bom { "\u{feff}" } else { "" }, top))
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(400) })]

        #[test]
        fn any_answer_reads_as_the_tree_reader_reads_it(body in body()) {
            let _ = same(&body);
        }
    }
}
