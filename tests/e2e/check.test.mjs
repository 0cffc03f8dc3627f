// "Check with server": rows whose answer was lost are read back and settled; a row another
// client changed is a conflict showing the server's values beside the user's, and "Take the
// server's" takes them; a key another client deleted is a conflict too (sending the row
// would bring it back). After a plain save, the Updated column is read back in the
// background.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sandboxAndBrowser } from "./harness.mjs";
import { apiClient, cell, loadedTableEach, outcome, rowState, submitAndSend } from "./editor.js";

/** Another client of the same database, through the sandbox's `/vbapi/` gateway. */
async function otherClient(url) {
  const { call } = await apiClient(url, { agent: "check-test/1.0" });
  return {
    get: (key) => call("GET", `tolerances/${key}`),
    setAmount: async (key, amount) =>
      call("PUT", `tolerances/${key}`, { ...(await call("GET", `tolerances/${key}`)), tolerance1: amount }),
    remove: (key) => call("DELETE", `tolerances/${key}`),
  };
}

const keyOf = async (page, row) => Number(await (await cell(page, "Tolerance key", row)).inputValue());

const updatedCell = async (page, row) => {
  const key = await cell(page, "Tolerance key", row);
  return key.locator("xpath=ancestor::*[@role='row']").locator('[role=gridcell][aria-colindex="7"]');
};

