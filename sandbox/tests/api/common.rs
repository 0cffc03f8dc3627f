//! Shared by the integration tests: a sandbox on a free loopback port, a small blocking HTTP
//! client, sign-in, and the shared fixtures.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use ureq::Agent;
use ureq::http::{HeaderMap, Request};
use vbapi_sandbox::rate_limit::RateLimit;
use vbapi_sandbox::{App, Settings};

pub const KEY: &str = "demo-api-key";

/// `shared/vbapi/fixtures`, beside the repository.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/vbapi/fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read fixture {}: {err}", path.display()))
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).expect("fixtures are JSON")
}

/// Test settings: in-memory database, faults on, no rate limit unless a test wants one.
pub fn settings() -> Settings {
    Settings {
        db: ":memory:".into(),
        faults: true,
        rate_limit: RateLimit::Off,
        ..Settings::default()
    }
}

/// A folder under the system's temp folder, unique to this test, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("vbapi-sandbox-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts a sandbox with the tenant file `toml` (read at start, removed after).
pub fn start_with_tenant(toml: &str, settings: Settings) -> String {
    let dir = TempDir::new();
    let path = dir.file("tenant.toml");
    std::fs::write(&path, toml).unwrap();
    start(Settings {
        tenant_file: Some(path),
        ..settings
    })
}

/// Starts the sandbox in this process on 127.0.0.1:0 and returns its base URL. The server
/// lives on its own runtime thread until the test process ends.
pub fn start(settings: Settings) -> String {
    let app = App::new(settings).expect("the sandbox starts");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app.router()).await.unwrap();
        });
    });
    format!("http://{}", receiver.recv().unwrap())
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn activity_id(&self) -> String {
        self.json()["debug"]["activityID"]
            .as_str()
            .expect("every answer has an activityID")
            .to_string()
    }

    pub fn detail(&self) -> String {
        self.json()["error"]["detail"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// A blocking client for one sandbox, with headers it sends on every request.
#[derive(Clone)]
pub struct Client {
    agent: Agent,
    pub base: String,
    pub headers: Vec<(String, String)>,
}

impl Client {
    /// A client that sends nothing by default.
    pub fn bare(base: &str) -> Self {
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            headers: Vec::new(),
        }
    }

    /// Signs in as `user`/`password` on `database` with the demo key and client.
    pub fn signed_in(base: &str, user: &str, password: &str, database: &str) -> Self {
        let mut client = Client::bare(base);
        client.set("x-api-key", KEY);
        let reply = client.sign_in(user, password, database);
        assert_eq!(reply.status, 200, "sign-in failed: {}", reply.text);
        let token = reply.json()["data"]["authenticationResult"]["idToken"]
            .as_str()
            .unwrap()
            .to_string();
        client.set("authorization", &format!("Bearer {token}"));
        client.set("vbasoftware-database", database);
        client
    }

    pub fn demo(base: &str, database: &str) -> Self {
        Self::signed_in(base, "demo", "demo", database)
    }

    pub fn set(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((name.to_string(), value.to_string()));
    }

    pub fn unset(&mut self, name: &str) {
        self.headers.retain(|(n, _)| n != name);
    }

    pub fn sign_in(&self, user: &str, password: &str, database: &str) -> Reply {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.with(
            "POST",
            "/user-authentication",
            &[
                ("authorization", &format!("Basic {basic}")),
                ("vbasoftware-client-id", "demo-client"),
                ("vbasoftware-client-code", "demo"),
                ("vbasoftware-database", database),
            ],
            None,
        )
    }

    pub fn try_with(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&str>,
    ) -> Result<Reply, ureq::Error> {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (name, value) in &self.headers {
            if !extra.iter().any(|(n, _)| n == name) {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let response = match body {
            Some(body) => self.agent.run(
                builder
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .unwrap(),
            ),
            None => self.agent.run(builder.body(()).unwrap()),
        }?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response
            .into_body()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()?;
        Ok(Reply {
            status,
            headers,
            text,
        })
    }

    pub fn with(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        self.try_with(method, path, extra, body)
            .unwrap_or_else(|err| panic!("{method} {path} failed: {err}"))
    }

    pub fn get(&self, path: &str) -> Reply {
        self.with("GET", path, &[], None)
    }

    pub fn put(&self, path: &str, body: &str) -> Reply {
        self.with("PUT", path, &[], Some(body))
    }

    pub fn post(&self, path: &str, body: &str) -> Reply {
        self.with("POST", path, &[], Some(body))
    }

    pub fn delete(&self, path: &str) -> Reply {
        self.with("DELETE", path, &[], None)
    }
}

/// A tenant with two users, one locked one, and a database only one user may use.
pub const TWO_USERS: &str = r#"
client_id = "demo-client"
client_code = "demo"
api_keys = ["demo-api-key", "second-key"]
logins_per_minute = 3

[[users]]
name = "demo"
password = "demo"
databases = ["DEMO_LIVE", "DEMO_TEST"]

[[users]]
name = "ann"
password = "ann-pw"
databases = ["DEMO_TEST"]

[[users]]
name = "locked"
password = "locked-pw"
databases = ["DEMO_TEST"]
locked = true

[[users]]
name = "newbie"
password = "first-pw"
databases = ["DEMO_TEST"]
new_password_required = true

[[databases]]
name = "DEMO_LIVE"
demo_lists = true

[[databases]]
name = "DEMO_TEST"
demo_lists = true
[[databases.tolerances]]
tolerance_Key = 1
tolerance1 = 5.0
group_ID = "GRP001"
payment_Method = "ACH"
entry_Date = "2024-01-15T09:30:00Z"
entry_User = "JSMITH"
update_Date = "2024-06-01T12:00:00Z"
update_User = "JSMITH"
"#;
