//! The sandbox's data in SQLite: tolerances, groups and payment methods, each row tagged with
//! its database (`DEMO_LIVE`, `DEMO_TEST`, …) so databases never see each other's rows.
//!
//! One connection behind a mutex: SQLite serialises writers anyway, and every batch runs in
//! one `IMMEDIATE` transaction, so a batch is applied whole or not at all, even if the
//! process is killed half-way (SQLite rolls the journal back on the next open).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;

mod list;

use list::row_to_json;
pub use list::{GROUPS, ListSpec, PAYMENT_METHODS, Page, PageRequest, TOLERANCES};

use crate::record::NewTolerance;
use crate::tenant::Tenant;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the data folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("a database task stopped: {0}")]
    Task(String),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tolerances (
    database TEXT NOT NULL,
    tolerance_key INTEGER NOT NULL,
    tolerance1 REAL NOT NULL,
    group_id TEXT,
    payment_method TEXT,
    entry_date TEXT NOT NULL,
    entry_user TEXT,
    update_date TEXT NOT NULL,
    update_user TEXT,
    PRIMARY KEY (database, tolerance_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups (
    database TEXT NOT NULL,
    group_id TEXT NOT NULL,
    group_name TEXT,
    PRIMARY KEY (database, group_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS payment_methods (
    database TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (database, payment_method)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seeded (
    database TEXT PRIMARY KEY,
    seeded_at TEXT NOT NULL
);
";

const TOLERANCE_COLUMNS: &str = "tolerance_key, entry_date, entry_user, group_id, \
    payment_method, tolerance1, update_date, update_user";

#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    /// What listing learnt that stays true until the next write: totals and page ends.
    list_memo: Mutex<list::ListMemo>,
}

impl Store {
    /// Opens (creating if need be) the database at `path`, or an in-memory one for `:memory:`.
    pub fn open(path: &str) -> Result<Self, StoreError> {
        let conn = if path == ":memory:" {
            Connection::open_in_memory()?
        } else {
            prepare_folder(Path::new(path))?;
            let conn = Connection::open(path)?;
            // WAL keeps readers from waiting on a long batch; NORMAL is still crash-safe in WAL.
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            conn.execute_batch("PRAGMA synchronous = NORMAL")?;
            conn
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Mutex::new(conn),
            list_memo: Mutex::default(),
        })
    }

    /// A panic inside a job drops its transaction, which rolls back: the connection is
    /// still sound, so a poisoned lock is taken over rather than failing every later call.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Seeds each of the tenant's databases once per data file: later runs keep what users
    /// changed.
    pub fn seed(&self, tenant: &Tenant, now: &str) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for db in &tenant.databases {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO seeded (database, seeded_at) VALUES (?1, ?2)",
                params![db.name, now],
            )?;
            if inserted == 0 {
                continue;
            }
            let demo = db.demo_tolerances > 0 || db.demo_lists;
            let mut groups = if demo {
                crate::seed::demo_groups()
            } else {
                vec![]
            };
            groups.extend(db.groups.iter().cloned());
            for group in groups {
                tx.execute(
                    "INSERT OR REPLACE INTO groups (database, group_id, group_name) \
                     VALUES (?1, ?2, ?3)",
                    params![db.name, group.id, group.name],
                )?;
            }
            let mut methods = if demo {
                crate::seed::demo_payment_methods()
            } else {
                vec![]
            };
            methods.extend(db.payment_methods.iter().cloned());
            for method in methods {
                tx.execute(
                    "INSERT OR REPLACE INTO payment_methods (database, payment_method, \
                     description) VALUES (?1, ?2, ?3)",
                    params![db.name, method.code, method.description],
                )?;
            }
            let mut tolerances = crate::seed::demo_tolerances(db.demo_tolerances);
            tolerances.extend(db.tolerances.iter().cloned());
            for t in tolerances {
                let entry_date = t.entry_date.unwrap_or_else(|| now.to_string());
                let update_date = t.update_date.unwrap_or_else(|| entry_date.clone());
                tx.execute(
                    &format!(
                        "INSERT OR REPLACE INTO tolerances (database, {TOLERANCE_COLUMNS}) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                    ),
                    params![
                        db.name,
                        t.key,
                        entry_date,
                        t.entry_user,
                        t.group_id,
                        t.payment_method,
                        t.tolerance1,
                        update_date,
                        t.update_user,
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Per row, why the database cannot take it: a group or payment method it does not hold
    /// (`group_ID GRP099 does not exist`; both rules joined by "; "), or `None`.
    pub fn missing_references(
        &self,
        database: &str,
        rows: &[NewTolerance],
    ) -> Result<Vec<Option<String>>, StoreError> {
        let conn = self.lock();
        let mut group =
            conn.prepare_cached("SELECT 1 FROM groups WHERE database = ?1 AND group_id = ?2")?;
        let mut method = conn.prepare_cached(
            "SELECT 1 FROM payment_methods WHERE database = ?1 AND payment_method = ?2",
        )?;
        let mut refusals = Vec::with_capacity(rows.len());
        for row in rows {
            let mut broken = Vec::new();
            if let Some(id) = &row.group_id
                && !group.exists(params![database, id])?
            {
                broken.push(format!("group_ID {id} does not exist"));
            }
            if let Some(code) = &row.payment_method
                && !method.exists(params![database, code])?
            {
                broken.push(format!("payment_Method {code} does not exist"));
            }
            refusals.push((!broken.is_empty()).then(|| broken.join("; ")));
        }
        Ok(refusals)
    }

    /// Creates or updates every row in one transaction; for each row, whether it was created.
    /// A key repeated in `rows` is created once, then updated: the last occurrence wins.
    pub fn upsert_batch(
        &self,
        database: &str,
        rows: &[NewTolerance],
        user: &str,
        now: &str,
    ) -> Result<Vec<bool>, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut created = Vec::with_capacity(rows.len());
        {
            let mut insert = tx.prepare(&format!(
                "INSERT INTO tolerances (database, {TOLERANCE_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3, ?4) \
                 ON CONFLICT (database, tolerance_key) DO NOTHING"
            ))?;
            let mut update = tx.prepare(
                "UPDATE tolerances SET tolerance1 = ?3, group_id = ?4, payment_method = ?5, \
                 update_date = ?6, update_user = ?7 WHERE database = ?1 AND tolerance_key = ?2",
            )?;
            for row in rows {
                let inserted = insert.execute(params![
                    database,
                    row.key,
                    now,
                    user,
                    row.group_id,
                    row.payment_method,
                    row.tolerance1,
                ])?;
                if inserted == 0 {
                    update.execute(params![
                        database,
                        row.key,
                        row.tolerance1,
                        row.group_id,
                        row.payment_method,
                        now,
                        user,
                    ])?;
                }
                created.push(inserted == 1);
            }
        }
        tx.commit()?;
        Ok(created)
    }

    pub fn get(&self, database: &str, key: i32) -> Result<Option<Value>, StoreError> {
        let conn = self.lock();
        get_with(&conn, database, key)
    }

    /// Creates one record; `None` when the key is taken.
    pub fn create(
        &self,
        database: &str,
        row: &NewTolerance,
        user: &str,
        now: &str,
    ) -> Result<Option<Value>, StoreError> {
        let conn = self.lock();
        let inserted = conn.execute(
            &format!(
                "INSERT INTO tolerances (database, {TOLERANCE_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?3, ?4) \
                 ON CONFLICT (database, tolerance_key) DO NOTHING"
            ),
            params![
                database,
                row.key,
                now,
                user,
                row.group_id,
                row.payment_method,
                row.tolerance1
            ],
        )?;
        if inserted == 0 {
            return Ok(None);
        }
        get_with(&conn, database, row.key)
    }

    /// Updates one record; `None` when there is none with that key.
    pub fn update(
        &self,
        database: &str,
        row: &NewTolerance,
        user: &str,
        now: &str,
    ) -> Result<Option<Value>, StoreError> {
        let conn = self.lock();
        let updated = conn.execute(
            "UPDATE tolerances SET tolerance1 = ?3, group_id = ?4, payment_method = ?5, \
             update_date = ?6, update_user = ?7 WHERE database = ?1 AND tolerance_key = ?2",
            params![
                database,
                row.key,
                row.tolerance1,
                row.group_id,
                row.payment_method,
                now,
                user
            ],
        )?;
        if updated == 0 {
            return Ok(None);
        }
        get_with(&conn, database, row.key)
    }

    pub fn delete(&self, database: &str, key: i32) -> Result<bool, StoreError> {
        let conn = self.lock();
        let deleted = conn.execute(
            "DELETE FROM tolerances WHERE database = ?1 AND tolerance_key = ?2",
            params![database, key],
        )?;
        Ok(deleted == 1)
    }
}

fn get_with(conn: &Connection, database: &str, key: i32) -> Result<Option<Value>, StoreError> {
    let sql = format!(
        "SELECT {TOLERANCE_COLUMNS} FROM tolerances WHERE database = ?1 AND tolerance_key = ?2"
    );
    Ok(conn
        .query_row(&sql, params![database, key], |row| {
            row_to_json(row, &TOLERANCES)
        })
        .optional()?)
}

/// Creates the data folder, with a `.gitignore` that ignores it, so a default run inside the
/// repository never adds the database to git.
fn prepare_folder(path: &Path) -> Result<(), StoreError> {
    let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    let fail = |source| StoreError::Folder {
        path: folder.display().to_string(),
        source,
    };
    if !folder.exists() {
        std::fs::create_dir_all(folder).map_err(fail)?;
        std::fs::write(folder.join(".gitignore"), "*\n").map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: i32, amount: f64) -> NewTolerance {
        NewTolerance {
            key,
            tolerance1: amount,
            group_id: Some("GRP001".into()),
            payment_method: None,
        }
    }

    #[test]
    fn batch_creates_then_updates_and_keeps_entry_fields() {
        let store = Store::open(":memory:").unwrap();
        let first = store
            .upsert_batch(
                "A",
                &[row(1, 1.0), row(1, 2.0)],
                "ann",
                "2024-01-01T00:00:00Z",
            )
            .unwrap();
        assert_eq!(first, [true, false]);
        let second = store
            .upsert_batch("A", &[row(1, 3.0)], "bob", "2024-02-01T00:00:00Z")
            .unwrap();
        assert_eq!(second, [false]);
        let record = store.get("A", 1).unwrap().unwrap();
        assert_eq!(record["tolerance1"], 3.0);
        assert_eq!(record["entry_User"], "ann");
        assert_eq!(record["entry_Date"], "2024-01-01T00:00:00Z");
        assert_eq!(record["update_User"], "bob");
        assert_eq!(record["update_Date"], "2024-02-01T00:00:00Z");
        assert!(store.get("B", 1).unwrap().is_none(), "databases are apart");
    }
}
