use proptest::prelude::*;

use super::*;

fn record(key: i32) -> Tolerance {
    Tolerance {
        key,
        amount: f64::from(key) / 4.0,
        group_id: None,
        payment_method: None,
        entry_date: None,
        entry_user: None,
        update_date: None,
        update_user: None,
    }
}

/// A list endpoint over sorted keys, as the sandbox pages it (at most `cap` rows a page).
struct Server {
    keys: Vec<i32>,
    cap: u32,
    pages_read: usize,
}

impl Server {
    fn new(mut keys: Vec<i32>) -> Self {
        keys.sort_unstable();
        keys.dedup();
        Server {
            keys,
            cap: u32::MAX,
            pages_read: 0,
        }
    }

    fn answer(&mut self, ask: PageAsk) -> PageAnswer {
        self.pages_read += 1;
        let size = ask.size.min(self.cap) as usize;
        let start = (ask.page as usize - 1) * size;
        let records = self
            .keys
            .iter()
            .skip(start)
            .take(size)
            .map(|k| record(*k))
            .collect();
        PageAnswer {
            records,
            total: Some(self.keys.len() as u64),
            page_size: Some(size as u32),
        }
    }

    fn holds(&self, key: i32) -> bool {
        self.keys.binary_search(&key).is_ok()
    }
}

/// Reads `wanted` from `server` round by round; `between` changes the server between
/// rounds (others writing meanwhile).
fn read(
    server: &mut Server,
    believed: Vec<i32>,
    wanted: &[i32],
    size: u32,
    mut between: impl FnMut(&mut Server),
) -> Result<Vec<(i32, Option<Tolerance>)>, PagesError> {
    let mut pages = KeyPages::new(wanted.iter().copied(), believed, size);
    let mut found = Vec::new();
    while !pages.is_done() {
        let asks = pages.next_asks()?;
        assert!(!asks.is_empty(), "keys open, nothing to ask");
        for ask in asks {
            let answer = server.answer(ask);
            let settled = pages.take(ask, answer)?;
            assert!(settled.is_sorted_by_key(|(key, _)| *key));
            found.extend(settled);
            between(server);
        }
    }
    found.sort_unstable_by_key(|(key, _)| *key);
    Ok(found)
}

fn assert_found(server: &Server, wanted: &[i32], found: &[(i32, Option<Tolerance>)]) {
    let mut wanted = wanted.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let keys: Vec<i32> = found.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, wanted);
    for (key, held) in found {
        assert_eq!(held.is_some(), server.holds(*key), "key {key}");
        if let Some(held) = held {
            assert_eq!(held, &record(*key));
        }
    }
}

#[test]
fn ten_thousand_keys_of_a_hundred_thousand_cost_the_pages_they_are_in() {
    let keys: Vec<i32> = (1..=100_000).collect();
    // Every tenth key: spread over all 20 pages of 5,000.
    let spread: Vec<i32> = (1..=100_000).step_by(10).collect();
    let mut server = Server::new(keys.clone());
    let found = read(&mut server, keys.clone(), &spread, 5_000, |_| {}).unwrap();
    assert_found(&server, &spread, &found);
    assert_eq!(server.pages_read, 20);
    // Ten thousand keys in a row: the three pages they are in.
    let run: Vec<i32> = (42_001..52_001).collect();
    let mut server = Server::new(keys.clone());
    let found = read(&mut server, keys, &run, 5_000, |_| {}).unwrap();
    assert_found(&server, &run, &found);
    assert_eq!(server.pages_read, 3);
}

#[test]
fn keys_past_the_last_row_or_on_an_empty_list_cost_one_page() {
    let keys: Vec<i32> = (1..=300).collect();
    let new: Vec<i32> = (5_001..6_201).collect();
    let mut server = Server::new(keys.clone());
    let found = read(&mut server, keys, &new, 5_000, |_| {}).unwrap();
    assert_found(&server, &new, &found);
    assert_eq!(server.pages_read, 1);

    let mut empty = Server::new(Vec::new());
    let found = read(&mut empty, Vec::new(), &new, 5_000, |_| {}).unwrap();
    assert_found(&empty, &new, &found);
    assert_eq!(empty.pages_read, 1);
}

