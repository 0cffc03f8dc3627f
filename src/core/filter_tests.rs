use super::*;
use crate::core::record::Tolerance;

fn table() -> Table {
    let record = |key: i32, group: &str| Tolerance::sample(key, 1.5, group);
    Table::from_records([
        record(1, "GRP001"),
        record(2, "Lockbox"),
        record(3, "GRP003"),
        record(4, "GRP004"),
    ])
}

fn keys(table: &Table, view: &View) -> Vec<String> {
    (0..view.len(table))
        .map(|p| {
            let id = view.id_at(table, p).unwrap();
            table.row(id).unwrap().text(Field::Key).to_string()
        })
        .collect()
}

#[test]
fn no_filter_shows_every_row_without_a_list() {
    let table = table();
    let view = View::of(&table, &RowFilter::default());
    assert_eq!(view, View::All);
    assert_eq!(view.len(&table), 4);
    assert_eq!(keys(&table, &view), ["1", "2", "3", "4"]);
    let blank = RowFilter {
        text: "  ".into(),
        ..RowFilter::default()
    };
    assert!(!blank.is_active());
}

#[test]
fn text_matches_any_cell_ignoring_case() {
    let table = table();
    let only = |text: &str| {
        let filter = RowFilter {
            text: text.into(),
            ..RowFilter::default()
        };
        keys(&table, &View::of(&table, &filter))
    };
    assert_eq!(only("LOCKBOX"), ["2"]);
    assert_eq!(only("grp00"), ["1", "3", "4"]);
    assert_eq!(only(" 3 "), ["3"]);
    assert_eq!(only("ach"), ["1", "2", "3", "4"]);
    assert!(only("nothing").is_empty());
}

#[test]
fn states_are_alternatives_and_text_narrows_them() {
    let mut table = table();
    let ids: Vec<_> = table.rows().iter().map(|r| r.id()).collect();
    table.set_text(ids[1], Field::Amount, "2.00");
    table.set_text(ids[2], Field::Amount, "12,5");
    table.set_text(ids[3], Field::GroupId, "GRP444");
    let view = |filter: RowFilter| keys(&table, &View::of(&table, &filter));
    let changed = RowFilter {
        changed: true,
        ..RowFilter::default()
    };
    assert_eq!(view(changed.clone()), ["2", "3", "4"]);
    let invalid = RowFilter {
        invalid: true,
        ..RowFilter::default()
    };
    assert_eq!(view(invalid.clone()), ["3"]);
    assert!(
        view(RowFilter {
            failed: true,
            ..RowFilter::default()
        })
        .is_empty()
    );
    assert_eq!(
        view(RowFilter {
            text: "grp".into(),
            ..changed
        }),
        ["3", "4"]
    );
    assert_eq!(
        view(RowFilter {
            text: "444".into(),
            changed: true,
            invalid: true,
            ..RowFilter::default()
        }),
        ["4"]
    );
}

#[test]
fn a_filtered_view_follows_the_sort_and_maps_places_both_ways() {
    let mut table = table();
    table.sort_by(&[(Field::Key, false)]);
    let filter = RowFilter {
        text: "grp".into(),
        ..RowFilter::default()
    };
    let view = View::of(&table, &filter);
    assert!(view.is_filtered());
    assert_eq!(keys(&table, &view), ["4", "3", "1"]);
    let id = view.id_at(&table, 1).unwrap();
    assert_eq!(view.place_of(&table, id), Some(1));
    assert_eq!(view.table_index(&table, 1), Some(1));
    assert_eq!(view.table_index(&table, 2), Some(3));
    let hidden = table.row_at(2).unwrap().id();
    assert_eq!(view.place_of(&table, hidden), None);
    assert_eq!(view.ids_in(&table, [2, 0, 9]).len(), 2);
}

#[test]
fn text_that_keeps_the_same_rows_is_no_new_filter() {
    let filter = RowFilter {
        invalid: true,
        text: "grp".into(),
        ..RowFilter::default()
    };
    assert_eq!(
        filter.with_text("GRP "),
        None,
        "case and end spaces change nothing"
    );
    let next = filter.with_text("grp0").unwrap();
    assert_eq!(next.text, "grp0");
    assert!(next.invalid, "the ticked states stay");
    assert_eq!(RowFilter::default().with_text("  "), None);
}

#[test]
fn warnings_keep_the_rows_naming_values_the_database_does_not_list() {
    let mut table = table();
    let filter = RowFilter {
        warned: true,
        ..RowFilter::default()
    };
    // Lists not read: nothing is warned, so nothing is kept.
    assert_eq!(
        keys(&table, &View::of(&table, &filter)),
        Vec::<String>::new()
    );
    table.set_known_values(crate::core::known_values::KnownValues::new(
        "DEMO_LIVE",
        ["GRP001".to_string(), "GRP003".to_string()],
        ["ACH".to_string()],
    ));
    assert_eq!(keys(&table, &View::of(&table, &filter)), ["2", "4"]);
    assert_eq!(table.summary().warnings, 2);
}
