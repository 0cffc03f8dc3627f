// The fault matrix, end to end in Chromium (issue 16): for every fault the sandbox can inject,
// 1,200 new rows are submitted in 3 chunks of 400 with the fault on the second chunk; the
// table is read back through the UI (the "Export outcomes" and "Export CSV" downloads, and
// the send counter) and the sandbox's data through its API (the list of the database's
// tolerances). One line per fault: created / updated / failed / unconfirmed as the rows show
// them, and what they would hide:
//   falsely saved  - shown Created or Updated, but the server does not hold those values;
//   lost           - a typed value neither on the server nor still in the table to send;
//   falsely failed - shown Failed ("not applied") while the server holds its value.
// Then the fault is cleared, Submit sends again what is left, and every row must converge:
// all 1,200 shown saved, the server holding every value.
//
// The test fails if falsely saved or lost is non-zero on any line (KNOWN lists a line whose
// figures come from a bug reported but not fixed yet: printed, not failing), or if a fault's
// rows do not converge. Falsely failed is reported (the issue wants it 0 too).
//
// The app's own timeout is 30 s (src/api/error.rs, TIMEOUT_MS, not configurable): a delay
// beyond it costs over 30 s per try. Its fast equivalent is the dropped connection, before
// the request is carried out and after it: for the planner the same "network error or
// timeout" (retried, maybe applied). But Chromium resends a PUT whose connection closed
// without an answer by itself, at once and unseen by the app (up to five times in a row
// here), so a drop reaches the app only when every send is dropped: the "every later try"
// drop lines are the timeout's equivalent. `FAULT_MATRIX_TIMEOUT=1` adds the real thing, a
// 31 s delay on the second chunk (about 32 s more).
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { distDir, launchBrowser, startSandbox, waitForApp, watchedPage } from "./harness.mjs";
import { cell, signIn, submitAndSend } from "./editor.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const tenant = path.join(here, "tenant.toml");
const DATABASE = "DEMO_TEST";
const ROWS = 1_200;
const BATCH = 400;

/** Keys of fault `i`'s rows: base+1 … base+1200; chunk 2 holds base+401 … base+800. */
const baseOf = (i) => 1_000_000 + i * 10_000;
/** A few keys of the second chunk. */
const chunk2Keys = (base) => [base + 401, base + 450, base + 600, base + 777, base + 800];

