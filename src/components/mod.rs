//! Leptos components, one per file, named after what the user sees.

mod config_problem;
mod database_picker;
mod editor_page;
mod editor_toolbar;
mod filter_bar;
mod grid_columns;
mod grid_commands;
mod grid_keys;
mod grid_menu;
mod grid_mouse;
mod grid_row;
pub(crate) mod grid_state;
mod handler;
mod import_panel;
mod reauth_dialog;
mod row_slots;
mod row_view;
mod shown;
mod sign_in_form;
mod submit_bar;
pub(crate) mod tolerance_grid;
mod work_progress;

pub use config_problem::ConfigProblem;
pub use database_picker::DatabasePicker;
pub use editor_page::EditorPage;
pub use editor_toolbar::EditorToolbar;
pub use filter_bar::FilterBar;
pub use grid_row::{GridRow, cell_selector};
pub(crate) use handler::handler;
pub use import_panel::{ImportPanel, PendingImport, picked_file, start_import};
pub use reauth_dialog::ReauthDialog;
pub(crate) use shown::Shown;
pub use sign_in_form::SignInForm;
pub use submit_bar::SubmitBar;
pub use tolerance_grid::{ROW_HEIGHT, ToleranceGrid};
pub use work_progress::WorkProgress;
