use proptest::prelude::*;

use std::cmp::Ordering;

use super::*;
use crate::core::draft::RowId;
use crate::core::table::tests::texts;
use crate::core::validate;

/// The sort as it was written first, comparing the cells' values themselves: the ranks
/// must give exactly its order.
fn reference_order(rows: &[RowDraft], keys: &[(Field, bool)]) -> Vec<RowId> {
    #[derive(Debug, Clone, PartialEq)]
    enum Value {
        Number(f64),
        Text(String),
        Unreadable,
    }
    let value = |row: &RowDraft, field: Field| -> Value {
        let text = row.text(field);
        match field {
            Field::Key => row
                .key()
                .map_or(Value::Unreadable, |k| Value::Number(f64::from(k))),
            Field::Amount => validate::parse_amount(&text).map_or(Value::Unreadable, Value::Number),
            _ if text.trim().is_empty() => Value::Unreadable,
            _ => Value::Text(text.trim().to_lowercase()),
        }
    };
    let compare = |a: &Value, b: &Value, ascending: bool| {
        let order = match (a, b) {
            (Value::Unreadable, Value::Unreadable) => return Ordering::Equal,
            (Value::Unreadable, _) => return Ordering::Greater,
            (_, Value::Unreadable) => return Ordering::Less,
            (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
            (Value::Text(a), Value::Text(b)) => a.cmp(b),
            (Value::Number(_), Value::Text(_)) => Ordering::Less,
            (Value::Text(_), Value::Number(_)) => Ordering::Greater,
        };
        if ascending { order } else { order.reverse() }
    };
    let mut sorted: Vec<&RowDraft> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        keys.iter()
            .map(|&(field, ascending)| compare(&value(a, field), &value(b, field), ascending))
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    sorted.into_iter().map(RowDraft::id).collect()
}

fn table_of(cells: Vec<[String; 4]>) -> Table {
    let mut table = Table::new();
    table.append_cells(cells.into_iter().map(|row| row.map(Into::into)).collect());
    table
}

fn ids(table: &Table) -> Vec<RowId> {
    table.rows().iter().map(RowDraft::id).collect()
}

#[test]
fn texts_sort_ignoring_case_and_spaces_with_blanks_last_either_way() {
    let groups = ["b", " A ", "", "ǅz", "a", "Σ", "  ", "B", "ǆa", "σ"];
    let mut table = table_of(
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| [i.to_string(), "1".into(), g.to_string(), String::new()])
            .collect(),
    );
    let group_order = |table: &Table| texts(table, Field::GroupId);
    table.sort_by(&[(Field::GroupId, true)]);
    assert_eq!(
        group_order(&table),
        [" A ", "a", "b", "B", "ǆa", "ǅz", "Σ", "σ", "", "  "]
    );
    table.sort_by(&[(Field::GroupId, false)]);
    assert_eq!(
        group_order(&table),
        ["Σ", "σ", "ǅz", "ǆa", "b", "B", " A ", "a", "", "  "],
        "equal texts keep the order they had; blanks stay last"
    );
}

#[test]
fn numbers_sort_by_value_with_negative_zero_before_zero() {
    let amounts = ["0", "-1.5", "$2", "-0", "x", "1e3", "", "0.00", "-1000000"];
    let mut table = table_of(
        amounts
            .iter()
            .map(|a| ["1".into(), a.to_string(), String::new(), String::new()])
            .collect(),
    );
    let amount_order = |table: &Table| texts(table, Field::Amount);
    let before = amount_order(&table);
    table.sort_by(&[(Field::Amount, true)]);
    let ascending = amount_order(&table);
    assert_eq!(
        ascending[..6],
        ["-1000000", "-1.5", "-0", "0", "0.00", "$2"]
    );
    assert_eq!(ascending[6], "1e3");
    assert!(
        ascending[7..]
            .iter()
            .all(|a| ["x", ""].contains(&a.as_str())),
        "{before:?} sorted as {ascending:?}"
    );
    table.sort_by(&[(Field::Amount, false)]);
    assert_eq!(
        amount_order(&table)[..7],
        ["1e3", "$2", "0", "0.00", "-0", "-1.5", "-1000000"]
    );
}

#[test]
fn an_order_that_is_not_one_of_these_rows_moves_nothing() {
    let mut table = table_of(
        (0..3)
            .map(|i| [i.to_string(), String::new(), String::new(), String::new()])
            .collect(),
    );
    let before = ids(&table);
    for order in [vec![0, 1], vec![0, 1, 2, 3], vec![1, 1, 2], vec![0, 1, 3]] {
        assert_eq!(table.reorder(order.clone()), None, "{order:?}");
        assert_eq!(ids(&table), before);
    }
    assert_eq!(table.reorder(vec![2, 0, 1]), Some(Touched::Structure));
    assert_eq!(ids(&table), [before[2], before[0], before[1]]);
}

#[test]
fn rows_are_moved_along_each_cycle_of_the_order() {
    // Two cycles (0 → 2 → 4 → 0, 1 → 3 → 1) and a row in place.
    let mut rows = vec!['a', 'b', 'c', 'd', 'e', 'f'];
    permute(&mut rows, vec![2, 3, 4, 1, 0, 5]);
    assert_eq!(rows, ['c', 'd', 'e', 'b', 'a', 'f']);
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_string()),
        Just("-0".to_string()),
        Just("0".to_string()),
        Just("$1.50".to_string()),
        Just("Σ".to_string()),
        Just("ǅ".to_string()),
        Just("İx".to_string()),
        Just("oops".to_string()),
        "-?[0-9]{1,3}(\\.[0-9]{1,2})?",
        "[aAbB ]{0,3}",
    ]
}

fn field() -> impl Strategy<Value = Field> {
    prop::sample::select(Field::EDITABLE.to_vec())
}

proptest! {
    #[test]
    fn the_order_is_the_reference_order(
        cells in prop::collection::vec([cell(), cell(), cell(), cell()], 0..40),
        keys in prop::collection::vec((field(), any::<bool>()), 1..4),
    ) {
        let mut table = table_of(cells);
        let expected = reference_order(table.rows(), &keys);
        table.sort_by(&keys);
        prop_assert_eq!(ids(&table), expected);
        for (index, row) in table.rows().iter().enumerate() {
            prop_assert_eq!(table.position(row.id()), Some(index));
        }
        prop_assert_eq!(table.summary(), table.recount());
    }
}
