//! The active cell and the selected rectangle, in the grid's rows as shown (sorted and
//! filtered order) and its editable columns, and where each key moves them. Pure, so the
//! grid only maps keys to [`Move`]s and positions to rows.

use crate::core::columns::EDITABLE_COUNT;
use crate::core::paste::{CellPos, Extent};

/// A rectangle of cells, both corners included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub top: usize,
    pub left: usize,
    pub bottom: usize,
    pub right: usize,
}

impl Range {
    /// The rectangle spanned by two corners, in any order.
    pub fn between(a: CellPos, b: CellPos) -> Range {
        Range {
            top: a.row.min(b.row),
            left: a.column.min(b.column),
            bottom: a.row.max(b.row),
            right: a.column.max(b.column),
        }
    }

    pub fn single(at: CellPos) -> Range {
        Range::between(at, at)
    }

    /// Every cell of a grid of `rows` rows (`None` when it has none).
    pub fn all(rows: usize) -> Option<Range> {
        (rows > 0).then(|| Range {
            top: 0,
            left: 0,
            bottom: rows - 1,
            right: EDITABLE_COUNT - 1,
        })
    }

    pub fn contains(&self, at: CellPos) -> bool {
        (self.top..=self.bottom).contains(&at.row) && (self.left..=self.right).contains(&at.column)
    }

    pub fn top_left(&self) -> CellPos {
        CellPos {
            row: self.top,
            column: self.left,
        }
    }

    pub fn bottom_right(&self) -> CellPos {
        CellPos {
            row: self.bottom,
            column: self.right,
        }
    }

    pub fn extent(&self) -> Extent {
        Extent {
            rows: self.bottom - self.top + 1,
            columns: self.right - self.left + 1,
        }
    }

    pub fn cell_count(&self) -> usize {
        let extent = self.extent();
        extent.rows * extent.columns
    }

    pub fn is_single(&self) -> bool {
        self.cell_count() == 1
    }

    pub fn rows(&self) -> std::ops::RangeInclusive<usize> {
        self.top..=self.bottom
    }

    pub fn columns(&self) -> std::ops::RangeInclusive<usize> {
        self.left..=self.right
    }

    /// The same rectangle cut to a grid of `rows` rows (rows removed since it was made).
    pub fn clamped(&self, rows: usize) -> Option<Range> {
        let last = rows.checked_sub(1)?;
        (self.top <= last).then(|| Range {
            bottom: self.bottom.min(last),
            ..*self
        })
    }
}

/// Where a key sends the active cell (or, with Shift, the moving corner of the selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Left,
    Right,
    /// By this many rows (a page).
    PageUp(usize),
    PageDown(usize),
    /// Home and End: the first and last cell of the row.
    RowStart,
    RowEnd,
    /// Ctrl-Home and Ctrl-End.
    TableStart,
    TableEnd,
    /// Tab: right, then on to the first cell of the next row.
    Next,
    /// Shift-Tab: left, then back to the last cell of the previous row.
    Previous,
}

/// Where `m` moves `from` in a grid of `rows` rows; `None` when Tab or Shift-Tab would
/// leave the grid (past its last or before its first cell), so the focus may go on.
pub fn moved(from: CellPos, m: Move, rows: usize) -> Option<CellPos> {
    let last_row = rows.checked_sub(1)?;
    let last_column = EDITABLE_COUNT - 1;
    let at = |row: usize, column: usize| CellPos {
        row: row.min(last_row),
        column: column.min(last_column),
    };
    let CellPos { row, column } = from;
    Some(match m {
        Move::Up => at(row.saturating_sub(1), column),
        Move::Down => at(row + 1, column),
        Move::Left => at(row, column.saturating_sub(1)),
        Move::Right => at(row, column + 1),
        Move::PageUp(page) => at(row.saturating_sub(page), column),
        Move::PageDown(page) => at(row.saturating_add(page), column),
        Move::RowStart => at(row, 0),
        Move::RowEnd => at(row, last_column),
        Move::TableStart => at(0, 0),
        Move::TableEnd => at(last_row, last_column),
        Move::Next if column < last_column => at(row, column + 1),
        Move::Next if row < last_row => at(row + 1, 0),
        Move::Next => return None,
        Move::Previous if column > 0 => at(row, column - 1),
        Move::Previous if row > 0 => at(row - 1, last_column),
        Move::Previous => return None,
    })
}

