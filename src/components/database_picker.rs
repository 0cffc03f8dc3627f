use leptos::prelude::*;

/// The target database every request goes to, chosen from the configuration's list.
#[component]
pub fn DatabasePicker(databases: Vec<String>) -> impl IntoView {
    view! {
        <div class="database-picker">
            <label for="target-database">"Target database"</label>
            <select id="target-database" name="target-database">
                {databases
                    .into_iter()
                    .map(|name| {
                        let value = name.clone();
                        view! { <option value=value>{name}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
