//! The grid's range commands: copy, cut, paste (a block at the top-left of the selection,
//! or one value filling it), clear and fill down. Each works on the rows as shown (sorted
//! and filtered), validates every cell it writes, is one undo step, and says in the notice
//! how many cells it wrote and how many have a problem.

use leptos::prelude::*;
use web_sys::ClipboardEvent;

use crate::components::grid_state::GridState;
use crate::core::clipboard::parse_tsv;
use crate::core::columns::EDITABLE_COUNT;
use crate::core::draft::RowId;
use crate::core::paste::{CellPos, PastePlan, cells_by_id, plan_paste, plan_paste_part};
use crate::core::range_edit::{EditPlan, copy_text, plan_clear, plan_fill_down, plan_fill_value};
use crate::core::selection::Range;
use crate::editor::bulk::{Part, apply_in_parts, yield_to_browser};

/// Clipboard text longer than this is pasted in parts with a progress bar.
const BIG_PASTE_BYTES: usize = 64 * 1024;
/// A clear, cut or fill writing more cells than this does it in parts with a progress bar.
const BIG_EDIT_CELLS: usize = 20_000;

/// Copy (and cut) in navigation mode put the selected cells on the clipboard as Excel's
/// text; in edit mode the input copies its own selected text.
pub fn on_copy(ev: &ClipboardEvent, grid: GridState, cut: bool, frozen: bool) {
    if grid.work.with_untracked(Option::is_some) {
        // Not even the input's own cut: it would land inside the change being applied.
        ev.prevent_default();
        return;
    }
    if grid.editing.get_untracked() {
        return;
    }
    let (Some(range), Some(data)) = (grid.range(), ev.clipboard_data()) else {
        return;
    };
    ev.prevent_default();
    let rows = grid.rows_of(&range);
    let text = grid.store.with(|t| copy_text(t, &rows, &range.columns()));
    if data.set_data("text/plain", &text).is_err() {
        grid.notice.set(Some(
            "The browser did not let the cells onto the clipboard.".into(),
        ));
        return;
    }
    if cut && !frozen {
        let plan = grid.store.with(|t| plan_clear(t, &rows, &range.columns()));
        let done = report("Cut", &plan, "puts them back");
        write_plan(grid, plan, "Cutting", done);
    } else {
        let cells = range.cell_count();
        grid.notice
            .set(Some(format!("Copied {cells} {}.", plural(cells, "cell"))));
    }
}

/// Delete and Backspace in navigation mode.
pub fn clear_selection(grid: GridState, verb: &str) {
    write_into_selection(grid, "", verb, "puts them back", "Clearing");
}

/// Ctrl-Enter while a cell of a selection is edited: the text typed goes into every cell of
/// the selection, as in Excel; the active cell and the selection stay.
pub fn fill_selection_with(grid: GridState, text: &str) {
    write_into_selection(grid, text, "Filled", "takes the fill back", "Filling");
}

/// `text` into every selected cell, as one undo step; the notice says it with `verb` and
/// `undo`, the progress bar (for very many cells) with `label`.
fn write_into_selection(grid: GridState, text: &str, verb: &str, undo: &str, label: &'static str) {
    let Some(range) = grid.range() else {
        return;
    };
    let rows = grid.rows_of(&range);
    let plan = grid
        .store
        .with(|t| plan_fill_value(t, &rows, &range.columns(), text));
    let done = report(verb, &plan, undo);
    write_plan(grid, plan, label, done);
}

/// Ctrl-D: the selection's top row into the rows below it; one row takes the row above.
pub fn fill_down(grid: GridState) {
    let Some(range) = grid.range() else {
        return;
    };
    let rows = grid.rows_of(&range);
    let above = range.top.checked_sub(1).and_then(|p| grid.id_at(p));
    let plan = grid
        .store
        .with(|t| plan_fill_down(t, &rows, &range.columns(), above));
    if plan.cells == 0 {
        grid.notice.set(Some(
            "Nothing to fill: select the row to copy and the rows below it, or a row under the one to copy.".into(),
        ));
        return;
    }
    let done = report("Filled", &plan, "takes the fill back");
    write_plan(grid, plan, "Filling", done);
}

/// Writes a range command's cells as one undo step, then says `done`. Many cells (Ctrl-A,
/// Delete on 100,000 rows) are written in parts under a progress bar named `label`, the
/// page alive meanwhile.
fn write_plan(grid: GridState, plan: EditPlan, label: &'static str, done: String) {
    if plan.edits.len() <= BIG_EDIT_CELLS {
        grid.store.update(|t| t.set_texts(plan.edits));
        grid.notice.set(Some(done));
        return;
    }
    let (store, work, notice) = (grid.store, grid.work, grid.notice);
    // In units of a row's worth of cells, as a paste's parts are.
    let total = plan.edits.len().div_ceil(EDITABLE_COUNT);
    let mut edits = plan.edits.into_iter();
    leptos::task::spawn_local(async move {
        let applied = apply_in_parts(store, work, label, total, |part| {
            let cells = part.len() * EDITABLE_COUNT;
            (edits.by_ref().take(cells).collect(), Default::default())
        })
        .await;
        notice.set(Some(match applied {
            Ok(()) => done,
            Err(why) => why.to_string(),
        }));
    });
}

