//! Property tests: round trips for any cell content, parsers that never panic, a matcher
//! that never calls a row saved without a 200/201 item for it, and a planner that never
//! sends a row twice nor drops one, whatever the server does; a table whose kept counts
//! always equal a recount, whatever is done to it.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use tolerance_editor::core::clipboard::restore_splits_on;
use tolerance_editor::core::clipboard::{parse_tsv, unescape_formula, write_tsv};
use tolerance_editor::core::columns::Field;
use tolerance_editor::core::csv_io::{defuse_row, read_csv, write_csv};
use tolerance_editor::core::draft::{RowId, plain_decimal};
use tolerance_editor::core::list_separator::ListSeparator;
use tolerance_editor::core::multistatus::{
    OutcomeKind, RowOutcome, match_answer, parse_batch_answer,
};
use tolerance_editor::core::planner::{
    Action, ChunkId, ChunkStatus, Planner, PlannerConfig, Response, Trouble,
};
use tolerance_editor::core::record::Tolerance;
use tolerance_editor::core::table::Table;
use tolerance_editor::core::validate::{ProblemKind, is_iso8601, parse_amount, parse_key};

/// Any JSON value, its objects keyed mostly by the names an envelope's `error` and `debug`
/// members use.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |x| x.is_finite())
            .prop_map(Value::from),
        "[ -~é\\\"\n]{0,12}".prop_map(Value::from),
        " ?[0-9]{1,6} ?".prop_map(Value::from),
    ];
    let name = prop_oneof![
        Just("type"),
        Just("title"),
        Just("status"),
        Just("detail"),
        Just("instance"),
        Just("activityID"),
        Just("activityId"),
        Just("other"),
    ]
    .prop_map(String::from);
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(name.clone(), inner, 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// No regression files are written into the source tree; a failure prints its input.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

/// Cells that stress the formats: separators, quotes, line breaks, formula starters,
/// apostrophes, and any other text.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\t\n\r\",;'=+@ -]{0,6}",
        "['=+@-]?[a-z0-9 .,]{0,8}",
        ".{0,12}",
        any::<String>(),
    ]
}

fn grid() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 1..6), 0..8)
}