/// Where Enter, Shift-Enter, Tab and Shift-Tab move the active cell inside a selection of
/// more than one cell, as in Excel: Enter down each column, then to the top of the next; Tab
/// along each row, then to the start of the next; past the last cell back to the first (the
/// Shift keys the other way). `None` for other moves. From outside `range`, its first cell.
pub fn cycled(range: Range, from: CellPos, m: Move) -> Option<CellPos> {
    let (down_columns, forward) = match m {
        Move::Down => (true, true),
        Move::Up => (true, false),
        Move::Next => (false, true),
        Move::Previous => (false, false),
        _ => return None,
    };
    if !range.contains(from) {
        return Some(range.top_left());
    }
    let Extent { rows, columns } = range.extent();
    let count = rows * columns;
    let (row, column) = (from.row - range.top, from.column - range.left);
    let index = if down_columns {
        column * rows + row
    } else {
        row * columns + column
    };
    let next = if forward {
        (index + 1) % count
    } else {
        (index + count - 1) % count
    };
    let (row, column) = if down_columns {
        (next % rows, next / rows)
    } else {
        (next / columns, next % columns)
    };
    Some(CellPos {
        row: range.top + row,
        column: range.left + column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(row: usize, column: usize) -> CellPos {
        CellPos { row, column }
    }

    #[test]
    fn a_range_is_the_same_from_either_corner() {
        let range = Range::between(at(5, 3), at(2, 1));
        assert_eq!(range, Range::between(at(2, 1), at(5, 3)));
        assert_eq!(range.top_left(), at(2, 1));
        assert_eq!(
            range.extent(),
            Extent {
                rows: 4,
                columns: 3
            }
        );
        assert_eq!(range.cell_count(), 12);
        assert!(range.contains(at(2, 1)) && range.contains(at(5, 3)) && range.contains(at(3, 2)));
        assert!(
            !range.contains(at(1, 1)) && !range.contains(at(3, 0)) && !range.contains(at(6, 3))
        );
        assert!(Range::single(at(4, 0)).is_single());
    }

    #[test]
    fn all_covers_every_editable_cell_and_clamping_follows_removed_rows() {
        assert_eq!(Range::all(0), None);
        let all = Range::all(100).unwrap();
        assert_eq!(all.cell_count(), 400);
        assert_eq!(all.clamped(10).unwrap().bottom, 9);
        assert_eq!(Range::between(at(20, 0), at(30, 1)).clamped(10), None);
    }

    #[test]
    fn moves_stop_at_the_edges() {
        assert_eq!(moved(at(0, 0), Move::Up, 10), Some(at(0, 0)));
        assert_eq!(moved(at(9, 3), Move::Down, 10), Some(at(9, 3)));
        assert_eq!(moved(at(4, 0), Move::Left, 10), Some(at(4, 0)));
        assert_eq!(moved(at(4, 3), Move::Right, 10), Some(at(4, 3)));
        assert_eq!(moved(at(4, 2), Move::PageDown(20), 10), Some(at(9, 2)));
        assert_eq!(moved(at(4, 2), Move::PageUp(3), 10), Some(at(1, 2)));
        assert_eq!(moved(at(4, 2), Move::RowStart, 10), Some(at(4, 0)));
        assert_eq!(moved(at(4, 2), Move::RowEnd, 10), Some(at(4, 3)));
        assert_eq!(moved(at(4, 2), Move::TableStart, 10), Some(at(0, 0)));
        assert_eq!(moved(at(4, 2), Move::TableEnd, 10), Some(at(9, 3)));
        assert_eq!(moved(at(0, 0), Move::Down, 0), None);
    }

    #[test]
    fn enter_and_tab_go_round_a_selection() {
        // Rows 2 to 4, columns 1 and 2.
        let range = Range::between(at(2, 1), at(4, 2));
        let walk = |m: Move| {
            let mut at_now = at(2, 1);
            let mut seen = vec![at_now];
            for _ in 0..6 {
                at_now = cycled(range, at_now, m).unwrap();
                seen.push(at_now);
            }
            seen
        };
        let down = [
            at(2, 1),
            at(3, 1),
            at(4, 1),
            at(2, 2),
            at(3, 2),
            at(4, 2),
            at(2, 1),
        ];
        assert_eq!(walk(Move::Down), down);
        let mut up = down;
        up[1..6].reverse();
        assert_eq!(walk(Move::Up), up);
        let along = [
            at(2, 1),
            at(2, 2),
            at(3, 1),
            at(3, 2),
            at(4, 1),
            at(4, 2),
            at(2, 1),
        ];
        assert_eq!(walk(Move::Next), along);
        let mut back = along;
        back[1..6].reverse();
        assert_eq!(walk(Move::Previous), back);
        assert_eq!(cycled(range, at(9, 0), Move::Down), Some(at(2, 1)));
        assert_eq!(cycled(range, at(3, 1), Move::Left), None);
        assert_eq!(cycled(range, at(9, 0), Move::Left), None);
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod going_round {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(300) })]

            /// Each way round visits every cell once and comes back; the Shift key undoes it.
            #[test]
            fn every_cell_once_and_back(
                top in 0usize..50, rows in 1usize..12,
                left in 0usize..4, columns in 1usize..4,
                down in any::<bool>(),
            ) {
                let columns = columns.min(EDITABLE_COUNT - left);
                let range = Range { top, left, bottom: top + rows - 1, right: left + columns - 1 };
                let (forward, back) = if down { (Move::Down, Move::Up) } else { (Move::Next, Move::Previous) };
                let mut seen = std::collections::HashSet::new();
                let mut here = range.top_left();
                for _ in 0..range.cell_count() {
                    prop_assert!(range.contains(here));
                    prop_assert!(seen.insert((here.row, here.column)));
                    let next = cycled(range, here, forward).unwrap();
                    prop_assert_eq!(cycled(range, next, back), Some(here));
                    here = next;
                }
                prop_assert_eq!(here, range.top_left());
            }
        }
    }

    #[test]
    fn tab_wraps_to_the_next_row_and_leaves_after_the_last_cell() {
        assert_eq!(moved(at(2, 1), Move::Next, 5), Some(at(2, 2)));
        assert_eq!(moved(at(2, 3), Move::Next, 5), Some(at(3, 0)));
        assert_eq!(moved(at(4, 3), Move::Next, 5), None);
        assert_eq!(moved(at(3, 0), Move::Previous, 5), Some(at(2, 3)));
        assert_eq!(moved(at(3, 2), Move::Previous, 5), Some(at(3, 1)));
        assert_eq!(moved(at(0, 0), Move::Previous, 5), None);
    }
}
