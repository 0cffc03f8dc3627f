//! What the server holds under many keys, read without one request per key: pages of the
//! list sorted by key (`GET /tolerances?page=&pageSize=&sortBy=tolerance_Key:asc`), only
//! those the keys fall in. 10,000 keys cost a handful of pages.
//!
//! Which page holds a key is predicted from the keys the table believes the server holds
//! (as loaded or saved), corrected by the pages read (records others added or deleted move
//! the rest along). A prediction only picks the page; what a key holds is concluded from
//! one page's answer alone, never from two pages read at different times:
//! - a key between the page's first and last key is there (its record) or gone (absent);
//! - a key before the first key of page 1, or after the last key of the last page, is absent;
//! - any other key needs another page. One that falls between two pages read (after one's
//!   last key, before the next one's first) is read in a page of another size, which spans
//!   that boundary.

use crate::core::record::Tolerance;

/// One page to read: `page` (1-based) of the list cut in pages of `size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageAsk {
    pub page: u32,
    pub size: u32,
}

/// A page as the server answered it.
#[derive(Debug, Clone, Default)]
pub struct PageAnswer {
    pub records: Vec<Tolerance>,
    /// `x-pagination`'s `TotalCount`, when it came.
    pub total: Option<u64>,
    /// `x-pagination`'s `PageSize`, when it came: a server that gives fewer rows per page
    /// than asked says so there.
    pub page_size: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagesError {
    #[error("page {page} of the list was not in key order, so it cannot show which keys it holds")]
    Unsorted { page: u32 },
    #[error(
        "the records kept moving while they were read ({read} pages read): many were added or deleted meanwhile"
    )]
    TooManyPages { read: usize },
}

/// A page read: where it starts in the list, and the keys it spans.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: u64,
    len: u64,
    first: i32,
    last: i32,
}

impl Window {
    fn end(&self) -> u64 {
        self.start + self.len
    }
}

/// Pages still to read for keys still open.
#[derive(Debug)]
pub struct KeyPages {
    size: u32,
    /// The keys the table believes the server holds, sorted: where a key should be.
    believed: Vec<i32>,
    /// The keys not settled yet, sorted.
    open: Vec<i32>,
    windows: Vec<Window>,
    /// A few dozen at most: a list, not a set (less code in the wasm).
    asked: Vec<PageAsk>,
    /// How many rows the list has, as the last page read said.
    total: Option<u64>,
    /// Pages of the first round, asked before the list's length was known.
    first_round: Option<usize>,
}

/// Pages read beyond the first round and twice the list's own pages before the reading
/// gives up: rows moving all the while must not keep it going for ever.
const SPARE_PAGES: u64 = 16;

impl KeyPages {
    /// Reading `wanted` in pages of `size`, predicting where each key is from `believed`
    /// (any order; the keys the table believes the server holds).
    pub fn new(wanted: impl IntoIterator<Item = i32>, mut believed: Vec<i32>, size: u32) -> Self {
        believed.sort_unstable();
        believed.dedup();
        let mut open: Vec<i32> = wanted.into_iter().collect();
        open.sort_unstable();
        open.dedup();
        KeyPages {
            size: size.max(1),
            believed,
            open,
            windows: Vec::new(),
            asked: Vec::new(),
            total: None,
            first_round: None,
        }
    }

    /// Every key wanted is settled.
    pub fn is_done(&self) -> bool {
        self.open.is_empty()
    }

    /// Pages asked for so far.
    pub fn pages_asked(&self) -> usize {
        self.asked.len()
    }

    /// The pages to read next (none once every key is settled), in page order; each is
    /// counted as asked. Answer each with [`Self::take`], then ask again.
    pub fn next_asks(&mut self) -> Result<Vec<PageAsk>, PagesError> {
        let too_many = || PagesError::TooManyPages {
            read: self.asked.len(),
        };
        let mut asks = Vec::new();
        for key in &self.open {
            asks.push(self.ask_for(*key).ok_or_else(too_many)?);
        }
        asks.sort_unstable();
        asks.dedup();
        // Reading the whole list twice over would have settled every key by now, unless
        // its rows keep moving.
        let first_round = *self.first_round.get_or_insert(asks.len()) as u64;
        let list_pages = self
            .total
            .map_or(0, |total| total.div_ceil(u64::from(self.size)));
        let budget = first_round + 2 * list_pages + SPARE_PAGES;
        if (self.asked.len() + asks.len()) as u64 > budget {
            return Err(too_many());
        }
        self.asked.extend(asks.iter().copied());
        Ok(asks)
    }