proptest! {
    #![proptest_config(config(400))]

    #[test]
    fn clipboard_text_round_trips_any_cells(rows in grid()) {
        let text = write_tsv(&rows);
        let back: Vec<Vec<String>> = parse_tsv(&text)
            .rows()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect();
        prop_assert_eq!(back, rows);
    }

    /// Written with either list separator, any cells read back as they were.
    #[test]
    fn csv_round_trips_any_cells(rows in grid()) {
        let header = ["Tolerance key", "Tolerance amount", "Group ID", "Payment method"];
        for separator in [ListSeparator::Comma, ListSeparator::Semicolon] {
            let text = write_csv(&header, &rows, separator);
            let file = read_csv(&text);
            prop_assert_eq!(file.delimiter as char, separator.char());
            prop_assert_eq!(file.header.unwrap(), header);
            let back: Vec<Vec<String>> = file
                .rows
                .rows()
                .map(|r| r.iter().map(str::to_string).collect())
                .collect();
            prop_assert_eq!(&back, &rows);
        }
    }

    /// The hand-written reader splits any text into the same records as the `csv` crate
    /// (flexible, no headers, the detected delimiter), formula escapes (at the start and
    /// after a semicolon) aside.
    #[test]
    fn csv_reads_any_text_as_the_csv_crate_does(
        text in prop_oneof!["[,;\t\r\n\"'=a\u{e9}]{0,40}", any::<String>()],
    ) {
        let file = read_csv(&text);
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        prop_assume!(!body.starts_with('\u{feff}'));
        let expected: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .delimiter(file.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(|c| restore_splits_on(unescape_formula(c), ListSeparator::of_delimiter(file.delimiter).other()).into_owned()).collect())
            .collect();
        let actual: Vec<Vec<String>> = file
            .header
            .into_iter()
            .chain(file.rows.rows().map(|r| r.iter().map(str::to_string).collect()))
            .collect();
        prop_assert_eq!(actual, expected);
    }

    /// The hand-written writer writes byte for byte what the `csv` crate writes (BOM, CRLF,
    /// quotes only where needed, `""` for a record that would be a blank line), but that it
    /// also quotes a cell holding a semicolon (for Excel where that is the list separator):
    /// there, the crate reads back exactly the defused cells.
    #[test]
    fn csv_writes_what_the_csv_crate_writes(rows in grid()) {
        let header = ["Tolerance key", "Tolerance amount"];
        let defused: Vec<Vec<String>> = rows
            .iter()
            .map(|row| defuse_row(row, ListSeparator::Comma))
            .collect();
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::from("\u{feff}".as_bytes()));
        writer.write_record(header).unwrap();
        for row in &defused {
            writer.write_record(row).unwrap();
        }
        let expected = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let written = write_csv(&header, &rows, ListSeparator::Comma);
        if rows.iter().flatten().any(|c| c.contains(';')) {
            let read: Vec<Vec<String>> = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(true)
                .from_reader(written.trim_start_matches('\u{feff}').as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            let expected_rows: Vec<Vec<String>> = defused
                .into_iter()
                .map(|row| if row.iter().all(String::is_empty) && row.len() <= 1 { vec![String::new()] } else { row })
                .collect();
            prop_assert_eq!(read, expected_rows);
        } else {
            prop_assert_eq!(written, expected);
        }
    }

    /// Amounts are shown without core's float formatting: the text reads back as the same
    /// value, is as short as `Display`'s, has no exponent, and is `Display`'s own text except
    /// where two shortest texts of 16 or 17 digits tie.
    #[test]
    fn plain_decimal_writes_what_display_writes(
        bits in any::<u64>(),
        cents in any::<i64>(),
        tiny in -400i32..400,
    ) {
        let scaled = (cents as f64) * 10f64.powi(tiny);
        for value in [f64::from_bits(bits), cents as f64 / 100.0, scaled, (cents % 100_000) as f64 / 100.0] {
            let text = plain_decimal(value);
            let display = value.to_string();
            if !value.is_finite() {
                prop_assert_eq!(text, display);
                continue;
            }
            prop_assert_eq!(text.parse::<f64>().unwrap().to_bits(), value.to_bits(), "{}", text);
            prop_assert_eq!(text.len(), display.len(), "{} vs {}", text, display);
            prop_assert!(!text.contains(['e', 'E']));
            // Up to 15 significant digits, the shortest text is unique.
            let digits = display.trim_start_matches('-').replace('.', "");
            if digits.trim_start_matches('0').trim_end_matches('0').len() <= 15 {
                prop_assert_eq!(text, display);
            }
        }
    }

    #[test]
    fn no_text_makes_a_parser_panic(text in any::<String>(), noise in "[\t\r\n\",;'{}\\[\\]:0-9a-zA-Z]{0,40}") {
        for input in [text.as_str(), noise.as_str()] {
            let _ = parse_tsv(input);
            let _ = read_csv(input);
            let _ = parse_batch_answer(input);
            let _ = parse_amount(input);
            let _ = parse_key(input);
            let _ = is_iso8601(input);
            let _ = tolerance_editor::api::wire::read_sign_in(input);
            let _ = tolerance_editor::core::envelope::parse_envelope(input);
            let _ = tolerance_editor::core::envelope::parse_error(input);
        }
    }

    #[test]
    fn errors_read_in_one_pass_read_as_through_the_tree(
        error in json_value(),
        debug in json_value(),
        data in json_value(),
        members in 0u8..8,
        bare in any::<bool>(),
    ) {
        use tolerance_editor::core::envelope::{parse_envelope, parse_error};
        let body = if bare {
            data.to_string()
        } else {
            let mut envelope = serde_json::Map::new();
            for (bit, name, value) in [(1, "error", error), (2, "debug", debug), (4, "data", data)] {
                if members & bit != 0 {
                    envelope.insert(name.to_string(), value);
                }
            }
            serde_json::Value::Object(envelope).to_string()
        };
        let fast = parse_error(&body).map(|e| (e.error, e.activity_id));
        let tree = parse_envelope(&body).map(|e| (e.error, e.activity_id));
        prop_assert_eq!(fast, tree, "{}", body);
    }

    #[test]
    fn near_dates_and_near_numbers_never_panic(
        date in "[0-9]{4}-[0-9]{1,2}-[0-9]{1,3}([Tt ][0-9:.]{0,12}([Zz]|[+-][0-9:]{0,6})?)?",
        number in "[-+]?[$€]?[-+]?[0-9,.]{0,12}([eE][-+]?[0-9]{0,3})?",
    ) {
        let _ = is_iso8601(&date);
        let _ = parse_amount(&number);
        let _ = parse_key(&number);
    }

    #[test]
    fn money_as_excel_formats_it_reads_back(cents in 0u64..100_000_000_000_000, negative in any::<bool>()) {
        let whole = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if negative { "-" } else { "" };
        let text = format!(" {sign}${grouped}.{:02} ", cents % 100);
        let plain: f64 = format!("{sign}{}.{:02}", cents / 100, cents % 100).parse().unwrap();
        prop_assert_eq!(parse_amount(&text), Ok(plain), "{}", text);
    }

    #[test]
    fn short_decimals_read_as_the_standard_parser_reads_them(text in "[-+]?[0-9]{0,12}[.]?[0-9]{0,8}") {
        // The short path (up to 15 digits) and the long one must agree with `str::parse`,
        // but that more significant digits than the number keeps are refused, not rounded.
        let significant = |digits: &str| {
            let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
            digits.trim_start_matches('0').trim_end_matches('0').to_string()
        };
        if let Ok(expected) = text.parse::<f64>() {
            let shortest = format!("{expected:e}");
            if significant(&text).len() <= significant(shortest.split('e').next().unwrap()).len() {
                prop_assert_eq!(parse_amount(&text), Ok(expected), "{}", text);
            } else {
                prop_assert!(significant(&text).len() > 15, "{}", text);
                prop_assert_eq!(parse_amount(&text), Err(ProblemKind::TooPrecise), "{}", text);
            }
        } else {
            prop_assert!(parse_amount(&text).is_err(), "{}", text);
        }
    }

    #[test]
    fn numbers_written_plainly_read_back_exactly(value in any::<f64>().prop_filter("finite", |v| v.is_finite()), key in any::<i32>()) {
        prop_assert_eq!(parse_amount(&value.to_string()), Ok(value));
        prop_assert_eq!(parse_key(&key.to_string()), Ok(key));
    }

    #[test]
    fn the_matcher_never_saves_a_row_without_a_200_or_201_item_for_its_key(
        sent in prop::collection::vec(0i32..6, 0..10),
        items in prop::collection::vec(item(), 0..12),
        data_null in any::<bool>(),
    ) {
        let body = if data_null {
            r#"{"data":null,"error":{"status":400,"title":"bad"}}"#.to_string()
        } else {
            format!(r#"{{"data":[{}],"error":null}}"#, items.iter().map(|i| i.json.clone()).collect::<Vec<_>>().join(","))
        };
        let answer = parse_batch_answer(&body).unwrap();
        let matched = match_answer(&sent, &answer);
        prop_assert_eq!(matched.rows.len(), sent.len());
        // Per key: rows reported saved never outnumber the 200/201 items naming that key.
        let mut saved_items: HashMap<i32, usize> = HashMap::new();
        if !data_null {
            for item in items.iter().filter(|i| matches!(i.status, Some(200 | 201))) {
                if let Some(key) = item.key {
                    *saved_items.entry(key).or_default() += 1;
                }
            }
        }
        let mut saved_rows: HashMap<i32, usize> = HashMap::new();
        for (key, outcome) in sent.iter().zip(&matched.rows) {
            if outcome.kind.is_saved() {
                *saved_rows.entry(*key).or_default() += 1;
            }
        }
        for (key, count) in saved_rows {
            prop_assert!(count <= saved_items.get(&key).copied().unwrap_or(0), "key {}", key);
        }
    }

    #[test]
    fn the_matcher_gives_each_row_the_first_unused_item_for_its_key_in_order(
        sent in prop::collection::vec(0i32..6, 0..30),
        items in prop::collection::vec((prop::option::of(0i32..8), prop::sample::select(vec![200u16, 201, 204, 400])), 0..40),
    ) {
        // Each item's body names it, so the outcome shows which item a row got.
        let json: Vec<String> = items.iter().enumerate().map(|(n, (key, status))| {
            let id = key.map_or("[]".to_string(), |k| format!(r#"[{{"key":"tolerance_Key","value":{k}}}]"#));
            format!(r#"{{"id":{id},"status":{status},"body":"item {n}"}}"#)
        }).collect();
        let answer = parse_batch_answer(&format!(r#"{{"data":[{}]}}"#, json.join(","))).unwrap();
        let matched = match_answer(&sent, &answer);
        // The plain reading of the rule: each item, in order, goes to the first row sent with
        // its key that has no item yet; otherwise it is a stray.
        let mut expected: Vec<Option<usize>> = vec![None; sent.len()];
        let mut strays = Vec::new();
        for (n, (key, _)) in items.iter().enumerate() {
            match key.and_then(|k| (0..sent.len()).find(|&r| sent[r] == k && expected[r].is_none())) {
                Some(row) => expected[row] = Some(n),
                None => strays.push(format!("item {n}")),
            }
        }
        prop_assert_eq!(matched.rows.len(), sent.len());
        for (row, (outcome, item)) in matched.rows.iter().zip(&expected).enumerate() {
            match item {
                Some(n) => {
                    prop_assert_eq!(&outcome.message, &format!("item {n}"), "row {}", row);
                    prop_assert_eq!(outcome.status, Some(items[*n].1));
                    let kind = match items[*n].1 {
                        200 => OutcomeKind::Updated,
                        201 => OutcomeKind::Created,
                        400 => OutcomeKind::Failed,
                        _ => OutcomeKind::Unconfirmed,
                    };
                    prop_assert_eq!(outcome.kind, kind);
                }
                None => {
                    prop_assert_eq!(outcome.kind, OutcomeKind::Unconfirmed, "row {}", row);
                    prop_assert_eq!(outcome.status, None);
                }
            }
        }
        let got: Vec<&str> = matched.strays.iter().map(|s| s.item.body.as_str()).collect();
        prop_assert_eq!(got, strays);
    }
}

#[derive(Debug, Clone)]
struct Item {
    key: Option<i32>,
    status: Option<u16>,
    json: String,
}

/// An item whose key is a number, a numeric string, junk or absent, in any key case.
fn item() -> impl Strategy<Value = Item> {
    (
        0i32..8,
        0u8..4,
        prop::sample::select(vec!["tolerance_Key", "TOLERANCE_KEY", "id"]),
        prop::option::of(prop::sample::select(vec![200u16, 201, 204, 400, 500])),
    )
        .prop_map(|(key, form, name, status)| {
            let (value, readable) = match form {
                0 => (key.to_string(), true),
                1 => (format!("\"{key}\""), true),
                2 => ("\"x\"".to_string(), false),
                _ => ("null".to_string(), false),
            };
            let readable = readable && name != "id";
            let status_json = status.map_or("null".to_string(), |s| s.to_string());
            Item {
                key: readable.then_some(key),
                status,
                json: format!(
                    r#"{{"id":[{{"key":"{name}","value":{value}}}],"status":{status_json},"body":"b"}}"#
                ),
            }
        })
}

fn record(key: i32) -> Tolerance {
    Tolerance {
        key,
        amount: 1.0,
        group_id: None,
        payment_method: None,
        entry_date: None,
        entry_user: None,
        update_date: None,
        update_user: None,
    }
}

fn response(choice: u8, retry_after: u16) -> Response {
    let trouble = Trouble::new(Some(503), "busy");
    match choice % 7 {
        0 | 1 => Response::Answered,
        2 => Response::Unauthorized,
        3 => Response::Retryable {
            trouble,
            retry_after_ms: Some(u64::from(retry_after)),
        },
        4 => Response::Retryable {
            trouble,
            retry_after_ms: None,
        },
        5 => Response::Failed(Trouble::new(Some(400), "no")),
        _ => Response::Unconfirmed(Trouble::new(Some(207), "?")),
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn the_planner_never_sends_a_row_twice_nor_drops_one(
        row_count in 0usize..40,
        chunk_size in 1usize..8,
        max_in_flight in 1usize..4,
        max_attempts in 1u32..4,
        script in prop::collection::vec((any::<u8>(), any::<u16>()), 1..64),
    ) {
        let rows: Vec<(RowId, Tolerance)> =
            (0..row_count).map(|i| (RowId(i as u32), record(i as i32))).collect();
        let planner_config = PlannerConfig {
            chunk_size,
            max_in_flight,
            max_attempts,
            jitter_seed: 3,
            ..PlannerConfig::default()
        };
        let mut planner = Planner::new(planner_config, rows);
        let mut now = 0u64;
        let mut in_flight: Vec<ChunkId> = Vec::new();
        let mut flying_rows: HashSet<RowId> = HashSet::new();
        let mut finished_rows: HashSet<RowId> = HashSet::new();
        let mut step = 0usize;
        let mut done = false;
        while step < 20_000 {
            let (choice, extra) = script[step % script.len()];
            let choice = choice.wrapping_add((step / script.len()) as u8);
            step += 1;
            // Past a while, the server behaves, so every run ends.
            let calm = step > 5_000;
            if !in_flight.is_empty() && choice % 3 == 0 {
                let id = in_flight.remove(usize::from(extra) % in_flight.len());
                let reply = if calm { Response::Answered } else { response(choice / 3, extra) };
                let must_end = matches!(reply, Response::Answered | Response::Failed(_) | Response::Unconfirmed(_));
                prop_assert!(planner.on_response(id, reply, now));
                let chunk = planner.chunk(id).unwrap();
                // A retryable failure may also end the chunk: its last try.
                let ended = chunk.status.is_final() && chunk.status != ChunkStatus::Cancelled;
                prop_assert!(!must_end || ended);
                let chunk_rows = chunk.rows.clone();
                for row in chunk_rows {
                    flying_rows.remove(&row);
                    if ended {
                        finished_rows.insert(row);
                    }
                }
                continue;
            }
            if !calm && choice == 255 {
                planner.cancel();
            }
            match planner.next_action(now) {
                Action::Send(id) => {
                    for row in &planner.chunk(id).unwrap().rows {
                        prop_assert!(flying_rows.insert(*row), "row {:?} sent while in flight", row);
                        prop_assert!(!finished_rows.contains(row), "row {:?} sent after its answer", row);
                    }
                    in_flight.push(id);
                }
                Action::Wait { until } => {
                    prop_assert!(until > now);
                    now = until;
                }
                Action::RefreshToken => planner.on_token_refreshed(calm || choice % 2 == 0),
                Action::AskSignIn => {
                    if !calm && choice % 5 == 0 {
                        planner.cancel();
                    } else {
                        planner.on_signed_in();
                    }
                }
                Action::Idle => prop_assert!(!in_flight.is_empty(), "idle with nothing in flight"),
                Action::Done => {
                    done = true;
                    break;
                }
            }
        }
        prop_assert!(done, "the run did not end");
        prop_assert!(in_flight.is_empty());
        let mut seen = HashSet::new();
        for chunk in planner.chunks() {
            prop_assert!(chunk.status.is_final(), "{:?}", chunk.status);
            for row in &chunk.rows {
                prop_assert!(seen.insert(*row), "row in two chunks");
                prop_assert_eq!(
                    finished_rows.contains(row),
                    chunk.status != ChunkStatus::Cancelled
                );
            }
        }
        prop_assert_eq!(seen.len(), row_count);
        let progress = planner.progress();
        prop_assert_eq!(progress.rows_answered + progress.rows_cancelled, row_count);
    }
}

/// Cell text likely to matter to the counts: keys that collide, good and bad amounts, blanks.
fn table_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..6i32).prop_map(|k| k.to_string()),
        Just(String::new()),
        Just("x".to_string()),
        Just("2.50".to_string()),
        Just("-1".to_string()),
        "[A-Z0-9]{0,4}",
    ]
}

/// One thing a user or a submit does to the table; indexes are taken modulo its length.
#[derive(Debug, Clone)]
enum TableOp {
    Type(usize, usize, String),
    CancelTyping,
    Paste(usize, Vec<(usize, String)>, Vec<[String; 4]>),
    Insert(usize),
    Duplicate(usize),
    Delete(Vec<usize>),
    Undo,
    Redo,
    Sort(usize, bool),
    Pending(Vec<usize>),
    CancelPending(Vec<usize>),
    Outcomes(Vec<(usize, u8)>),
}

fn table_op() -> impl Strategy<Value = TableOp> {
    let indexes = || prop::collection::vec(0..64usize, 0..5);
    let cells = || [table_text(), table_text(), table_text(), table_text()];
    prop_oneof![
        (0..64usize, 0..4usize, table_text()).prop_map(|(r, f, t)| TableOp::Type(r, f, t)),
        Just(TableOp::CancelTyping),
        (
            0..64usize,
            prop::collection::vec((0..4usize, table_text()), 0..4),
            prop::collection::vec(cells(), 0..3)
        )
            .prop_map(|(r, e, n)| TableOp::Paste(r, e, n)),
        (0..64usize).prop_map(TableOp::Insert),
        (0..64usize).prop_map(TableOp::Duplicate),
        indexes().prop_map(TableOp::Delete),
        Just(TableOp::Undo),
        Just(TableOp::Redo),
        (0..4usize, any::<bool>()).prop_map(|(f, a)| TableOp::Sort(f, a)),
        indexes().prop_map(TableOp::Pending),
        indexes().prop_map(TableOp::CancelPending),
        prop::collection::vec((0..64usize, any::<u8>()), 0..5).prop_map(TableOp::Outcomes),
    ]
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn the_kept_counts_always_equal_a_recount(
        loaded in prop::collection::vec((0..6i32, 0..3u8), 0..8),
        ops in prop::collection::vec(table_op(), 1..40),
    ) {
        let mut table = Table::from_records(loaded.iter().map(|(key, amount)| Tolerance {
            amount: f64::from(*amount) + 0.5,
            ..record(*key)
        }));
        prop_assert_eq!(table.summary(), table.recount());
        for op in ops {
            let len = table.len().max(1);
            let id_at = |table: &Table, i: usize| table.row_at(i % len).map(|r| r.id());
            let ids = |table: &Table, list: &[usize]| -> Vec<RowId> {
                list.iter().filter_map(|i| id_at(table, *i)).collect()
            };
            match op.clone() {
                TableOp::Type(row, field, text) => {
                    if let Some(id) = id_at(&table, row) {
                        table.type_text(id, Field::EDITABLE[field], text);
                    }
                }
                TableOp::CancelTyping => {
                    table.cancel_typing();
                }
                TableOp::Paste(row, edits, new_rows) => {
                    let edits = match id_at(&table, row) {
                        Some(id) => edits
                            .into_iter()
                            .map(|(field, text)| (id, Field::EDITABLE[field], text.into()))
                            .collect(),
                        None => Vec::new(),
                    };
                    table.paste(edits, new_rows.into_iter().map(|r| r.map(Into::into)).collect());
                }
                TableOp::Insert(row) => {
                    table.insert_new(row % (len + 1));
                }
                TableOp::Duplicate(row) => {
                    if let Some(id) = id_at(&table, row) {
                        table.duplicate(id);
                    }
                }
                TableOp::Delete(rows) => {
                    let doomed = ids(&table, &rows);
                    table.delete(&doomed);
                }
                TableOp::Undo => {
                    table.undo();
                }
                TableOp::Redo => {
                    table.redo();
                }
                TableOp::Sort(field, ascending) => {
                    table.sort_by(&[(Field::EDITABLE[field], ascending)]);
                }
                TableOp::Pending(rows) => {
                    let rows = ids(&table, &rows);
                    table.mark_pending(&rows);
                }
                TableOp::CancelPending(rows) => {
                    let rows = ids(&table, &rows);
                    table.cancel_pending(&rows);
                }
                TableOp::Outcomes(rows) => {
                    let answers = rows
                        .iter()
                        .filter_map(|(i, kind)| {
                            let row = table.row_at(i % len)?;
                            let sent = row.to_record().ok()?;
                            let outcome = match kind % 4 {
                                0 => RowOutcome { kind: OutcomeKind::Created, status: Some(201), message: String::new(), activity_id: None },
                                1 => RowOutcome { kind: OutcomeKind::Updated, status: Some(200), message: String::new(), activity_id: None },
                                2 => RowOutcome::failed(Some(400), "no", None),
                                _ => RowOutcome::unconfirmed("?", None),
                            };
                            Some((row.id(), sent, outcome))
                        })
                        .collect();
                    table.apply_outcomes(answers);
                }
            }
            prop_assert_eq!(table.summary(), table.recount(), "after {:?}", op);
        }
    }
}
