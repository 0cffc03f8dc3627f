//! `<Shown>`: Leptos's `<Show>` without its code compiled anew for every use.
//!
//! `<Show>` is generic over its `when` closure and its children, so each use instantiates
//! its memo, its render effect and its children's conversion again. Here `when` is a
//! `Signal<bool>` and the children are `ChildrenFn`: one copy serves every use (README,
//! "Size on the wire").

use leptos::prelude::*;

/// Shows its children while `when` holds, else the fallback; like `<Show>`, `when` is
/// memoized, so the children are built again only when it flips.
#[component]
pub fn Shown(
    children: ChildrenFn,
    #[prop(into)] when: Signal<bool>,
    #[prop(optional, into)] fallback: ViewFn,
) -> impl IntoView {
    let when = Memo::new(move |_| when.get());
    move || {
        if when.get() {
            children()
        } else {
            fallback.run()
        }
    }
}
