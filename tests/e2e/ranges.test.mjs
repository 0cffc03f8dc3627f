// Ranges, filters and scale in the grid through real keyboard, mouse and clipboard events:
// selecting a rectangle (Shift-arrows, Shift-click, Ctrl-A), copying and cutting it as text
// Excel reads back, clearing it, filling it, the WAI-ARIA grid's roving tabindex, the row
// filter, keyboard-only editing up to Submit, and a 100,000-row paste with its progress.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";
import { cell, expectFocus, loadedTableEach, outcome, rowState, signIn, submitAndSend } from "./editor.js";

/** Starts watching for a progress bar named `name`; the function it answers tells whether
 * one was shown since. (A fast change may be over before a poll for the bar would see it.) */
async function watchProgress(page, name) {
  await page.evaluate((name) => {
    window.__progressSeen ??= {};
    window.__progressSeen[name] = false;
    const seen = () => !!document.querySelector(`[role=progressbar][aria-label="${name}"]`);
    const observer = new MutationObserver(() => {
      if (seen()) {
        window.__progressSeen[name] = true;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  }, name);
  return () => page.evaluate((name) => window.__progressSeen[name], name);
}

const value = async (page, title, row) => (await cell(page, title, row)).inputValue();
const clipboardText = (page) => page.evaluate(() => navigator.clipboard.readText());
const writeClipboard = (page, text) => page.evaluate((text) => navigator.clipboard.writeText(text), text);
/** The selected cells, in page order, named "<column> row <n>" from their column's header and
 * their row's. */
const selectedCells = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("[role=gridcell][aria-selected=true]")].map((cell) => {
      const column = document.querySelector(`[role=columnheader][aria-colindex="${cell.getAttribute("aria-colindex")}"] button`);
      const row = cell.closest("[role=row]").querySelector(".row-number");
      return `${column.firstChild.textContent} row ${row.textContent}`;
    }),
  );
const notice = (page, text) => page.locator("p.notice").filter({ hasText: text }).waitFor();

describe("ranges, filters and keyboard in the grid", () => {
  let sandbox;
  let browser;
  let page;
  let context;
  let problems;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));
  loadedTableEach(
    () => ({ sandbox, browser }),
    (opened) => ({ page, context, problems } = opened),
  );

  test("Shift-arrows and Shift-click select a rectangle; Ctrl-C copies it as Excel's text", async () => {
    // A cell with a tab and quotes: Excel quotes it.
    await (await cell(page, "Group ID", 2)).fill('say "hi"\there');
    await (await cell(page, "Tolerance key", 1)).click();
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowDown");
    assert.deepEqual(await selectedCells(page), [
      "Tolerance key row 1", "Tolerance amount row 1", "Group ID row 1",
      "Tolerance key row 2", "Tolerance amount row 2", "Group ID row 2",
    ]);
    // The active cell stays where the selection started.
    await expectFocus(page, "Tolerance key row 1");
    await page.keyboard.press("Control+C");
    const row = async (n) => [await value(page, "Tolerance key", n), await value(page, "Tolerance amount", n)];
    const [k1, a1] = await row(1);
    const [k2, a2] = await row(2);
    const g1 = await value(page, "Group ID", 1);
    assert.equal(await clipboardText(page), `${k1}\t${a1}\t${g1}\r\n${k2}\t${a2}\t"say ""hi""\there"\r\n`);
    await notice(page, "Copied 6 cells.");

    // Shift-click stretches from the active cell to the clicked one.
    await (await cell(page, "Tolerance amount", 4)).click({ modifiers: ["Shift"] });
    assert.equal((await selectedCells(page)).length, 8);
    assert.equal(await page.getByRole("grid").getAttribute("aria-multiselectable"), "true");
    // Dragging with the mouse selects from where the button went down.
    const box = async (title, row) => (await cell(page, title, row)).boundingBox();
    const from = await box("Group ID", 2);
    const to = await box("Payment method", 5);
    const drag = async () => {
      await page.mouse.move(from.x + 5, from.y + 5);
      await page.mouse.down();
      await page.mouse.move(to.x + 5, to.y + 5, { steps: 8 });
      await page.mouse.up();
    };
    await drag();
    assert.equal((await selectedCells(page)).length, 8);
    await expectFocus(page, "Group ID row 2");
    // A row's header selects the row; Shift-click on another selects the rows between.
    const rowHeader = async (row) =>
      (await cell(page, "Tolerance key", row)).locator("xpath=ancestor::*[@role='row']").getByRole("rowheader");
    await (await rowHeader(3)).click();
    assert.deepEqual(await selectedCells(page), ["Tolerance key row 3", "Tolerance amount row 3", "Group ID row 3", "Payment method row 3"]);
    await (await rowHeader(5)).click({ modifiers: ["Shift"] });
    assert.equal((await selectedCells(page)).length, 12);
    await expectFocus(page, "Tolerance key row 3");
    await drag();
    // Shift-Space stretches it to whole rows, Ctrl-Space to whole columns.
    await page.keyboard.press("Shift+Space");
    assert.equal((await selectedCells(page)).length, 16);
    // Ctrl-Space stretches a selection to whole columns: every row of Group ID and Payment method.
    await drag();
    await page.keyboard.press("Control+Space");
    assert.deepEqual((await selectedCells(page)).slice(0, 2), ["Group ID row 1", "Payment method row 1"]);
    await page.keyboard.press("Control+C");
    await notice(page, "Copied 600 cells.");
    const columns = (await clipboardText(page)).split("\r\n");
    assert.equal(columns.length, 301, "300 rows and the final line break");
    assert.equal(columns[0], `${await value(page, "Group ID", 1)}\t${await value(page, "Payment method", 1)}`);
    await (await cell(page, "Tolerance key", 1)).click();
    // Escape drops the selection back to the active cell; Ctrl-A selects every cell.
    await (await cell(page, "Tolerance amount", 4)).click({ modifiers: ["Shift"] });
    await page.keyboard.press("Escape");
    assert.deepEqual(await selectedCells(page), ["Tolerance key row 1"]);
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Control+C");
    const all = (await clipboardText(page)).split("\r\n");
    assert.equal(all.length, 301, "300 rows and the final line break");
    await notice(page, "Copied 1200 cells.");
  });

  test("Ctrl-X cuts a range; Delete clears one; each is one undo step", async () => {
    const before = [await value(page, "Tolerance amount", 3), await value(page, "Tolerance amount", 4)];
    await (await cell(page, "Tolerance amount", 3)).click();
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Control+X");
    assert.equal(await clipboardText(page), `${before[0]}\r\n${before[1]}\r\n`);
    await notice(page, "Cut 2 cells; 2 have a problem. Undo puts them back.");
    assert.equal(await value(page, "Tolerance amount", 3), "");
    assert.equal(await value(page, "Tolerance amount", 4), "");
    assert.equal(await rowState(page, 4), "⚠ Has problems");
    // Copying empty cells still copies them (the active cell has no text to select).
    await page.keyboard.press("Control+C");
    await notice(page, "Copied 2 cells.");
    assert.equal(await clipboardText(page), "\r\n\r\n");
    await page.keyboard.press("Control+Z");
    assert.equal(await value(page, "Tolerance amount", 3), before[0]);
    assert.equal(await value(page, "Tolerance amount", 4), before[1]);

    // Group ID and Payment method of rows 5 to 7, cleared with Delete.
    const groups = [];
    for (const row of [5, 6, 7]) groups.push(await value(page, "Group ID", row));
    await (await cell(page, "Group ID", 5)).click();
    await (await cell(page, "Payment method", 7)).click({ modifiers: ["Shift"] });
    await page.keyboard.press("Delete");
    await notice(page, "Cleared 6 cells; 0 have a problem. Undo puts them back.");
    for (const row of [5, 6, 7]) assert.equal(await value(page, "Group ID", row), "");
    await page.keyboard.press("Control+Z");
    for (const [i, row] of [5, 6, 7].entries()) assert.equal(await value(page, "Group ID", row), groups[i]);
  });

  test("one value pasted into a range fills it; Ctrl-D fills down", async () => {
    const methods = [];
    for (const row of [2, 3, 4, 5]) methods.push(await value(page, "Payment method", row));
    await (await cell(page, "Payment method", 2)).click();
    await (await cell(page, "Payment method", 5)).click({ modifiers: ["Shift"] });
    await writeClipboard(page, "CARD\r\n");
    await page.keyboard.press("Control+V");
    await notice(page, "Pasted 4 cells; 0 have a problem. Undo takes the whole paste back.");
    for (const row of [2, 3, 4, 5]) assert.equal(await value(page, "Payment method", row), "CARD");

    // Ctrl-D copies the top row of the selection into the rows below it.
    const cells = async (row) => [await value(page, "Tolerance amount", row), await value(page, "Group ID", row)];
    const top = await cells(8);
    const before = [await cells(9), await cells(10), await value(page, "Group ID", 12)];
    await (await cell(page, "Tolerance amount", 8)).click();
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Control+D");
    await notice(page, "Filled 4 cells; 0 have a problem. Undo takes the fill back.");
    assert.deepEqual(await cells(9), top);
    assert.deepEqual(await cells(10), top);
    // One row selected: Ctrl-D copies the row above, as Excel does.
    await (await cell(page, "Group ID", 12)).click();
    await page.keyboard.press("Control+D");
    assert.equal(await value(page, "Group ID", 12), await value(page, "Group ID", 11));
    // Each fill and the paste undo in one step each.
    await page.keyboard.press("Control+Z");
    assert.equal(await value(page, "Group ID", 12), before[2]);
    assert.deepEqual(await cells(10), top);
    await page.keyboard.press("Control+Z");
    assert.deepEqual([await cells(9), await cells(10)], before.slice(0, 2));
    await page.keyboard.press("Control+Z");
    for (const [i, row] of [2, 3, 4, 5].entries()) assert.equal(await value(page, "Payment method", row), methods[i]);
  });

  test("typing into a selection: Enter and Tab go round it, as in Excel", async () => {
    await (await cell(page, "Tolerance amount", 2)).click();
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowRight");
    const selection = ["Tolerance amount row 2", "Group ID row 2", "Tolerance amount row 3", "Group ID row 3"];
    // Enter goes down each column, then to the top of the next; the selection stays.
    for (const text of ["1", "2", "G3", "G4"]) {
      await page.keyboard.type(text);
      await page.keyboard.press("Enter");
    }
    assert.deepEqual(
      [await value(page, "Tolerance amount", 2), await value(page, "Tolerance amount", 3), await value(page, "Group ID", 2), await value(page, "Group ID", 3)],
      ["1", "2", "G3", "G4"],
    );
    await expectFocus(page, "Tolerance amount row 2");
    assert.deepEqual(await selectedCells(page), selection);
    // Tab goes along each row, also from F2's edit mode; the Shift keys go back.
    await page.keyboard.press("Tab");
    await expectFocus(page, "Group ID row 2");
    await page.keyboard.press("F2");
    await page.keyboard.type("X");
    await page.keyboard.press("Tab");
    await expectFocus(page, "Tolerance amount row 3");
    assert.equal(await value(page, "Group ID", 2), "G3X");
    await page.keyboard.press("Shift+Tab");
    await expectFocus(page, "Group ID row 2");
    await page.keyboard.press("Shift+Enter");
    await expectFocus(page, "Tolerance amount row 3");
    assert.deepEqual(await selectedCells(page), selection);
    // A block pasted while a cell is edited lands at that cell, not at the selection's corner.
    await page.keyboard.type("9");
    await writeClipboard(page, "5\tP5\r\n");
    await page.keyboard.press("Control+V");
    await notice(page, "Pasted 2 cells; 0 have a problem. Undo takes the whole paste back.");
    assert.equal(await value(page, "Tolerance amount", 3), "5");
    assert.equal(await value(page, "Group ID", 3), "P5");
    assert.equal(await value(page, "Tolerance amount", 2), "1");
    // Ctrl-Enter puts what was typed into every cell of the selection, as one undo step.
    await (await cell(page, "Group ID", 5)).click();
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowDown");
    const groups = [await value(page, "Group ID", 5), await value(page, "Group ID", 6), await value(page, "Group ID", 7)];
    await page.keyboard.type("ALL");
    await page.keyboard.press("Control+Enter");
    await notice(page, "Filled 3 cells; 0 have a problem. Undo takes the fill back.");
    for (const row of [5, 6, 7]) assert.equal(await value(page, "Group ID", row), "ALL");
    await expectFocus(page, "Group ID row 5");
    assert.deepEqual(await selectedCells(page), ["Group ID row 5", "Group ID row 6", "Group ID row 7"]);
    await page.keyboard.press("Control+Z");
    assert.deepEqual([await value(page, "Group ID", 6), await value(page, "Group ID", 7)], groups.slice(1));
    // An arrow leaves the selection.
    await page.keyboard.press("ArrowDown");
    await expectFocus(page, "Group ID row 6");
    assert.deepEqual(await selectedCells(page), ["Group ID row 6"]);
  });

  test("a click anywhere in a row keeps the keys in the grid; Shift-click ends an edit", async () => {
    // The audit and outcome cells only show: a click there selects the row's nearest
    // editable cell, so the keys that follow still reach the table.
    await (await cell(page, "Group ID", 4)).click();
    const updated = page.locator("[role=row]").filter({ has: page.locator(".row-number", { hasText: /^6$/ }) }).locator(".col-audit").last();
    await updated.click();
    await expectFocus(page, "Payment method row 6");
    await page.keyboard.type("HELLO");
    await page.keyboard.press("Enter");
    assert.equal(await value(page, "Payment method", 6), "HELLO");
    await page.getByRole("columnheader", { name: "Entered" }).click();
    await expectFocus(page, "Payment method row 7");
    await page.keyboard.press("ArrowUp");
    await expectFocus(page, "Payment method row 6");

    // A click beside the text being edited (the cell's padding) leaves the edit as it is.
    await (await cell(page, "Group ID", 8)).click();
    await page.keyboard.press("F2");
    await page.keyboard.type("Z");
    const box = await (await cell(page, "Group ID", 8)).boundingBox();
    await page.mouse.click(box.x + 2, box.y + box.height / 2);
    await page.keyboard.type("Z");
    await expectFocus(page, "Group ID row 8");
    assert.match(await value(page, "Group ID", 8), /ZZ$/);
    assert.equal(await page.evaluate(() => document.querySelector(".grid-scroller").classList.contains("editing")), true);
    await page.keyboard.press("Escape");

    // Shift-click while a cell is edited ends the edit; the keys then act on the range.
    const group2 = await value(page, "Group ID", 2);
    await (await cell(page, "Group ID", 2)).click();
    await page.keyboard.press("F2");
    await page.keyboard.type("NEW");
    await (await cell(page, "Payment method", 3)).click({ modifiers: ["Shift"] });
    assert.deepEqual(await selectedCells(page), ["Group ID row 2", "Payment method row 2", "Group ID row 3", "Payment method row 3"]);
    await page.keyboard.press("Delete");
    await notice(page, "Cleared 4 cells; 0 have a problem. Undo puts them back.");
    assert.equal(await value(page, "Group ID", 2), "");
    await page.keyboard.press("Control+Z");
    assert.equal(await value(page, "Group ID", 2), `${group2}NEW`);
  });

  test("a right click offers Cut, Copy and Paste for the selection, as in Excel", async () => {
    const at = async (title, row) => {
      const box = await (await cell(page, title, row)).boundingBox();
      return [box.x + box.width / 2, box.y + box.height / 2];
    };
    const rightClick = async (title, row) => {
      const [x, y] = await at(title, row);
      await page.evaluate(() => (window.__menuFor = null));
      await page.mouse.click(x, y, { button: "right" });
      return [x, y];
    };
    // What the browser's menu is for: the element under the pointer when the `contextmenu`
    // event has gone through the page (the browser shows its menu then), whether it has the
    // focus and selected text (a text field with selected text gets Cut, Copy and Paste).
    await page.evaluate(() =>
      window.addEventListener("contextmenu", (event) => {
        const el = document.elementFromPoint(event.clientX, event.clientY);
        window.__menuFor = {
          tag: el.tagName,
          label: el.getAttribute("aria-label"),
          focused: el === document.activeElement,
          selected: el.selectionEnd > el.selectionStart,
        };
      }),
    );
    const underPointer = () => page.evaluate(() => window.__menuFor);
    const menuTarget = { tag: "TEXTAREA", label: "Cut, copy or paste the selected cells", focused: true, selected: true };
    // A command chosen from the menu: the browser sends its event to the focused text field.
    const menu = (command, text) =>
      page.evaluate(([command, text]) => {
        const target = document.activeElement;
        if (target.tagName !== "TEXTAREA") throw new Error(`the menu is for ${target.tagName}, not the menu target`);
        const data = new DataTransfer();
        if (text !== undefined) data.setData("text/plain", text);
        target.dispatchEvent(new ClipboardEvent(command, { clipboardData: data, bubbles: true, cancelable: true }));
        return data.getData("text/plain");
      }, [command, text]);
    const targetShown = () => page.locator("textarea.grid-menu-target:not([hidden])").count();
    const values = async () => {
      const out = [];
      for (const row of [2, 3]) for (const title of ["Group ID", "Payment method"]) out.push(await value(page, title, row));
      return out;
    };

    await (await cell(page, "Group ID", 2)).click();
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowRight");
    const selection = ["Group ID row 2", "Payment method row 2", "Group ID row 3", "Payment method row 3"];
    const [g2, p2, g3, p3] = await values();
    const scrolled = await page.getByRole("grid").evaluate((grid) => grid.scrollTop);

    // Inside the selection (not on the active cell), the selection stays and the menu's Copy
    // copies all of it; the keyboard is then back in the active cell.
    await rightClick("Payment method", 3);
    assert.deepEqual(await selectedCells(page), selection);
    assert.deepEqual(await underPointer(), menuTarget);
    assert.equal(await menu("copy"), `${g2}\t${p2}\r\n${g3}\t${p3}\r\n`);
    await notice(page, "Copied 4 cells.");
    await expectFocus(page, "Group ID row 2");
    assert.equal(await targetShown(), 0);
    assert.deepEqual(await selectedCells(page), selection);

    // The menu's Paste: one value fills the selection; the view does not move.
    await rightClick("Group ID", 3);
    await menu("paste", "MENU\r\n");
    await notice(page, "Pasted 4 cells; 0 have a problem. Undo takes the whole paste back.");
    assert.deepEqual(await values(), ["MENU", "MENU", "MENU", "MENU"]);
    await expectFocus(page, "Group ID row 2");
    assert.equal(await targetShown(), 0);
    assert.equal(await page.getByRole("grid").evaluate((grid) => grid.scrollTop), scrolled);

    // The menu's Cut clears the selection, as one undo step.
    await rightClick("Payment method", 2);
    assert.equal(await menu("cut"), "MENU\tMENU\r\nMENU\tMENU\r\n");
    await notice(page, "Cut 4 cells; 0 have a problem. Undo puts them back.");
    assert.deepEqual(await values(), ["", "", "", ""]);
    await page.keyboard.press("Control+Z");
    assert.deepEqual(await values(), ["MENU", "MENU", "MENU", "MENU"]);
    await page.keyboard.press("Control+Z");
    assert.deepEqual(await values(), [g2, p2, g3, p3]);

    // A menu closed without a choice leaves the keys to the grid: an arrow moves from the
    // active cell. A click where the menu was reaches the cell there.
    const dismissed = await rightClick("Payment method", 3);
    await page.keyboard.press("ArrowDown");
    await expectFocus(page, "Group ID row 3");
    await page.mouse.click(dismissed[0], dismissed[1], { button: "right" });
    await page.waitForTimeout(200);
    await page.mouse.click(dismissed[0], dismissed[1]);
    await expectFocus(page, "Payment method row 3");
    await page.mouse.dblclick(dismissed[0], dismissed[1]);
    await page.keyboard.type("X");
    await page.keyboard.press("Escape");
    await expectFocus(page, "Payment method row 3");

    // Outside the selection, a right click selects the cell first; typing then replaces its
    // text, as in the cell itself.
    await rightClick("Payment method", 6);
    assert.deepEqual(await selectedCells(page), ["Payment method row 6"]);
    assert.deepEqual(await underPointer(), menuTarget);
    await page.keyboard.type("Q1");
    await page.keyboard.press("Enter");
    assert.equal(await value(page, "Payment method", 6), "Q1");
    await expectFocus(page, "Payment method row 7");
    assert.equal(await targetShown(), 0);

    // The menu key opens the same menu for the selection.
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+F10");
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), menuTarget.label);
    assert.equal(await menu("copy"), `${await value(page, "Payment method", 7)}\r\n${await value(page, "Payment method", 8)}\r\n`);
    await expectFocus(page, "Payment method row 7");
  });

  test("the grid is a WAI-ARIA grid: one tab stop, row and column indexes, Tab lands on the active cell", async () => {
    const grid = page.getByRole("grid", { name: "Tolerances" });
    assert.equal(await grid.getAttribute("aria-rowcount"), "301");
    const stops = () => page.evaluate(() =>
      [...document.querySelectorAll("[role=grid] [tabindex='0']")].map((e) => e.getAttribute("aria-label")));
    assert.deepEqual(await stops(), ["Tolerance key row 1"]);
    // The first body row is the grid's second row (the header is the first).
    const firstRow = (await cell(page, "Tolerance key", 1)).locator("xpath=ancestor::*[@role='row']");
    assert.equal(await firstRow.getAttribute("aria-rowindex"), "2");
    const amount = (await cell(page, "Tolerance amount", 1)).box;
    assert.equal(await amount.getAttribute("aria-colindex"), "3");

    await (await cell(page, "Group ID", 3)).click();
    await page.keyboard.press("ArrowDown");
    await expectFocus(page, "Group ID row 4");
    assert.deepEqual(await stops(), ["Group ID row 4"]);
    // Leave the grid, then Tab back into it: the focus lands on the active cell.
    await page.getByLabel("Find").focus();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      const inGrid = await page.evaluate(() => !!document.activeElement?.closest("[role=grid]"));
      if (inGrid) break;
    }
    await expectFocus(page, "Group ID row 4");
    // Up from the first row reaches the column header, where Enter sorts.
    await page.keyboard.press("Control+Home");
    await expectFocus(page, "Tolerance key row 1");
    await page.keyboard.press("ArrowUp");
    await page.waitForFunction(() => document.activeElement?.id === "sort-0");
    await page.keyboard.press("Enter");
    assert.equal(await page.getByRole("columnheader", { name: "Tolerance key" }).getAttribute("aria-sort"), "ascending");
    await page.keyboard.press("ArrowDown");
    await expectFocus(page, "Tolerance key row 1");

    // A double click edits with the caret at the end, as F2 does.
    const group = await value(page, "Group ID", 2);
    await (await cell(page, "Group ID", 2)).dblclick();
    await page.keyboard.type("X");
    assert.equal(await value(page, "Group ID", 2), `${group}X`);
    await page.keyboard.press("Escape");
    assert.equal(await value(page, "Group ID", 2), group);
  });

  test("keyboard only: a new row from its first cell to Submit, then its outcome", async () => {
    await page.getByRole("button", { name: "Add row" }).focus();
    await page.keyboard.press("Enter");
    await expectFocus(page, "Tolerance key row 301");
    // Out of the grid and back in with Tab: the focus lands on the new row's first cell.
    await page.getByLabel("Rows containing").focus();
    await page.keyboard.press("Tab");
    await expectFocus(page, "Tolerance key row 301");
    // Typing replaces the cell's text; Tab commits and moves right.
    await page.keyboard.type("9301");
    await page.keyboard.press("Tab");
    await expectFocus(page, "Tolerance amount row 301");
    await page.keyboard.type("4.5");
    await page.keyboard.press("Tab");
    await page.keyboard.type("GRP001");
    await page.keyboard.press("Tab");
    await expectFocus(page, "Payment method row 301");
    await page.keyboard.type("ACH");
    await page.keyboard.press("Enter");
    // Enter committed (the last row has nothing below); Tab past the last cell leaves the grid.
    await expectFocus(page, "Payment method row 301");
    assert.equal(await rowState(page, 301), "＋ New");
    await page.keyboard.press("Tab");
    await page.waitForFunction(() => document.activeElement?.textContent === "Submit");
    await page.keyboard.press("Enter");
    // The review opens with the focus in it, then Tab goes from its filter through the
    // search, the export and the guard (DEMO_LIVE is guarded) to Back and Send.
    const review = page.getByRole("dialog", { name: "Review changes" });
    await review.waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.labels?.[0]?.textContent ?? document.activeElement?.textContent);
    const tabTo = async (name) => {
      await page.keyboard.press("Tab");
      assert.equal(await focused(), name);
    };
    assert.equal(await focused(), "Show");
    await tabTo("Search the review");
    await tabTo("Export review as CSV");
    await tabTo("Type DEMO_LIVE to confirm");
    await page.keyboard.type("DEMO_LIVE");
    await tabTo("Back to the table");
    await tabTo("Send 1 row to DEMO_LIVE");
    await page.keyboard.press("Enter");
    await page.getByText("Last submit: 1 created, 0 updated, 0 failed, 0 unconfirmed.").waitFor();
    assert.match(await outcome(page, 301), /Created/);
    assert.equal(await rowState(page, 301), "✓ Created");
  });

  test("a jump by Find starts a fresh selection; undo of Add row keeps the focus in the grid", async () => {
    const amounts = [3, 4, 5];
    const before = await Promise.all(amounts.map((n) => value(page, "Tolerance amount", n)));
    await (await cell(page, "Group ID", 40)).fill("zzfindme");
    // A selection of three cells, then a jump elsewhere by Find.
    await (await cell(page, "Tolerance amount", 3)).click();
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowDown");
    await page.getByLabel("Find").fill("zzfindme");
    await page.getByRole("button", { name: "Find next" }).click();
    await expectFocus(page, "Group ID row 40");
    assert.deepEqual(await selectedCells(page), ["Group ID row 40"]);
    await page.keyboard.press("Delete");
    await notice(page, "Cleared 1 cell;");
    assert.equal(await value(page, "Group ID", 40), "");
    assert.deepEqual(await Promise.all(amounts.map((n) => value(page, "Tolerance amount", n))), before, "the old selection is untouched");

    // A new row the text filter hides: the filter is cleared to show it, saying so.
    const status = page.getByRole("group", { name: "Filter rows" }).getByRole("status");
    // The sandbox's rows (an earlier test may have added one).
    const total = Number((await status.innerText()).match(/^Showing all (\d+) rows$/)[1]);
    await page.getByLabel("Rows containing").fill("lockbox");
    await status.filter({ hasText: /^Showing \d+ of/ }).waitFor();
    await page.getByRole("button", { name: "Add row" }).click();
    await expectFocus(page, `Tolerance key row ${total + 1}`);
    await notice(page, `The filter hid row ${total + 1}; it was cleared to show it.`);
    assert.equal(await status.innerText(), `Showing all ${total + 1} rows`);
    await page.keyboard.press("Control+Z");
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), String(total + 1));
    await expectFocus(page, `Tolerance key row ${total}`);
    await page.keyboard.press("ArrowUp");
    await expectFocus(page, `Tolerance key row ${total - 1}`);
  });

  test("filters: only changed, failed, invalid, and text; combined with sort; export says so", async () => {
    const status = page.getByRole("group", { name: "Filter rows" }).getByRole("status");
    // The sandbox's rows (an earlier test may have added one).
    const total = Number((await status.innerText()).match(/^Showing all (\d+) rows$/)[1]);
    // Row 9's submit fails; row 3's is saved.
    await (await cell(page, "Tolerance amount", 3)).fill("3.33");
    await (await cell(page, "Tolerance amount", 9)).fill("9.99");
    const key9 = Number(await value(page, "Tolerance key", 9));
    await sandbox.faults([{ path: "/tolerances-batch", do: "fail_items", keys: [key9], status: 400, body: "no" }]);
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 1 updated, 1 failed, 0 unconfirmed.").waitFor();
    await sandbox.clearFaults();
    // Row 7 gets a problem, row 12 a change.
    await (await cell(page, "Tolerance amount", 7)).fill("12,5");
    await (await cell(page, "Tolerance amount", 12)).fill("1.23");

    const row8 = await value(page, "Group ID", 8);
    const grid = page.getByRole("grid");
    const check = (name) => page.getByRole("group", { name: "Filter rows" }).getByLabel(name);
    await check("Changed").check();
    assert.equal(await status.innerText(), `Showing 3 of ${total} rows`);
    assert.equal(await grid.getAttribute("aria-rowcount"), "4");
    await check("Changed").uncheck();
    await check("Invalid").check();
    assert.equal(await status.innerText(), `Showing 1 of ${total} rows`);
    await check("Failed").check();
    assert.equal(await status.innerText(), `Showing 2 of ${total} rows`);
    await check("Invalid").uncheck();
    assert.equal(await status.innerText(), `Showing 1 of ${total} rows`);
    // The failed row is shown first, with its row number in the table.
    const shown = page.locator("[role=row][aria-rowindex='2'] .row-number");
    assert.equal(await shown.innerText(), "9");
    await check("Failed").uncheck();
    await check("Changed").check();
    // A paste lands on the rows shown: the second line goes to row 9, not row 8.
    await (await cell(page, "Group ID", 7)).click();
    await writeClipboard(page, "GRP101\r\nGRP102\r\n");
    await page.keyboard.press("Control+V");
    await notice(page, "Pasted 2 cells; 0 have a problem.");
    assert.equal(await value(page, "Group ID", 9), "GRP102");
    await check("Changed").uncheck();
    assert.equal(await value(page, "Group ID", 8), row8);

    // Text, with a sort: only LOCKBOX rows, amounts descending.
    await page.getByLabel("Rows containing").fill("lockbox");
    // The text filter applies a moment after the last keystroke.
    await status.filter({ hasText: /^Showing \d+ of/ }).waitFor();
    const matching = Number((await status.innerText()).match(/Showing (\d+) of \d+/)[1]);
    assert.ok(matching > 1 && matching < total, `${matching} rows`);
    const header = page.getByRole("columnheader", { name: "Tolerance amount" }).getByRole("button");
    await header.click();
    await header.click();
    // The rows move a moment after the click (a sort is two tasks: the order, the move).
    await page.getByRole("columnheader", { name: "Tolerance amount" }).and(page.locator("[aria-sort=descending]")).waitFor();
    await page.waitForFunction(() => {
      const amounts = [...document.querySelectorAll("[role=row][aria-rowindex]")]
        .filter((r) => r.getAttribute("aria-rowindex") !== "1")
        .sort((a, b) => a.getAttribute("aria-rowindex") - b.getAttribute("aria-rowindex"))
        .map((r) => Number(r.querySelector(".col-amount .cell-text")?.textContent))
        .filter((n) => !Number.isNaN(n));
      return amounts.every((n, i) => i === 0 || amounts[i - 1] >= n);
    });
    const amounts = await page.evaluate(() =>
      [...document.querySelectorAll("[role=row][aria-rowindex]")]
        .filter((r) => r.getAttribute("aria-rowindex") !== "1")
        .sort((a, b) => a.getAttribute("aria-rowindex") - b.getAttribute("aria-rowindex"))
        .map((r) => [...r.querySelectorAll(".cell-text")].map((t) => t.textContent)),
    );
    assert.ok(amounts.every((cells) => cells.some((c) => c.toLowerCase().includes("lockbox"))));
    const numbers = amounts.map(([, a]) => Number(a)).filter((n) => !Number.isNaN(n));
    assert.deepEqual([...numbers].sort((a, b) => b - a), numbers);

    // An edit that stops a row matching keeps it in view until "Apply again".
    const first = page.locator("[role=row][aria-rowindex='2'] .row-number");
    await (await cell(page, "Payment method", Number(await first.innerText()))).fill("ACH");
    assert.equal(await status.innerText(), `Showing ${matching} of ${total} rows`);
    await page.getByRole("button", { name: "Apply again" }).click();
    assert.equal(await status.innerText(), `Showing ${matching - 1} of ${total} rows`);

    // Export writes the rows the filter shows, and says so.
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV (filtered rows)" }).click(),
    ]);
    assert.equal(file.suggestedFilename(), "tolerances-DEMO_LIVE-filtered.csv");
    const lines = readFileSync(await file.path(), "utf8").trim().split("\r\n");
    assert.equal(lines.length, matching - 1 + 1, "the header and the rows shown");
    await notice(page, `Exported the ${matching - 1} rows the filter shows`);

    // Undo works through the filter, and clearing it shows every row again.
    await page.getByRole("button", { name: "Undo" }).click();
    await page.getByRole("button", { name: "Clear filter" }).click();
    assert.equal(await status.innerText(), `Showing all ${total} rows`);
    assert.equal(await grid.getAttribute("aria-rowcount"), String(total + 1));
  });
});

