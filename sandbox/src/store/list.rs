//! Listing a table a page at a time, sorted on any of its fields.

use std::collections::HashMap;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, params};
use serde_json::{Map, Value};

use super::{Store, StoreError};
use crate::envelope::write_json;

/// A listable table: its JSON field names and the columns they live in. Sorting and paging
/// only ever name columns from here, so no request text reaches the SQL.
#[derive(Debug)]
pub struct ListSpec {
    pub table: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

pub const TOLERANCES: ListSpec = ListSpec {
    table: "tolerances",
    columns: &[
        ("tolerance_Key", "tolerance_key"),
        ("entry_Date", "entry_date"),
        ("entry_User", "entry_user"),
        ("group_ID", "group_id"),
        ("payment_Method", "payment_method"),
        ("tolerance1", "tolerance1"),
        ("update_Date", "update_date"),
        ("update_User", "update_user"),
    ],
};

pub const GROUPS: ListSpec = ListSpec {
    table: "groups",
    columns: &[("group_ID", "group_id"), ("group_Name", "group_name")],
};

pub const PAYMENT_METHODS: ListSpec = ListSpec {
    table: "payment_methods",
    columns: &[
        ("payment_Method", "payment_method"),
        ("description", "description"),
    ],
};

/// One page of a list: the requested columns (index into the spec) and directions.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub page: u32,
    pub page_size: u32,
    /// (column index in the spec, descending)
    pub sort: Vec<(usize, bool)>,
}

#[derive(Debug)]
pub struct Page {
    /// The rows as a JSON array, written straight from the database (see [`write_rows`]).
    pub rows: String,
    pub total: u64,
}

/// What a listing learnt about a table, kept while the data has not changed: a 100-page load
/// then counts the rows once, not per page, and each next page seeks from where the last one
/// ended instead of stepping over every row before it (`OFFSET`).
#[derive(Debug, Default)]
pub struct ListMemo {
    /// The connection's change count when this was learnt; any write moves it on.
    changes: u64,
    totals: HashMap<(&'static str, String), u64>,
    /// (table, database, descending, page size, page) → the identity of the page's last row.
    page_ends: HashMap<(&'static str, String, bool, u32, u32), SqlValue>,
}

impl ListMemo {
    /// Forgets everything once the connection has written anything since it was learnt.
    fn refresh(&mut self, changes: u64) {
        if self.changes != changes {
            *self = ListMemo {
                changes,
                ..ListMemo::default()
            };
        }
    }
}

impl Store {
    pub fn list(
        &self,
        spec: &ListSpec,
        database: &str,
        request: &PageRequest,
    ) -> Result<Page, StoreError> {
        let conn = self.lock();
        let mut memo = self
            .list_memo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        memo.refresh(conn.total_changes());
        let total = match memo.totals.get(&(spec.table, database.to_string())) {
            Some(total) => *total,
            None => {
                let total = count(&conn, spec, database)?;
                memo.totals
                    .insert((spec.table, database.to_string()), total);
                total
            }
        };
        let columns: Vec<&str> = spec.columns.iter().map(|(_, column)| *column).collect();
        // Sorted on the identity alone (the usual load), a page can start right after the
        // previous page's last row, found through the primary key.
        let by_identity = match request.sort.as_slice() {
            [] => Some(false),
            [(0, desc)] => Some(*desc),
            _ => None,
        };
        let end_key = |page: u32| {
            by_identity.map(|desc| {
                (
                    spec.table,
                    database.to_string(),
                    desc,
                    request.page_size,
                    page,
                )
            })
        };
        let previous_end = end_key(request.page - 1).and_then(|key| memo.page_ends.get(&key));
        let (rows, last) = match (by_identity, previous_end) {
            (Some(desc), Some(after)) => {
                let (compare, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
                let sql = format!(
                    "SELECT {} FROM {} WHERE database = ?1 AND {identity} {compare} ?2 \
                     ORDER BY {identity} {dir} LIMIT ?3",
                    columns.join(", "),
                    spec.table,
                    identity = columns[0],
                );
                query_page(
                    &conn,
                    spec,
                    &sql,
                    params![database, after, request.page_size],
                )?
            }
            _ => {
                let mut order: Vec<String> = request
                    .sort
                    .iter()
                    .map(|(index, desc)| {
                        let dir = if *desc { "DESC" } else { "ASC" };
                        format!("{} {dir}", columns[*index])
                    })
                    .collect();
                // The identity last, so equal sort values still page in a stable order.
                order.push(format!("{} ASC", columns[0]));
                let sql = format!(
                    "SELECT {} FROM {} WHERE database = ?1 ORDER BY {} LIMIT ?2 OFFSET ?3",
                    columns.join(", "),
                    spec.table,
                    order.join(", ")
                );
                let offset = i64::from(request.page - 1) * i64::from(request.page_size);
                query_page(
                    &conn,
                    spec,
                    &sql,
                    params![database, request.page_size, offset],
                )?
            }
        };
        if let (Some(key), Some(last)) = (end_key(request.page), last) {
            memo.page_ends.insert(key, last);
        }
        Ok(Page { rows, total })
    }
}

fn count(conn: &Connection, spec: &ListSpec, database: &str) -> Result<u64, StoreError> {
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM {} WHERE database = ?1", spec.table),
        params![database],
        |row| row.get(0),
    )?;
    Ok(total.unsigned_abs())
}

/// The page's rows as a JSON array, and the identity (the first column) of its last row for
/// the next seek.
fn query_page(
    conn: &Connection,
    spec: &ListSpec,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<(String, Option<SqlValue>), StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params)?;
    Ok(write_rows(&mut rows, spec)?)
}

/// Writes rows as a JSON array of objects, byte for byte what serializing [`row_to_json`]'s
/// values writes (members in key order), without building them: a page of 5,000 rows is
/// 40,000 values and as many allocations otherwise.
fn write_rows(
    rows: &mut rusqlite::Rows<'_>,
    spec: &ListSpec,
) -> rusqlite::Result<(String, Option<SqlValue>)> {
    // Each member's `"name":` written once per page, in key order, with its column.
    let mut members: Vec<(&str, usize)> = spec
        .columns
        .iter()
        .enumerate()
        .map(|(index, (field, _))| (*field, index))
        .collect();
    members.sort_unstable();
    let members: Vec<(Vec<u8>, usize)> = members
        .into_iter()
        .map(|(field, index)| {
            let mut name = Vec::new();
            write_json(&mut name, field);
            name.push(b':');
            (name, index)
        })
        .collect();
    let mut out = Vec::with_capacity(64 * 1024);
    out.push(b'[');
    let mut last = None;
    while let Some(row) = rows.next()? {
        if last.is_some() {
            out.push(b',');
        }
        out.push(b'{');
        for (n, (name, index)) in members.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(name);
            match row.get_ref(*index)? {
                ValueRef::Null | ValueRef::Blob(_) => out.extend_from_slice(b"null"),
                ValueRef::Integer(n) => write_json(&mut out, &n),
                ValueRef::Real(x) => write_json(&mut out, &x),
                ValueRef::Text(text) => write_json(&mut out, &*String::from_utf8_lossy(text)),
            }
        }
        out.push(b'}');
        last = Some(row.get::<_, SqlValue>(0)?);
    }
    out.push(b']');
    // Only `str`s and serde_json's output went in.
    let json = String::from_utf8(out).expect("JSON written from strings is UTF-8");
    Ok((json, last))
}

