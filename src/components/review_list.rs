use leptos::prelude::*;

use crate::components::handler;
use crate::core::review::{Change, Review, ReviewFilter, ReviewRow};

/// Rows of the review on one page: at 100,000 rows the list shows a page at a time, so it
/// opens as fast as the review is computed.
const PAGE: usize = 50;

/// The review's rows, filtered (new / changed / to resend / with warnings) and searched, a page at a time,
/// as a table with headers.
#[component]
pub fn ReviewList(review: RwSignal<Option<Review>>) -> impl IntoView {
    let only = RwSignal::new(ReviewFilter::All);
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(0_usize);
    let shown = Memo::new(move |_| {
        let (only, search) = (only.get(), search.get());
        review.with(|r| {
            r.as_ref()
                .map(|r| r.shown(only, &search))
                .unwrap_or_default()
        })
    });
    let pages = move || shown.with(Vec::len).div_ceil(PAGE).max(1);
    // A new filter or search starts at the first page.
    Effect::new(move |_| {
        shown.track();
        page.set(0);
    });
    let total = move || review.with(|r| r.as_ref().map_or(0, |r| r.rows.len()));
    let status = move || {
        let count = shown.with(Vec::len);
        let first = page.get() * PAGE;
        let last = (first + PAGE).min(count);
        if count == 0 {
            format!("No row of {} matches.", total())
        } else {
            format!(
                "Showing rows {}–{last} of {count} (of {} to send).",
                first + 1,
                total()
            )
        }
    };
    let rows = move || {
        let start = page.get() * PAGE;
        shown.with(|places| {
            review.with(|r| {
                let Some(r) = r else { return Vec::new() };
                places
                    .iter()
                    .skip(start)
                    .take(PAGE)
                    .map(|&place| row_view(&r.rows[place]))
                    .collect::<Vec<_>>()
            })
        })
    };
    let filter_changed = move |ev| {
        only.set(match event_target_value(&ev).as_str() {
            "new" => ReviewFilter::Only(Change::New),
            "changed" => ReviewFilter::Only(Change::Changed),
            "resend" => ReviewFilter::Only(Change::Resend),
            "warned" => ReviewFilter::Warned,
            _ => ReviewFilter::All,
        });
    };

    view! {
        <div class="review-filter">
            <label for="review-filter">"Show"</label>
            <select id="review-filter" on:change=handler(filter_changed)>
                <option value="all">"All rows"</option>
                <option value="new">"New"</option>
                <option value="changed">"Changed"</option>
                <option value="resend">"To resend"</option>
                <option value="warned">"With warnings"</option>
            </select>
            <input
                type="search"
                aria-label="Search the review"
                placeholder="Search key, group, payment method, value"
                prop:value=move || search.get()
                on:input=handler(move |ev| search.set(event_target_value(&ev)))
            />
        </div>
        <p class="review-shown" role="status">{status}</p>
        <div class="review-table">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Tolerance key"</th>
                        <th scope="col">"Group ID"</th>
                        <th scope="col">"Payment method"</th>
                        <th scope="col">"Cells that differ (server → sent)"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="review-pages">
            <button
                type="button"
                disabled=move || page.get() == 0
                on:click=handler(move |_| page.update(|p| *p = p.saturating_sub(1)))
            >
                "Previous page"
            </button>
            <span>{move || format!("Page {} of {}", page.get() + 1, pages())}</span>
            <button
                type="button"
                disabled=move || { page.get() + 1 >= pages() }
                on:click=handler(move |_| page.update(|p| *p += 1))
            >
                "Next page"
            </button>
        </div>
    }
}

fn row_view(row: &ReviewRow) -> impl IntoView + use<> {
    let differences: Vec<String> = if row.cells.is_empty() {
        vec![row.differences()]
    } else {
        row.cells.iter().map(|c| c.describe()).collect()
    };
    view! {
        <tr>
            <td>{row.change.label()}</td>
            <th scope="row">{row.key.clone()}</th>
            <td>{row.group.clone()}</td>
            <td>{row.payment.clone()}</td>
            <td>
                <ul class="review-cells">
                    {differences.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                    {row.warnings.iter().map(|w| view! { <li class="review-warning">{format!("Warning: {w}")}</li> }).collect_view()}
                </ul>
            </td>
        </tr>
    }
}