describe("100,000 rows", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));

  test("a 100,000-row paste shows its progress, then Ctrl-A and Delete clear it all, each one undo step", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sandbox.url });
    await page.goto(sandbox.url);
    await waitForApp(page);
    await signIn(page);
    await page.getByRole("button", { name: "Add row" }).click();
    // An import waits in its preview while the paste runs.
    await page.getByLabel("Import CSV").setInputFiles({
      name: "small.csv", mimeType: "text/csv", buffer: Buffer.from("Tolerance key,Tolerance amount\r\n777777,1.00\r\n"),
    });
    const preview = page.getByRole("region", { name: "Import preview" });
    await preview.getByText("1 rows will be added").waitFor();
    await (await cell(page, "Tolerance key", 1)).click();
    await page.evaluate(() => {
      const lines = [];
      for (let i = 1; i <= 100_000; i++) lines.push(`${i}\t${(i % 50) + 1}.25\tGRP${String((i % 24) + 1).padStart(3, "0")}\tACH`);
      return navigator.clipboard.writeText(lines.join("\r\n") + "\r\n");
    });
    // While it runs: no sort, no import, no load, no text into a cell; a dropped file is
    // kept from the browser (which would open it in place of the app) with a word why.
    // Tried in the page's first task after the progress bar shows, so a fast paste cannot
    // end before the test looks (the paste's own next step is queued before it).
    await page.evaluate(() => {
      const during = () => {
        const drop = new DragEvent("drop", { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() });
        drop.dataTransfer.items.add(new File(["Tolerance key\r\n1\r\n"], "late.csv", { type: "text/csv" }));
        document.querySelector("[role=grid]").dispatchEvent(drop);
        const button = (name) => [...document.querySelectorAll("button")].find((b) => b.textContent.startsWith(name));
        // The notice a key brings may be replaced soon (by the dropped file's), so it is
        // watched for as it is shown.
        window.__keyNoticeSeen = false;
        const seen = () =>
          [...document.querySelectorAll("p.notice")].some((p) => p.textContent.includes("Pasting… The table takes no keys until it is done."));
        new MutationObserver((_, observer) => {
          if (seen()) {
            window.__keyNoticeSeen = true;
            observer.disconnect();
          }
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
        const key = new KeyboardEvent("keydown", { key: "x", bubbles: true, cancelable: true });
        document.querySelector("[role=grid] input").dispatchEvent(key);
        return {
          pasting: !!document.querySelector("[role=progressbar][aria-label=Pasting]"),
          sort: document.getElementById("sort-0").disabled,
          apply: button("Apply import").disabled,
          load: button("Load tolerances").disabled,
          submit: [...document.querySelectorAll("button")].find((b) => b.textContent === "Submit").disabled,
          picker: document.getElementById("target-database").disabled,
          signOut: button("Sign out").disabled,
          readOnly: document.querySelector("[role=grid] input").readOnly,
          drop: drop.defaultPrevented,
          key: key.defaultPrevented,
        };
      };
      window.__during = new Promise((resolve) => {
        new MutationObserver((_, observer) => {
          if (!document.querySelector("[role=progressbar][aria-label=Pasting]")) return;
          observer.disconnect();
          setTimeout(() => resolve(during()), 0);
        }).observe(document.body, { childList: true, subtree: true });
      });
    });
    const started = Date.now();
    await page.keyboard.press("Control+V");
    const during = await page.evaluate(() => window.__during);
    assert.deepEqual(during, {
      pasting: true, sort: true, apply: true, load: true, submit: true, picker: true, signOut: true, readOnly: true, drop: true, key: true,
    });
    // A key is not taken, and says so rather than vanish.
    await page.waitForFunction(() => window.__keyNoticeSeen, null, { timeout: 10_000 });
    await notice(page, "Pasted 400000 cells, adding 99999 rows; 0 have a problem. Undo takes the whole paste back.");
    console.log(`100,000-row paste: ${Date.now() - started} ms`);
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "100001");
    assert.equal(await value(page, "Tolerance key", 100_000), "100000");
    // Then the import applies as its own undo step.
    await preview.getByRole("button", { name: "Apply import" }).click();
    await notice(page, "Imported small.csv: 1 rows added");
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "100002");
    await page.getByRole("button", { name: "Undo" }).click();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "100001");
    assert.equal(await value(page, "Tolerance key", 100_000), "100000");

    await (await cell(page, "Group ID", 50_000)).click();
    await page.keyboard.press("Control+A");
    const clearing = Date.now();
    const cleared = await watchProgress(page, "Clearing");
    await page.keyboard.press("Delete");
    // 400,000 cells are cleared in parts, the page alive meanwhile.
    await page.locator("p.notice").filter({ hasText: /^Cleared 400000 cells; 200000 have a problem/ }).waitFor({ timeout: 60_000 });
    assert.ok(await cleared(), "the clearing showed its progress bar");
    console.log(`Ctrl-A, Delete on 100,000 rows: ${Date.now() - clearing} ms`);
    const undoing = Date.now();
    assert.equal(await value(page, "Group ID", 50_000), "");
    await page.keyboard.press("Control+Z");
    assert.equal(await value(page, "Tolerance key", 50_000), "50000");
    console.log(`its undo: ${Date.now() - undoing} ms`);
    await page.keyboard.press("Control+Z");
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "2");
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });

  test("a 100,000-row CSV import shows its progress and undoes in one step", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    await signIn(page);
    const lines = ["Tolerance key,Tolerance amount,Group ID,Payment method"];
    for (let i = 1; i <= 100_000; i++) lines.push(`${200_000 + i},${(i % 50) + 1}.75,GRP${String((i % 24) + 1).padStart(3, "0")},CHECK`);
    await page.getByLabel("Import CSV").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\r\n")) });
    const preview = page.getByRole("region", { name: "Import preview" });
    await preview.getByText("100000 rows will be added, 0 updated, 0 have problems.").waitFor({ timeout: 30_000 });
    const started = Date.now();
    const importing = await watchProgress(page, "Importing");
    await preview.getByRole("button", { name: "Apply import" }).click();
    await page.getByText("Imported big.csv: 100000 rows added, 0 updated, 0 with problems. Undo takes the whole import back.").waitFor({ timeout: 60_000 });
    assert.ok(await importing(), "the import showed its progress bar");
    console.log(`100,000-row import: ${Date.now() - started} ms`);
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "100001");
    assert.equal(await value(page, "Tolerance key", 100_000), "300000");
    await page.getByRole("button", { name: "Undo" }).click();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "1");
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });
});
