//! vbapi-sandbox: a local stand-in for VBAPI, faithful to `shared/vbapi/CONTRACT.md`, that
//! keeps its data in SQLite, and also serves the built app from the same origin, acting as the
//! deployment's `/vbapi/` gateway.
//!
//! A request goes: [`pipeline`] (CORS, gateway prefix, activity ID, request log, faults) →
//! [`routes`] (checks in the vendor's order, then the endpoint) → [`store`] → [`envelope`].

pub mod auth;
pub mod cli;
pub mod cors;
pub mod datetime;
pub mod envelope;
pub mod faults;
pub mod pipeline;
pub mod random;
pub mod rate_limit;
pub mod record;
pub mod request_log;
pub mod routes;
pub mod seed;
pub mod static_files;
pub mod store;
pub mod tenant;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use crate::auth::Sessions;
use crate::cors::Cors;
use crate::envelope::ActivityIds;
use crate::faults::Faults;
use crate::rate_limit::{Limiter, RateLimit};
use crate::request_log::RequestLog;
use crate::store::{Store, StoreError};
use crate::tenant::{Tenant, TenantError};

/// The default data file: `data/sandbox.sqlite3` at the workspace root, so `cargo run` and
/// `cargo xtask run` from anywhere in the repository share one database.
pub fn default_db_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("data")
        .join("sandbox.sqlite3")
}

/// What the sandbox serves; built from the command line by [`cli::Options`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// The built app (Trunk's `dist/`), served with the app's security headers.
    pub static_dir: Option<PathBuf>,
    /// VBAPI alone, as a web server in front of it sees it: no `/vbapi/` gateway (so only
    /// that server can add the API key) and no static files.
    pub api_only: bool,
    /// A SQLite file, or `:memory:`.
    pub db: String,
    /// Whether `/__sandbox/…` (fault rules, request log) is on.
    pub faults: bool,
    /// A TOML tenant file instead of the demo tenant.
    pub tenant_file: Option<PathBuf>,
    /// The one origin allowed to call the API cross-origin.
    pub cors_origin: Option<String>,
    pub rate_limit: RateLimit,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            static_dir: None,
            api_only: false,
            db: default_db_path().display().to_string(),
            faults: false,
            tenant_file: None,
            cors_origin: None,
            rate_limit: RateLimit::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Tenant(#[from] TenantError),
    #[error("cannot open the database {path}: {source}")]
    Store { path: String, source: StoreError },
}

/// Everything a request may touch, shared by all requests.
#[derive(Debug)]
pub struct App {
    pub settings: Settings,
    pub tenant: Tenant,
    pub store: Arc<Store>,
    pub sessions: Sessions,
    pub limiter: Limiter,
    pub faults: Faults,
    pub requests: RequestLog,
    pub activity_ids: ActivityIds,
    pub cors: Cors,
}

impl App {
    /// Reads the tenant, opens and seeds the database.
    pub fn new(settings: Settings) -> Result<Arc<App>, StartError> {
        let tenant = match &settings.tenant_file {
            Some(path) => Tenant::from_file(path)?,
            None => Tenant::demo(),
        };
        let fail = |source| StartError::Store {
            path: settings.db.clone(),
            source,
        };
        let store = Store::open(&settings.db).map_err(fail)?;
        store.seed(&tenant, &datetime::now_iso()).map_err(fail)?;
        Ok(Arc::new(App {
            sessions: Sessions::new(tenant.token_lifetime_seconds),
            limiter: Limiter::new(settings.rate_limit),
            cors: Cors::new(settings.cors_origin.clone()),
            store: Arc::new(store),
            faults: Faults::default(),
            requests: RequestLog::new(tenant.api_keys.clone()),
            activity_ids: ActivityIds::new(),
            tenant,
            settings,
        }))
    }

    /// The whole HTTP surface: every request goes through [`pipeline::handle`].
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .fallback(pipeline::handle)
            .with_state(Arc::clone(self))
    }
}