#[test]
fn a_key_gone_from_inside_a_page_is_absent_and_one_between_pages_is_read_across_them() {
    // Pages of 3: [1 2 3] [5 6 7] [8 9 10]; 4 falls between the first two, 6 was deleted.
    let believed = vec![1, 2, 3, 5, 6, 7, 8, 9, 10];
    let mut server = Server::new(vec![1, 2, 3, 5, 7, 8, 9, 10, 11]);
    let found = read(&mut server, believed, &[4, 6, 9], 3, |_| {}).unwrap();
    assert_found(&server, &[4, 6, 9], &found);
    assert!(server.pages_read <= 4, "{} pages", server.pages_read);
}

#[test]
fn rows_added_before_the_keys_move_them_and_the_first_pages_read_correct_the_guess() {
    let believed: Vec<i32> = (1..=100_000).collect();
    // Others added 20,000 keys below every believed one: four pages of 5,000 further on.
    let mut keys = believed.clone();
    keys.extend(-20_000..0);
    let wanted: Vec<i32> = (60_001..70_001).collect();
    let mut server = Server::new(keys);
    let found = read(&mut server, believed, &wanted, 5_000, |_| {}).unwrap();
    assert_found(&server, &wanted, &found);
    assert!(server.pages_read <= 6, "{} pages", server.pages_read);
}

#[test]
fn a_server_that_pages_smaller_than_asked_is_followed() {
    let keys: Vec<i32> = (1..=10_000).collect();
    let wanted = [1, 4_999, 5_000, 5_001, 9_999, 12_000];
    let mut server = Server::new(keys.clone());
    server.cap = 1_000;
    let found = read(&mut server, keys, &wanted, 5_000, |_| {}).unwrap();
    assert_found(&server, &wanted, &found);
}

#[test]
fn a_page_out_of_key_order_settles_nothing() {
    let mut pages = KeyPages::new([2], vec![1, 2, 3], 10);
    let ask = pages.next_asks().unwrap()[0];
    let answer = PageAnswer {
        records: vec![record(3), record(1)],
        total: Some(2),
        page_size: Some(10),
    };
    assert_eq!(
        pages.take(ask, answer),
        Err(PagesError::Unsorted { page: 1 })
    );
    assert!(!pages.is_done());
}

fn keys_in(range: std::ops::Range<i32>, n: usize) -> impl Strategy<Value = Vec<i32>> {
    prop::collection::btree_set(range, 0..n).prop_map(|s| s.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(400) })]

    /// Whatever the table believes (rows added and deleted since it loaded), each key wanted
    /// is found as the server holds it.
    #[test]
    fn every_key_is_found_as_the_server_holds_it(
        server_keys in keys_in(0..400, 250),
        not_believed in keys_in(0..400, 60),
        also_believed in keys_in(0..400, 60),
        wanted in keys_in(-5..410, 80),
        size in 1u32..12,
    ) {
        let believed: Vec<i32> = server_keys
            .iter()
            .filter(|k| not_believed.binary_search(k).is_err())
            .chain(&also_believed)
            .copied()
            .collect();
        let mut server = Server::new(server_keys);
        let found = read(&mut server, believed, &wanted, size, |_| {}).unwrap();
        assert_found(&server, &wanted, &found);
    }

    /// Others add and delete rows between the pages read (never the keys wanted): no key
    /// is ever found absent that the server holds, nor held that it does not.
    #[test]
    fn rows_moving_between_reads_never_make_a_wrong_answer(
        server_keys in keys_in(0..400, 250),
        wanted in keys_in(0..400, 40),
        churn in prop::collection::vec((0i32..400, any::<bool>()), 0..40),
        size in 1u32..12,
    ) {
        let believed = server_keys.clone();
        let mut server = Server::new(server_keys);
        let mut churn = churn.into_iter().filter(|(k, _)| wanted.binary_search(k).is_err());
        let result = read(&mut server, believed, &wanted, size, |server| {
            if let Some((key, add)) = churn.next() {
                match (server.keys.binary_search(&key), add) {
                    (Err(at), true) => server.keys.insert(at, key),
                    (Ok(at), false) => { server.keys.remove(at); }
                    _ => {}
                }
            }
        });
        match result {
            Ok(found) => assert_found(&server, &wanted, &found),
            // Allowed (the user is told, nothing is sent), never a wrong answer.
            Err(PagesError::TooManyPages { .. }) => {}
            Err(other) => panic!("{other}"),
        }
    }
}
