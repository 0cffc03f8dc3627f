// A user's moves in the editor, found the way a person finds them: by label, role and text.
import assert from "node:assert/strict";
import { afterEach, beforeEach } from "node:test";
import { waitForApp, watchedPage } from "./harness.mjs";

/** The editable columns' titles, in the grid's order (after the Row column). */
export const COLUMNS = ["Tolerance key", "Tolerance amount", "Group ID", "Payment method"];

/** The editable cell `title` of row `row` (1-based), scrolled into view first. */
export async function cell(page, title, row) {
  await page.evaluate((index) => {
    const grid = document.querySelector("[role=grid]");
    const top = index * 32;
    if (top < grid.scrollTop || top > grid.scrollTop + grid.clientHeight - 96) {
      grid.scrollTop = Math.max(0, top - 64);
    }
  }, row - 1);
  const found = new Cell(page, title, row);
  await found.box.waitFor();
  return found;
}

/** A cell of the grid, found as a person finds it: by its row's number in the row's header
 * and its column. Its text is on the page; the one input of the grid is in the active cell,
 * labelled "<column> row <n>". */
class Cell {
  constructor(page, title, row) {
    const number = page.locator(".row-number", { hasText: new RegExp(`^${row}$`) });
    this.box = page
      .getByRole("row")
      .filter({ has: number })
      .locator(`[role=gridcell][aria-colindex="${COLUMNS.indexOf(title) + 2}"]`);
    this.input = page.getByLabel(`${title} row ${row}`, { exact: true });
  }

  click(options) {
    return this.box.click(options);
  }

  dblclick(options) {
    return this.box.dblclick(options);
  }

  boundingBox() {
    return this.box.boundingBox();
  }

  locator(selector) {
    return this.box.locator(selector);
  }

  /** Makes the cell active (a click) unless it is, and fills its input. */
  async fill(text) {
    if (!(await this.input.count())) await this.box.click();
    await this.input.fill(text);
  }

  /** What the cell holds: its input's value while it is active, else its text. */
  async inputValue() {
    if (await this.input.count()) return this.input.inputValue();
    return this.box.locator(".cell-text").textContent();
  }

  /** An attribute of the cell's input; the cell must be the active one. */
  async getAttribute(name) {
    assert.equal(await this.input.count(), 1, "the cell is not the active one: it has no input");
    return this.input.getAttribute(name);
  }
}

export async function signIn(page, { user = "demo", password = "demo", database } = {}) {
  if (database) await page.getByLabel("Target database").selectOption(database);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function loadTable(page) {
  await page.getByRole("button", { name: /^Load tolerances from/ }).click();
  await page.getByText(/^Loaded \d+ tolerances from/).waitFor();
}

/** The text of row `row`'s Outcome cell. */
export async function outcome(page, row) {
  const input = await cell(page, "Tolerance key", row);
  return input.locator("xpath=ancestor::*[@role='row']").locator(".col-outcome").innerText();
}

/** The state shown in row `row`'s header cell ("Changed", "New", …). */
export async function rowState(page, row) {
  const input = await cell(page, "Tolerance key", row);
  return (await input.locator("xpath=ancestor::*[@role='row']").locator(".row-state").innerText()).trim();
}

/** Everything the app keeps in the browser: localStorage, sessionStorage and its IndexedDB
 * drafts (key → stored text). */
export async function browserStorage(page) {
  return page.evaluate(async () => {
    const drafts = await new Promise((resolve) => {
      const open = indexedDB.open("tolerance-editor");
      open.onerror = () => resolve({});
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("drafts")) return resolve({});
        const store = db.transaction("drafts").objectStore("drafts");
        const all = {};
        const cursor = store.openCursor();
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (!c) return resolve(all);
          all[c.key] = c.value;
          c.continue();
        };
      };
    });
    return { local: { ...localStorage }, session: { ...sessionStorage }, drafts };
  });
}


/**
 * Within a `describe`: before each test, a fresh page of `up().browser` on `up().sandbox`,
 * clipboard allowed, signed in, the table loaded; `opened` receives `{ page, context,
 * problems }`. After each test: no page error, no CSP violation.
 */
export function loadedTableEach(up, opened) {
  let current;
  beforeEach(async () => {
    const { sandbox, browser } = up();
    current = await watchedPage(browser);
    await current.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sandbox.url });
    await current.page.goto(sandbox.url);
    await waitForApp(current.page);
    await signIn(current.page);
    await loadTable(current.page);
    opened(current);
  });
  afterEach(async () => {
    assert.deepEqual(current.problems.pageErrors, []);
    assert.deepEqual(current.problems.cspViolations, []);
    await current.context.close();
  });
}

/** Waits until the keyboard focus is in the cell labelled `label` (focus follows the grid's
 * render, a frame or two after the key). */
export const expectFocus = (page, label) =>
  page.waitForFunction((label) => document.activeElement?.getAttribute("aria-label") === label, label, {
    timeout: 5_000,
  });

/**
 * Submit (or `button`, e.g. "Resend failed") through the review: clicks it, waits for the
 * dialog "Review changes", types the database's name where it is guarded (`database`, when
 * given, must be the one it asks for), and clicks its "Send …" button. Resolves to the review's
 * counts line ("3 rows will be sent to DEMO_LIVE: …").
 */
export async function submitAndSend(page, { database, button = "Submit" } = {}) {
  await page.getByRole("button", { name: button, exact: true }).click();
  const review = page.getByRole("dialog", { name: "Review changes" });
  await review.waitFor();
  const counts = await review.locator(".review-counts").innerText();
  const guard = review.getByLabel(/^Type .+ to confirm$/);
  if (await guard.count()) {
    const asked = /^Type (.+) to confirm$/.exec(await review.locator("label[for=review-guard-input]").innerText())[1];
    if (database) assert.equal(asked, database, "the guard asks for another database");
    await guard.fill(asked);
  }
  await review.getByRole("button", { name: /^Send / }).click();
  await review.waitFor({ state: "hidden" });
  return counts;
}

/**
 * `user` calling the sandbox's API on `database` through its `/vbapi/` gateway, as another
 * program (or person) would: `call(method, path, body)` answers the envelope's `data`, and
 * asserts a 200, except a GET answered 404, which is `null`.
 */
export async function apiClient(url, { database = "DEMO_LIVE", user = "demo", agent = "e2e-test/1.0" } = {}) {
  const common = { "vbasoftware-database": database, "user-agent": agent };
  const signedIn = await fetch(`${url}/vbapi/user-authentication`, {
    method: "POST",
    headers: {
      ...common,
      authorization: `Basic ${Buffer.from(`${user}:${user}`).toString("base64")}`,
      "vbasoftware-client-id": "demo-client",
      "vbasoftware-client-code": "demo",
    },
  });
  assert.equal(signedIn.status, 200, await signedIn.clone().text());
  const token = (await signedIn.json()).data.authenticationResult.idToken;
  const call = async (method, pathAndQuery, body) => {
    const response = await fetch(`${url}/vbapi/${pathAndQuery}`, {
      method,
      headers: { ...common, authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (method === "GET" && response.status === 404) return null;
    assert.equal(response.status, 200, `${method} ${pathAndQuery}: ${await response.clone().text()}`);
    return (await response.json()).data;
  };
  return { call };
}
