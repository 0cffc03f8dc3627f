// The draft kept in the browser through the worst moments: a reload or a closed tab in the
// middle of a 100,000-row paste, of a 100,000-row import and of a submit, at random points,
// finds every edit made before it (and the big change either whole or not at all); rows
// whose batch reached the server never come back as "not sent". And two tabs on one
// database: one edits, the other says so and can take over, and no draft is written over.
//
// DRAFT_RELOADS=N runs N reloads per scenario (default: a few each, for CI).
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";
import { cell, loadTable, rowState, signIn, submitAndSend } from "./editor.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const RELOADS = Number(process.env.DRAFT_RELOADS ?? 0);
const BIG = 100_000;

/** A fresh browser context (its own IndexedDB) with the app signed in on `database`. */
async function freshEditor(browser, url, database = "DEMO_TEST") {
  const watched = await watchedPage(browser);
  await watched.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
  await open(watched.page, url, database);
  return watched;
}

async function open(page, url, database) {
  page.on("dialog", (d) => d.accept()); // "Leave the page?" with unsent edits: yes
  await page.goto(url);
  await waitForApp(page);
  await signIn(page, { database });
}

/** Two edits: row 1 given time to be saved, row 2 typed just before what follows. */
async function typeEdits(page, tag) {
  await page.getByRole("button", { name: "Add row" }).click();
  await (await cell(page, "Tolerance key", 1)).fill(`${tag}1`);
  await (await cell(page, "Tolerance amount", 1)).fill("1.11");
  await page.waitForTimeout(600);
  await page.getByRole("button", { name: "Add row" }).click();
  await (await cell(page, "Tolerance key", 2)).fill(`${tag}2`);
  await (await cell(page, "Tolerance amount", 2)).fill("2.22");
}

/** Reloads the page (even runs: the browser's reload) or closes the tab without a word
 * and opens the app again in a new one (odd runs); answers the page to go on with. */
async function interrupt(page, context, url, database, run) {
  if (run % 2 === 0) {
    await page.reload();
    await waitForApp(page);
    await signIn(page, { database });
    return page;
  }
  await page.close({ runBeforeUnload: false });
  const next = await context.newPage();
  await open(next, url, database);
  return next;
}

/** The rows restored, from the notice that says so. */
async function restoredRows(page, database) {
  const text = await page
    .getByText(new RegExp(`^Restored your draft for ${database} \\(\\d+ rows`))
    .innerText({ timeout: 60_000 });
  return Number(/\((\d+) rows/.exec(text)[1]);
}

/** The edits of `typeEdits`: row 1 always; row 2 unless `rows` says the draft restored is
 * the one saved before it was typed (a page gone within a few milliseconds of the key
 * press, before the draft written as the change began was committed). */
async function expectEdits(page, tag, rows) {
  assert.equal(await (await cell(page, "Tolerance key", 1)).inputValue(), `${tag}1`);
  assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "1.11");
  if (rows === 1) return;
  assert.equal(await (await cell(page, "Tolerance key", 2)).inputValue(), `${tag}2`);
  assert.equal(await (await cell(page, "Tolerance amount", 2)).inputValue(), "2.22");
}

/** Interruptions this soon after the key press (or click) may come before the draft written
 * as the change begins is committed: then the draft before the last edits is restored. */
const SETTLING_MS = 100;

/** A random wait in [0, ms), whole milliseconds. */
const randomUpTo = (ms) => Math.floor(Math.random() * ms);

/** The draft as stored for `database`: its rows, read the way the app reads them. */
async function storedDraft(page, database) {
  return page.evaluate(
    (database) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("tolerance-editor");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction("drafts").objectStore("drafts");
          const manifest = store.get(`v3:${database}`);
          manifest.onsuccess = () => {
            if (!manifest.result) return resolve(null);
            const { parts } = JSON.parse(manifest.result);
            const texts = parts.map((version, chunk) =>
              store.get(`v3:${database}:${version}:${String(chunk).padStart(5, "0")}`),
            );
            let left = texts.length;
            if (!left) resolve([]);
            for (const request of texts) {
              request.onsuccess = () => {
                if (--left === 0) resolve(texts.flatMap((r) => JSON.parse(r.result)));
              };
            }
          };
        };
      }),
    database,
  );
}

