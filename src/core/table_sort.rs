//! Sorting the table: numbers by value, text ignoring case, cells that do not read last.
//! Each cell is read once into a rank (an integer in the order sorting wants), so a
//! comparison compares integers, and the rows are then moved once, in place: reading a cell
//! per comparison, or building the sorted rows in new vectors, costs many times that at
//! 100,000 rows.

use std::borrow::Cow;

use super::{RowDraft, Table, Touched};
use crate::core::columns::Field;

/// A cell's place in the order: smaller first. [`UNREADABLE`] for a blank cell or one with
/// a problem, last in either direction.
type Rank = u64;

const UNREADABLE: Rank = Rank::MAX;

impl Table {
    /// Orders the rows by `keys` (a field and whether ascending), first key first: numbers by
    /// value, text ignoring case, and cells that do not read (blank or with a problem) last.
    /// Stable, so rows equal on every key keep their order. Sorting arranges the view and is
    /// not an undo step; the undo history stays.
    pub fn sort_by(&mut self, keys: &[(Field, bool)]) -> Touched {
        let order = self.sort_order(keys);
        self.reorder(order).unwrap_or(Touched::Structure)
    }

    /// The order [`Self::sort_by`] puts the rows in, without moving them: for each place,
    /// the place of the row to go there. The first half of a sort, so that the view may
    /// have a turn between the halves (each is a task of its own at 100,000 rows).
    pub fn sort_order(&self, keys: &[(Field, bool)]) -> Vec<usize> {
        let mut ranks = keys
            .iter()
            .map(|&(field, ascending)| ranks(&self.rows, field, ascending));
        // The first key's rank beside each row's place, so most comparisons read one pair;
        // unstable, with the place as the last tie-break: the order a stable sort gives,
        // without its buffer.
        let mut order: Vec<(Rank, usize)> = match ranks.next() {
            Some(first) => first.into_iter().zip(0..).collect(),
            None => return (0..self.rows.len()).collect(),
        };
        let rest: Vec<Vec<Rank>> = ranks.collect();
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                rest.iter()
                    .map(|column| column[a.1].cmp(&column[b.1]))
                    .find(|order| order.is_ne())
                    .unwrap_or_else(|| a.1.cmp(&b.1))
            })
        });
        drop(rest);
        order.into_iter().map(|(_, place)| place).collect()
    }

    /// Moves the rows into `order`, the second half of a sort: an order
    /// [`Self::sort_order`] gave for the table as it is now (the caller knows it did not
    /// change since). `None`, nothing moved, when `order` is not an order of these rows.
    pub fn reorder(&mut self, order: Vec<usize>) -> Option<Touched> {
        let mut seen = vec![false; self.rows.len()];
        if order.len() != seen.len()
            || !order
                .iter()
                .all(|&place| place < seen.len() && !std::mem::replace(&mut seen[place], true))
        {
            return None;
        }
        drop(seen);
        permute(&mut self.rows, order);
        // Keys, duplicates and counts do not change with the order; positions do.
        for (index, row) in self.rows.iter().enumerate() {
            self.positions.insert(row.id(), index);
        }
        Some(Touched::Structure)
    }
}

/// Moves each row to its place, `rows[i]` becoming what was `rows[order[i]]`: along the
/// cycles of the permutation, swapping in place (no second vector of 100,000 rows, which
/// wasm memory would keep as its highest mark).
fn permute<T>(rows: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        // A place already filled points at itself.
        while order[at] != at && order[at] != start {
            let from = order[at];
            rows.swap(at, from);
            order[at] = at;
            at = from;
        }
        // The last place of a cycle now holds the row that began it.
        order[at] = at;
    }
}

/// Every row's rank for sorting by `field`.
fn ranks(rows: &[RowDraft], field: Field, ascending: bool) -> Vec<Rank> {
    match field {
        Field::Key => rows
            .iter()
            .map(|row| number_rank(row.key().map(f64::from), ascending))
            .collect(),
        Field::Amount => rows
            .iter()
            .map(|row| number_rank(row.amount(), ascending))
            .collect(),
        _ => text_ranks(rows, field, ascending),
    }
}

/// A number's rank: its bits turned so that integer order is `f64::total_cmp`'s order
/// (negatives' bits flipped, positives' sign bit set), then flipped again for descending.
/// Only NaNs could reach [`UNREADABLE`] that way, and cells never read as NaN.
fn number_rank(value: Option<f64>, ascending: bool) -> Rank {
    let Some(value) = value else {
        return UNREADABLE;
    };
    let bits = value.to_bits();
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    if ascending { ordered } else { !ordered }
}

/// Texts' ranks: the trimmed text ignoring case, the same text one rank. Each text is
/// lowercased once (and not copied when that changes nothing), then sorted with its row.
fn text_ranks(rows: &[RowDraft], field: Field, ascending: bool) -> Vec<Rank> {
    let mut texts: Vec<(Cow<str>, usize)> = rows
        .iter()
        .enumerate()
        .filter_map(|(place, row)| {
            // A server's date is written out from its digits: owned, not borrowed.
            let text = match row.text(field) {
                Cow::Borrowed(text) => lowercase(text.trim()),
                Cow::Owned(text) => Cow::Owned(lowercase(text.trim()).into_owned()),
            };
            (!text.is_empty()).then_some((text, place))
        })
        .collect();
    texts.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut ranks = vec![UNREADABLE; rows.len()];
    let mut rank = 0;
    for (i, (text, place)) in texts.iter().enumerate() {
        if i > 0 && *text != texts[i - 1].0 {
            rank += 1;
        }
        ranks[*place] = rank;
    }
    if !ascending {
        for cell in ranks.iter_mut().filter(|r| **r != UNREADABLE) {
            *cell = rank - *cell;
        }
    }
    ranks
}

/// `text.to_lowercase()`, without a copy when it would change nothing (plain ASCII without
/// capitals, as most IDs are).
fn lowercase(text: &str) -> Cow<'_, str> {
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "table_sort_tests.rs"]
mod tests;
