// The editor's main path against the sandbox: sign in, load, edit, submit, outcomes per row,
// an expired session mid-batch, a reload, a database switch.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  artifactsDir,
  distDir,
  launchBrowser,
  sandboxAndBrowser,
  startSandbox,
  waitForApp,
  watchedPage,
} from "./harness.mjs";
import { browserStorage, cell, expectFocus, loadTable, outcome, rowState, signIn, submitAndSend } from "./editor.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const tenant = path.join(here, "tenant.toml");

/** A copy of the built app with some of config.json's settings changed. */
function distWithConfig(changes) {
  const dir = mkdtempSync(path.join(tmpdir(), "dist-config-"));
  cpSync(distDir(), dir, { recursive: true });
  const config = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"));
  writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, ...changes }));
  return dir;
}

const batchKeys = async (sandbox) =>
  (await sandbox.requests())
    .filter((r) => r.path.endsWith("/tolerances-batch"))
    .map((r) => JSON.parse(r.body).map((t) => t.tolerance_Key).join(","));

describe("the editor", () => {
  let sandbox;
  let browser;
  let page;
  let context;
  let problems;
  let dist;

  before(async () => {
    dist = distWithConfig({ batchSize: 2 });
    [sandbox, browser] = await Promise.all([
      startSandbox({ staticDir: dist, extraArgs: ["--tenant", tenant] }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    rmSync(dist, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await sandbox.clearFaults();
    ({ page, context, problems } = await watchedPage(browser));
    await page.goto(sandbox.url);
    await waitForApp(page);
  });
  afterEach(async () => {
    assert.deepEqual(problems.cspViolations, []);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });

  test("sign-in explains a wrong password and a locked account, and keeps no token in localStorage", async () => {
    await signIn(page, { password: "wrong" });
    await page.getByRole("alert").filter({ hasText: "user name or password is not right" }).waitFor();

    await signIn(page, { user: "locked", password: "locked" });
    await page.getByRole("alert").filter({ hasText: "This account is locked" }).waitFor();

    await page.screenshot({ path: path.join(artifactsDir(), "sign-in.png") });

    await signIn(page);
    await page.getByText("Signed in as demo").waitFor();
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 1)).fill("12345");
    await page.waitForTimeout(600);
    const stored = await browserStorage(page);
    // Drafts are stored in parts of rows under a manifest naming the version holding each
    // part (see src/editor/draft_storage.rs).
    const [, version] = /^\{"saved_at":\d+,"rows":1,"parts":\[(\d+)\]\}$/.exec(stored.drafts["v3:DEMO_LIVE"]) ?? [];
    assert.ok(version, "the draft is kept");
    assert.match(stored.drafts[`v3:DEMO_LIVE:${version}:00000`], /12345/, "the draft is kept");
    assert.doesNotMatch(JSON.stringify(stored), /idToken|refreshToken|eyJ|demo-api-key|password/);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(await page.getByLabel("Password").inputValue(), "");
  });

  test("an API that cannot be reached gets its own message", async () => {
    // A second sandbox serves the page, then goes away: the API is unreachable.
    const gone = await startSandbox({ staticDir: dist });
    const { page: lonely, context: lonelyContext } = await watchedPage(browser);
    await lonely.goto(gone.url);
    await waitForApp(lonely);
    await gone.stop();
    await signIn(lonely);
    await lonely.getByRole("alert").filter({ hasText: "The VBA API cannot be reached" }).waitFor();
    await lonelyContext.close();
  });

  test("a submit sends only new and changed rows and shows created, updated and rejected on their rows", async () => {
    await signIn(page);
    await loadTable(page);
    assert.match(await page.getByText(/will be sent/).innerText(), /^0 rows will be sent/);

    await (await cell(page, "Tolerance amount", 300)).fill("9.99");
    assert.equal(await rowState(page, 300), "✎ Changed");
    for (const [key, amount] of [["9001", "1.25"], ["9002", "2.50"]]) {
      await page.getByRole("button", { name: "Add row" }).click();
      const row = (await page.getByRole("grid").getAttribute("aria-rowcount")) - 1;
      await (await cell(page, "Tolerance key", row)).fill(key);
      await (await cell(page, "Tolerance amount", row)).fill(amount);
      await (await cell(page, "Payment method", row)).fill("ACH");
    }
    assert.equal(await rowState(page, 301), "＋ New");
    assert.match(await page.getByText(/will be sent/).innerText(), /^3 rows will be sent \(2 new, 1 changed\)/);

    await sandbox.clearRequests();
    await sandbox.faults([{ path: "/tolerances-batch", do: "fail_items", keys: [9002], status: 400, body: "payment_Method ACH is not allowed for this group" }]);
    await submitAndSend(page);
    await page.getByText(/^Last submit:/).waitFor();
    assert.equal(
      await page.getByText(/^Last submit:/).innerText(),
      "Last submit: 1 created, 1 updated, 1 failed, 0 unconfirmed.",
    );
    assert.match(await outcome(page, 300), /Updated/);
    assert.match(await outcome(page, 301), /Created/);
    const rejected = await outcome(page, 302);
    assert.match(rejected, /400: payment_Method ACH is not allowed for this group \(activity ID \S+\)/);
    assert.equal(await rowState(page, 300), "✓ Updated");
    assert.equal(await rowState(page, 302), "✗ Failed");
    await page.screenshot({ path: path.join(artifactsDir(), "mixed-submit.png") });
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: path.join(artifactsDir(), "mixed-submit-1920.png") });
    await page.setViewportSize({ width: 1280, height: 800 });

    // What went over the wire: two chunks of at most two rows, the chosen database on each,
    // and none of the 297 unchanged rows.
    const batches = (await sandbox.requests()).filter((r) => r.path.endsWith("/tolerances-batch"));
    assert.equal(batches.length, 2);
    const sent = batches.flatMap((r) => JSON.parse(r.body).map((t) => t.tolerance_Key)).sort((a, b) => a - b);
    assert.deepEqual(sent, [300, 9001, 9002]);
    for (const request of batches) {
      assert.equal(request.headers["vbasoftware-database"], "DEMO_LIVE");
      assert.equal(request.headers["authorization"], "[redacted]");
      assert.equal(request.headers["x-api-key"], undefined, "gateway mode: the browser sends no API key");
    }

    // The outcomes and the table export as CSV files Excel opens (BOM, CRLF).
    const download = async (name) => {
      const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
      return { name: file.suggestedFilename(), text: readFileSync(await file.path(), "utf8") };
    };
    const outcomes = await download("Export outcomes");
    assert.equal(outcomes.name, "outcomes-DEMO_LIVE.csv");
    const lines = outcomes.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    assert.equal(lines[0], "Tolerance key,Outcome,HTTP status,Message,Activity ID");
    assert.equal(lines.length, 4);
    assert.match(lines.find((l) => l.startsWith("9002,")), /^9002,Failed,400,payment_Method ACH is not allowed for this group,\S+$/);
    const table = await download("Export CSV");
    assert.equal(table.name, "tolerances-DEMO_LIVE.csv");
    assert.ok(table.text.startsWith("\uFEFFTolerance key,Tolerance amount,Group ID,Payment method,"));
    assert.equal(table.text.trim().split("\r\n").length, 303);

    // Resend failed sends just the failed row.
    await sandbox.clearFaults();
    await sandbox.clearRequests();
    await submitAndSend(page, { button: "Resend failed" });
    await page.getByText("Last submit: 1 created, 0 updated, 0 failed, 0 unconfirmed.").waitFor();
    const resent = (await sandbox.requests()).filter((r) => r.path.endsWith("/tolerances-batch"));
    assert.deepEqual(resent.flatMap((r) => JSON.parse(r.body).map((t) => t.tolerance_Key)), [9002]);
    assert.match(await page.getByText(/will be sent/).innerText(), /^0 rows will be sent/);
  });

  test("Submit is refused while a cell has a problem, and the focus goes to the first one", async () => {
    await signIn(page);
    await loadTable(page);
    await (await cell(page, "Tolerance amount", 3)).fill("12,5");
    await (await cell(page, "Tolerance key", 5)).fill("4");
    await (await cell(page, "Group ID", 7)).fill("GROUP-ID-THAT-IS-WAY-TOO-LONG");
    // The cell says it has a problem, and names it, while another cell is active.
    const amount = await cell(page, "Tolerance amount", 3);
    assert.equal(await amount.box.getAttribute("aria-invalid"), "true");
    assert.match(await amount.locator(".visually-hidden").innerText(), /Tolerance amount is unclear/);

    await page.getByRole("button", { name: "Submit" }).click();
    await page.getByRole("alert").filter({ hasText: "Nothing was sent: 4 problems must be fixed first." }).waitFor();
    await expectFocus(page, "Tolerance amount row 3");
    // The input the jump built is marked and described by the problem.
    assert.equal(await amount.getAttribute("aria-invalid"), "true");
    const description = await page.locator(`#${await amount.getAttribute("aria-describedby")}`).innerText();
    assert.match(description, /Tolerance amount is unclear/);
    assert.match(await page.locator(".problem-line").innerText(), /^Row 3: Tolerance amount is unclear/);
  });

  test("an expired session mid-batch asks to sign in again, then the batch carries on", async () => {
    await signIn(page);
    await loadTable(page);
    for (const row of [1, 2, 3, 4, 5, 6]) {
      await (await cell(page, "Tolerance amount", row)).fill(`${row}.75`);
    }
    await sandbox.clearRequests();
    // The second chunk finds every token expired, and refreshing does not help.
    await sandbox.faults([
      { path: "/tolerances-batch", after: 1, times: 1, do: "expire_tokens", refresh_too: true },
    ]);
    await submitAndSend(page);
    const dialog = page.getByRole("dialog", { name: "Sign in again" });
    await dialog.waitFor();
    await dialog.getByLabel("Password").fill("demo");
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Last submit: 0 created, 6 updated, 0 failed, 0 unconfirmed.").waitFor();
    const sends = await batchKeys(sandbox);
    const count = (chunk) => sends.filter((s) => s === chunk).length;
    // Chunk 1 went through before the session expired and is not sent again; chunk 2 was
    // refused (401) and sent again after signing in; chunk 3 went once or, if it was already
    // in flight when the session expired, twice.
    assert.equal(count("1,2"), 1, sends.join(" | "));
    assert.equal(count("3,4"), 2, sends.join(" | "));
    assert.ok([1, 2].includes(count("5,6")), sends.join(" | "));
    for (const row of [1, 2, 3, 4, 5, 6]) assert.match(await outcome(page, row), /Updated/);
  });

  test("an expired token is refreshed once without asking, and the batch goes on", async () => {
    await signIn(page);
    await loadTable(page);
    for (const row of [41, 42, 43, 44]) await (await cell(page, "Tolerance amount", row)).fill(`${row}.5`);
    await sandbox.clearRequests();
    await sandbox.faults([{ path: "/tolerances-batch", after: 1, times: 1, do: "expire_tokens" }]);
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 4 updated, 0 failed, 0 unconfirmed.").waitFor();
    assert.equal(await page.getByRole("dialog", { name: "Sign in again" }).isVisible(), false);
    const refreshes = (await sandbox.requests()).filter((r) => r.path.endsWith("/user-refresh-tokens"));
    assert.equal(refreshes.length, 1);
    assert.equal(refreshes[0].headers["refresh-token"], "[redacted]");
  });

  test("a reload keeps every edit, and switching database asks first and keeps each one's rows apart", async () => {
    await signIn(page);
    await loadTable(page);
    await (await cell(page, "Tolerance amount", 4)).fill("abc");
    await (await cell(page, "Group ID", 5)).fill("GRP777");
    await page.waitForTimeout(600); // the draft is written 400 ms after the last change

    // Leaving with unsent edits asks first; the test says "leave".
    let leaving = "";
    page.once("dialog", (d) => {
      leaving = d.type();
      d.accept();
    });
    await page.reload();
    assert.equal(leaving, "beforeunload");
    await waitForApp(page);
    await signIn(page);
    await page.getByText(/^Restored your draft for DEMO_LIVE \(\d+ rows, saved /).waitFor();
    assert.equal(await (await cell(page, "Tolerance amount", 4)).inputValue(), "abc");
    assert.equal(await rowState(page, 4), "⚠ Has problems");
    assert.equal(await (await cell(page, "Group ID", 5)).inputValue(), "GRP777");
    assert.equal(await rowState(page, 5), "✎ Changed");

    // Switching with unsent edits asks; saying no keeps DEMO_LIVE and its rows.
    const picker = page.getByLabel("Target database");
    let asked = "";
    page.once("dialog", (d) => {
      asked = d.message();
      d.dismiss();
    });
    await picker.selectOption("DEMO_TEST");
    assert.match(asked, /^DEMO_LIVE has 2 rows with edits not sent yet/);
    assert.equal(await picker.inputValue(), "DEMO_LIVE");
    assert.equal(await (await cell(page, "Group ID", 5)).inputValue(), "GRP777");

    // Saying yes shows DEMO_TEST's own (empty) table; DEMO_LIVE's rows do not come along.
    page.once("dialog", (d) => d.accept());
    await picker.selectOption("DEMO_TEST");
    await page.getByText(/^No rows yet/).waitFor();
    await sandbox.clearRequests();
    await loadTable(page);
    const loads = (await sandbox.requests()).filter((r) => r.path.includes("/tolerances"));
    assert.ok(loads.length > 0 && loads.every((r) => r.headers["vbasoftware-database"] === "DEMO_TEST"));

    // And back: DEMO_LIVE's draft is still there.
    await picker.selectOption("DEMO_LIVE");
    await page.getByText(/^Restored your draft for DEMO_LIVE/).waitFor();
    assert.equal(await (await cell(page, "Group ID", 5)).inputValue(), "GRP777");
  });
  test("the database list adds what /client-environments names, and the chosen one shows at all times", async () => {
    const picker = page.getByLabel("Target database");
    await page.locator("#target-database option", { hasText: "DEMO_ARCHIVE" }).waitFor({ state: "attached" });
    assert.deepEqual(await picker.locator("option").allTextContents(), ["DEMO_LIVE", "DEMO_TEST", "DEMO_ARCHIVE"]);
    await signIn(page);
    await loadTable(page);
    assert.equal(await picker.inputValue(), "DEMO_LIVE", "the picker stays on screen after signing in");
    // Suggestions for groups and payment methods come from the API.
    await page.locator("#group-suggestions option").nth(23).waitFor({ state: "attached" });
    await page.locator("#payment-suggestions option").nth(3).waitFor({ state: "attached" });
    const group = await cell(page, "Group ID", 1);
    await group.click();
    assert.equal(await group.getAttribute("list"), "group-suggestions");
  });

  test("a busy API while loading is waited out, not shown as a failure", async () => {
    await signIn(page);
    await sandbox.clearRequests();
    await sandbox.faults([
      { path: "/tolerances", method: "GET", times: 1, do: "status", status: 429, retry_after: 1 },
      { path: "/tolerances", method: "GET", after: 1, times: 1, do: "status", status: 503, body: "html" },
    ]);
    await loadTable(page);
    const pages = (await sandbox.requests()).filter((r) => r.method === "GET" && r.path.endsWith("/tolerances"));
    assert.equal(pages.length, 3, "429, then a gateway's 503 page, then the page itself");
  });

  test("rows typed while a load is on its way are kept, and the load does not replace them", async () => {
    await signIn(page);
    await sandbox.faults([{ path: "/tolerances", method: "GET", times: 1, do: "delay", ms: 1500 }]);
    await page.getByRole("button", { name: /^Load tolerances from/ }).click();
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 1)).fill("4242");
    await page.getByText(/^The tolerances arrived after the table was changed; your changes were kept/).waitFor();
    assert.equal(await (await cell(page, "Tolerance key", 1)).inputValue(), "4242");
    assert.equal(await page.locator("[role=grid]").getAttribute("aria-rowcount"), "2", "one row and the header");
    // Loading again, with nothing typed meanwhile, asks first and then replaces the table.
    page.once("dialog", (d) => d.accept());
    await loadTable(page);
    const loaded = Number((await page.getByText(/^Loaded \d+ tolerances/).innerText()).match(/\d+/)[0]);
    assert.ok(loaded >= 300, `${loaded} rows loaded`);
    assert.equal(await page.locator("[role=grid]").getAttribute("aria-rowcount"), String(loaded + 1));
  });

  test("a load that ends after signing out is not shown to the next sign-in", async () => {
    await signIn(page);
    await sandbox.faults([{ path: "/tolerances", method: "GET", times: 1, do: "delay", ms: 1500 }]);
    const answered = page.waitForResponse((r) => r.url().includes("/tolerances?") && r.request().method() === "GET");
    await page.getByRole("button", { name: /^Load tolerances from/ }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page);
    await page.getByRole("button", { name: /^Load tolerances from/ }).waitFor();
    await answered;
    await page.waitForTimeout(300); // the page read and the load ended
    assert.equal(await page.getByText(/^Loaded \d+ tolerances/).count(), 0);
    assert.equal(await page.locator("[role=grid]").getAttribute("aria-rowcount"), "1", "the header only");
  });

  test("Cancel stops further chunks and leaves the unsent rows as they were", async () => {
    await signIn(page);
    await loadTable(page);
    for (let row = 11; row <= 20; row++) await (await cell(page, "Tolerance amount", row)).fill(`${row}.10`);
    await sandbox.clearRequests();
    await sandbox.faults([{ path: "/tolerances-batch", do: "delay", ms: 1500 }]);
    await submitAndSend(page);
    await page.getByRole("progressbar").waitFor();
    // While rows are on their way, the database cannot change under them.
    assert.equal(await page.getByLabel("Target database").isDisabled(), true);
    await page.getByRole("button", { name: "Cancel" }).click();
    const summary = page.getByText(/^Last submit:/);
    await summary.waitFor();
    // The chunks already sent are answered (at most four are in flight at once); the rest
    // never go, and their rows stay as they were, to be sent next time.
    const sent = (await batchKeys(sandbox)).length;
    assert.ok(sent >= 1 && sent <= 4, `${sent} chunks sent`);
    const unsent = 10 - 2 * sent;
    assert.equal(
      await summary.innerText(),
      `Last submit: 0 created, ${2 * sent} updated, 0 failed, 0 unconfirmed. ${unsent} not sent (cancelled).`,
    );
    assert.equal(await rowState(page, 19), "✎ Changed");
    assert.equal(await (await cell(page, "Tolerance amount", 20)).inputValue(), "20.10");
    assert.match(await page.getByText(/will be sent/).innerText(), new RegExp(`^${unsent} rows will be sent`));
  });

  test("Cancel while a chunk waits to be tried again after a gateway timeout leaves its rows unconfirmed, not unsent", async () => {
    await signIn(page);
    await loadTable(page);
    for (const row of [41, 42]) await (await cell(page, "Tolerance amount", row)).fill(`${row}.40`);
    await sandbox.clearRequests();
    // The gateway times out (the rows may have been saved behind it) and asks for 30 s.
    await sandbox.faults([{ path: "/tolerances-batch", times: 1, do: "status", status: 504, retry_after: 30 }]);
    await submitAndSend(page);
    await page.waitForFunction(() => document.body.textContent.includes("Sending"));
    while ((await batchKeys(sandbox)).length === 0) await page.waitForTimeout(50);
    await page.getByRole("button", { name: "Cancel" }).click();
    const summary = page.getByText(/^Last submit:/);
    await summary.waitFor();
    assert.equal(await summary.innerText(), "Last submit: 0 created, 0 updated, 0 failed, 2 unconfirmed.");
    for (const row of [41, 42]) {
      assert.match(await rowState(page, row), /Unconfirmed$/);
      assert.match(await outcome(page, row), /504/);
    }
    assert.equal((await batchKeys(sandbox)).length, 1, "not tried again after Cancel");
  });

  test("503 and 429 are retried; an API that stays unavailable is shown on the rows with its reason", async () => {
    await signIn(page);
    await loadTable(page);
    await (await cell(page, "Tolerance amount", 30)).fill("3.30");
    await sandbox.clearRequests();
    await sandbox.faults([
      { path: "/tolerances-batch", times: 1, do: "status", status: 503, retry_after: 1 },
      { path: "/tolerances-batch", after: 1, times: 1, do: "status", status: 429, retry_after: 1 },
    ]);
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.").waitFor();
    assert.equal((await batchKeys(sandbox)).length, 3, "sent, 503, sent again, 429, sent again");

    await (await cell(page, "Tolerance amount", 31)).fill("3.31");
    await sandbox.faults([{ path: "/tolerances-batch", do: "status", status: 503, body: "html" }]);
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 0 updated, 1 failed, 0 unconfirmed.").waitFor({ timeout: 60_000 });
    // Read back before it says "not applied": the server kept its own amount, shown beside.
    assert.match(await outcome(page, 31), /^Server has \d+\.\d\d\n✗ 503: .*gave up after 5 tries/);
    assert.equal(await rowState(page, 31), "✗ Failed");
    assert.equal(await (await cell(page, "Tolerance amount", 31)).inputValue(), "3.31", "the edit is kept");
  });

  test("Add, Duplicate and Delete row; deleting is undone by Undo", async () => {
    await signIn(page, { database: "DEMO_TEST" });
    await page.getByRole("button", { name: "Add row" }).click();
    const key = await cell(page, "Tolerance key", 1);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Tolerance key row 1");
    await key.fill("501");
    await (await cell(page, "Tolerance amount", 1)).fill("4.00");
    await (await cell(page, "Group ID", 1)).fill("GRP001");

    await page.getByRole("button", { name: "Duplicate row" }).click();
    assert.equal(await (await cell(page, "Group ID", 2)).inputValue(), "GRP001");
    // The copy has the same key: both rows say so until it gets its own.
    assert.equal(await rowState(page, 1), "⚠ Has problems");
    assert.equal(await rowState(page, 2), "⚠ Has problems");
    await (await cell(page, "Tolerance key", 2)).fill("502");
    assert.equal(await rowState(page, 1), "＋ New");
    assert.match(await page.getByText(/will be sent/).innerText(), /^2 rows will be sent \(2 new/);

    await (await cell(page, "Tolerance key", 1)).click();
    await page.getByRole("button", { name: "Delete row" }).click();
    await page.getByText(/^Row 1 deleted from the table \(not from the database\)/).waitFor();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "2");
    assert.equal(await (await cell(page, "Tolerance key", 1)).inputValue(), "502");

    await page.getByRole("button", { name: "Undo" }).click();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "3");
    assert.equal(await (await cell(page, "Tolerance key", 1)).inputValue(), "501");
    assert.equal(await (await cell(page, "Tolerance key", 2)).inputValue(), "502");
    await page.getByRole("button", { name: "Redo" }).click();
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "2");
  });

  test("a draft that cannot be read is kept aside, and the user is told", async () => {
    await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("tolerance-editor", 1);
          open.onupgradeneeded = () => open.result.createObjectStore("drafts");
          open.onsuccess = () => {
            const tx = open.result.transaction("drafts", "readwrite");
            tx.objectStore("drafts").put("{not a draft", "v1:DEMO_TEST");
            tx.oncomplete = resolve;
            tx.onerror = reject;
          };
        }),
    );
    await page.getByLabel("Target database").selectOption("DEMO_TEST");
    await signIn(page);
    await page.getByText(/^Your draft for DEMO_TEST: the saved draft could not be read/).waitFor();
    const { drafts } = await browserStorage(page);
    const aside = Object.keys(drafts).filter((k) => k.startsWith("unreadable:DEMO_TEST:"));
    assert.equal(aside.length, 1);
    assert.equal(drafts[aside[0]], "{not a draft");
  });

  test("Discard draft empties the table and forgets the saved draft", async () => {
    await signIn(page, { database: "DEMO_TEST" });
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 1)).fill("77");
    await page.waitForTimeout(600);
    const stored = (await browserStorage(page)).drafts;
    const part = Object.keys(stored).find((key) => /^v3:DEMO_TEST:\d+:00000$/.test(key));
    assert.match(stored[part], /"77"/);
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Discard draft" }).click();
    await page.getByText("Draft for DEMO_TEST discarded.").waitFor();
    await page.getByText(/^No rows yet/).waitFor();
    await page.waitForTimeout(600);
    const { drafts } = await browserStorage(page);
    assert.deepEqual(Object.keys(drafts).filter((key) => key.includes("DEMO_TEST")), []);
  });
});

