//! Component tests in a real browser (headless Chromium through wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use tolerance_editor::AppShell;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the page to mount into.
fn host() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn all(host: &Element, selector: &str) -> Vec<Element> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}

/// Elements whose role is `heading`, implicitly (h1…h6) or explicitly.
fn headings(host: &Element) -> Vec<(u32, String)> {
    all(host, "h1, h2, h3, h4, h5, h6, [role=heading]")
        .into_iter()
        .map(|el| {
            let level = el
                .get_attribute("aria-level")
                .and_then(|l| l.parse().ok())
                .or_else(|| el.tag_name()[1..].parse().ok())
                .unwrap_or(2);
            (level, el.text_content().unwrap_or_default())
        })
        .collect()
}

/// Waits (polling, up to five seconds) until `check` finds something.
async fn eventually<T>(mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..100 {
        if let Some(found) = check() {
            return found;
        }
        sleep_ms(50).await;
    }
    panic!("the page never showed what the test waited for");
}

/// Records keyed 1 to `count`, all alike.
fn records(count: i32) -> Vec<tolerance_editor::core::record::Tolerance> {
    (1..=count)
        .map(|key| tolerance_editor::core::record::Tolerance {
            key,
            amount: 1.5,
            group_id: Some("GRP001".into()),
            payment_method: None,
            entry_date: None,
            entry_user: None,
            update_date: None,
            update_user: None,
        })
        .collect()
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_main_heading_is_a_level_one_heading_named_tolerance_editor() {
    let host = host();
    let _app = leptos::mount::mount_to(host.clone(), || {
        view! { <AppShell config_url="data:application/json,%7B%7D" /> }
    });
    let found = eventually(|| headings(&host).into_iter().find(|(level, _)| *level == 1)).await;
    assert_eq!(found.1, "Tolerance Editor");
}

#[wasm_bindgen_test]
async fn a_malformed_config_is_explained_on_the_page() {
    let host = host();
    let _app = leptos::mount::mount_to(host.clone(), || {
        view! { <AppShell config_url="data:application/json,%7B%22mode%22%3A%20gateway%7D" /> }
    });
    let alert = eventually(|| all(&host, "[role=alert]").into_iter().next()).await;
    let text = alert.text_content().unwrap_or_default();
    assert!(text.contains("config.json is not valid"), "{text}");
    assert!(text.contains("line 1"), "{text}");
}

#[wasm_bindgen_test]
async fn a_good_config_fills_the_target_database_picker() {
    let host = host();
    let _app = leptos::mount::mount_to(host.clone(), || {
        view! {
            <AppShell config_url="data:application/json,%7B%22apiBaseUrl%22%3A%22%2F%22%2C%22mode%22%3A%22gateway%22%2C%22clientId%22%3A%22c%22%2C%22clientCode%22%3A%22d%22%2C%22databases%22%3A%5B%22LIVE%22%2C%22TEST%22%5D%7D" />
        }
    });
    let select = eventually(|| all(&host, "select#target-database").into_iter().next()).await;
    let label = all(&host, "label[for=target-database]");
    assert_eq!(label[0].text_content().unwrap(), "Target database");
    let options: Vec<_> = all(&select, "option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    assert_eq!(options, ["LIVE", "TEST"]);
}

#[wasm_bindgen_test]
async fn a_guarded_database_is_marked_beside_the_picker_while_it_is_chosen() {
    use tolerance_editor::components::DatabasePicker;
    use tolerance_editor::core::config::RuntimeConfig;
    use tolerance_editor::editor::session::Session;

    let config = RuntimeConfig::parse(
        r#"{"apiBaseUrl":"/","mode":"gateway","clientId":"c","clientCode":"d","databases":["LIVE","TEST"],"guardedDatabases":["LIVE"]}"#,
    )
    .unwrap();
    let session = Session::new(config);
    let host = host();
    let _picker =
        leptos::mount::mount_to(host.clone(), move || view! { <DatabasePicker session /> });
    let marker = || host.query_selector("#guarded-marker").ok().flatten();
    let described = || {
        host.query_selector("select#target-database")
            .ok()
            .flatten()
            .and_then(|s| s.get_attribute("aria-describedby"))
    };
    let shown = eventually(marker).await;
    assert_eq!(shown.text_content().unwrap_or_default(), "Guarded");
    assert_eq!(described().as_deref(), Some("guarded-marker"));
    session.database.set("TEST".into());
    eventually(|| marker().is_none().then_some(())).await;
    assert_eq!(described(), None);
    session.database.set("LIVE".into());
    eventually(marker).await;
}

#[wasm_bindgen_test]
async fn the_database_picker_shows_the_database_in_use_when_its_options_change() {
    use tolerance_editor::components::DatabasePicker;
    use tolerance_editor::core::config::RuntimeConfig;
    use tolerance_editor::editor::session::Session;

    let config = RuntimeConfig::parse(
        r#"{"apiBaseUrl":"/","mode":"gateway","clientId":"c","clientCode":"d","databases":["LIVE","TEST"]}"#,
    )
    .unwrap();
    let session = Session::new(config);
    // Not the first option: a select shows its first option unless told otherwise.
    session.database.set("TEST".into());
    let host = host();
    let _picker =
        leptos::mount::mount_to(host.clone(), move || view! { <DatabasePicker session /> });
    let select = eventually(|| {
        all(&host, "select#target-database")
            .into_iter()
            .next()
            .and_then(|el| el.dyn_into::<web_sys::HtmlSelectElement>().ok())
    })
    .await;
    let value = || select.value();
    eventually(|| (value() == "TEST").then_some(())).await;
    // Names that come later (from /client-environments) may sort before it.
    session
        .databases
        .update(|names| names.insert(0, "ARCHIVE".into()));
    eventually(|| (select.length() == 3).then_some(())).await;
    assert_eq!(value(), "TEST");
}

mod header_values {
    use super::*;
    use tolerance_editor::api::{self, ApiError, Connection, RequestError};
    use tolerance_editor::components::SignInForm;
    use tolerance_editor::core::config::RuntimeConfig;
    use tolerance_editor::core::header_value;
    use tolerance_editor::editor::session::Session;
    use web_sys::HtmlInputElement;

    /// Direct mode against a port nothing listens on: no test here may reach a server.
    fn direct_config() -> RuntimeConfig {
        RuntimeConfig::parse(
            r#"{"apiBaseUrl":"http://127.0.0.1:9/","mode":"direct","clientId":"c","clientCode":"d","databases":["LIVE"]}"#,
        )
        .unwrap()
    }

    fn type_into(host: &Element, name: &str, text: &str) {
        let input: HtmlInputElement = host
            .query_selector(&format!("input[name={name}]"))
            .unwrap()
            .unwrap()
            .unchecked_into();
        input.set_value(text);
        let event = web_sys::Event::new("input").unwrap();
        input.dispatch_event(&event).unwrap();
    }

    #[wasm_bindgen_test]
    async fn an_api_key_a_header_cannot_carry_is_named_at_its_field() {
        let session = Session::new(direct_config());
        let host = host();
        let _form = leptos::mount::mount_to(host.clone(), move || view! { <SignInForm session /> });
        type_into(&host, "username", "demo");
        type_into(&host, "password", "demo");
        // A zero-width space, as a key copied from a web page may carry.
        type_into(&host, "api-key", "demo\u{200B}-api-key");
        let button: HtmlElement = host
            .query_selector("button[type=submit]")
            .unwrap()
            .unwrap()
            .unchecked_into();
        button.click();
        let problem = eventually(|| host.query_selector("#api-key-problem").ok().flatten()).await;
        assert_eq!(
            problem.text_content().unwrap(),
            "This API key cannot be sent: it has an invisible character (U+200B) at character 5. \
             Copy it again from where your administrator gave it, or type it."
        );
        let key = host.query_selector("input[name=api-key]").unwrap().unwrap();
        assert_eq!(
            key.get_attribute("aria-describedby").as_deref(),
            Some("api-key-problem")
        );
        assert_eq!(key.get_attribute("aria-invalid").as_deref(), Some("true"));
        eventually(|| (button.text_content().as_deref() == Some("Sign in")).then_some(())).await;
        // Typing in the field again clears its message.
        type_into(&host, "api-key", "demo-api-key");
        eventually(|| {
            host.query_selector("#api-key-problem")
                .unwrap()
                .is_none()
                .then_some(())
        })
        .await;
    }

    #[wasm_bindgen_test]
    async fn a_header_value_the_browser_refuses_is_a_typed_error_not_an_exception() {
        let config = direct_config();
        for (key, header) in [("a–b", "x-api-key"), ("a\nb", "x-api-key")] {
            let conn = Connection::new(&config, "LIVE", Some(key.into()));
            let err = api::sign_in(&conn, "demo", "demo").await.unwrap_err();
            assert!(
                matches!(
                    &err,
                    ApiError::Request(RequestError::HeaderValue { header: h, .. }) if *h == header
                ),
                "{err:?}"
            );
        }
        let conn = Connection::new(&config, "ΔB", Some("key".into()));
        let err = api::list_databases(&conn).await.unwrap_err();
        assert!(
            matches!(
                &err,
                ApiError::Request(RequestError::HeaderValue {
                    header: "vbasoftware-database",
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[wasm_bindgen_test]
    async fn databases_that_cannot_be_named_are_left_out_of_the_picker_with_one_note() {
        use tolerance_editor::components::DatabasePicker;

        let session = Session::new(direct_config());
        let listed = vec!["LIVE".into(), "ΔELTA".into(), "ARCHIVE".into()];
        let (sendable, refused) = header_value::split_sendable(listed);
        session.offer_databases(sendable);
        let note = Signal::stored(header_value::not_offered_note(&refused));
        let host = host();
        let _picker = leptos::mount::mount_to(host.clone(), move || {
            view! { <DatabasePicker session not_offered=note /> }
        });
        let status = eventually(|| host.query_selector("[role=status]").ok().flatten()).await;
        assert_eq!(
            status.text_content().unwrap(),
            "VBA lists a database that is not offered here: its name cannot be sent in a \
             request: “ΔELTA” (it has “Δ” (U+0394) at character 1)."
        );
        let options: Vec<_> = all(&host, "option")
            .iter()
            .map(|o| o.text_content().unwrap_or_default())
            .collect();
        assert_eq!(options, ["LIVE", "ARCHIVE"]);
    }

    /// The core's rule against the browser's own `Headers`, on values built from the
    /// characters where the two could part: line breaks, NUL, controls, the Latin-1 edge,
    /// invisible and astral characters, at the ends and inside.
    #[wasm_bindgen_test]
    fn the_core_check_agrees_with_the_browsers_headers() {
        const PARTS: [&str; 17] = [
            "a", "Z9", " ", "\t", "\n", "\r", "\0", "\u{1}", "\u{7F}", "\u{A0}", "\u{FF}",
            "\u{100}", "\u{200B}", "–", "\u{FEFF}", "😀", "é",
        ];
        let mut seed: u32 = 0x2545_F491;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..5_000 {
            let length = next() % 6;
            let value: String = (0..length)
                .map(|_| PARTS[next() as usize % PARTS.len()])
                .collect();
            let headers = web_sys::Headers::new().unwrap();
            let browser = headers.set("x-test", &value).is_ok();
            assert_eq!(header_value::check(&value).is_ok(), browser, "{value:?}");
        }
    }
}

mod grid {
    use super::*;
    use tolerance_editor::components::ToleranceGrid;
    use tolerance_editor::core::draft::RowId;
    use tolerance_editor::core::record::Tolerance;
    use tolerance_editor::core::table::Table;
    use tolerance_editor::editor::store::TableStore;
    use web_sys::HtmlInputElement;

    fn mount_grid(
        count: i32,
    ) -> (
        HtmlElement,
        TableStore,
        leptos::mount::UnmountHandle<impl Mountable>,
    ) {
        let host = host();
        let store = TableStore::new(Table::from_records(records(count)));
        let active = RwSignal::new(None::<(RowId, usize)>);
        let reveal = RwSignal::new(None::<(usize, tolerance_editor::core::columns::Field)>);
        let notice = RwSignal::new(None::<String>);
        let handle = leptos::mount::mount_to(host.clone(), move || {
            view! { <ToleranceGrid store active reveal notice /> }
        });
        (host, store, handle)
    }

    /// The grid, made a scroller 400 px tall (the stylesheet is not loaded here) and measured.
    async fn sized_grid(host: &Element) -> HtmlElement {
        let grid: HtmlElement = eventually(|| all(host, "[role=grid]").into_iter().next())
            .await
            .unchecked_into();
        grid.set_attribute("style", "display: block; height: 400px; overflow: auto")
            .unwrap();
        web_sys::window()
            .unwrap()
            .dispatch_event(&web_sys::Event::new("resize").unwrap())
            .unwrap();
        grid
    }

    fn scroll_to(grid: &HtmlElement, top: i32) {
        grid.set_scroll_top(top);
        grid.dispatch_event(&web_sys::Event::new("scroll").unwrap())
            .unwrap();
    }

    fn input_labelled(host: &Element, label: &str) -> Option<HtmlInputElement> {
        all(host, "input")
            .into_iter()
            .find(|el| el.get_attribute("aria-label").as_deref() == Some(label))
            .map(|el| el.unchecked_into())
    }

    const COLUMNS: [&str; 4] = [
        "Tolerance key",
        "Tolerance amount",
        "Group ID",
        "Payment method",
    ];

    /// The editable cell `title` of row `row` (by the number in its row's header), if the
    /// page shows it.
    fn cell(host: &Element, title: &str, row: usize) -> Option<Element> {
        let column = COLUMNS.iter().position(|c| *c == title).unwrap() + 2;
        let number = row.to_string();
        all(host, "[role=row]")
            .into_iter()
            .find(|r| {
                r.query_selector(".row-number")
                    .unwrap()
                    .and_then(|n| n.text_content())
                    == Some(number.clone())
            })
            .and_then(|r| {
                r.query_selector(&format!("[role=gridcell][aria-colindex=\"{column}\"]"))
                    .unwrap()
            })
    }

    /// The text the cell shows.
    fn cell_text(host: &Element, title: &str, row: usize) -> Option<String> {
        cell(host, title, row)?
            .query_selector(".cell-text")
            .unwrap()?
            .text_content()
    }

    /// Puts `text` in `input` as typing does (its value, then an `input` event), and lets
    /// the grid's effects run.
    async fn type_into(input: &HtmlInputElement, text: &str) {
        input.set_value(text);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
        sleep_ms(20).await;
    }

    /// Makes the cell the active one, as a click does, and answers its input.
    async fn activate(host: &Element, title: &str, row: usize) -> HtmlInputElement {
        let cell = eventually(|| cell(host, title, row)).await;
        cell.dispatch_event(&web_sys::MouseEvent::new("mousedown").unwrap())
            .unwrap();
        eventually(|| input_labelled(host, &format!("{title} row {row}"))).await
    }

    #[wasm_bindgen_test]
    async fn renders_only_the_rows_in_view_of_ten_thousand() {
        let (host, _store, _handle) = mount_grid(10_000);
        let grid = sized_grid(&host).await;
        assert_eq!(
            grid.get_attribute("aria-rowcount").as_deref(),
            Some("10001")
        );
        // A row view's number and texts are written by its effect once it is in the page.
        let text = eventually(|| cell_text(&host, "Tolerance amount", 1)).await;
        assert_eq!(text, "1.50");
        let rendered = all(&host, "[role=row]").len();
        assert!(rendered > 5 && rendered < 80, "{rendered} rows in the page");
        assert!(cell(&host, "Tolerance amount", 5000).is_none());
        // One input in the grid: the tab stop's, in the first cell.
        let inputs = all(&host, "[role=grid] input");
        assert_eq!(inputs.len(), 1);
        assert_eq!(
            inputs[0].get_attribute("aria-label").as_deref(),
            Some("Tolerance key row 1")
        );
    }

    #[wasm_bindgen_test]
    async fn typing_a_bad_amount_marks_the_cell_and_names_the_problem() {
        let (host, store, _handle) = mount_grid(20);
        let input = activate(&host, "Tolerance amount", 2).await;
        type_into(&input, "12,5").await;
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
        let described = input
            .get_attribute("aria-describedby")
            .expect("described by its problem");
        let document = web_sys::window().unwrap().document().unwrap();
        let message = document
            .get_element_by_id(&described)
            .unwrap()
            .text_content()
            .unwrap();
        assert!(
            message.starts_with("Tolerance amount is unclear"),
            "{message}"
        );
        assert_eq!(store.summary().get_untracked().problems, 1);
        let flagged = |row| {
            cell(&host, "Tolerance amount", row)
                .unwrap()
                .class_list()
                .contains("has-problem")
        };
        assert!(flagged(2));
        // Other rows did not change.
        assert!(!flagged(3));
    }

    #[wasm_bindgen_test]
    async fn scrolling_through_ten_thousand_rows_keeps_only_the_rows_in_view_subscribed() {
        let (host, store, _handle) = mount_grid(10_000);
        let grid = sized_grid(&host).await;
        sleep_ms(20).await;
        for step in 1..=20 {
            scroll_to(&grid, step * 16_000);
            sleep_ms(20).await;
        }
        let rendered = all(&host, "[role=row]").len();
        let subscribed = store.tracked_rows();
        assert!(
            subscribed > 0 && subscribed <= rendered,
            "{subscribed} rows subscribed, {rendered} rendered"
        );
        // A row scrolled away and back still follows its edits.
        scroll_to(&grid, 0);
        let input = activate(&host, "Tolerance amount", 2).await;
        type_into(&input, "12,5").await;
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    }

    #[wasm_bindgen_test]
    async fn the_focused_cell_keeps_its_row_while_recycled_rows_scroll_past() {
        let (host, _store, _handle) = mount_grid(10_000);
        let grid = sized_grid(&host).await;
        let input = activate(&host, "Tolerance amount", 2).await;
        input.focus().unwrap();
        sleep_ms(20).await;
        let labelled = || {
            let document = web_sys::window().unwrap().document().unwrap();
            document
                .active_element()
                .and_then(|el| el.get_attribute("aria-label"))
        };
        for step in 1..=10 {
            scroll_to(&grid, step * 4_000);
            sleep_ms(20).await;
            assert_eq!(labelled().as_deref(), Some("Tolerance amount row 2"));
        }
        // The rows in view are shown by the other (recycled) row elements.
        let first_shown = (4_000.0_f64 * 10.0 / 32.0) as usize + 1;
        assert!(cell(&host, "Tolerance amount", first_shown).is_some());
        assert_eq!(
            input.get_attribute("aria-label").as_deref(),
            Some("Tolerance amount row 2")
        );
        // The one tab stop of the grid.
        let stops = all(&host, "[role=grid] [tabindex='0']");
        assert_eq!(stops.len(), 1);
        assert_eq!(&stops[0], input.unchecked_ref::<Element>());
    }

    #[wasm_bindgen_test]
    async fn a_jump_renders_the_rows_in_sight_first_and_the_rows_past_the_edges_once_it_settles() {
        let (host, _store, _handle) = mount_grid(10_000);
        let grid = sized_grid(&host).await;
        sleep_ms(20).await;
        // Row 5,001 at the top: a jump of far more than the 400 px the grid shows.
        scroll_to(&grid, 5_000 * 32);
        sleep_ms(20).await;
        let shown = |row: usize| cell(&host, "Tolerance amount", row).is_some();
        assert!(
            shown(5_001) && shown(5_013),
            "the rows in sight are rendered"
        );
        assert!(!shown(5_000) && !shown(5_016), "no row past the edges yet");
        sleep_ms(250).await;
        assert!(
            shown(5_000) && shown(5_016),
            "the rows past the edges follow"
        );
    }

    #[wasm_bindgen_test]
    async fn a_recycled_row_view_shows_the_values_of_the_row_it_now_holds() {
        let (host, _store, _handle) = mount_grid(10_000);
        let grid = sized_grid(&host).await;
        eventually(|| cell_text(&host, "Tolerance key", 1)).await;
        scroll_to(&grid, 5_000 * 32);
        let key = eventually(|| cell_text(&host, "Tolerance key", 5001)).await;
        assert_eq!(key, "5001");
        // Every key cell shows the key of the row its row header numbers (row 1 stays
        // rendered: it holds the Tab stop).
        let keys: Vec<String> = all(&host, "[role=row]")
            .into_iter()
            .filter_map(|row| {
                let number = row.query_selector(".row-number").unwrap()?.text_content()?;
                let key = row
                    .query_selector(".col-key .cell-text")
                    .unwrap()?
                    .text_content()?;
                (!number.is_empty()).then_some((number, key))
            })
            .map(|(number, key)| {
                assert_eq!(key, number, "the key cell of row {number}");
                key
            })
            .collect();
        assert!(keys.len() > 5, "{keys:?}");
    }

    #[wasm_bindgen_test]
    async fn undo_puts_the_text_back_into_the_cell_it_was_typed_in() {
        let (host, store, _handle) = mount_grid(100);
        let _grid = sized_grid(&host).await;
        let input = activate(&host, "Tolerance amount", 2).await;
        input.focus().unwrap();
        type_into(&input, "9").await;
        assert_eq!(input.value(), "9");
        store.try_update(Table::undo);
        sleep_ms(20).await;
        assert_eq!(input.value(), "1.50");
        assert_eq!(
            cell_text(&host, "Tolerance amount", 2).as_deref(),
            Some("1.50")
        );
        store.try_update(Table::redo);
        sleep_ms(20).await;
        assert_eq!(input.value(), "9");
    }

    /// The text of row `row`'s element matching `selector`.
    fn row_part_text(host: &Element, row: usize, selector: &str) -> String {
        let number = row.to_string();
        all(host, "[role=row]")
            .into_iter()
            .find(|r| {
                r.query_selector(".row-number")
                    .unwrap()
                    .and_then(|n| n.text_content())
                    == Some(number.clone())
            })
            .and_then(|r| r.query_selector(selector).unwrap())
            .and_then(|c| c.text_content())
            .unwrap_or_default()
    }

    /// The text of row `row`'s Outcome cell.
    fn outcome_text(host: &Element, row: usize) -> String {
        row_part_text(host, row, ".col-outcome")
    }

    #[wasm_bindgen_test]
    async fn a_row_the_server_holds_otherwise_shows_its_values_until_taken() {
        let (host, store, _handle) = mount_grid(10);
        let _grid = sized_grid(&host).await;
        let input = activate(&host, "Tolerance amount", 2).await;
        type_into(&input, "5").await;
        assert!(
            !outcome_text(&host, 2).contains("Server has"),
            "an edit alone"
        );
        let held = |key, amount| Tolerance {
            key,
            amount,
            ..records(1).pop().unwrap()
        };
        store.update(|t| {
            t.take_server_reads(vec![(2, Some(held(2, 9.0))), (3, Some(held(3, 1.5)))])
        });
        sleep_ms(20).await;
        assert!(
            outcome_text(&host, 2).contains("Server has 9.00"),
            "{}",
            outcome_text(&host, 2)
        );
        // Someone else wrote 9 over the 1.50 the edit began from: a conflict, said in words
        // and with its own symbol.
        assert_eq!(row_part_text(&host, 2, ".row-state"), "⇄ Conflict");
        assert!(!outcome_text(&host, 3).contains("Server has"));
        let id = store.with(|t| t.row_at(1).unwrap().id());
        store.update(|t| t.take_servers_values(&[id]).1);
        sleep_ms(20).await;
        assert_eq!(
            cell_text(&host, "Tolerance amount", 2).as_deref(),
            Some("9.00")
        );
        assert!(!outcome_text(&host, 2).contains("Server has"));
        assert_eq!(row_part_text(&host, 2, ".row-state"), "· Unchanged");
    }
}

/// The drafts store as the app keeps it, opened by the test itself: to leave behind what a
/// page closed in the middle of a save would, and to see every key.
mod drafts_store {
    use js_sys::{Array, Promise};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

    async fn settled(request: &IdbRequest) -> JsValue {
        let promise = Promise::new(&mut |resolve, reject| {
            request.set_onsuccess(Some(&resolve));
            request.set_onerror(Some(&reject));
        });
        JsFuture::from(promise).await.unwrap();
        request.result().unwrap()
    }

    async fn database() -> IdbDatabase {
        let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
        let open = factory.open("tolerance-editor").unwrap();
        settled(&open).await.unchecked_into()
    }

    /// Writes one record and waits for its transaction to commit.
    pub async fn put(key: &str, text: &str) {
        let database = database().await;
        let transaction = database
            .transaction_with_str_and_mode("drafts", IdbTransactionMode::Readwrite)
            .unwrap();
        let request = transaction
            .object_store("drafts")
            .unwrap()
            .put_with_key(&JsValue::from_str(text), &JsValue::from_str(key))
            .unwrap();
        settled(&request).await;
        let done = Promise::new(&mut |resolve, _| transaction.set_oncomplete(Some(&resolve)));
        JsFuture::from(done).await.unwrap();
        database.close();
    }

    /// Every key that starts with `prefix`, sorted.
    pub async fn keys(prefix: &str) -> Vec<String> {
        let database = database().await;
        let transaction = database.transaction_with_str("drafts").unwrap();
        let request = transaction
            .object_store("drafts")
            .unwrap()
            .get_all_keys()
            .unwrap();
        let keys: Array = settled(&request).await.unchecked_into();
        database.close();
        let mut keys: Vec<String> = keys
            .iter()
            .filter_map(|k| k.as_string())
            .filter(|k| k.starts_with(prefix))
            .collect();
        keys.sort();
        keys
    }
}

/// A save made in slices writes its parts a slice at a time and the manifest last: a read
/// between two slices finds the draft before the save whole (and removes the parts written
/// so far), and a save with a part not made is refused rather than naming a missing part.
#[wasm_bindgen_test]
async fn a_draft_saved_in_slices_reads_as_the_one_before_until_its_manifest_is_written() {
    use tolerance_editor::core::draft::{RowDraft, RowId};
    use tolerance_editor::editor::draft_storage::{self, DraftUpdate, Stored};

    let database = "WEB_TEST_SLICES";
    let row = |i: u32, amount: &str| {
        RowDraft::from_cells(
            RowId(i),
            [
                i.to_string().into(),
                amount.into(),
                "GRP001".into(),
                "ACH".into(),
            ],
        )
    };
    draft_storage::discard(database).await.unwrap();
    let before: Vec<RowDraft> = (0..2_500).map(|i| row(i + 1, "1.00")).collect();
    let first = DraftUpdate::of(database, 1, &before, 0..3, &Stored::default()).unwrap();
    let stored = draft_storage::save(database, first).await.unwrap();

    let after: Vec<RowDraft> = (0..2_500).map(|i| row(i + 1, "2.00")).collect();
    let mut update = DraftUpdate::plan(database, 2, after.len(), 0..3, &stored);
    assert_eq!(update.parts_left(), 3);
    assert!(update.make_next_part(&after).unwrap());
    draft_storage::save_parts(database, &mut update)
        .await
        .unwrap();
    assert_eq!(
        drafts_store::keys("v3:WEB_TEST_SLICES").await,
        [
            "v3:WEB_TEST_SLICES",
            "v3:WEB_TEST_SLICES:1:00000",
            "v3:WEB_TEST_SLICES:1:00001",
            "v3:WEB_TEST_SLICES:1:00002",
            "v3:WEB_TEST_SLICES:2:00000",
        ]
    );
    // The page goes away here: the next read finds the draft before the save.
    let (draft, read) = draft_storage::load(database).await.unwrap().unwrap();
    assert_eq!(read, stored);
    assert_eq!(draft.rows, before);
    assert_eq!(drafts_store::keys("v3:WEB_TEST_SLICES").await.len(), 4);

    // A part not made yet: refused, nothing written.
    let mut update = DraftUpdate::plan(database, 3, after.len(), 0..3, &stored);
    assert!(update.make_next_part(&after).unwrap());
    assert!(draft_storage::save(database, update.clone()).await.is_err());
    // A table of another length than planned: refused, not a part of the wrong rows.
    assert!(update.make_next_part(&after[..1_000]).is_err());
    while update.make_next_part(&after).unwrap() {}
    draft_storage::save(database, update).await.unwrap();
    let (draft, _) = draft_storage::load(database).await.unwrap().unwrap();
    assert_eq!(draft.rows, after);
    draft_storage::discard(database).await.unwrap();
}

/// A save begins a task after it is asked for: a row deleted in between (the table of
/// another shape than the save was planned for) ends that save without its manifest, with
/// no problem told, and the next save keeps the table as it is.
#[wasm_bindgen_test]
async fn a_table_reshaped_before_a_saves_first_slice_is_saved_whole_by_the_next() {
    use tolerance_editor::core::columns::Field;
    use tolerance_editor::core::table::Table;
    use tolerance_editor::editor::draft_keeper::DraftKeeper;
    use tolerance_editor::editor::draft_storage;
    use tolerance_editor::editor::store::TableStore;

    // Mounting starts Leptos's executor, which the keeper's effects and tasks run on.
    let _mounted = leptos::mount::mount_to(host(), || ());
    let database = "WEB_TEST_RESHAPED";
    draft_storage::discard(database).await.unwrap();
    let owner = Owner::new();
    owner.set();
    let store = TableStore::new(Table::new());
    let keeper = DraftKeeper::new(store, RwSignal::new(None));
    keeper.restore(database.into(), |_| true).await.unwrap();
    store.replace(Table::from_records(records(2_500)));
    keeper.flush().await;

    // An amount typed, its save asked for, and a row deleted before that save runs.
    let ids: Vec<_> = store.with(|t| t.rows().iter().map(|r| r.id()).collect());
    store.update(|t| t.set_text(ids[1_200], Field::Amount, "2.50"));
    keeper.save_now();
    store.update(|t| t.delete(&[ids[0]]));
    keeper.idle().await;
    assert_eq!(keeper.problem.get_untracked(), None);

    keeper.flush().await;
    let (draft, _) = draft_storage::load(database).await.unwrap().unwrap();
    let rows = store.with(|t| t.rows().to_vec());
    assert_eq!(draft.rows.len(), 2_499);
    assert_eq!(draft.rows, rows);
    draft_storage::discard(database).await.unwrap();
}

/// A draft save is a version: only the parts that changed are written, under the new
/// version's keys, and the manifest naming them last; what it replaced is removed after.
/// Parts a save left without its manifest (the page closed in between) are never read,
/// and are removed at the next read.
#[wasm_bindgen_test]
async fn a_draft_is_saved_in_versions_and_a_save_cut_short_leaves_the_one_before() {
    use tolerance_editor::core::draft::{RowDraft, RowId};
    use tolerance_editor::editor::draft_storage::{self, DraftUpdate, Stored};

    let database = "WEB_TEST_VERSIONS";
    let row = |i: u32, amount: &str| {
        RowDraft::from_cells(
            RowId(i),
            [
                i.to_string().into(),
                amount.into(),
                "GRP001".into(),
                "ACH".into(),
            ],
        )
    };
    draft_storage::discard(database).await.unwrap();
    let mut rows: Vec<RowDraft> = (0..2_500).map(|i| row(i + 1, "1.00")).collect();
    let first = DraftUpdate::of(database, 1, &rows, 0..3, &Stored::default()).unwrap();
    let stored = draft_storage::save(database, first).await.unwrap();
    assert_eq!(
        drafts_store::keys("v3:WEB_TEST_VERSIONS").await,
        [
            "v3:WEB_TEST_VERSIONS",
            "v3:WEB_TEST_VERSIONS:1:00000",
            "v3:WEB_TEST_VERSIONS:1:00001",
            "v3:WEB_TEST_VERSIONS:1:00002",
        ]
    );

    // One row of the second part changes: that part alone is written, as version 2.
    rows[1_500] = row(1_501, "2.00");
    let second = DraftUpdate::of(database, 2, &rows, [1], &stored).unwrap();
    assert_eq!(second.written(), 1);
    let stored = draft_storage::save(database, second).await.unwrap();
    assert_eq!(
        drafts_store::keys("v3:WEB_TEST_VERSIONS").await,
        [
            "v3:WEB_TEST_VERSIONS",
            "v3:WEB_TEST_VERSIONS:1:00000",
            "v3:WEB_TEST_VERSIONS:1:00002",
            "v3:WEB_TEST_VERSIONS:2:00001",
        ]
    );

    // A third save wrote a part and the page went away before its manifest.
    drafts_store::put("v3:WEB_TEST_VERSIONS:3:00000", "[]").await;
    let (draft, read) = draft_storage::load(database).await.unwrap().unwrap();
    assert_eq!(read, stored);
    assert_eq!(draft.rows, rows);
    assert_eq!(
        drafts_store::keys("v3:WEB_TEST_VERSIONS").await,
        [
            "v3:WEB_TEST_VERSIONS",
            "v3:WEB_TEST_VERSIONS:1:00000",
            "v3:WEB_TEST_VERSIONS:1:00002",
            "v3:WEB_TEST_VERSIONS:2:00001",
        ],
        "the part without a manifest is removed at the read"
    );

    // A shorter table: the parts past its end go once the new manifest is in place.
    rows.truncate(900);
    let shorter = DraftUpdate::of(database, 3, &rows, [], &stored).unwrap();
    draft_storage::save(database, shorter).await.unwrap();
    let (draft, _) = draft_storage::load(database).await.unwrap().unwrap();
    assert_eq!(draft.rows, rows);
    assert_eq!(
        drafts_store::keys("v3:WEB_TEST_VERSIONS").await,
        ["v3:WEB_TEST_VERSIONS", "v3:WEB_TEST_VERSIONS:3:00000"]
    );

    draft_storage::discard(database).await.unwrap();
    assert!(draft_storage::load(database).await.unwrap().is_none());
    assert!(drafts_store::keys("v3:WEB_TEST_VERSIONS").await.is_empty());
}