fn report(verb: &str, plan: &EditPlan, undo: &str) -> String {
    format!(
        "{verb} {} {}; {} {} a problem. Undo {undo}.",
        plan.cells,
        plural(plan.cells, "cell"),
        plan.problems,
        if plan.problems == 1 { "has" } else { "have" }
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// A paste. A block copied from Excel or Google Sheets lands at the top-left of the
/// selection (while a cell is edited: at that cell): it overwrites, adds rows as needed,
/// validates every cell, and is one undo step. One value fills the selection. In edit mode
/// one value goes into the text.
/// What a paste, undo or redo during a submit is told: it changes many rows at once, which
/// must wait for the answers; typing in one cell goes on.
pub const WAITS_FOR_SUBMIT: &str = "A submit is running: paste, undo and redo wait until it is done (typing in a cell still works). Nothing was changed.";

pub fn on_paste(ev: &ClipboardEvent, grid: GridState, frozen: bool) {
    if let Some(label) = grid.work.with_untracked(|w| w.as_ref().map(|w| w.label)) {
        ev.prevent_default();
        grid.notice.set(Some(format!(
            "{label}… The table takes no paste until it is done."
        )));
        return;
    }
    if frozen {
        // Said, not swallowed: the user may paste again once the submit is done.
        ev.prevent_default();
        grid.notice.set(Some(WAITS_FOR_SUBMIT.to_string()));
        return;
    }
    let Some(text) = ev
        .clipboard_data()
        .and_then(|data| data.get_data("text/plain").ok())
    else {
        return;
    };
    let is_block = text.contains('\t') || text.trim_end_matches(['\r', '\n']).contains('\n');
    if grid.editing.get_untracked() && !is_block {
        return;
    }
    // While a cell is edited a block lands at it, not at the selection's corner.
    let range = if grid.editing.get_untracked() {
        grid.active_pos().map(Range::single)
    } else {
        grid.range()
    };
    let Some(range) = range else {
        return;
    };
    ev.prevent_default();
    grid.commit();
    let shown = grid.len_untracked();
    // The rows the block lands on, as shown now, by id: a paste lands on the rows the user
    // sees, whatever happens to the order while its parts are applied. No more than the
    // block's lines (a quoted line break only makes it fewer) or, for one value filling
    // the selection, the selection's rows.
    let height = text.split('\n').count().max(range.bottom - range.top + 1);
    let targets: Vec<RowId> = grid.view.with_untracked(|v| {
        grid.store.with(|t| {
            (range.top..shown.min(range.top.saturating_add(height)))
                .filter_map(|p| v.id_at(t, p))
                .collect()
        })
    });
    // The plan keeps its counts; its cells go to the table (not copied).
    let to_table = move |mut plan: PastePlan| -> (PastePlan, usize, Part) {
        let edits = cells_by_id(&plan, range.top, &targets);
        let new_rows = std::mem::take(&mut plan.new_rows);
        (plan, new_rows.len(), (edits, new_rows))
    };
    if text.len() <= BIG_PASTE_BYTES {
        let plan = plan_paste(&parse_tsv(&text), range.top_left(), range.extent(), shown);
        let (plan, added, (edits, new_rows)) = to_table(plan);
        grid.store.update(|t| t.paste(edits, new_rows));
        grid.notice.set(Some(paste_report(&plan, added)));
        return;
    }
    let at: CellPos = range.top_left();
    let (store, work, notice) = (grid.store, grid.work, grid.notice);
    leptos::task::spawn_local(async move {
        work.set(Some(crate::editor::bulk::Work {
            label: "Pasting",
            done: 0,
            total: 1,
        }));
        yield_to_browser().await;
        let block = parse_tsv(&text);
        drop(text);
        let mut total = PastePlan::default();
        let mut added = 0;
        let lines = block.row_count();
        // Room for the rows the block adds, made once: grown by doubling, the rows would
        // be copied as they grow, and the copies kept (wasm memory never shrinks).
        store.try_update(|t| {
            t.reserve(lines.saturating_sub(shown.saturating_sub(at.row)));
            None
        });
        let applied = apply_in_parts(store, work, "Pasting", lines, |part| {
            let (plan, new_rows, part) = to_table(plan_paste_part(&block, at, shown, part));
            total.cells += plan.cells;
            total.problems += plan.problems;
            total.clipped += plan.clipped;
            added += new_rows;
            part
        })
        .await;
        notice.set(Some(match applied {
            Ok(()) => paste_report(&total, added),
            Err(why) => why.to_string(),
        }));
    });
}

/// "Pasted 4000 cells, adding 999 rows; 10 have a problem. Undo takes the whole paste back."
fn paste_report(plan: &PastePlan, added: usize) -> String {
    let (cells, problems, clipped) = (plan.cells, plan.problems, plan.clipped);
    let mut report = format!("Pasted {cells} cells");
    if added > 0 {
        report.push_str(&format!(", adding {added} rows"));
    }
    report.push_str(&format!(
        "; {problems} {} a problem.",
        if problems == 1 { "has" } else { "have" }
    ));
    if clipped > 0 {
        report.push_str(&format!(
            " {clipped} cells beyond Payment method were left out."
        ));
    }
    report.push_str(" Undo takes the whole paste back.");
    report
}
