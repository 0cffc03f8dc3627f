// Spreadsheet moves in the editor through real keyboard and clipboard events: moving with
// the keys, Escape, undo and redo, and pasting a block copied from a spreadsheet.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";
import { cell, expectFocus, loadTable, loadedTableEach, rowState, signIn } from "./editor.js";

describe("spreadsheet keys and paste", () => {
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

  test("keys typed right after a move land in the cell moved to; the grid has one input", async () => {
    // The grid's one input is in the active cell: a cell's text is on the page, and the
    // input is built when the cell becomes active. Nothing typed between is lost.
    await (await cell(page, "Tolerance amount", 3)).click();
    assert.equal(await page.locator("[role=grid] input").count(), 1);
    const group5 = await (await cell(page, "Group ID", 5)).inputValue();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.type("42");
    await page.keyboard.press("Tab");
    await page.keyboard.type("GRPX");
    await page.keyboard.press("Enter");
    await page.keyboard.press("F2");
    await page.keyboard.type("7");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Delete");
    await expectFocus(page, "Tolerance amount row 5");
    assert.equal(await (await cell(page, "Tolerance amount", 4)).inputValue(), "42");
    assert.equal(await (await cell(page, "Group ID", 4)).inputValue(), "GRPX");
    assert.equal(await (await cell(page, "Group ID", 5)).inputValue(), `${group5}7`);
    assert.equal(await (await cell(page, "Tolerance amount", 5)).inputValue(), "");
    assert.equal(await page.locator("[role=grid] input").count(), 1);
    // The cells show what the rows hold, the active one too once it is left.
    await page.keyboard.press("ArrowUp");
    await expectFocus(page, "Tolerance amount row 4");
    assert.equal(await page.locator("[role=row]").filter({ hasText: /^5\b/ }).locator(".col-amount .cell-text").textContent(), "");
    // Far moves render the row first (Ctrl-End, Page Down): keys right after them land too.
    await page.keyboard.press("Control+End");
    await page.keyboard.type("WIRE");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+Home");
    await page.keyboard.press("PageDown");
    await page.keyboard.type("7007");
    await page.keyboard.press("Enter");
    const typed = page.locator("[role=row]").filter({ has: page.locator(".col-key .cell-text", { hasText: /^7007$/ }) });
    assert.equal(await typed.count(), 1, "Page Down then 7007 typed a key into the row it reached");
    assert.notEqual(await typed.locator(".row-number").innerText(), "1");
    assert.equal(await (await cell(page, "Payment method", 300)).inputValue(), "WIRE");
    // A right click selects the cell, as in Excel (its menu: ranges.test.mjs); the next key
    // is the cell's.
    await (await cell(page, "Group ID", 7)).click({ button: "right" });
    await page.keyboard.press("Escape");
    await expectFocus(page, "Group ID row 7");
  });

  test("arrows, Enter, Escape, Ctrl-End, and Ctrl-Z / Ctrl-Y on the table", async () => {
    await (await cell(page, "Tolerance amount", 1)).click();
    await page.keyboard.type("7.77");
    await page.keyboard.press("Enter");
    await expectFocus(page, "Tolerance amount row 2");
    assert.equal(await rowState(page, 1), "✎ Changed");
    await page.keyboard.press("ArrowDown");
    await expectFocus(page, "Tolerance amount row 3");
    await page.keyboard.press("ArrowUp");
    await expectFocus(page, "Tolerance amount row 2");

    // Typing then Escape puts the cell back as it was.
    const before = await (await cell(page, "Tolerance amount", 2)).inputValue();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("oops");
    assert.equal(await rowState(page, 2), "⚠ Has problems");
    await page.keyboard.press("Escape");
    assert.equal(await (await cell(page, "Tolerance amount", 2)).inputValue(), before);
    assert.equal(await rowState(page, 2), "· Unchanged");

    // In navigation mode Left, Right, Home and End move between cells; F2 edits the text,
    // and then Left moves the caret instead.
    await page.keyboard.press("ArrowRight");
    await expectFocus(page, "Group ID row 2");
    await page.keyboard.press("ArrowLeft");
    await expectFocus(page, "Tolerance amount row 2");
    await page.keyboard.press("F2");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.type("9");
    await expectFocus(page, "Tolerance amount row 2");
    assert.equal(await (await cell(page, "Tolerance amount", 2)).inputValue(), `${before.slice(0, -1)}9${before.slice(-1)}`);
    await page.keyboard.press("Escape");
    assert.equal(await (await cell(page, "Tolerance amount", 2)).inputValue(), before);
    await page.keyboard.press("End");
    await expectFocus(page, "Payment method row 2");
    await page.keyboard.press("Home");
    await expectFocus(page, "Tolerance key row 2");

    // Undo and redo work on the table, whichever cell has the focus.
    await page.keyboard.press("Control+Z");
    assert.notEqual(await (await cell(page, "Tolerance amount", 1)).inputValue(), "7.77");
    await page.keyboard.press("Control+Y");
    assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "7.77");

    await (await cell(page, "Group ID", 5)).click();
    await page.keyboard.press("Control+End");
    await expectFocus(page, "Payment method row 300");
    await page.keyboard.press("Control+Home");
    await expectFocus(page, "Tolerance key row 1");
  });

  test("header clicks sort (shift-click adds a key) and Find reaches rows out of view", async () => {
    const header = (name) => page.getByRole("columnheader", { name });
    await header("Tolerance amount").getByRole("button").click();
    assert.equal(await header("Tolerance amount").getAttribute("aria-sort"), "ascending");
    assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "0.50");
    await header("Tolerance amount").getByRole("button").click();
    assert.equal(await header("Tolerance amount").getAttribute("aria-sort"), "descending");
    assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "25.00");
    await header("Tolerance key").getByRole("button").click({ modifiers: ["Shift"] });
    assert.equal(await header("Tolerance key").getAttribute("aria-sort"), "ascending");
    // Among the 25.00 rows, keys now ascend.
    const keys = [];
    for (let row = 1; row <= 3; row++) keys.push(Number(await (await cell(page, "Tolerance key", row)).inputValue()));
    assert.deepEqual([...keys].sort((a, b) => a - b), keys);

    await page.getByLabel("Find").fill("LOCKBOX");
    // Find goes on from the active cell (the first cell shown has the focus after Load, and
    // the sort moved its row): the next match after it, then the one after that.
    await page.getByRole("button", { name: "Find next" }).click();
    const first = page.getByText(/^Row \d+: match \d+ of \d+$/);
    await first.waitFor();
    const [, n, total] = /match (\d+) of (\d+)/.exec(await first.innerText()).map(Number);
    await page.getByRole("button", { name: "Find next" }).click();
    await page.getByText(new RegExp(`^Row \\d+: match ${(n % total) + 1} of ${total}$`)).waitFor();
    const focused = await page.evaluate(() => document.activeElement?.value);
    assert.equal(focused, "LOCKBOX");
    await page.getByLabel("Find").fill("no such thing");
    await page.getByRole("button", { name: "Find next" }).click();
    await page.getByText("No row shown contains “no such thing”.").waitFor();
  });

  test("a 1,000-row block from a spreadsheet pastes, validates every cell, and undoes in one step", async () => {
    const lines = [];
    for (let i = 0; i < 1000; i++) {
      const amount = i % 100 === 99 ? "12,5" : `$${(i % 25) + 1}.25`;
      lines.push([5001 + i, amount, `GRP${String(i % 24 + 1).padStart(3, "0")}`, "ACH"].join("\t"));
    }
    const block = lines.join("\r\n") + "\r\n"; // as Excel puts it on the clipboard
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 301)).click();
    await page.evaluate((text) => navigator.clipboard.writeText(text), block);
    await page.keyboard.press("Control+V");

    await page.getByText("Pasted 4000 cells, adding 999 rows; 10 have a problem. Undo takes the whole paste back.").waitFor();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "1301");
    assert.equal(await (await cell(page, "Tolerance key", 1300)).inputValue(), "6000");
    assert.equal(await (await cell(page, "Tolerance amount", 1299)).inputValue(), "$24.25");
    assert.equal(await rowState(page, 1299), "＋ New");
    assert.equal(await (await cell(page, "Tolerance amount", 1300)).inputValue(), "12,5");
    assert.equal(await rowState(page, 1300), "⚠ Has problems");
    // Every pasted cell is checked, not just the first row: row 400 holds the 100th line.
    assert.equal(await rowState(page, 400), "⚠ Has problems");
    assert.match(await page.getByText(/will be sent/).innerText(), /^990 rows will be sent \(990 new, 0 changed, 10 with problems\)/);

    await (await cell(page, "Group ID", 350)).click();
    await page.keyboard.press("Control+Z");
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "302");
    assert.equal(await (await cell(page, "Tolerance key", 301)).inputValue(), "");
    await (await cell(page, "Group ID", 10)).click();
    await page.keyboard.press("Control+Shift+Z");
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "1301");
  });
});

