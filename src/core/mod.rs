//! The pure core: records, configuration and (later) validation, parsing, matching and
//! planning. Nothing here touches `web_sys`, signals or I/O, so it is tested natively.

pub mod config;
pub mod record;
