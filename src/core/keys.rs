//! Which rows share a tolerance key. Kept up to date one edit at a time, so a key typed in a
//! 100,000-row table flags its duplicates without rescanning the table.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::core::draft::RowId;

#[derive(Debug, Clone, Default)]
pub struct KeyIndex {
    rows: FxHashMap<i32, Holders>,
}

/// Most keys belong to one row: that case allocates nothing beyond the map entry, and the
/// rare shared key's list is boxed so that an entry takes 12 bytes in wasm, not 20.
#[derive(Debug, Clone)]
enum Holders {
    One(RowId),
    // The box is the point: a `Vec` in place would make every entry as large as it.
    #[allow(clippy::box_collection)]
    Many(Box<Vec<RowId>>),
}

impl KeyIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds the index of a whole table; rows without a valid key are skipped.
    pub fn build(rows: impl IntoIterator<Item = (RowId, Option<i32>)>) -> Self {
        let mut index = KeyIndex::new();
        for (row, key) in rows {
            if let Some(key) = key {
                index.add(row, key);
            }
        }
        index
    }

    /// Room for `additional` more keys, made once (see [`crate::core::table::Table::reserve`]).
    pub fn reserve(&mut self, additional: usize) {
        self.rows.reserve(additional);
    }

    /// True when more than one row holds `key`.
    pub fn is_duplicate(&self, key: i32) -> bool {
        matches!(self.rows.get(&key), Some(Holders::Many(_)))
    }

    /// The rows holding `key`, in the order they got it.
    pub fn rows_with(&self, key: i32) -> &[RowId] {
        match self.rows.get(&key) {
            Some(Holders::One(row)) => std::slice::from_ref(row),
            Some(Holders::Many(rows)) => rows,
            None => &[],
        }
    }

    /// Keys held by more than one row.
    pub fn duplicate_keys(&self) -> impl Iterator<Item = i32> + '_ {
        self.rows
            .iter()
            .filter(|(_, h)| matches!(h, Holders::Many(_)))
            .map(|(k, _)| *k)
    }

    /// Records that `row`'s key went from `before` to `after` (either may be absent: a new,
    /// deleted or invalid row). Returns every row whose duplicate flag must be set anew,
    /// with the flag: the edited row and the rows it now shares, or no longer shares, a key with.
    pub fn change(
        &mut self,
        row: RowId,
        before: Option<i32>,
        after: Option<i32>,
    ) -> Vec<(RowId, bool)> {
        if before == after {
            return Vec::new();
        }
        let mut affected = Vec::new();
        if let Some(key) = before {
            self.remove(key, row);
            affected.extend(
                self.rows_with(key)
                    .iter()
                    .map(|r| (*r, self.is_duplicate(key))),
            );
        }
        if let Some(key) = after {
            let duplicate = self.add(row, key);
            affected.extend(self.rows_with(key).iter().map(|r| (*r, duplicate)));
        } else {
            affected.push((row, false));
        }
        affected
    }

    /// Records a row added with `key` (a row appended to the table); answers whether the
    /// key is now shared, when every row holding it is to be flagged. One lookup of the key
    /// (three were a tenth of adding a 100,000-row paste's rows).
    pub fn add(&mut self, row: RowId, key: i32) -> bool {
        match self.rows.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(Holders::One(row));
                false
            }
            Entry::Occupied(mut slot) => {
                match slot.get_mut() {
                    Holders::One(first) => {
                        let first = *first;
                        slot.insert(Holders::Many(Box::new(vec![first, row])));
                    }
                    Holders::Many(rows) => rows.push(row),
                }
                true
            }
        }
    }

    fn remove(&mut self, key: i32, row: RowId) {
        match self.rows.get_mut(&key) {
            Some(Holders::One(only)) if *only == row => {
                self.rows.remove(&key);
            }
            Some(Holders::Many(rows)) => {
                rows.retain(|r| *r != row);
                if let [last] = rows[..] {
                    self.rows.insert(key, Holders::One(last));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_rows_are_flagged_and_both_unflagged_when_one_moves_away() {
        let (a, b, c) = (RowId(1), RowId(2), RowId(3));
        let mut index = KeyIndex::build([(a, Some(7)), (b, Some(8)), (c, None)]);
        assert!(!index.is_duplicate(7));

        let mut flags = index.change(b, Some(8), Some(7));
        flags.sort();
        assert_eq!(flags, [(a, true), (b, true)]);
        assert!(index.is_duplicate(7));
        assert_eq!(index.duplicate_keys().collect::<Vec<_>>(), [7]);

        let mut flags = index.change(a, Some(7), None);
        flags.sort();
        assert_eq!(flags, [(a, false), (b, false)]);
        assert_eq!(index.rows_with(7), [b]);
        assert!(index.change(c, None, None).is_empty());
    }

    #[test]
    fn three_rows_on_one_key_stay_flagged_until_one_is_left() {
        let rows = [RowId(1), RowId(2), RowId(3)];
        let mut index = KeyIndex::build(rows.iter().map(|r| (*r, Some(5))));
        assert_eq!(index.rows_with(5), rows);
        let flags = index.change(RowId(1), Some(5), Some(6));
        assert!(flags.contains(&(RowId(2), true)) && flags.contains(&(RowId(1), false)));
        let flags = index.change(RowId(2), Some(5), None);
        assert!(flags.contains(&(RowId(3), false)));
        assert!(!index.is_duplicate(5) && !index.is_duplicate(6));
    }
}
