//! Who may use the sandbox and what their databases start with: the built-in demo tenant,
//! or one read from a TOML file (`--tenant FILE`).

use std::path::Path;

use serde::Deserialize;

use crate::seed;

/// One customer of VBAPI as the sandbox plays it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    pub client_id: String,
    pub client_code: String,
    /// The first key is the one the `/vbapi/` gateway adds.
    pub api_keys: Vec<String>,
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime_seconds: u64,
    /// Sign-ins allowed per user per minute (failed ones count); then 429.
    #[serde(default = "default_logins_per_minute")]
    pub logins_per_minute: u32,
    pub users: Vec<User>,
    pub databases: Vec<Database>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub password: String,
    pub databases: Vec<String>,
    #[serde(default)]
    pub locked: bool,
    /// Answer sign-in with the `NEW_PASSWORD_REQUIRED` challenge instead of tokens.
    #[serde(default)]
    pub new_password_required: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub name: String,
    /// How many generated demo tolerances (with demo groups and payment methods) to seed.
    #[serde(default)]
    pub demo_tolerances: u32,
    /// Seed the demo groups and payment methods even without demo tolerances (a test
    /// database whose rows name them: batches naming values a database lacks are refused).
    #[serde(default)]
    pub demo_lists: bool,
    #[serde(default)]
    pub tolerances: Vec<SeedTolerance>,
    #[serde(default)]
    pub groups: Vec<SeedGroup>,
    #[serde(default)]
    pub payment_methods: Vec<SeedPaymentMethod>,
}

/// A seeded tolerance, spelled as VBAPI spells its fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedTolerance {
    #[serde(rename = "tolerance_Key")]
    pub key: i32,
    pub tolerance1: f64,
    #[serde(rename = "group_ID", default)]
    pub group_id: Option<String>,
    #[serde(rename = "payment_Method", default)]
    pub payment_method: Option<String>,
    #[serde(rename = "entry_Date", default)]
    pub entry_date: Option<String>,
    #[serde(rename = "entry_User", default)]
    pub entry_user: Option<String>,
    #[serde(rename = "update_Date", default)]
    pub update_date: Option<String>,
    #[serde(rename = "update_User", default)]
    pub update_user: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGroup {
    #[serde(rename = "group_ID")]
    pub id: String,
    #[serde(rename = "group_Name", default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPaymentMethod {
    #[serde(rename = "payment_Method")]
    pub code: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    #[error("cannot read the tenant file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the tenant file {path} is not valid: {source}")]
    Parse {
        path: String,
        source: Box<toml::de::Error>,
    },
    #[error("the tenant is not usable: {0}")]
    Invalid(String),
}

fn default_token_lifetime() -> u64 {
    24 * 60 * 60
}

/// Generous enough for an end-to-end suite that signs in once per test, low enough that a
/// loop that signs in on every call meets the 429.
fn default_logins_per_minute() -> u32 {
    60
}

impl Tenant {
    /// The tenant everyone can try: user `demo`/`demo`, key `demo-api-key`.
    pub fn demo() -> Self {
        Tenant {
            client_id: "demo-client".into(),
            client_code: "demo".into(),
            api_keys: vec!["demo-api-key".into()],
            token_lifetime_seconds: default_token_lifetime(),
            logins_per_minute: default_logins_per_minute(),
            users: vec![User {
                name: "demo".into(),
                password: "demo".into(),
                databases: vec!["DEMO_LIVE".into(), "DEMO_TEST".into()],
                locked: false,
                new_password_required: false,
            }],
            databases: vec![
                Database {
                    name: "DEMO_LIVE".into(),
                    demo_tolerances: seed::DEMO_TOLERANCES,
                    demo_lists: true,
                    tolerances: Vec::new(),
                    groups: Vec::new(),
                    payment_methods: Vec::new(),
                },
                Database {
                    name: "DEMO_TEST".into(),
                    demo_tolerances: 0,
                    demo_lists: true,
                    tolerances: Vec::new(),
                    groups: Vec::new(),
                    payment_methods: Vec::new(),
                },
            ],
        }
    }

