// "Review changes": what Submit is about to send, to which database, before anything leaves;
// the typed guard on a guarded database (config.json's guardedDatabases: DEMO_LIVE), the
// "Guarded" marker beside the picker, and a server's long message shown whole.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { artifactsDir, sandboxAndBrowser } from "./harness.mjs";
import { cell, loadedTableEach, outcome, submitAndSend } from "./editor.js";

const batches = async (sandbox) => (await sandbox.requests()).filter((r) => r.path.endsWith("/tolerances-batch"));
const valueOf = async (page, title, row) => (await cell(page, title, row)).inputValue();

describe("review changes", () => {
  let sandbox;
  let browser;
  let page;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));
  loadedTableEach(
    () => ({ sandbox, browser }),
    (opened) => ({ page } = opened),
  );

  test("a mixed table: counts, old → new per cell, filter, search, CSV; Escape sends nothing", async () => {
    // Row 3 is sent and refused (to resend); then row 1 changes in amount and group, row 2
    // in payment method, and a new row is added.
    const key3 = await valueOf(page, "Tolerance key", 3);
    await (await cell(page, "Tolerance amount", 3)).fill("33.33");
    await sandbox.faults([{ path: "/tolerances-batch", do: "fail_items", keys: [Number(key3)], status: 400, body: "no" }]);
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 0 updated, 1 failed, 0 unconfirmed.").waitFor();
    await sandbox.clearFaults();

    const [key1, amount1, group1] = [await valueOf(page, "Tolerance key", 1), await valueOf(page, "Tolerance amount", 1), await valueOf(page, "Group ID", 1)];
    const [key2, method2] = [await valueOf(page, "Tolerance key", 2), await valueOf(page, "Payment method", 2)];
    await (await cell(page, "Tolerance amount", 1)).fill("11.50");
    await (await cell(page, "Group ID", 1)).fill("GRP777");
    await (await cell(page, "Payment method", 2)).fill("WIREX");
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 301)).fill("9901");
    await (await cell(page, "Tolerance amount", 301)).fill("2");
    await (await cell(page, "Payment method", 301)).fill("ACH");
    await sandbox.clearRequests();

    const submit = page.getByRole("button", { name: "Submit", exact: true });
    await submit.click();
    const review = page.getByRole("dialog", { name: "Review changes" });
    await review.waitFor();
    assert.equal(await review.locator(".review-counts").innerText(), "4 rows will be sent to DEMO_LIVE: 1 new, 2 changed, 1 to resend.");
    // The dialog's description is the counts, for a screen reader.
    assert.equal(await review.getAttribute("aria-describedby"), "review-counts");
    // The focus went into the dialog.
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest("dialog[open]")), true);
    const table = review.getByRole("table");
    assert.deepEqual(await table.getByRole("columnheader").allInnerTexts(), ["Change", "Tolerance key", "Group ID", "Payment method", "Cells that differ (server → sent)"]);
    const line = (key) => table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: key, exact: true }) });
    const texts = async (key) => (await line(key).getByRole("cell").allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(await texts(key1), ["Changed", "GRP777", await valueOf(page, "Payment method", 1), `Tolerance amount: ${amount1} → 11.50\nGroup ID: ${group1} → GRP777\nWarning: GRP777 is not a group in DEMO_LIVE`]);
    assert.deepEqual((await texts(key2))[3], `Payment method: ${method2} → WIREX\nWarning: WIREX is not a payment method in DEMO_LIVE`);
    // Values the database does not list are counted above the list (they are sent all the same).
    assert.equal(
      await review.locator(".review-warned").innerText(),
      '2 rows name a group or payment method DEMO_LIVE does not list (see "With warnings"); they are sent as typed.',
    );
    assert.deepEqual((await texts(key3)).slice(0, 1), ["To resend"]);
    assert.match((await texts(key3))[3], / → 33\.33$/);
    assert.deepEqual(await texts("9901"), ["New", "", "ACH", "Tolerance key: 9901\nTolerance amount: 2.00\nPayment method: ACH"]);
    await page.screenshot({ path: path.join(artifactsDir(), "review.png") });

    // Filter and search.
    const shown = review.getByRole("status");
    await review.getByLabel("Show").selectOption("changed");
    await shown.filter({ hasText: "Showing rows 1–2 of 2 (of 4 to send)." }).waitFor();
    assert.deepEqual(await table.getByRole("rowheader").allInnerTexts(), [key1, key2]);
    await review.getByLabel("Show").selectOption("resend");
    assert.deepEqual(await table.getByRole("rowheader").allInnerTexts(), [key3]);
    await review.getByLabel("Show").selectOption("warned");
    await shown.filter({ hasText: "Showing rows 1–2 of 2 (of 4 to send)." }).waitFor();
    assert.deepEqual(await table.getByRole("rowheader").allInnerTexts(), [key1, key2]);
    await review.getByLabel("Show").selectOption("all");
    await review.getByLabel("Search the review").fill("grp777");
    await shown.filter({ hasText: "Showing rows 1–1 of 1" }).waitFor();
    assert.deepEqual(await table.getByRole("rowheader").allInnerTexts(), [key1]);
    await review.getByLabel("Search the review").fill("nothing like it");
    await shown.filter({ hasText: "No row of 4 matches." }).waitFor();
    await review.getByLabel("Search the review").fill("");

    // The CSV for a colleague's sign-off: every row to send, with its database.
    const [file] = await Promise.all([page.waitForEvent("download"), review.getByRole("button", { name: "Export review as CSV" }).click()]);
    assert.equal(file.suggestedFilename(), "review-DEMO_LIVE.csv");
    const lines = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    assert.equal(lines[0], "Database,Change,Tolerance key,Group ID,Payment method,Cells that differ (server → sent),Warnings");
    assert.equal(lines.length, 5);
    assert.ok(lines.includes(`DEMO_LIVE,Changed,${key2},${await valueOf(page, "Group ID", 2)},WIREX,Payment method: ${method2} → WIREX,WIREX is not a payment method in DEMO_LIVE`), lines.join("\n"));
    assert.ok(lines.includes(`DEMO_LIVE,New,9901,,ACH,"Tolerance key: 9901; Tolerance amount: 2.00; Payment method: ACH",`), lines.join("\n"));

    // Escape: back to the table, nothing sent, the focus on Submit, every edit still there.
    await page.keyboard.press("Escape");
    await review.waitFor({ state: "hidden" });
    await page.waitForFunction(() => document.activeElement?.textContent === "Submit");
    await page.waitForTimeout(500);
    assert.deepEqual(await batches(sandbox), [], "nothing was sent");
    assert.match(await page.locator(".send-counter").innerText(), /^4 rows will be sent/);
    assert.equal(await valueOf(page, "Group ID", 1), "GRP777");

    // Back to the table does the same; Resend failed reviews only the row it resends.
    await page.getByRole("button", { name: "Resend failed" }).click();
    await review.waitFor();
    assert.equal(await review.locator(".review-counts").innerText(), "1 row will be sent to DEMO_LIVE: 0 new, 0 changed, 1 to resend.");
    assert.deepEqual(await table.getByRole("rowheader").allInnerTexts(), [key3]);
    await review.getByRole("button", { name: "Back to the table" }).click();
    await review.waitFor({ state: "hidden" });
    assert.deepEqual(await batches(sandbox), [], "nothing was sent");

    // Sent from the review: exactly its rows reach the server, which refuses the two values
    // it does not hold, as the warnings said it would.
    await submitAndSend(page);
    await page.getByText("Last submit: 1 created, 1 updated, 2 failed, 0 unconfirmed.").waitFor();
    const sent = (await batches(sandbox)).flatMap((r) => JSON.parse(r.body).map((t) => String(t.tolerance_Key)));
    assert.deepEqual(sent.sort(), [key1, key2, key3, "9901"].sort());
    await page.getByText("group_ID GRP777 does not exist").first().waitFor();
  });

  test("a guarded database: marked beside the picker, and Send waits for its name typed", async () => {
    const picker = page.getByLabel("Target database");
    const marker = page.locator(".database-picker").getByText("Guarded", { exact: true });
    assert.equal(await marker.isVisible(), true, "DEMO_LIVE is guarded");
    assert.equal(await picker.getAttribute("aria-describedby"), "guarded-marker");

    await (await cell(page, "Tolerance amount", 7)).fill("7.77");
    await sandbox.clearRequests();
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    const review = page.getByRole("dialog", { name: "Review changes" });
    await review.waitFor();
    assert.match(await review.innerText(), /DEMO_LIVE is guarded\. 1 row will change there\./);
    const send = review.getByRole("button", { name: "Send 1 row to DEMO_LIVE" });
    const confirm = review.getByLabel("Type DEMO_LIVE to confirm", { exact: true });
    assert.equal(await send.isDisabled(), true);
    for (const almost of ["demo_live", "DEMO_LIV", "DEMO_LIVE ", "DEMO_TEST"]) {
      await confirm.fill(almost);
      assert.equal(await send.isDisabled(), true, `"${almost}" is not the name`);
    }
    await confirm.fill("DEMO_LIVE");
    assert.equal(await send.isDisabled(), false);
    // Closed and opened again, the name must be typed again.
    await page.keyboard.press("Escape");
    await review.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    await review.waitFor();
    assert.equal(await confirm.inputValue(), "");
    assert.equal(await send.isDisabled(), true);
    await confirm.fill("DEMO_LIVE");
    await send.click();
    await page.getByText("Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.").waitFor();
    assert.equal((await batches(sandbox)).length, 1);

    // DEMO_TEST is not guarded: no marker, no field.
    await picker.selectOption("DEMO_TEST");
    await marker.waitFor({ state: "detached" });
    assert.equal(await picker.getAttribute("aria-describedby"), null);
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 1)).fill("7001");
    await (await cell(page, "Tolerance amount", 1)).fill("1");
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    await review.waitFor();
    assert.equal(await review.getByLabel(/^Type .* to confirm$/).count(), 0);
    assert.equal(await review.getByRole("button", { name: "Send 1 row to DEMO_TEST" }).isDisabled(), false);
    await review.getByRole("button", { name: "Back to the table" }).click();
  });

  test("a long review is shown a page at a time", async () => {
    await page.getByLabel("Target database").selectOption("DEMO_TEST");
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 1)).click();
    const lines = [];
    for (let i = 1; i <= 120; i++) lines.push(`${800_000 + i}\t${i}.5\tGRP001\tACH`);
    await page.evaluate((text) => navigator.clipboard.writeText(text), lines.join("\r\n") + "\r\n");
    await page.keyboard.press("Control+V");
    await page.getByText(/^Pasted 480 cells/).waitFor();
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    const review = page.getByRole("dialog", { name: "Review changes" });
    await review.waitFor();
    const shown = review.getByRole("status");
    const keys = () => review.getByRole("table").getByRole("rowheader").allInnerTexts();
    assert.equal(await shown.innerText(), "Showing rows 1–50 of 120 (of 120 to send).");
    assert.equal(await review.getByText(/^Page \d+ of \d+$/).innerText(), "Page 1 of 3");
    assert.equal(await review.getByRole("button", { name: "Previous page" }).isDisabled(), true);
    await review.getByRole("button", { name: "Next page" }).click();
    await shown.filter({ hasText: "Showing rows 51–100 of 120" }).waitFor();
    assert.equal((await keys()).length, 50);
    assert.equal((await keys())[0], "800051");
    await review.getByRole("button", { name: "Next page" }).click();
    await shown.filter({ hasText: "Showing rows 101–120 of 120" }).waitFor();
    assert.equal(await review.getByRole("button", { name: "Next page" }).isDisabled(), true);
    // A search starts again at its first page.
    await review.getByLabel("Search the review").fill("80001");
    await shown.filter({ hasText: "Showing rows 1–10 of 10" }).waitFor();
    assert.deepEqual((await keys()).slice(0, 2), ["800010", "800011"]);
    await page.keyboard.press("Escape");
  });

  test("a long server message is shown whole under the table, described to the cell, and exported whole", async () => {
    const key = await valueOf(page, "Tolerance key", 4);
    const message =
      "payment_Method CHECK is not allowed for group GRP004 because that group settles by electronic funds transfer only; " +
      "ask the group's owner to allow CHECK, or choose EFT or ACH for this tolerance, then send it again";
    await (await cell(page, "Tolerance amount", 4)).fill("4.44");
    await sandbox.faults([{ path: "/tolerances-batch", do: "fail_items", keys: [Number(key)], status: 400, body: message }]);
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 0 updated, 1 failed, 0 unconfirmed.").waitFor();
    await sandbox.clearFaults();
    // The cell runs past the table's right edge; the line under the table holds it whole
    // for the active row.
    const outcomeCell = page.locator(".grid-row").filter({ has: page.locator(".row-number", { hasText: /^4$/ }) }).locator(".col-outcome");
    const past = await outcomeCell.evaluate((el) => el.getBoundingClientRect().right > el.closest("[role=grid]").getBoundingClientRect().right);
    assert.equal(past, true, "the message is longer than the table shows");
    assert.match(await outcome(page, 4), /400: payment_Method/);
    await (await cell(page, "Tolerance amount", 4)).click();
    const line = page.locator("#active-outcome");
    await line.filter({ hasText: message }).waitFor();
    assert.match(await line.innerText(), new RegExp(`^Row 4, Failed: 400: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(activity ID \\S+\\)$`));
    assert.equal(await line.isVisible(), true);
    const input = page.getByLabel("Tolerance amount row 4", { exact: true });
    assert.match(await input.getAttribute("aria-describedby"), /(^| )active-outcome$/);
    // Another row without an outcome: nothing under the table, nothing described.
    await (await cell(page, "Tolerance amount", 5)).click();
    await page.waitForFunction(() => document.getElementById("active-outcome")?.textContent === "");
    assert.equal(await page.getByLabel("Tolerance amount row 5", { exact: true }).getAttribute("aria-describedby"), null);

    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export outcomes" }).click()]);
    const text = readFileSync(await file.path(), "utf8");
    assert.ok(text.includes(`${key},Failed,400,"${message}",`) || text.includes(`${key},Failed,400,${message},`), text);
  });
});
