//! vbapi-sandbox: a local stand-in for VBAPI, faithful to `shared/vbapi/CONTRACT.md`, that
//! also serves the built app from the same origin.

pub mod cli;
pub mod static_files;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::http::{Method, Uri};

/// What the sandbox serves; built from the command line by [`cli::Options`].
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The built app (Trunk's `dist/`), served with the app's security headers.
    pub static_dir: Option<PathBuf>,
}

/// The whole HTTP surface: API routes first, then the built app for everything else.
pub fn router(settings: &Settings) -> Router {
    let router = Router::new();
    match &settings.static_dir {
        Some(dir) => {
            let dir = Arc::new(dir.clone());
            router.fallback(move |method: Method, uri: Uri| {
                let dir = Arc::clone(&dir);
                async move { static_files::serve(&dir, &method, uri.path()).await }
            })
        }
        None => router.fallback(static_files::not_found),
    }
}
