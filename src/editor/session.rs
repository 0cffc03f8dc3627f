//! Who is signed in, where to, and with what: kept in memory only. Nothing here is ever
//! written to localStorage; signing out forgets it.

use leptos::prelude::*;

use crate::api::{Connection, Tokens};
use crate::core::config::{ApiMode, RuntimeConfig};

/// A Copy handle to the session, shared through context.
#[derive(Clone, Copy)]
pub struct Session {
    config: StoredValue<RuntimeConfig>,
    /// The target database: every request carries it.
    pub database: RwSignal<String>,
    /// The databases offered: config.json's, then any more `/client-environments` names.
    pub databases: RwSignal<Vec<String>>,
    pub tokens: RwSignal<Option<Tokens>>,
    pub user: RwSignal<Option<String>>,
    /// Direct mode only: the key the user typed, for this tab's life.
    api_key: RwSignal<Option<String>>,
    /// A submit stopped on an expired session and waits for the user to sign in again.
    pub reauth_needed: RwSignal<bool>,
    /// Moves on at every sign-in and sign-out: what a task read in one session is not shown
    /// in the next.
    sessions: StoredValue<u64>,
}

impl Session {
    pub fn new(config: RuntimeConfig) -> Self {
        let first = config.databases.first().cloned().unwrap_or_default();
        Session {
            databases: RwSignal::new(config.databases.clone()),
            config: StoredValue::new(config),
            database: RwSignal::new(first),
            tokens: RwSignal::new(None),
            user: RwSignal::new(None),
            api_key: RwSignal::new(None),
            reauth_needed: RwSignal::new(false),
            sessions: StoredValue::new(0),
        }
    }

    pub fn config(&self) -> RuntimeConfig {
        self.config.get_value()
    }

    /// Whether the chosen database is guarded (config.json's `guardedDatabases`); tracked.
    pub fn is_guarded(&self) -> bool {
        self.database
            .with(|database| self.config.with_value(|c| c.is_guarded(database)))
    }

    pub fn is_direct(&self) -> bool {
        self.config.with_value(|c| c.mode == ApiMode::Direct)
    }

    /// Where requests go now, for the chosen database.
    pub fn connection(&self) -> Connection {
        let database = self.database.get_untracked();
        let api_key = self.api_key.get_untracked();
        self.config
            .with_value(|config| Connection::new(config, &database, api_key))
    }

    /// The connection a sign-in would use, with the key just typed (direct mode).
    pub fn connection_with_key(&self, api_key: Option<String>) -> Connection {
        let database = self.database.get_untracked();
        self.config
            .with_value(|config| Connection::new(config, &database, api_key))
    }

    pub fn signed_in(&self, user: String, tokens: Tokens, api_key: Option<String>) {
        self.sessions.update_value(|n| *n += 1);
        self.user.set(Some(user));
        self.tokens.set(Some(tokens));
        if api_key.is_some() {
            self.api_key.set(api_key);
        }
        self.reauth_needed.set(false);
    }

    pub fn sign_out(&self) {
        self.sessions.update_value(|n| *n += 1);
        self.tokens.set(None);
        self.user.set(None);
        self.api_key.set(None);
        self.reauth_needed.set(false);
    }

    /// Adds the databases the API lists that config.json does not, keeping config's order.
    pub fn offer_databases(&self, listed: Vec<String>) {
        self.databases.update(|offered| {
            for name in listed {
                if !name.trim().is_empty() && !offered.contains(&name) {
                    offered.push(name);
                }
            }
        });
    }

    /// Whether `database` is still the one chosen, for a task that waited: false once
    /// another was chosen, and once the page is gone (its signals with it).
    pub fn is_on(&self, database: &str) -> bool {
        self.database
            .try_with_untracked(|chosen| chosen == database)
            .unwrap_or(false)
    }

    /// Names the session signed in now: equal later only if nobody signed out or in again
    /// meanwhile (`None` while signed out, and once the page is gone).
    pub fn sign_in_now(&self) -> Option<u64> {
        let signed_in = self.tokens.try_with_untracked(Option::is_some)?;
        signed_in.then(|| self.sessions.try_get_value()).flatten()
    }

    pub fn is_signed_in(&self) -> bool {
        self.tokens.with(Option::is_some)
    }
}
