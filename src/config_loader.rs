//! Fetches `config.json` at start-up. The file's rules live in [`crate::core::config`].

use gloo_net::http::Request;
use thiserror::Error;

use crate::core::config::{ConfigError, RuntimeConfig};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigLoadError {
    #[error("config.json could not be fetched: {0}")]
    Unreachable(String),
    #[error("config.json is missing (the server answered HTTP {0})")]
    Missing(u16),
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

/// Loads and checks the runtime configuration from `url`, relative to the page.
pub async fn load_config(url: &str) -> Result<RuntimeConfig, ConfigLoadError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|err| ConfigLoadError::Unreachable(err.to_string()))?;
    if !response.ok() {
        return Err(ConfigLoadError::Missing(response.status()));
    }
    let text = response
        .text()
        .await
        .map_err(|err| ConfigLoadError::Unreachable(err.to_string()))?;
    Ok(RuntimeConfig::parse(&text)?)
}