pub(super) fn row_to_json(row: &rusqlite::Row<'_>, spec: &ListSpec) -> rusqlite::Result<Value> {
    // Collected, not inserted one by one: the map is then built in one pass from its sorted
    // keys (a page of 5,000 rows inserts 40,000 keys otherwise).
    let object = spec
        .columns
        .iter()
        .enumerate()
        .map(|(index, (field, _))| {
            let value = match row.get_ref(index)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(x) => Value::from(x),
                ValueRef::Text(text) => Value::from(String::from_utf8_lossy(text).into_owned()),
                ValueRef::Blob(_) => Value::Null,
            };
            Ok(((*field).to_string(), value))
        })
        .collect::<rusqlite::Result<Map<String, Value>>>()?;
    Ok(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::NewTolerance;

    fn row(key: i32, amount: f64) -> NewTolerance {
        NewTolerance {
            key,
            tolerance1: amount,
            group_id: Some("GRP001".into()),
            payment_method: None,
        }
    }

    #[test]
    fn lists_sorted_and_paged() {
        let store = Store::open(":memory:").unwrap();
        let rows: Vec<_> = (1..=5).map(|k| row(k, f64::from(k % 3))).collect();
        store.upsert_batch("A", &rows, "ann", "now").unwrap();
        let request = PageRequest {
            page: 1,
            page_size: 2,
            sort: vec![(5, true)],
        };
        let page = store.list(&TOLERANCES, "A", &request).unwrap();
        assert_eq!(page.total, 5);
        let keys: Vec<_> = rows_of(&page)
            .iter()
            .map(|r| r["tolerance_Key"].clone())
            .collect();
        assert_eq!(keys, [2, 5]);
    }

    fn rows_of(page: &Page) -> Vec<Value> {
        serde_json::from_str(&page.rows).expect("a page is a JSON array")
    }

    #[test]
    fn written_pages_are_what_serializing_the_rows_writes() {
        let store = Store::open(":memory:").unwrap();
        let mut rows: Vec<_> = (1..=6).map(|k| row(k, f64::from(k) / 8.0)).collect();
        rows[1].group_id = None;
        rows[2].group_id = Some("quote \" back\\slash \u{1} tab\t é 𝄞".into());
        rows[3].payment_method = Some("ACH".into());
        rows[4].tolerance1 = 1e21;
        rows[5].tolerance1 = -0.0;
        store.upsert_batch("A", &rows, "ann \"o\"", "now").unwrap();
        for sort in [vec![], vec![(3, false)], vec![(5, true)]] {
            let request = PageRequest {
                page: 1,
                page_size: 10,
                sort: sort.clone(),
            };
            let page = store.list(&TOLERANCES, "A", &request).unwrap();
            let conn = store.lock();
            let columns: Vec<&str> = TOLERANCES.columns.iter().map(|(_, c)| *c).collect();
            let order = match sort.as_slice() {
                [] => "tolerance_key".to_string(),
                [(i, desc)] => format!(
                    "{} {}, tolerance_key",
                    columns[*i],
                    if *desc { "DESC" } else { "ASC" }
                ),
                _ => unreachable!(),
            };
            let sql = format!(
                "SELECT {} FROM tolerances WHERE database = 'A' ORDER BY {order}",
                columns.join(", ")
            );
            let mut statement = conn.prepare(&sql).unwrap();
            let values: Vec<Value> = statement
                .query_map([], |row| row_to_json(row, &TOLERANCES))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(values.len(), 6);
            assert_eq!(
                page.rows,
                serde_json::to_string(&values).unwrap(),
                "sorted by {sort:?}"
            );
        }
        let empty = store
            .list(
                &TOLERANCES,
                "B",
                &PageRequest {
                    page: 1,
                    page_size: 10,
                    sort: vec![],
                },
            )
            .unwrap();
        assert_eq!(empty.rows, "[]");
    }

    fn keys_of(store: &Store, database: &str, page: u32, desc: bool) -> (Vec<i64>, u64) {
        let request = PageRequest {
            page,
            page_size: 10,
            sort: vec![(0, desc)],
        };
        let page = store.list(&TOLERANCES, database, &request).unwrap();
        let keys = rows_of(&page)
            .iter()
            .map(|r| r["tolerance_Key"].as_i64().unwrap())
            .collect();
        (keys, page.total)
    }

    #[test]
    fn pages_in_any_order_and_after_writes_match_a_fresh_count_and_sort() {
        let store = Store::open(":memory:").unwrap();
        // Keys with gaps, and another database beside, so neither a seek nor a count can
        // lean on keys being dense or alone.
        let rows: Vec<_> = (1..=25).map(|k| row(k * 3, 1.0)).collect();
        store.upsert_batch("A", &rows, "ann", "now").unwrap();
        store.upsert_batch("B", &rows[..7], "ann", "now").unwrap();
        for desc in [false, true] {
            let mut expected: Vec<i64> = (1..=25).map(|k| k * 3).collect();
            if desc {
                expected.reverse();
            }
            let pages = |order: &[u32]| {
                let mut got = vec![vec![]; 4];
                for &page in order {
                    let (keys, total) = keys_of(&store, "A", page, desc);
                    assert_eq!(total, 25);
                    got[page as usize - 1] = keys;
                }
                got.concat()
            };
            assert_eq!(pages(&[1, 2, 3, 4]), expected, "in order, desc {desc}");
            assert_eq!(pages(&[3, 1, 4, 2]), expected, "out of order, desc {desc}");
            assert_eq!(pages(&[1, 2, 3, 4]), expected, "again, desc {desc}");
            assert_eq!(keys_of(&store, "B", 1, desc).1, 7);
        }
        // A write between pages: the total and the next page see it.
        assert_eq!(keys_of(&store, "A", 1, false).0[9], 30);
        store
            .upsert_batch("A", &[row(4, 1.0)], "ann", "now")
            .unwrap();
        let (second, total) = keys_of(&store, "A", 2, false);
        assert_eq!(total, 26);
        assert_eq!(
            second[0], 30,
            "the page after the write starts at the 11th key"
        );
        assert!(store.delete("A", 75).unwrap());
        assert_eq!(
            keys_of(&store, "A", 3, false),
            (vec![60, 63, 66, 69, 72], 25)
        );
    }
}