// The second PUT /tolerances-batch the sandbox receives is the second chunk's first try (the
// chunks leave in order, paced); `times: 1` leaves its retries alone unless said otherwise.
const second = { path: "/tolerances-batch", method: "PUT", after: 1, times: 1 };
const FAULTS = [
  ["401 (token expired)", () => [{ ...second, do: "status", status: 401 }]],
  ["403", () => [{ ...second, do: "status", status: 403 }]],
  ["429 (Retry-After 1)", () => [{ ...second, do: "status", status: 429, retry_after: 1 }]],
  ["500", () => [{ ...second, do: "status", status: 500 }]],
  ["502", () => [{ ...second, do: "status", status: 502 }]],
  ["503 (Retry-After 1)", () => [{ ...second, do: "status", status: 503, retry_after: 1 }]],
  ["504", () => [{ ...second, do: "status", status: 504 }]],
  ["502 HTML page", () => [{ ...second, do: "status", status: 502, body: "html" }]],
  ["500 truncated envelope", () => [{ ...second, do: "status", status: 500, body: "truncated" }]],
  ["207 with data: null", () => [{ ...second, do: "status", status: 207 }]],
  ["200 with data: null", () => [{ ...second, do: "status", status: 200 }]],
  ["207 truncated after apply", () => [{ ...second, do: "truncate", keep: 0.5 }]],
  // Chromium itself sends a PUT again, at once and unseen by the app, when a reused
  // connection closes without an answer: one drop is hidden from the app (its request is
  // answered by the browser's resend); three in a row reach it as a network error.
  ["drop before apply, once", () => [{ ...second, do: "drop" }]],
  ["drop after apply, once", () => [{ ...second, do: "drop", after_apply: true }]],
  ["drop before apply ×3", () => [{ ...second, times: 3, do: "drop" }]],
  ["drop after apply ×3", () => [{ ...second, times: 3, do: "drop", after_apply: true }]],
  ["missing items", (base) => [{ path: "/tolerances-batch", do: "omit_items", keys: chunk2Keys(base) }]],
  ["extra item", (base) => [{ ...second, do: "add_item", key: base + 5_000, status: 200 }]],
  ["string ids", () => [{ ...second, do: "ids_as_strings" }]],
  ["failed items (500)", (base) => [{ path: "/tolerances-batch", do: "fail_items", keys: chunk2Keys(base) }]],
  [
    "failed items (400)",
    (base) => [{ path: "/tolerances-batch", do: "fail_items", keys: chunk2Keys(base), status: 400, body: "Rejected by a rule" }],
  ],
  // A resend's answer after a send that was applied (issue 16, point 3). Chromium resends a
  // PUT whose connection closed without an answer by itself, at once and unseen by the app
  // (up to five times in a row here; the app's own retry is reached only when every send is
  // dropped, the "every later try" line below): the second chunk's send is carried out and
  // its connection dropped, and the browser's resend is answered with an error, which the
  // app takes as the answer to its first and only try. The failed items' keys are those of
  // the second chunk, on every request after the second (the dropped one writes them); the
  // whole-request answers hit the third request, which is the browser's resend of the second
  // chunk or the third chunk, as the timing falls (the line's chunk order says which).
  // Nothing in such a refusal (a 207 with `data: null` and an error, or items 400/500) tells
  // it from the answer to a first send, and any request can be resent this way, so the app
  // holds every refusal back as unconfirmed and reads the refused rows' keys from the server
  // (pages of the list) before one reads "not applied": rows found holding their values are
  // saved; the summary counts them ("found saved on the server when read back").
  ...["207 with data: null", "500", "failed items (500)", "failed items (400)"].map((answer) => [
    `drop after apply, browser's resend: ${answer}`,
    (base) => [
      { ...second, do: "drop", after_apply: true },
      answer === "207 with data: null" || answer === "500"
        ? { path: "/tolerances-batch", method: "PUT", after: 2, times: 1, do: "status", status: answer === "500" ? 500 : 207 }
        : {
            path: "/tolerances-batch",
            method: "PUT",
            after: 2,
            do: "fail_items",
            keys: chunk2Keys(base),
            ...(answer === "failed items (400)" ? { status: 400, body: "Rejected by a rule" } : {}),
          },
    ],
  ]),
  // The same faults on every try of every chunk after the first (chunks 2 and 3): the
  // planner gives up, and the rows must say what may have happened.
  ["503 on every later try", () => [{ path: "/tolerances-batch", method: "PUT", after: 1, do: "status", status: 503, retry_after: 1 }]],
  ["504 on every later try", () => [{ path: "/tolerances-batch", method: "PUT", after: 1, do: "status", status: 504, retry_after: 1 }]],
  ["drop before apply, every later try", () => [{ path: "/tolerances-batch", method: "PUT", after: 1, do: "drop" }]],
  ["drop after apply, every later try", () => [{ path: "/tolerances-batch", method: "PUT", after: 1, do: "drop", after_apply: true }]],
];
if (process.env.FAULT_MATRIX_TIMEOUT) {
  FAULTS.push(["delay 31 s (real timeout)", () => [{ ...second, do: "delay", ms: 31_000 }]]);
}

// FAULT_MATRIX_ONLY=regex runs the faults whose name matches (to look at one closely).
if (process.env.FAULT_MATRIX_ONLY) {
  const only = new RegExp(process.env.FAULT_MATRIX_ONLY, "i");
  FAULTS.splice(0, FAULTS.length, ...FAULTS.filter(([name]) => only.test(name)));
}

/** Lines whose falsely saved or lost figures come from a known, reported bug: fault name →
 * message. Printed as KNOWN FAILURE in the table instead of failing the test. */