/** "N rows will be sent (a new, b changed, c to resend…)" as numbers. */
async function toSend(page) {
  const text = await page.locator(".send-counter").innerText();
  const number = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1] ?? 0);
  return { rows: Number(/^(\d+)/.exec(text)[1]), new: number("new"), changed: number("changed"), resend: number("to resend") };
}

describe("a draft that cannot be half-written", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up), { extraArgs: ["--tenant", path.join(here, "tenant.toml")] });

  test("a reload or a closed tab at any moment of a 100,000-row paste keeps every edit made before it", async () => {
    const lines = [];
    for (let i = 1; i <= BIG; i++) lines.push(`${i}\t${(i % 50) + 1}.25\tGRP001\tACH`);
    const clipboard = lines.join("\r\n") + "\r\n";
    let took = 0;
    const runs = RELOADS || 6;
    const seen = { earlier: 0, before: 0, after: 0 };
    const started = Date.now();
    for (let run = 0; run <= runs; run++) {
      const tag = 70 + run;
      let { page, context, problems } = await freshEditor(browser, sandbox.url);
      await typeEdits(page, tag);
      await page.getByRole("button", { name: "Add row" }).click();
      await (await cell(page, "Tolerance key", 3)).click();
      await page.evaluate((text) => navigator.clipboard.writeText(text), clipboard);
      const pasted = Date.now();
      await page.keyboard.press("Control+V");
      let at;
      if (run === 0) {
        // The first paste runs to its end: how long a paste takes, and the whole of it kept.
        await page.getByText(/^Pasted 400000 cells, adding 99999 rows/).waitFor({ timeout: 120_000 });
        took = Date.now() - pasted;
        await page.waitForTimeout(5_000);
        at = took;
      } else {
        // Anywhere from the key press to well after the paste ended (its save).
        at = randomUpTo(took * 1.5);
        await page.waitForTimeout(at);
      }
      page = await interrupt(page, context, sandbox.url, "DEMO_TEST", run);
      const rows = await restoredRows(page, "DEMO_TEST");
      const versions = at < SETTLING_MS ? [1, 3, 3 + BIG - 1] : [3, 3 + BIG - 1];
      assert.ok(versions.includes(rows), `run ${run} at ${at} ms: ${rows} rows restored, neither before nor after the paste`);
      if (run === 0) assert.equal(rows, 3 + BIG - 1, "a paste that ended and was saved is kept whole");
      seen[rows === 1 ? "earlier" : rows === 3 ? "before" : "after"]++;
      await expectEdits(page, tag, rows);
      assert.deepEqual(problems.pageErrors, []);
      console.log(`paste run ${run}: interrupted at ${at} ms of a ${took} ms paste, ${rows} rows restored`);
      await context.close();
    }
    console.log(
      `paste: ${runs} random interruptions (${seen.before} found the draft before the paste, ${seen.after} after it, ${seen.earlier} the one before the last edit) in ${Date.now() - started} ms`,
    );
  });

  test("a reload or a closed tab at any moment of a 100,000-row import keeps every edit made before it", async () => {
    const lines = ["Tolerance key,Tolerance amount,Group ID,Payment method"];
    for (let i = 1; i <= BIG; i++) lines.push(`${200_000 + i},${(i % 50) + 1}.75,GRP002,CHECK`);
    const file = { name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\r\n")) };
    let took = 0;
    const runs = RELOADS || 4;
    const started = Date.now();
    for (let run = 0; run <= runs; run++) {
      const tag = 80 + run;
      let { page, context, problems } = await freshEditor(browser, sandbox.url);
      await typeEdits(page, tag);
      await page.getByLabel("Import CSV").setInputFiles(file);
      const preview = page.getByRole("region", { name: "Import preview" });
      await preview.getByText(`${BIG} rows will be added`).waitFor({ timeout: 60_000 });
      const applied = Date.now();
      await preview.getByRole("button", { name: "Apply import" }).click();
      let at;
      if (run === 0) {
        await page.getByText(/^Imported big\.csv: 100000 rows added/).waitFor({ timeout: 120_000 });
        took = Date.now() - applied;
        await page.waitForTimeout(5_000);
        at = took;
      } else {
        at = randomUpTo(took * 1.5);
        await page.waitForTimeout(at);
      }
      page = await interrupt(page, context, sandbox.url, "DEMO_TEST", run);
      const rows = await restoredRows(page, "DEMO_TEST");
      const versions = at < SETTLING_MS ? [1, 2, 2 + BIG] : [2, 2 + BIG];
      assert.ok(versions.includes(rows), `run ${run} at ${at} ms: ${rows} rows restored, neither before nor after the import`);
      if (run === 0) assert.equal(rows, 2 + BIG);
      await expectEdits(page, tag, rows);
      assert.deepEqual(problems.pageErrors, []);
      console.log(`import run ${run}: interrupted at ${at} ms of a ${took} ms import, ${rows} rows restored`);
      await context.close();
    }
    console.log(`import: ${runs} random interruptions in ${Date.now() - started} ms`);
  });

  test("a reload or a closed tab at any moment of a submit keeps every row, and no row the server received comes back as not sent", async () => {
    const ROWS = 3_000;
    let took = 0;
    const runs = RELOADS || 6;
    const started = Date.now();
    for (let run = 0; run <= runs; run++) {
      const base = 100_000 + run * 10_000;
      let { page, context, problems } = await freshEditor(browser, sandbox.url);
      await page.getByRole("button", { name: "Add row" }).click();
      await (await cell(page, "Tolerance key", 1)).click();
      const lines = [];
      for (let i = 1; i <= ROWS; i++) lines.push(`${base + i}\t${i % 90}.5\tGRP003\tACH`);
      await page.evaluate((text) => navigator.clipboard.writeText(text), lines.join("\r\n") + "\r\n");
      await page.keyboard.press("Control+V");
      await page.getByText(/^Pasted 12000 cells/).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1_000);
      await sandbox.clearRequests();
      // From Send: the review before it is not part of the submit being interrupted.
      await submitAndSend(page);
      const submitted = Date.now();
      let at;
      if (run === 0) {
        await page.getByText(`Last submit: ${ROWS} created, 0 updated, 0 failed, 0 unconfirmed.`).waitFor({ timeout: 60_000 });
        took = Date.now() - submitted;
        at = took;
      } else {
        at = randomUpTo(took * 1.3);
        await page.waitForTimeout(at);
      }
      page = await interrupt(page, context, sandbox.url, "DEMO_TEST", run);
      assert.equal(await restoredRows(page, "DEMO_TEST"), ROWS, `run ${run} at ${at} ms`);
      // Every row is there with its values; every row whose batch the server received is
      // marked as sent (being sent, or answered), never as a row still to send.
      const received = new Set(
        (await sandbox.requests())
          .filter((r) => r.path.endsWith("/tolerances-batch"))
          .flatMap((r) => JSON.parse(r.body).map((t) => t.tolerance_Key)),
      );
      const rows = await storedDraft(page, "DEMO_TEST");
      assert.equal(rows.length, ROWS);
      let claimedUnsent = 0;
      rows.forEach((row, i) => {
        assert.equal(row.cells[0], String(base + i + 1));
        assert.equal(row.cells[1], `${(i + 1) % 90}.5`);
        const sent = row.pending || row.outcome !== null;
        if (!sent) claimedUnsent++;
        assert.ok(sent || !received.has(base + i + 1), `run ${run} at ${at} ms: row ${i + 1} reached the server but is stored as not sent`);
      });
      // The page says the same: only rows never received are "new" (to send for the first time).
      const counts = await toSend(page);
      assert.ok(counts.new <= ROWS - received.size, `run ${run}: ${counts.new} new, but the server received ${received.size} of ${ROWS}`);
      assert.equal(counts.new, claimedUnsent);
      if (counts.resend > 0) {
        const first = rows.findIndex((r) => r.pending || r.outcome?.kind === "Unconfirmed");
        assert.match(await rowState(page, first + 1), /Unconfirmed$/);
      }
      // And sending again converges: every row saved, none failed.
      if (counts.rows > 0) {
        await submitAndSend(page);
        await page.getByText(/^Last submit: \d+ created, \d+ updated, 0 failed, 0 unconfirmed\./).waitFor({ timeout: 60_000 });
      }
      assert.equal((await toSend(page)).rows, 0);
      assert.deepEqual(problems.pageErrors, []);
      console.log(`submit run ${run}: interrupted at ${at} ms of a ${took} ms submit; the server had received ${received.size} rows, ${counts.resend} came back unconfirmed, ${counts.new} new`);
      await context.close();
    }
    console.log(`submit: ${runs} random interruptions in ${Date.now() - started} ms`);
  });
});

