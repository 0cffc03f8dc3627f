//! The pure core: records, columns, validation, drafts, pasted text (and where it lands)
//! and CSV, the multi-status matcher and the batch planner. Nothing here touches `web_sys`,
//! signals or I/O, so it is tested natively.

pub mod baseline;
pub mod clipboard;
pub mod columns;
pub mod config;
pub mod conflict;
pub mod csv_export;
pub mod csv_io;
mod decimal;
pub mod draft;
pub mod encoding;
pub mod envelope;
pub mod filter;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz;
pub mod header_value;
pub mod history;
pub mod import;
pub mod key_pages;
pub mod keys;
pub mod known_values;
mod lenient;
pub mod list_separator;
pub mod multistatus;
pub mod paste;
pub mod planner;
pub mod range_edit;
pub mod record;
pub mod review;
pub mod selection;
pub mod stamp;
pub mod table;
pub mod validate;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod trust_model_tests;
