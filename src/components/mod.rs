//! Leptos components, one per file, named after what the user sees.

mod config_problem;
mod database_picker;

pub use config_problem::ConfigProblem;
pub use database_picker::DatabasePicker;