const KNOWN = {};

/** A copy of the built app with some of config.json's settings changed. */
function distWithConfig(changes) {
  const dir = mkdtempSync(path.join(tmpdir(), "dist-config-"));
  cpSync(distDir(), dir, { recursive: true });
  const config = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"));
  writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, ...changes }));
  return dir;
}

/** The sandbox's data, read as any API client reads it (through the gateway, which adds the
 * key): every tolerance of `database`, key → amount. */
const tokens = new Map();
async function serverAmounts(url, database) {
  const headers = {
    "vbasoftware-client-id": "demo-client",
    "vbasoftware-client-code": "demo",
    "vbasoftware-database": database,
  };
  // One sign-in for the whole run: the sandbox allows 60 a minute per user, and the app
  // signs in once per fault.
  if (!tokens.has(database)) {
    const signedIn = await fetch(`${url}/vbapi/user-authentication`, {
      method: "POST",
      headers: { ...headers, authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}` },
    });
    assert.equal(signedIn.status, 200, await signedIn.clone().text());
    tokens.set(database, (await signedIn.json()).data.authenticationResult.idToken);
  }
  const token = tokens.get(database);
  const amounts = new Map();
  for (let page = 1; ; page++) {
    const response = await fetch(`${url}/vbapi/tolerances?page=${page}&pageSize=10000&sortBy=tolerance_Key:asc`, {
      headers: { ...headers, authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200, await response.clone().text());
    for (const t of (await response.json()).data) amounts.set(t.tolerance_Key, t.tolerance1);
    const { TotalPages } = JSON.parse(response.headers.get("x-pagination"));
    if (page >= TotalPages) return amounts;
  }
}

/** A CSV download's lines (BOM and CRLF off), header first, each split on its commas (the
 * first columns read here never hold one). */
async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
  const text = readFileSync(await file.path(), "utf8").replace(/^\uFEFF/, "").trim();
  return text ? text.split("\r\n").map((line) => line.split(",")) : [];
}

/** "N rows will be sent (…)" as its number. */
const toSend = async (page) => Number(/^(\d+)/.exec(await page.locator(".send-counter").innerText())[1]);

/** Waits until no submit runs (its Cancel button gone) and one has ended (its summary). */
async function submitEnded(page, timeout = 120_000) {
  await page.waitForFunction(
    () =>
      document.querySelector(".submit-summary") &&
      ![...document.querySelectorAll(".submit-bar button")].some((b) => b.textContent.trim() === "Cancel"),
    null,
    { timeout, polling: 100 },
  );
  return page.locator(".submit-summary").innerText();
}

/** What the rows show against what the server holds. */
async function readBack(page, url, typed) {
  const outcomes = await download(page, "Export outcomes");
  assert.deepEqual(outcomes[0]?.slice(0, 2), ["Tolerance key", "Outcome"]);
  const shown = new Map(outcomes.slice(1).map(([key, kind]) => [Number(key), kind]));
  const table = await download(page, "Export CSV");
  assert.deepEqual(table[0]?.slice(0, 2), ["Tolerance key", "Tolerance amount"]);
  const inTable = new Map(table.slice(1).map(([key, amount]) => [Number(key), amount]));
  const server = await serverAmounts(url, DATABASE);
  const sending = await toSend(page);

  const line = { created: 0, updated: 0, failed: 0, unconfirmed: 0, unsent: 0, falselySaved: 0, lost: 0, falselyFailed: 0, strays: 0 };
  const wrong = [];
  let noOutcome = 0;
  for (const [key, amount] of typed) {
    const held = server.has(key) && server.get(key) === Number(amount);
    const kind = shown.get(key);
    const kept = inTable.has(key) && Number(inTable.get(key)) === Number(amount);
    if (kind === "Created") line.created++;
    else if (kind === "Updated") line.updated++;
    else if (kind === "Failed") line.failed++;
    else if (kind === "Unconfirmed") line.unconfirmed++;
    else if (kind === undefined) noOutcome++;
    else assert.fail(`row ${key}: outcome ${kind}`);
    const saved = kind === "Created" || kind === "Updated";
    if (saved && !held) {
      line.falselySaved++;
      wrong.push(`${key} shown ${kind}, server ${server.get(key) ?? "none"}`);
    }
    // Still to send: in the table with its value, and not shown as saved.
    if (!held && (saved || !kept)) {
      line.lost++;
      wrong.push(`${key} lost (${kind ?? "no outcome"}, table ${inTable.get(key) ?? "none"})`);
    }
    if (kind === "Failed" && held) line.falselyFailed++;
  }
  line.unsent = noOutcome;
  // Rows without an outcome are New (to send), unless the counter says fewer rows go than
  // failed + unconfirmed + those: then some show Unchanged, which only a known baseline may.
  const unchanged = line.failed + line.unconfirmed + noOutcome - sending;
  if (unchanged > 0) {
    const notHeld = [...typed].filter(([key, amount]) => !shown.has(key) && server.get(key) !== Number(amount)).length;
    line.falselySaved += Math.min(unchanged, notHeld);
    line.lost += Math.min(unchanged, notHeld);
    if (notHeld) wrong.push(`${unchanged} rows without an outcome are not counted as to send, ${notHeld} of them not on the server`);
  }
  // Keys the server holds in this fault's range that nobody typed (an extra item must not
  // create one).
  const [low, high] = [Math.min(...typed.keys()), Math.max(...typed.keys())];
  for (const key of server.keys()) if (key >= low && key <= high + 10_000 - ROWS && !typed.has(key)) line.strays++;
  return { line, wrong, sending, server };
}

describe("the fault matrix", () => {
  let sandbox;
  let browser;
  let dist;

  before(async () => {
    dist = distWithConfig({ batchSize: BATCH });
    [sandbox, browser] = await Promise.all([
      startSandbox({ staticDir: dist, extraArgs: ["--tenant", tenant, "--rate-limit", "off"] }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  test(`${FAULTS.length} faults × ${ROWS} new rows in ${ROWS / BATCH} chunks, the fault on the second: nothing falsely saved, nothing lost, all converge`, async () => {
    const started = Date.now();
    const rows = [];
    const failures = [];
    for (const [i, [name, rules]] of FAULTS.entries()) {
      const faultStarted = Date.now();
      const base = baseOf(i);
      const typed = new Map();
      const lines = [];
      for (let j = 1; j <= ROWS; j++) {
        // Amounts differ per fault and per row: the server holding "a" value is not enough.
        const amount = `${(j % 97) + 1}.${String((i * 7 + j) % 100).padStart(2, "0")}`;
        typed.set(base + j, amount);
        lines.push(`${base + j}\t${amount}\tGRP003\tACH`);
      }

      const { page, context, problems } = await watchedPage(browser);
      // The PUTs the app made (the browser's own resends are not seen here).
      let appSent = 0;
      page.on("request", (r) => {
        if (r.method() === "PUT" && r.url().endsWith("/tolerances-batch")) appSent++;
      });
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sandbox.url });
      page.on("dialog", (d) => d.accept());
      await page.goto(sandbox.url);
      await waitForApp(page);
      await signIn(page, { database: DATABASE });
      await page.getByRole("button", { name: "Add row" }).click();
      await (await cell(page, "Tolerance key", 1)).click();
      await page.evaluate((text) => navigator.clipboard.writeText(text), lines.join("\r\n") + "\r\n");
      await page.keyboard.press("Control+V");
      await page.getByText(`Pasted ${ROWS * 4} cells`, { exact: false }).waitFor({ timeout: 60_000 });
      assert.equal(await toSend(page), ROWS);

      await sandbox.clearFaults();
      await sandbox.clearRequests();
      await sandbox.faults(rules(base));
      await submitAndSend(page);
      const summary = await submitEnded(page);
      // Which chunk each PUT carried, in the order the sandbox received them ("1 2 2 3").
      const order = (await sandbox.requests())
        .filter((r) => r.path.endsWith("/tolerances-batch"))
        .map((r) => Math.ceil((JSON.parse(r.body)[0].tolerance_Key - base) / BATCH));
      const batches = order.length;
      const appSends = appSent;
      const first = await readBack(page, sandbox.url, typed);

      // The fault goes away; what is left is sent again, and everything converges.
      await sandbox.clearFaults();
      let converged = first.sending === 0;
      let resendSummary = "(nothing to send)";
      if (!converged) {
        const button = (await page.getByRole("button", { name: "Resend failed" }).count()) ? "Resend failed" : "Submit";
        await submitAndSend(page, { button });
        if (button === "Resend failed" && first.line.unsent > 0) {
          // Resend failed sends failed and unconfirmed rows only; Submit the rest.
          await submitEnded(page);
          if ((await toSend(page)) > 0) await submitAndSend(page);
        }
        try {
          await page.waitForFunction(
            () =>
              /^0 rows will be sent/.test(document.querySelector(".send-counter")?.textContent ?? "") &&
              ![...document.querySelectorAll(".submit-bar button")].some((b) => b.textContent.trim() === "Cancel"),
            null,
            { timeout: 90_000, polling: 100 },
          );
        } catch {
          // Reported below: the rows did not converge.
        }
        resendSummary = await page.locator(".submit-summary").innerText();
      }
      const second = await readBack(page, sandbox.url, typed);
      const allHeld = [...typed].every(([key, amount]) => second.server.get(key) === Number(amount));
      converged =
        allHeld && second.sending === 0 && second.line.created + second.line.updated === ROWS && second.line.falselySaved === 0;

      const l = first.line;
      const row = {
        fault: name,
        created: l.created,
        updated: l.updated,
        failed: l.failed,
        unconfirmed: l.unconfirmed,
        "not sent": l.unsent,
        "falsely saved": l.falselySaved,
        lost: l.lost,
        "falsely failed": l.falselyFailed,
        strays: l.strays + second.line.strays,
        "PUTs (app/server)": `${appSends}/${batches}`,
        converged: converged ? "yes" : "NO",
        s: Math.round((Date.now() - faultStarted) / 100) / 10,
      };
      const bad = l.falselySaved + l.lost + second.line.lost > 0;
      if (l.falselyFailed > 0) {
        row.note = name.includes("browser's resend")
          ? "falsely failed: the app saw one try, answered through Chromium's resend of a send already applied"
          : "falsely failed";
      }
      if (bad && KNOWN[name]) row.note = `KNOWN FAILURE: ${KNOWN[name]}`;
      rows.push(row);
      console.log(`${name} [chunks sent: ${order.join(" ")}]: ${summary} | resend: ${resendSummary}${first.wrong.length ? ` | ${first.wrong.slice(0, 5).join("; ")}` : ""}`);
      if (bad && !KNOWN[name]) failures.push(`${name}: ${l.falselySaved} falsely saved, ${l.lost} lost (${first.wrong.slice(0, 5).join("; ")})`);
      if (!converged) failures.push(`${name}: did not converge after the fault was cleared (${resendSummary}; ${second.wrong.slice(0, 5).join("; ")})`);
      if (l.strays + second.line.strays > 0) failures.push(`${name}: the server holds keys nobody typed`);
      if (problems.pageErrors.length) failures.push(`${name}: page errors ${problems.pageErrors.join("; ")}`);
      if (problems.cspViolations.length) failures.push(`${name}: CSP violations ${JSON.stringify(problems.cspViolations)}`);
      await context.close();
    }
    console.log(`\nFault matrix: ${ROWS} new rows, batchSize ${BATCH}, the fault on the second chunk (${Math.round((Date.now() - started) / 1000)} s)`);
    console.table(rows);
    const falselyFailed = rows.reduce((sum, r) => sum + r["falsely failed"], 0);
    console.log(`falsely failed in all: ${falselyFailed}${falselyFailed ? " (the issue wants 0)" : ""}`);
    assert.deepEqual(failures, []);
  });
});
