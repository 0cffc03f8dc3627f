//! The runtime configuration, `config.json` beside `index.html`: one build serves any
//! deployment by editing that file.

use serde::Deserialize;
use thiserror::Error;

use super::header_value;

/// Largest batch the app will put in one `PUT /tolerances-batch`.
pub const MAX_BATCH_SIZE: usize = 10_000;
const DEFAULT_BATCH_SIZE: usize = 500;

/// How the app reaches VBAPI (see "Where the API key lives" in the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiMode {
    /// A same-origin gateway adds the API key; the browser never holds it.
    Gateway,
    /// The browser calls VBAPI itself with a key the user types at sign-in.
    Direct,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuntimeConfig {
    /// Where API paths such as `tolerances-batch` are resolved; ends with `/`. A relative
    /// value (`vbapi/`) is resolved against the page, so one file serves any path.
    pub api_base_url: String,
    pub mode: ApiMode,
    pub client_id: String,
    pub client_code: String,
    /// The databases a user may pick as the target, in the order shown.
    pub databases: Vec<String>,
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// Databases where a send must be confirmed by typing the database's name (the live
    /// ones); each is one of `databases`, so a misspelt name cannot leave one unguarded.
    #[serde(default)]
    pub guarded_databases: Vec<String>,
}

fn default_batch_size() -> usize {
    DEFAULT_BATCH_SIZE
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("config.json is not valid: {message} (line {line}, column {column})")]
    Malformed {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("config.json is not valid: {0}")]
    Invalid(String),
}

impl RuntimeConfig {
    /// Reads and checks `config.json`'s text.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let mut config: RuntimeConfig =
            serde_json::from_str(text).map_err(|err| ConfigError::Malformed {
                message: strip_position(&err.to_string()),
                line: err.line(),
                column: err.column(),
            })?;
        if config.api_base_url.trim().is_empty() {
            return Err(ConfigError::Invalid("apiBaseUrl is empty".into()));
        }
        if !config.api_base_url.ends_with('/') {
            config.api_base_url.push('/');
        }
        if config.databases.is_empty() {
            return Err(ConfigError::Invalid(
                "databases lists no database to pick".into(),
            ));
        }
        if let Some(blank) = config.databases.iter().position(|d| d.trim().is_empty()) {
            return Err(ConfigError::Invalid(format!(
                "database number {} has an empty name",
                blank + 1
            )));
        }
        // Each of these goes out in a request header: one the browser refuses would stop
        // every request, so it is a problem with the file, said at start.
        let sent = [
            ("clientId", &config.client_id),
            ("clientCode", &config.client_code),
        ];
        for (field, value) in sent {
            if let Err(problem) = header_value::check(value) {
                return Err(ConfigError::Invalid(format!(
                    "{field} cannot be sent in a request header: {problem}"
                )));
            }
        }
        for (n, name) in config.databases.iter().enumerate() {
            if let Err(problem) = header_value::check(name) {
                return Err(ConfigError::Invalid(format!(
                    "database number {} cannot be sent in a request header: {problem}",
                    n + 1
                )));
            }
        }
        if let Some(stray) = config
            .guarded_databases
            .iter()
            .find(|g| !config.databases.contains(g))
        {
            return Err(ConfigError::Invalid(format!(
                "guardedDatabases names “{stray}”, which databases does not list"
            )));
        }
        if !(1..=MAX_BATCH_SIZE).contains(&config.batch_size) {
            return Err(ConfigError::Invalid(format!(
                "batchSize must be between 1 and {MAX_BATCH_SIZE}, not {}",
                config.batch_size
            )));
        }
        Ok(config)
    }
}

impl RuntimeConfig {
    /// Whether sending to `database` asks for its name to be typed first.
    pub fn is_guarded(&self, database: &str) -> bool {
        self.guarded_databases.iter().any(|g| g == database)
    }
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
        "apiBaseUrl": "/vbapi",
        "mode": "gateway",
        "clientId": "demo-client",
        "clientCode": "demo",
        "databases": ["DEMO_LIVE", "DEMO_TEST"]
    }"#;

    #[test]
    fn reads_a_complete_file_and_fills_defaults() {
        let config = RuntimeConfig::parse(SAMPLE).unwrap();
        assert_eq!(config.api_base_url, "/vbapi/");
        assert_eq!(config.mode, ApiMode::Gateway);
        assert_eq!(config.databases, ["DEMO_LIVE", "DEMO_TEST"]);
        assert_eq!(config.batch_size, DEFAULT_BATCH_SIZE);
        assert!(config.guarded_databases.is_empty());
        assert!(!config.is_guarded("DEMO_LIVE"));
    }

    #[test]
    fn guarded_databases_are_read_and_must_be_listed() {
        let guarded = SAMPLE.replace(
            "\"mode\"",
            "\"guardedDatabases\": [\"DEMO_LIVE\"], \"mode\"",
        );
        let config = RuntimeConfig::parse(&guarded).unwrap();
        assert!(config.is_guarded("DEMO_LIVE"));
        assert!(!config.is_guarded("DEMO_TEST"));
        assert!(!config.is_guarded("demo_live"));
        let misspelt = guarded.replace("[\"DEMO_LIVE\"]", "[\"DEMO_LIV\"]");
        assert_eq!(
            RuntimeConfig::parse(&misspelt).unwrap_err().to_string(),
            "config.json is not valid: guardedDatabases names “DEMO_LIV”, which databases does not list"
        );
    }

    #[test]
    fn malformed_json_says_where() {
        let err = RuntimeConfig::parse("{\n  \"mode\": gateway\n}").unwrap_err();
        let ConfigError::Malformed { line, .. } = &err else {
            panic!("expected Malformed, got {err:?}");
        };
        assert_eq!(*line, 2);
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn unknown_mode_and_misspelt_fields_are_refused() {
        let direct_typo = SAMPLE.replace("\"gateway\"", "\"proxy\"");
        assert!(RuntimeConfig::parse(&direct_typo).is_err());
        let misspelt = SAMPLE.replace("clientCode", "clientcode");
        let err = RuntimeConfig::parse(&misspelt).unwrap_err().to_string();
        assert!(err.contains("clientcode"), "{err}");
    }

    #[test]
    fn empty_database_list_and_bad_batch_size_are_refused() {
        let none = SAMPLE.replace(r#"["DEMO_LIVE", "DEMO_TEST"]"#, "[]");
        assert!(matches!(
            RuntimeConfig::parse(&none),
            Err(ConfigError::Invalid(_))
        ));
        let zero = SAMPLE.replace("\"mode\"", "\"batchSize\": 0, \"mode\"");
        let err = RuntimeConfig::parse(&zero).unwrap_err().to_string();
        assert!(err.contains("batchSize"), "{err}");
    }

    #[test]
    fn names_a_request_header_cannot_carry_are_refused() {
        let greek = SAMPLE.replace("DEMO_TEST", "ΔEMO");
        let err = RuntimeConfig::parse(&greek).unwrap_err().to_string();
        assert_eq!(
            err,
            "config.json is not valid: database number 2 cannot be sent in a request header: \
             it has “Δ” (U+0394) at character 1"
        );
        let dash = SAMPLE.replace("demo-client", "demo–client");
        let err = RuntimeConfig::parse(&dash).unwrap_err().to_string();
        assert!(err.contains("clientId cannot be sent"), "{err}");
    }
}
