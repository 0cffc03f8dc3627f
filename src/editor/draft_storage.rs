//! Keeps the table in the browser's localStorage, per database, so a reload or a crash
//! loses nothing. What is stored: rows, their text, states and last outcomes. No token, no
//! password, no API key.

use serde::{Deserialize, Serialize};

use crate::core::draft::RowDraft;
use crate::core::planner::Millis;

const KEY_PREFIX: &str = "tolerance-editor.draft.v1.";

#[derive(Debug, Clone, Deserialize)]
pub struct SavedDraft {
    /// When it was saved (ms since the epoch).
    pub saved_at: Millis,
    pub rows: Vec<RowDraft>,
}

/// The same shape, borrowed, so saving does not copy the table.
#[derive(Serialize)]
struct DraftToSave<'a> {
    saved_at: Millis,
    rows: &'a [RowDraft],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("this browser does not allow keeping a draft (localStorage is unavailable)")]
    Unavailable,
    #[error("the draft is too large for this browser's local storage ({0} characters)")]
    TooLarge(usize),
}

fn storage() -> Result<web_sys::Storage, DraftError> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or(DraftError::Unavailable)
}

fn key(database: &str) -> String {
    format!("{KEY_PREFIX}{database}")
}

pub fn save(database: &str, saved_at: Millis, rows: &[RowDraft]) -> Result<(), DraftError> {
    let text = serde_json::to_string(&DraftToSave { saved_at, rows })
        .map_err(|_| DraftError::Unavailable)?;
    storage()?
        .set_item(&key(database), &text)
        .map_err(|_| DraftError::TooLarge(text.len()))
}

/// The saved draft for `database`; a draft that no longer reads (an older format) is
/// treated as none rather than stopping the app.
pub fn load(database: &str) -> Option<SavedDraft> {
    let text = storage().ok()?.get_item(&key(database)).ok()??;
    serde_json::from_str(&text).ok()
}

pub fn discard(database: &str) {
    if let Ok(storage) = storage() {
        let _ = storage.remove_item(&key(database));
    }
}
