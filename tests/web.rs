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