describe("check with server", () => {
  let sandbox;
  let browser;
  let page;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));
  loadedTableEach(
    () => ({ sandbox, browser }),
    (opened) => ({ page } = opened),
  );

  test("unconfirmed rows read as saved, a row changed elsewhere shows and takes the server's values, a deleted key waits for a choice", async () => {
    const rows = [5, 6, 7];
    const keys = [];
    for (const row of rows) {
      keys.push(await keyOf(page, row));
      await (await cell(page, "Tolerance amount", row)).fill(`${row}${row}.${row}${row}`);
    }
    // Every try is carried out, and its answer lost: the rows end Unconfirmed.
    await sandbox.faults([{ path: "/tolerances-batch", do: "drop", after_apply: true }]);
    await submitAndSend(page);
    await page
      .getByText("Last submit: 0 created, 0 updated, 0 failed, 3 unconfirmed.")
      .waitFor({ timeout: 60_000 });
    await sandbox.clearFaults();
    for (const row of rows) assert.equal(await rowState(page, row), "? Unconfirmed");

    // Meanwhile another client changes the second row's record and deletes the third's.
    const other = await otherClient(sandbox.url);
    await other.setAmount(keys[1], 9);
    await other.remove(keys[2]);

    await sandbox.clearRequests();
    await page.getByRole("button", { name: "Check with server", exact: true }).click();
    const result = page.getByText(/^Checked \d+ rows?:/);
    await result.waitFor({ timeout: 30_000 });
    assert.equal(
      await result.innerText(),
      "Checked 3 rows: 1 saved as sent, 1 differ on the server, 1 not on the server.",
    );
    const reads = (await sandbox.requests()).filter((r) => r.method === "GET" && r.path.startsWith("/vbapi/tolerances/"))
      .map((r) => r.path);
    assert.deepEqual(
      reads.sort(),
      keys.map((key) => `/vbapi/tolerances/${key}`).sort(),
      "one read per key, through the gateway",
    );

    assert.equal(await rowState(page, 5), "✓ Updated", "the server holds what was sent: saved");
    assert.equal(await rowState(page, 6), "⇄ Conflict", "changed by another client: not sent before the user chooses");
    assert.equal(await (await cell(page, "Tolerance amount", 6)).inputValue(), "66.66", "the user's edit is kept");
    assert.match(await outcome(page, 6), /Server has 9\.00 \(by demo on /);
    assert.equal(await rowState(page, 7), "⇄ Conflict");
    assert.match(await outcome(page, 7), /no longer has this key/);
    await page.getByText(/^0 rows will be sent \(0 new, 0 changed, 2 waiting for your choice\)/).waitFor();

    // "Take the server's" on the selected row: its text becomes the server's, one undo step.
    await (await cell(page, "Group ID", 6)).click();
    await page.getByRole("button", { name: "Take the server's" }).click();
    assert.equal(await (await cell(page, "Tolerance amount", 6)).inputValue(), "9.00");
    assert.equal(await rowState(page, 6), "· Unchanged");
    assert.doesNotMatch(await outcome(page, 6), /Server has/);
  });

  test("Check selected with server finds a change made elsewhere on a clean row", async () => {
    const key = await keyOf(page, 12);
    const other = await otherClient(sandbox.url);
    await other.setAmount(key, 12.34);
    await (await cell(page, "Tolerance amount", 12)).click();
    // A busy API asks to wait a second: the read is tried again after it.
    await sandbox.clearRequests();
    await sandbox.faults([{ path: "/tolerances/*", method: "GET", times: 1, do: "status", status: 429, retry_after: 1 }]);
    await page.getByRole("button", { name: "Check selected with server" }).click();
    await page.getByText("Checked 1 row: 0 saved as sent, 1 differ on the server, 0 not on the server.").waitFor();
    assert.equal(await rowState(page, 12), "⇄ Conflict");
    assert.match(await outcome(page, 12), /Server has 12\.34/);
    const reads = (await sandbox.requests()).filter((r) => r.path === `/vbapi/tolerances/${key}`);
    assert.equal(reads.length, 2, "429, then read again");
  });

  test("a token that expires during a check is refreshed once and the check goes on", async () => {
    await (await cell(page, "Tolerance amount", 14)).click();
    await sandbox.clearRequests();
    await sandbox.faults([{ path: "/tolerances/*", method: "GET", times: 1, do: "expire_tokens" }]);
    await page.getByRole("button", { name: "Check selected with server" }).click();
    await page.getByText("Checked 1 row: 1 saved as sent, 0 differ on the server, 0 not on the server.").waitFor();
    const paths = (await sandbox.requests()).map((r) => r.path);
    assert.equal(paths.filter((p) => p === "/vbapi/user-refresh-tokens").length, 1, paths.join(" "));
    assert.equal(await page.getByRole("dialog", { name: "Sign in again" }).isVisible(), false);
    assert.equal(await rowState(page, 14), "· Unchanged");
  });

  test("a session that cannot be refreshed asks to sign in again, then the check carries on", async () => {
    const key = await keyOf(page, 15);
    await (await cell(page, "Tolerance amount", 15)).click();
    await sandbox.faults([{ path: "/tolerances/*", method: "GET", times: 1, do: "expire_tokens", refresh_too: true }]);
    await page.getByRole("button", { name: "Check selected with server" }).click();
    const dialog = page.getByRole("dialog", { name: "Sign in again" });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole("button", { name: "Stop the check" }).isVisible(), true);
    await sandbox.clearRequests();
    await dialog.getByLabel("Password").fill("demo");
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Checked 1 row: 1 saved as sent, 0 differ on the server, 0 not on the server.").waitFor();
    const reads = (await sandbox.requests()).filter((r) => r.path === `/vbapi/tolerances/${key}`);
    assert.equal(reads.length, 1, "read again after signing in");
  });

  test("after a plain submit the Updated column shows the new date within seconds", async () => {
    const before = await (await updatedCell(page, 20)).innerText();
    const today = () => new Date().toISOString().slice(0, 10);
    const started = today();
    assert.doesNotMatch(before, new RegExp(started), "the seeded date is not today's");
    await (await cell(page, "Tolerance amount", 20)).fill("20.20");
    await submitAndSend(page);
    await page.getByText("Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.").waitFor();
    await page.waitForFunction(
      ([days]) => {
        const row = [...document.querySelectorAll("[role=row]")].find(
          (r) => r.querySelector(".row-number")?.textContent === "20",
        );
        const text = row?.querySelector('[aria-colindex="7"]')?.textContent ?? "";
        return days.some((day) => text.startsWith(day));
      },
      [[started, today()]],
      { timeout: 5_000 },
    );
    assert.match(await (await updatedCell(page, 20)).innerText(), /demo/i, "and who saved it");
    assert.equal(await rowState(page, 20), "✓ Updated");
  });
});