describe("one database, one editor, across tabs", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up), { extraArgs: ["--tenant", path.join(here, "tenant.toml")] });

  test("a second tab says the database is edited in another tab, takes over on request, and no draft is written over", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const a = await context.newPage();
    const b = await context.newPage();
    const pageErrors = [];
    for (const page of [a, b]) {
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      page.on("dialog", (d) => d.accept());
    }
    const elsewhere = (page) => page.getByRole("alert", { name: "Edited in another tab" });

    await a.goto(sandbox.url);
    await waitForApp(a);
    await signIn(a);
    await loadTable(a);
    await (await cell(a, "Tolerance amount", 5)).fill("55.55");

    // B opens the same database: it says plainly that A edits it, shows none of it.
    await b.goto(sandbox.url);
    await waitForApp(b);
    await signIn(b);
    await elsewhere(b).getByText("DEMO_LIVE is being edited in another tab of this browser.", { exact: false }).waitFor();
    assert.equal(await b.getByRole("grid").getAttribute("aria-rowcount"), "1");
    assert.equal(await elsewhere(a).count(), 0);

    // A types once more, and at once B takes over: A saves first, then stops.
    await (await cell(a, "Tolerance amount", 6)).fill("66.66");
    await elsewhere(b).getByRole("button", { name: "Edit here instead" }).click();
    await b.getByText(/^Restored your draft for DEMO_LIVE \(300 rows/).waitFor({ timeout: 30_000 });
    await elsewhere(a).getByText("DEMO_LIVE is being edited in another tab of this browser.", { exact: false }).waitFor();
    assert.equal(await elsewhere(b).count(), 0);
    assert.equal(await a.getByRole("grid").getAttribute("aria-rowcount"), "1", "A shows nothing of it any more");
    assert.equal(await (await cell(b, "Tolerance amount", 5)).inputValue(), "55.55");
    assert.equal(await (await cell(b, "Tolerance amount", 6)).inputValue(), "66.66");

    // B edits; A, reloaded, still does not write over it; A takes it back with B's edit.
    await (await cell(b, "Tolerance amount", 10)).fill("99.99");
    await a.reload();
    await waitForApp(a);
    await signIn(a);
    await elsewhere(a).waitFor();
    await elsewhere(a).getByRole("button", { name: "Edit here instead" }).click();
    await a.getByText(/^Restored your draft for DEMO_LIVE \(300 rows/).waitFor({ timeout: 30_000 });
    for (const [row, amount] of [[5, "55.55"], [6, "66.66"], [10, "99.99"]]) {
      assert.equal(await (await cell(a, "Tolerance amount", row)).inputValue(), amount);
    }
    await elsewhere(b).waitFor();

    // Another database is free in B meanwhile: the picker is not locked there.
    await b.getByLabel("Target database").selectOption("DEMO_TEST");
    await b.getByText(/^No rows yet/).waitFor();
    assert.equal(await elsewhere(b).count(), 0);

    // Closing the editing tab frees the database: the browser lets go of its lock at once or
    // a moment later, and then the other tab edits it without waiting for anyone.
    await a.close({ runBeforeUnload: false });
    await b.getByLabel("Target database").selectOption("DEMO_LIVE");
    const restored = b.getByText(/^Restored your draft for DEMO_LIVE \(300 rows/);
    await restored.or(elsewhere(b)).waitFor();
    if (await elsewhere(b).isVisible()) await elsewhere(b).getByRole("button", { name: "Edit here instead" }).click();
    await restored.waitFor({ timeout: 30_000 });
    assert.equal(await (await cell(b, "Tolerance amount", 10)).inputValue(), "99.99");
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