describe("the editor in direct mode", () => {
  let sandbox;
  let browser;
  let dist;

  before(async () => {
    dist = distWithConfig({ mode: "direct", apiBaseUrl: "/" });
    [sandbox, browser] = await Promise.all([startSandbox({ staticDir: dist }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  test("asks for the API key at sign-in, sends it itself, and keeps it out of storage", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    await signIn(page);
    await page.getByRole("alert").filter({ hasText: "Enter the API key" }).waitFor();
    await page.getByLabel("API key").fill("demo-api-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await sandbox.clearRequests();
    await loadTable(page);
    const loads = (await sandbox.requests()).filter((r) => r.path.startsWith("/tolerances"));
    assert.ok(loads.length > 0);
    for (const request of loads) assert.equal(request.headers["x-api-key"], "[redacted: a key of this tenant]");
    await (await cell(page, "Tolerance amount", 1)).fill("6.00");
    await page.waitForTimeout(600);
    const stored = await browserStorage(page);
    assert.ok(
      Object.keys(stored.drafts).some((key) => /^v3:DEMO_LIVE:\d+:00000$/.test(key)),
      "the draft is kept",
    );
    assert.doesNotMatch(JSON.stringify(stored), /demo-api-key/);
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });
});

describe("the editor at 100,000 rows", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up), {
    extraArgs: ["--tenant", path.join(here, "tenant-100k.toml")],
  });

  test("loads every page, edits a far row, and keeps the whole table through a reload", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    await signIn(page);
    await page.getByRole("button", { name: /^Load tolerances from/ }).click();
    await page.getByText("Loaded 100000 tolerances from DEMO_LIVE.").waitFor({ timeout: 120_000 });
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "100001");
    assert.ok((await page.getByRole("row").count()) < 80, "only the rows in view are in the page");

    await (await cell(page, "Tolerance amount", 99_999)).fill("4.44");
    assert.equal(await rowState(page, 99_999), "✎ Changed");
    assert.match(await page.getByText(/will be sent/).innerText(), /^1 row will be sent/);
    await page.waitForTimeout(3_000); // serialising and storing a 100,000-row draft

    page.once("dialog", (d) => d.accept());
    await page.reload();
    await waitForApp(page);
    await signIn(page);
    await page.getByText(/^Restored your draft for DEMO_LIVE \(100000 rows/).waitFor({ timeout: 60_000 });
    assert.equal(await (await cell(page, "Tolerance amount", 99_999)).inputValue(), "4.44");
    assert.equal(await rowState(page, 99_999), "✎ Changed");
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });
});