    pub fn from_file(path: &Path) -> Result<Self, TenantError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TenantError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::from_toml(&text).map_err(|err| match err {
            TenantError::Parse { source, .. } => TenantError::Parse {
                path: shown,
                source,
            },
            other => other,
        })
    }

    pub fn from_toml(text: &str) -> Result<Self, TenantError> {
        let tenant: Tenant = toml::from_str(text).map_err(|source| TenantError::Parse {
            path: "(text)".into(),
            source: Box::new(source),
        })?;
        tenant.check()?;
        Ok(tenant)
    }

    fn check(&self) -> Result<(), TenantError> {
        if self.api_keys.is_empty() {
            return Err(TenantError::Invalid("it needs at least one API key".into()));
        }
        if self.users.is_empty() {
            return Err(TenantError::Invalid("it needs at least one user".into()));
        }
        for user in &self.users {
            for name in &user.databases {
                if self.database(name).is_none() {
                    return Err(TenantError::Invalid(format!(
                        "user {} names database {name}, which the tenant does not define",
                        user.name
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn database(&self, name: &str) -> Option<&Database> {
        self.databases.iter().find(|db| db.name == name)
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|user| user.name == name)
    }

    pub fn knows_key(&self, key: &str) -> bool {
        self.api_keys.iter().any(|known| known == key)
    }

    /// What the sandbox prints at start so a person can sign in.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "tenant: client id {}, client code {}, API key {}",
            self.client_id, self.client_code, self.api_keys[0]
        )];
        for user in &self.users {
            lines.push(format!(
                "tenant: user {} / password {} on databases {}{}",
                user.name,
                user.password,
                user.databases.join(", "),
                if user.locked { " (locked)" } else { "" }
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_tenant_is_the_documented_one() {
        let demo = Tenant::demo();
        assert!(demo.check().is_ok());
        assert!(demo.knows_key("demo-api-key"));
        let user = demo.user("demo").unwrap();
        assert_eq!(user.password, "demo");
        assert_eq!(user.databases, ["DEMO_LIVE", "DEMO_TEST"]);
        assert_eq!(demo.token_lifetime_seconds, 86_400);
    }

    #[test]
    fn reads_a_tenant_file() {
        let tenant = Tenant::from_toml(
            r#"
            client_id = "acme-client"
            client_code = "acme"
            api_keys = ["k1"]
            token_lifetime_seconds = 60
            [[users]]
            name = "ann"
            password = "pw"
            databases = ["A"]
            locked = true
            [[databases]]
            name = "A"
            [[databases.tolerances]]
            tolerance_Key = 1
            tolerance1 = 5.0
            group_ID = "GRP001"
            "#,
        )
        .unwrap();
        assert_eq!(tenant.token_lifetime_seconds, 60);
        assert!(tenant.user("ann").unwrap().locked);
        assert_eq!(tenant.databases[0].tolerances[0].key, 1);
    }

    #[test]
    fn the_documented_example_loads() {
        let tenant = Tenant::from_toml(include_str!("../tenant.example.toml")).unwrap();
        assert_eq!(tenant.api_keys[0], "acme-key");
        assert_eq!(tenant.databases[0].demo_tolerances, 300);
        assert_eq!(tenant.databases[1].payment_methods[0].code, "ACH");
    }

    #[test]
    fn says_what_is_wrong_with_a_tenant_file() {
        let err = Tenant::from_toml(
            r#"
            client_id = "c"
            client_code = "c"
            api_keys = ["k"]
            [[users]]
            name = "ann"
            password = "pw"
            databases = ["NOPE"]
            [[databases]]
            name = "A"
            "#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("NOPE"), "{err}");
        assert!(Tenant::from_toml("client_id = 3").is_err());
    }
}
