//! Listing a table a page at a time, sorted on any of its fields.

use rusqlite::params;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

use super::{Store, StoreError};

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
    pub rows: Vec<Value>,
    pub total: u64,
}

impl Store {
    pub fn list(
        &self,
        spec: &ListSpec,
        database: &str,
        request: &PageRequest,
    ) -> Result<Page, StoreError> {
        let conn = self.lock();
        let total: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM {} WHERE database = ?1", spec.table),
            params![database],
            |row| row.get(0),
        )?;
        let columns: Vec<&str> = spec.columns.iter().map(|(_, column)| *column).collect();
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
        let mut statement = conn.prepare(&sql)?;
        let rows = statement
            .query_map(params![database, request.page_size, offset], |row| {
                row_to_json(row, spec)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            rows,
            total: total.unsigned_abs(),
        })
    }
}

pub(super) fn row_to_json(row: &rusqlite::Row<'_>, spec: &ListSpec) -> rusqlite::Result<Value> {
    let mut object = Map::new();
    for (index, (field, _)) in spec.columns.iter().enumerate() {
        let value = match row.get_ref(index)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Real(x) => Value::from(x),
            ValueRef::Text(text) => Value::from(String::from_utf8_lossy(text).into_owned()),
            ValueRef::Blob(_) => Value::Null,
        };
        object.insert((*field).to_string(), value);
    }
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
        let keys: Vec<_> = page
            .rows
            .iter()
            .map(|r| r["tolerance_Key"].clone())
            .collect();
        assert_eq!(keys, [2, 5]);
    }
}
