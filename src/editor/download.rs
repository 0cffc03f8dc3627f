//! Saving text as a file the browser downloads (a CSV export), without a server round trip,
//! and the list separator the browser's locale writes CSV files with.

use wasm_bindgen::{JsCast, JsValue};

use crate::core::list_separator::ListSeparator;

/// The list separator of the browser's locale, as Excel there would use it (a decimal comma
/// means semicolons): from how `Intl.NumberFormat` writes one and a half.
pub fn locale_list_separator() -> ListSeparator {
    let format = js_sys::Intl::NumberFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let one_and_a_half = format
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(1.5))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default();
    ListSeparator::from_formatted_one_and_a_half(&one_and_a_half)
}
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Offers `text` as a download named `file_name`.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |what: &str, err: JsValue| format!("{what}: {err:?}");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| fail("the file could not be made", e))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| fail("no file address", e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| fail("no link", e))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The click has handed the file to the browser; the address is no longer needed.
    let _ = Url::revoke_object_url(&url);
    Ok(())
}
