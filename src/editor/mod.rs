//! The editor's state in the browser: the table store, the session, the submit driver and
//! the local draft. Views read and change state only through these.

pub mod bulk;
pub mod check;
pub mod conflicts;
pub mod download;
pub mod draft_keeper;
pub mod draft_storage;
mod idb;
pub mod promote;
mod reader;
pub mod session;
pub mod store;
pub mod submit;
pub mod tab_lock;
pub mod time;
