//! What the trust model's user does, as proptest strategies: which cells, which texts (a few
//! keys, so rows collide; now and then one with a problem), and how each submit goes.

use proptest::prelude::*;

use super::server::{Fault, fault};
use crate::core::columns::{Cells, Field};

/// How a submit goes besides its faults.
#[derive(Debug, Clone)]
pub struct SubmitPlan {
    /// "Resend failed" rather than "Submit".
    pub only_failed: bool,
    /// One per try, in order; tries past the end go without a fault.
    pub faults: Vec<Fault>,
    /// The user presses Cancel after this many answers.
    pub cancel_after: Option<usize>,
    /// The page closes after this many answers, and opens again from its saved draft.
    pub close_after: Option<usize>,
    /// Rows per page of the list read before sending.
    pub page_size: u32,
    /// That read fails at its this-many-th page (after its retries): nothing may be sent.
    pub check_fails_at: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum Step {
    Type {
        row: usize,
        field: Field,
        text: String,
    },
    Paste {
        row: usize,
        field: Field,
        texts: Vec<String>,
        new_rows: Vec<Cells>,
    },
    Add {
        at: usize,
        cells: Cells,
    },
    Delete {
        row: usize,
        count: usize,
    },
    /// The user deletes a row and types one with the same key anew.
    Retype {
        row: usize,
        amount: String,
    },
    /// Ctrl-Z, pressed `times` in a row.
    Undo {
        times: usize,
    },
    Redo {
        times: usize,
    },
    Sort {
        field: Field,
        ascending: bool,
    },
    Reload,
    Submit(SubmitPlan),
    /// Another tab or user saves a value the editor never types (amounts of 7000 and up).
    OtherWriter {
        key: i32,
        amount: u16,
    },
    /// Another tab or user deletes a key.
    OtherDeleter {
        key: i32,
    },
    /// "Keep mine" on some rows (conflicts among them take it).
    KeepMine {
        row: usize,
        count: usize,
    },
    /// "Take the server's" on some rows.
    TakeServers {
        row: usize,
        count: usize,
    },
    /// Load again from the server (only when nothing is left to send, as the app asks).
    Load,
    /// Read back from the server the records of some rows ("Check with server").
    Check {
        row: usize,
        count: usize,
    },
}

fn key_text() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => (1i32..12).prop_map(|k| k.to_string()),
        1 => Just("x".to_string()),
    ]
}

fn amount_text() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => prop::sample::select(vec!["1.25", "2.50", "3", "0.10", "12.34", "100", "9.99", "5"])
            .prop_map(str::to_string),
        1 => prop::sample::select(vec!["abc", ""]).prop_map(str::to_string),
    ]
}

fn text_for(field: Field) -> BoxedStrategy<String> {
    match field {
        Field::Key => key_text().boxed(),
        Field::Amount => amount_text().boxed(),
        Field::GroupId => prop::sample::select(vec!["G0", "G1", "G2", ""])
            .prop_map(str::to_string)
            .boxed(),
        _ => prop::sample::select(vec!["ACH", "CHK", ""])
            .prop_map(str::to_string)
            .boxed(),
    }
}

fn cells() -> impl Strategy<Value = Cells> {
    (
        key_text(),
        amount_text(),
        text_for(Field::GroupId),
        text_for(Field::PaymentMethod),
    )
        .prop_map(|(k, a, g, p)| [k.into(), a.into(), g.into(), p.into()])
}

fn field() -> impl Strategy<Value = Field> {
    prop::sample::select(vec![
        Field::Key,
        Field::Amount,
        Field::Amount,
        Field::Amount,
        Field::GroupId,
        Field::PaymentMethod,
    ])
}

fn submit_plan() -> impl Strategy<Value = SubmitPlan> {
    (
        prop::bool::weighted(0.25),
        prop::collection::vec(fault(), 0..6),
        prop::option::weighted(0.1, 0usize..4),
        prop::option::weighted(0.15, 0usize..4),
        1u32..5,
        prop::option::weighted(0.1, 0usize..3),
    )
        .prop_map(
            |(only_failed, faults, cancel_after, close_after, page_size, check_fails_at)| {
                SubmitPlan {
                    only_failed,
                    faults,
                    cancel_after,
                    close_after,
                    page_size,
                    check_fails_at,
                }
            },
        )
}

pub fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        25 => (any::<usize>(), field())
            .prop_flat_map(|(row, field)| (Just(row), Just(field), text_for(field)))
            .prop_map(|(row, field, text)| Step::Type { row, field, text }),
        5 => (any::<usize>(), field())
            .prop_flat_map(|(row, field)| (
                Just(row),
                Just(field),
                prop::collection::vec(text_for(field), 1..4),
                prop::collection::vec(cells(), 0..3),
            ))
            .prop_map(|(row, field, texts, new_rows)| Step::Paste { row, field, texts, new_rows }),
        6 => (any::<usize>(), cells()).prop_map(|(at, cells)| Step::Add { at, cells }),
        4 => (any::<usize>(), 1usize..3).prop_map(|(row, count)| Step::Delete { row, count }),
        3 => (any::<usize>(), amount_text()).prop_map(|(row, amount)| Step::Retype { row, amount }),
        8 => (1usize..5).prop_map(|times| Step::Undo { times }),
        4 => (1usize..3).prop_map(|times| Step::Redo { times }),
        2 => (field(), any::<bool>()).prop_map(|(field, ascending)| Step::Sort { field, ascending }),
        4 => Just(Step::Reload),
        14 => submit_plan().prop_map(Step::Submit),
        3 => (1i32..12, any::<u16>()).prop_map(|(key, amount)| Step::OtherWriter { key, amount }),
        1 => (1i32..12).prop_map(|key| Step::OtherDeleter { key }),
        3 => (any::<usize>(), 1usize..4).prop_map(|(row, count)| Step::KeepMine { row, count }),
        2 => (any::<usize>(), 1usize..4).prop_map(|(row, count)| Step::TakeServers { row, count }),
        1 => Just(Step::Load),
        2 => (any::<usize>(), 1usize..6).prop_map(|(row, count)| Step::Check { row, count }),
    ]
}
