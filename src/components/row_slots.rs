//! Which rendered row view (slot) shows which row. Row views are recycled: a row keeps its
//! slot while it stays in view, and a slot whose row left shows the next row that came in, so
//! scrolling changes the text and attributes of existing elements instead of building new
//! ones. A slot with no row is hidden.

use crate::core::draft::RowId;

/// Gives each row of `wanted` a slot, keeping the slots of `previous` for the rows still
/// wanted (the focused row never moves to another element) and filling freed slots with the
/// new rows. Trailing empty slots are dropped.
pub fn assign_slots(previous: Option<&[Option<RowId>]>, wanted: &[RowId]) -> Vec<Option<RowId>> {
    let mut slots: Vec<Option<RowId>> = previous
        .unwrap_or_default()
        .iter()
        .map(|slot| slot.filter(|id| wanted.contains(id)))
        .collect();
    let mut free = 0;
    for id in wanted {
        if slots.contains(&Some(*id)) {
            continue;
        }
        while free < slots.len() && slots[free].is_some() {
            free += 1;
        }
        if free == slots.len() {
            slots.push(Some(*id));
        } else {
            slots[free] = Some(*id);
        }
    }
    while slots.last() == Some(&None) {
        slots.pop();
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(numbers: &[u32]) -> Vec<RowId> {
        numbers.iter().map(|n| RowId(*n)).collect()
    }

    #[test]
    fn rows_that_stay_in_view_keep_their_slot_and_new_rows_take_freed_ones() {
        let first = assign_slots(None, &ids(&[1, 2, 3, 4]));
        assert_eq!(
            first,
            ids(&[1, 2, 3, 4]).into_iter().map(Some).collect::<Vec<_>>()
        );
        let next = assign_slots(Some(&first), &ids(&[3, 4, 5, 6]));
        assert_eq!(
            next,
            vec![
                Some(RowId(5)),
                Some(RowId(6)),
                Some(RowId(3)),
                Some(RowId(4))
            ]
        );
    }

    #[test]
    fn a_pinned_row_keeps_its_slot_however_far_the_view_jumps() {
        let first = assign_slots(None, &ids(&[1, 2, 3]));
        let jumped = assign_slots(Some(&first), &ids(&[900, 901, 902, 2]));
        assert_eq!(jumped[1], Some(RowId(2)));
        assert_eq!(jumped.len(), 4);
    }

    #[test]
    fn fewer_rows_leave_holes_but_no_trailing_empty_slots() {
        let first = assign_slots(None, &ids(&[1, 2, 3, 4]));
        let fewer = assign_slots(Some(&first), &ids(&[2]));
        assert_eq!(fewer, vec![None, Some(RowId(2))]);
        assert!(assign_slots(Some(&fewer), &[]).is_empty());
    }
}
