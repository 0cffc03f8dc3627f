//! Where each row of a table is, by id. Ids are handed out in order from 0, so a vector
//! indexed by id answers: 4 bytes an id and no hashing, where a hash map took 9 bytes an
//! entry at its fullest (1.2 MB at 100,000 rows, 0.4 MB as a vector) and a hash per
//! lookup and insert. An id whose row is gone leaves a hole; ids are not handed out again,
//! so a table that added and dropped many rows (pastes undone) keeps 4 bytes for each.

use crate::core::draft::RowId;

/// No row with this id (removed, or never given).
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub(super) struct Positions(Vec<u32>);

impl Positions {
    /// The positions of `ids`, in order (the table's rows).
    pub(super) fn of(ids: impl ExactSizeIterator<Item = RowId>) -> Self {
        let mut positions = Positions(Vec::new());
        positions.reserve(ids.len());
        for (index, id) in ids.enumerate() {
            positions.insert(id, index);
        }
        positions
    }

    pub(super) fn get(&self, id: RowId) -> Option<usize> {
        match self.0.get(id.0 as usize) {
            Some(&NONE) | None => None,
            Some(&index) => Some(index as usize),
        }
    }

    pub(super) fn insert(&mut self, id: RowId, index: usize) {
        let index = u32::try_from(index).expect("fewer rows than ids");
        let slot = id.0 as usize;
        if slot >= self.0.len() {
            self.0.resize(slot + 1, NONE);
        }
        self.0[slot] = index;
    }

    /// Room for `additional` more ids, made once.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.0.reserve_exact(additional);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_is_found_by_its_id_and_holes_find_nothing() {
        let mut positions = Positions::of([RowId(3), RowId(0), RowId(7)].into_iter());
        assert_eq!(positions.get(RowId(3)), Some(0));
        assert_eq!(positions.get(RowId(0)), Some(1));
        assert_eq!(positions.get(RowId(7)), Some(2));
        for hole in [1, 2, 4, 5, 6, 8, 1000, u32::MAX] {
            assert_eq!(positions.get(RowId(hole)), None, "{hole}");
        }
        positions.insert(RowId(1), 3);
        positions.insert(RowId(3), 4);
        assert_eq!(positions.get(RowId(1)), Some(3));
        assert_eq!(positions.get(RowId(3)), Some(4));
    }
}
