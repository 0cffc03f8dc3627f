// Promotion from DEMO_TEST to DEMO_LIVE (a new, a changed and an equal row, and an unsent edit
// already in DEMO_LIVE's draft shown as a conflict, not lost), and a group DEMO_LIVE does not
// list: warned on its cell, refused by the sandbox with its message on the row, then fixed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, test } from "node:test";
import path from "node:path";
import { artifactsDir, sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";
import { apiClient, cell, loadTable, outcome, rowState, signIn, submitAndSend } from "./editor.js";

/** The API as another client of `database` sees it, through the sandbox's gateway. */
async function apiOf(url, database) {
  const { call } = await apiClient(url, { database, agent: "promote-test/1.0" });
  /** `get`: the record under `key`, or null (404). */
  return { get: (key) => call("GET", `tolerances/${key}`) };
}

/** The table row (1-based) showing `key`, from the row-number header of its row. */
async function rowOf(page, key) {
  const total = Number(await page.getByRole("grid").getAttribute("aria-rowcount")) - 1;
  for (const guess of [key, total]) {
    if (guess >= 1 && guess <= total && (await (await cell(page, "Tolerance key", guess)).inputValue()) === String(key)) {
      return guess;
    }
  }
  throw new Error(`no row shows key ${key}`);
}

const lastSubmit = (page) => page.getByText(/^Last submit:/);

describe("promotion and known values", () => {
  let sandbox;
  let browser;
  let opened;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));
  beforeEach(async () => {
    opened = await watchedPage(browser);
    // Switching with unsent edits asks; they are kept as the draft either way.
    opened.page.on("dialog", (dialog) => dialog.accept());
    await opened.page.goto(sandbox.url);
    await waitForApp(opened.page);
  });
  afterEach(async () => {
    assert.deepEqual(opened.problems.pageErrors, []);
    assert.deepEqual(opened.problems.cspViolations, []);
    await opened.context.close();
  });

  test("a group DEMO_LIVE does not list is warned, refused by the sandbox, then fixed and saved", async () => {
    const { page } = opened;
    await signIn(page, { database: "DEMO_LIVE" });
    await loadTable(page);
    const group = await cell(page, "Group ID", 5);
    await group.fill("GRP099");
    // Warned on the cell, for eyes (title) and screen readers (described by), not refused.
    const message = "GRP099 is not a group in DEMO_LIVE";
    assert.equal(await group.locator(".cell-warning-icon").getAttribute("title"), message);
    const described = (await group.getAttribute("aria-describedby")).split(" ");
    const texts = await Promise.all(described.map((id) => page.locator(`[id="${id}"]`).innerText()));
    assert.deepEqual(texts, [message]);
    assert.equal(await group.getAttribute("aria-invalid"), "false");
    assert.equal(await page.locator(".problem-line").innerText(), `Row 5: ${message}`);
    assert.match(
      await page.getByText(/will be sent/).innerText(),
      /^1 row will be sent \(0 new, 1 changed, 1 value the database does not list\)/,
    );
    const filters = page.getByRole("group", { name: "Filter rows" });
    await filters.getByLabel("Warnings").check();
    assert.equal(await filters.getByRole("status").innerText(), "Showing 1 of 300 rows");
    await filters.getByLabel("Warnings").uncheck();

    await submitAndSend(page, { database: "DEMO_LIVE" });
    await lastSubmit(page).filter({ hasText: "1 failed" }).waitFor();
    assert.match(await outcome(page, 5), /400: group_ID GRP099 does not exist \(activity ID \S+\)/);
    assert.equal(await rowState(page, 5), "✗ Failed");
    const api = await apiOf(sandbox.url, "DEMO_LIVE");
    assert.notEqual((await api.get(5)).group_ID, "GRP099");

    await (await cell(page, "Group ID", 5)).fill("GRP002");
    assert.equal(await (await cell(page, "Group ID", 5)).locator(".cell-warning-icon").count(), 0);
    await submitAndSend(page, { database: "DEMO_LIVE" });
    await lastSubmit(page).filter({ hasText: "Last submit: 0 created, 1 updated, 0 failed" }).waitFor();
    assert.equal(await rowState(page, 5), "✓ Updated");
    assert.equal((await api.get(5)).group_ID, "GRP002");
  });

  test("DEMO_TEST's rows staged in DEMO_LIVE: new, changed, equal and a conflict with its draft; submitted and read back", async () => {
    const { page } = opened;
    const live = await apiOf(sandbox.url, "DEMO_LIVE");
    const [three, four, two] = [await live.get(3), await live.get(4), await live.get(2)];
    // An unsent edit in DEMO_LIVE's draft.
    await signIn(page, { database: "DEMO_LIVE" });
    await loadTable(page);
    await (await cell(page, "Tolerance amount", 2)).fill("77.77");
    await page.getByLabel("Target database").selectOption("DEMO_TEST");
    await page.getByText("Showing all 0 rows").waitFor();

    // DEMO_TEST: key 9501 (DEMO_LIVE lacks it), 3 (differs), 4 (equal), 2 (meets the edit).
    const csv = [
      "Tolerance key,Tolerance amount,Group ID,Payment method",
      "9501,4.25,GRP003,CHECK",
      `3,${three.tolerance1 + 1},GRP004,ACH`,
      `4,${four.tolerance1},${four.group_ID ?? ""},${four.payment_Method ?? ""}`,
      "2,12.50,GRP005,CARD",
    ].join("\r\n");
    await page.getByLabel("Import CSV").setInputFiles({ name: "test.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("region", { name: "Import preview" }).getByRole("button", { name: "Apply import" }).click();
    await submitAndSend(page, { database: "DEMO_TEST" });
    await lastSubmit(page).filter({ hasText: "Last submit: 4 created" }).waitFor();

    await page.getByRole("button", { name: /^Copy to DEMO_LIVE/ }).click();
    const dialog = page.getByRole("dialog", { name: "Copy to DEMO_LIVE" });
    await dialog.getByLabel("The rows saved by the last submit (4)").check();
    await sandbox.clearRequests();
    await dialog.getByRole("button", { name: "Read DEMO_LIVE and stage the rows" }).click();
    await page
      .getByText(
        "Copied 4 rows from DEMO_TEST: 1 new, 1 changed, 1 already in DEMO_LIVE (not sent), 1 in conflict with your unsent edits (below).",
      )
      .first()
      .waitFor();
    assert.equal(await page.getByLabel("Target database").inputValue(), "DEMO_LIVE");
    // DEMO_LIVE was read for those keys, one request each (DEMO_TEST's saved rows may still
    // be read back for their audit columns meanwhile: those carry DEMO_TEST).
    const reads = (await sandbox.requests()).filter(
      (r) => /\/tolerances\/\d+$/.test(r.path) && r.headers["vbasoftware-database"] === "DEMO_LIVE",
    );
    assert.deepEqual(reads.map((r) => Number(r.path.split("/").pop())).sort((a, b) => a - b), [2, 3, 4, 9501]);

    assert.equal(await rowState(page, await rowOf(page, 9501)), "＋ New");
    assert.equal(await rowState(page, 3), "✎ Changed");
    assert.match(await rowState(page, 4), /Unchanged$/);
    // The draft's edit is kept and shown beside DEMO_TEST's values.
    assert.equal(await (await cell(page, "Tolerance amount", 2)).inputValue(), "77.77");
    const conflicts = page.getByRole("table", { name: "Conflicts with your draft" });
    const conflict = conflicts.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "2" }) });
    assert.equal(
      await conflict.getByRole("cell").first().innerText(),
      `77.77 · ${two.group_ID ?? "—"} · ${two.payment_Method ?? "—"}`,
    );
    assert.equal(await conflict.getByRole("cell").nth(1).innerText(), "12.50 · GRP005 · CARD");
    await page.screenshot({ path: path.join(artifactsDir(), "promotion.png") });
    await conflict.getByRole("button", { name: "Keep my edit of 2" }).click();
    assert.equal(await conflicts.count(), 0);

    await sandbox.clearRequests();
    await submitAndSend(page, { database: "DEMO_LIVE" });
    await lastSubmit(page).filter({ hasText: "Last submit: 1 created, 2 updated, 0 failed" }).waitFor();
    const sent = (await sandbox.requests())
      .filter((r) => r.path.endsWith("/tolerances-batch"))
      .flatMap((r) => JSON.parse(r.body).map((t) => t.tolerance_Key))
      .sort((a, b) => a - b);
    assert.deepEqual(sent, [2, 3, 9501]);
    // Read back through the API.
    const back = async (key) => {
      const r = await live.get(key);
      return [r.tolerance1, r.group_ID, r.payment_Method];
    };
    assert.deepEqual(await back(9501), [4.25, "GRP003", "CHECK"]);
    assert.deepEqual(await back(3), [three.tolerance1 + 1, "GRP004", "ACH"]);
    assert.deepEqual(await back(2), [77.77, two.group_ID, two.payment_Method]);
    assert.equal((await live.get(4)).update_Date, four.update_Date);

    // The promotion's export carries the activity IDs of DEMO_LIVE's outcomes.
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export promotion" }).click(),
    ]);
    assert.equal(file.suggestedFilename(), "promotion-DEMO_TEST-to-DEMO_LIVE.csv");
    const lines = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "").trim().split("\r\n");
    assert.equal(lines.length, 5);
    assert.match(lines.find((l) => l.includes(",9501,")), /^DEMO_TEST,DEMO_LIVE,9501,4\.25,GRP003,CHECK,Created,201,[^,]*,\S+$/);
    assert.match(lines.find((l) => l.includes(",3,")), /^DEMO_TEST,DEMO_LIVE,3,.*,Updated,200,[^,]*,\S+$/);
    assert.match(lines.find((l) => l.includes(",4,")), /^DEMO_TEST,DEMO_LIVE,4,.*,Unchanged,,,$/);
    assert.equal(
      lines.find((l) => l.includes(",2,")),
      "DEMO_TEST,DEMO_LIVE,2,12.50,GRP005,CARD,Not copied: the edit in DEMO_LIVE's draft was kept,,,",
    );
  });
});