describe("CSV import", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));

  test("a semicolon CSV with a BOM is previewed, mapped, merged by key, and undone in one step", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    await signIn(page);
    await loadTable(page);
    const csv =
      "\uFEFFtolerance_Key;Tolerance amount;Notes;payment_Method\r\n" +
      "1;2.25;keep;CARD\r\n" +
      "9100;1.00;new;CHECK\r\n" +
      "9101;x;bad;\r\n";
    await page.getByLabel("Import CSV").setInputFiles({ name: "tolerances.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });

    const preview = page.getByRole("region", { name: "Import preview" });
    await preview.waitFor();
    assert.equal(await preview.getByRole("status").innerText(), "1 rows will be added, 1 updated, 1 have problems.");
    // Nothing changed yet.
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "301");
    // The unknown column is ignored; mapping it to Group ID is the user's call.
    const notes = preview.getByLabel("Column 3 (Notes)");
    assert.equal(await notes.inputValue(), "");
    await notes.selectOption({ label: "Group ID" });
    await preview.getByRole("button", { name: "Apply import" }).click();

    await page.getByText("Imported tolerances.csv: 1 rows added, 1 updated, 1 with problems. Undo takes the whole import back.").waitFor();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "303");
    assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "2.25");
    assert.equal(await (await cell(page, "Group ID", 1)).inputValue(), "keep");
    assert.equal(await (await cell(page, "Payment method", 1)).inputValue(), "CARD");
    assert.equal(await rowState(page, 1), "✎ Changed");
    assert.equal(await (await cell(page, "Payment method", 301)).inputValue(), "CHECK");
    assert.equal(await rowState(page, 302), "⚠ Has problems");

    await (await cell(page, "Group ID", 5)).click();
    await page.keyboard.press("Control+Z");
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "301");
    assert.equal(await rowState(page, 1), "· Unchanged");
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });
});