    /// Takes in the server's answer to `ask` and returns what it settles: per key, the
    /// record the server holds (`None`: nothing), in key order. Each page's records go
    /// where they belong as it comes, so a 20-page read never holds all of them at once.
    pub fn take(
        &mut self,
        ask: PageAsk,
        answer: PageAnswer,
    ) -> Result<Vec<(i32, Option<Tolerance>)>, PagesError> {
        let records = answer.records;
        if records.windows(2).any(|pair| pair[0].key >= pair[1].key) {
            return Err(PagesError::Unsorted { page: ask.page });
        }
        let size = answer.page_size.filter(|s| *s > 0).unwrap_or(ask.size);
        // Asked in the server's own page size from now on.
        self.size = self.size.min(size);
        let start = u64::from(ask.page.saturating_sub(1)) * u64::from(size);
        let len = records.len() as u64;
        if answer.total.is_some() {
            self.total = answer.total;
        }
        let first_page = ask.page == 1;
        let last_page = match answer.total {
            Some(total) => start + len >= total,
            None => len < u64::from(size),
        };
        let (Some(first), Some(last)) = (records.first(), records.last()) else {
            // An empty first page that is also the last: the list is empty.
            if first_page && last_page {
                let open = std::mem::take(&mut self.open);
                return Ok(open.into_iter().map(|key| (key, None)).collect());
            }
            return Ok(Vec::new());
        };
        let (first, last) = (first.key, last.key);
        let settles = |key: &i32| {
            (first..=last).contains(key)
                || (first_page && *key < first)
                || (last_page && *key > last)
        };
        let (settled, open): (Vec<i32>, Vec<i32>) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(settles);
        self.open = open;
        self.windows.push(Window {
            start,
            len,
            first,
            last,
        });
        // Both in key order: the records are moved out, not copied.
        let mut records = records.into_iter().peekable();
        Ok(settled
            .into_iter()
            .map(|key| {
                while records.next_if(|r| r.key < key).is_some() {}
                (key, records.next_if(|r| r.key == key))
            })
            .collect())
    }

    /// The page to read for `key`: the one spanning where it should be, or, when that page
    /// was read and did not span it, one of another size spanning the boundary it falls at.
    /// `None` when those were all read too.
    fn ask_for(&self, key: i32) -> Option<PageAsk> {
        let at = self.position(key);
        let beyond_end = match self.total {
            Some(total) => at >= total,
            None => self.windows.is_empty() && at >= self.believed.len() as u64,
        };
        // Past the last row, the page with the last row shows that nothing follows it.
        let primary = if beyond_end && at > 0 {
            self.page_of(at - 1, self.size)
        } else {
            self.page_of(at, self.size)
        };
        if !self.asked.contains(&primary) {
            return Some(primary);
        }
        // The key falls between rows `at - 1` and `at`, which pages of this size split.
        let sizes = (1..=8).flat_map(|d| [self.size.checked_sub(d), self.size.checked_add(d)]);
        sizes
            .flatten()
            .filter(|size| *size > 0 && !at.is_multiple_of(u64::from(*size)))
            .map(|size| self.page_of(at, size))
            .find(|ask| !self.asked.contains(ask))
    }

    fn page_of(&self, position: u64, size: u32) -> PageAsk {
        let page = position / u64::from(size) + 1;
        PageAsk {
            page: u32::try_from(page).unwrap_or(u32::MAX),
            size,
        }
    }

    /// Where `key` is, or would be, in the list: its believed place, moved by as much as the
    /// nearest page read shows the rows around it moved, and kept between the pages read
    /// on either side of it.
    fn position(&self, key: i32) -> u64 {
        let rank = |pred: &dyn Fn(i32) -> bool| self.believed.partition_point(|b| pred(*b)) as i64;
        let believed_at = rank(&|b| b < key);
        let below = self
            .windows
            .iter()
            .filter(|w| w.last < key)
            .max_by_key(|w| (w.last, w.end()));
        let above = self
            .windows
            .iter()
            .filter(|w| w.first > key)
            .min_by_key(|w| (w.first, w.start));
        // Each page read says how far the rows next to it moved from where they were
        // believed to be.
        let from_below = below.map(|w| believed_at + w.end() as i64 - rank(&|b| b <= w.last));
        let from_above = above.map(|w| believed_at + w.start as i64 - rank(&|b| b < w.first));
        let guess = match (below, above, from_below, from_above) {
            (Some(b), Some(a), Some(from_b), Some(from_a)) => {
                let near_below =
                    i64::from(key) - i64::from(b.last) <= i64::from(a.first) - i64::from(key);
                if near_below { from_b } else { from_a }
            }
            (_, _, Some(from_b), None) => from_b,
            (_, _, None, Some(from_a)) => from_a,
            _ => believed_at,
        };
        let mut at = guess.max(0) as u64;
        if let Some(b) = below {
            at = at.max(b.end());
        }
        if let Some(a) = above {
            at = at.min(a.start.max(below.map_or(0, |b| b.end())));
        }
        if let Some(total) = self.total {
            at = at.min(total);
        }
        at
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "key_pages_tests.rs"]
mod tests;
