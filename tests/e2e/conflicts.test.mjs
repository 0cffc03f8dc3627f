// Lost updates caught before sending (issue 16, item 9): Ben loaded the table earlier; Ann
// (another person, another browser) saves new amounts since. Ben changes only other fields
// and submits: the server is read in pages of the list before anything leaves, his stale
// rows are conflicts and are not sent; Keep mine sends only his field over Ann's amount,
// Take the server's settles the other row, and the server's own data (read through its API)
// holds exactly that. A key another person deleted, and one they created, are caught too.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";
import { apiClient, cell, loadTable, outcome, rowState, signIn, submitAndSend } from "./editor.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** `user` calling the sandbox's API through its `/vbapi/` gateway, as another program would. */
async function apiAs(url, user) {
  const { call } = await apiClient(url, { user, agent: "conflicts-test/1.0" });
  return {
    get: (key) => call("GET", `tolerances/${key}`),
    create: (record) => call("POST", "tolerances", record),
    remove: (key) => call("DELETE", `tolerances/${key}`),
  };
}

const text = async (page, title, row) => (await cell(page, title, row)).inputValue();

describe("lost updates caught before sending", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up), { extraArgs: ["--tenant", path.join(here, "tenant.toml")] });

  /** A person at their own browser (their own storage), signed in, the table loaded. */
  async function personAt(user) {
    const opened = await watchedPage(browser);
    await opened.page.goto(sandbox.url);
    await waitForApp(opened.page);
    await signIn(opened.page, { user, password: user });
    await loadTable(opened.page);
    return opened;
  }

  const batchesSent = (requests) => requests.filter((r) => r.method === "PUT" && r.path.endsWith("/tolerances-batch"));

  test("Ben's stale copy is caught; Keep mine sends only his field over Ann's amount; Take the server's settles", async () => {
    const ben = await personAt("ben");
    const ann = await personAt("ann");
    const loaded7 = await text(ben.page, "Tolerance amount", 7);
    const group8 = await text(ben.page, "Group ID", 8);

    // Ann saves new amounts for keys 7 and 8.
    await (await cell(ann.page, "Tolerance amount", 7)).fill("77.77");
    await (await cell(ann.page, "Tolerance amount", 8)).fill("88.88");
    await submitAndSend(ann.page, { database: "DEMO_LIVE" });
    await ann.page.getByText("Last submit: 0 created, 2 updated, 0 failed, 0 unconfirmed.").waitFor();

    // Ben, loaded before, still shows the old amounts; he changes only a Group ID and a
    // payment method.
    assert.equal(await text(ben.page, "Tolerance amount", 7), loaded7);
    const bensGroup = (await text(ben.page, "Group ID", 7)) === "GRP002" ? "GRP003" : "GRP002";
    const bensMethod = (await text(ben.page, "Payment method", 8)) === "WIRE" ? "EFT" : "WIRE";
    await (await cell(ben.page, "Group ID", 7)).fill(bensGroup);
    await (await cell(ben.page, "Payment method", 8)).fill(bensMethod);
    // A row nobody else touched goes as usual.
    await (await cell(ben.page, "Tolerance amount", 20)).fill("20.20");
    await sandbox.clearRequests();
    await submitAndSend(ben.page, { database: "DEMO_LIVE" });
    await ben.page
      .getByText(
        "Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed. 2 rows changed on the server since loaded, not sent: each waits for your choice, Keep mine or Take the server's.",
      )
      .waitFor();
    let requests = await sandbox.requests();
    assert.deepEqual(
      batchesSent(requests).flatMap((r) => JSON.parse(r.body).map((t) => t.tolerance_Key)),
      [20],
      "nothing of Ben's stale rows went out, the rest did",
    );
    assert.equal(await rowState(ben.page, 20), "✓ Updated");
    const pages = requests.filter((r) => r.method === "GET" && r.path === "/vbapi/tolerances");
    assert.equal(pages.length, 1, "one page of the list, not a request per row");
    assert.match(pages[0].query, /sortBy=tolerance_Key(:|%3A)asc/i);
    assert.equal(requests.filter((r) => /^\/vbapi\/tolerances\/(7|8)$/.test(r.path)).length, 0, "no read per row");

    assert.equal(await rowState(ben.page, 7), "⇄ Conflict");
    assert.match(await outcome(ben.page, 7), /^Server has 77\.77, Group ID \S+ \(by ann on \d{4}-\d\d-\d\d\)/);
    assert.equal(await text(ben.page, "Tolerance amount", 7), loaded7, "Ben's text is kept");
    assert.equal(await text(ben.page, "Group ID", 7), bensGroup);
    assert.equal(await rowState(ben.page, 8), "⇄ Conflict");
    await ben.page.getByText(/^0 rows will be sent \(0 new, 0 changed, 2 waiting for your choice\)\./).waitFor();

    // Keep mine on row 7: his group on top of Ann's amount.
    await (await cell(ben.page, "Group ID", 7)).click();
    await ben.page.getByRole("button", { name: "Keep mine" }).click();
    assert.equal(await text(ben.page, "Tolerance amount", 7), "77.77");
    assert.equal(await text(ben.page, "Group ID", 7), bensGroup);
    assert.equal(await rowState(ben.page, 7), "✎ Changed");
    // One undo step takes the choice back: the conflict again, never "Unchanged" nor a
    // change that would send the stale amount.
    await ben.page.getByRole("button", { name: "Undo" }).click();
    assert.equal(await rowState(ben.page, 7), "⇄ Conflict");
    assert.equal(await text(ben.page, "Tolerance amount", 7), loaded7);
    await ben.page.getByRole("button", { name: "Redo" }).click();
    assert.equal(await rowState(ben.page, 7), "✎ Changed");
    assert.equal(await text(ben.page, "Tolerance amount", 7), "77.77");

    // Take the server's on row 8: Ann's record, unchanged.
    await (await cell(ben.page, "Payment method", 8)).click();
    await ben.page.getByRole("button", { name: "Take the server's" }).click();
    assert.equal(await text(ben.page, "Tolerance amount", 8), "88.88");
    assert.equal(await text(ben.page, "Group ID", 8), group8);
    assert.equal(await rowState(ben.page, 8), "· Unchanged");

    // Only row 7 goes, with Ann's amount and Ben's group.
    await sandbox.clearRequests();
    await submitAndSend(ben.page, { database: "DEMO_LIVE" });
    await ben.page.getByText("Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.", { exact: true }).waitFor();
    requests = await sandbox.requests();
    const sent = batchesSent(requests).flatMap((r) => JSON.parse(r.body));
    assert.deepEqual(
      sent.map((r) => [r.tolerance_Key, r.tolerance1, r.group_ID]),
      [[7, 77.77, bensGroup]],
    );

    // The server, read through its API.
    const api = await apiAs(sandbox.url, "ann");
    const seven = await api.get(7);
    assert.deepEqual([seven.tolerance1, seven.group_ID, seven.update_User], [77.77, bensGroup, "ben"]);
    const eight = await api.get(8);
    assert.deepEqual([eight.tolerance1, eight.group_ID, eight.update_User], [88.88, group8 || null, "ann"]);
    assert.notEqual(eight.payment_Method, bensMethod, "Ben's stale edit of row 8 never reached the server");

    for (const person of [ben, ann]) {
      assert.deepEqual(person.problems.pageErrors, []);
      assert.deepEqual(person.problems.cspViolations, []);
      await person.context.close();
    }
  });

  test("a key deleted, and one created, by another program meanwhile are caught too", async () => {
    const ben = await personAt("ben");
    const api = await apiAs(sandbox.url, "ann");
    await api.remove(9);
    await api.create({ tolerance_Key: 4242, tolerance1: 42.42, group_ID: null, payment_Method: null });

    // Ben edits row 9 and types a new row with key 4242.
    await (await cell(ben.page, "Tolerance amount", 9)).fill("9.99");
    await ben.page.getByRole("button", { name: "Add row" }).click();
    const added = Number(await ben.page.getByRole("grid").getAttribute("aria-rowcount")) - 1;
    await (await cell(ben.page, "Tolerance key", added)).fill("4242");
    await (await cell(ben.page, "Tolerance amount", added)).fill("1.00");
    await sandbox.clearRequests();
    await submitAndSend(ben.page, { database: "DEMO_LIVE" });
    await ben.page.getByText(/^Last submit: 0 created, 0 updated, 0 failed, 0 unconfirmed\. 2 rows changed on the server/).waitFor();
    assert.deepEqual(batchesSent(await sandbox.requests()), []);
    assert.equal(await rowState(ben.page, 9), "⇄ Conflict");
    assert.match(await outcome(ben.page, 9), /no longer has this key/);
    assert.equal(await rowState(ben.page, added), "⇄ Conflict");
    assert.match(await outcome(ben.page, added), /^Server has 42\.42 \(by ann on /);

    // Keep mine on the new row: all of it is Ben's. Take the server's on row 9: gone.
    await (await cell(ben.page, "Tolerance amount", added)).click();
    await ben.page.getByRole("button", { name: "Keep mine" }).click();
    await (await cell(ben.page, "Tolerance amount", 9)).click();
    await ben.page.getByRole("button", { name: "Take the server's" }).click();
    assert.equal(await text(ben.page, "Tolerance key", 9), "10", "row 9 is gone, as on the server");
    await sandbox.clearRequests();
    await submitAndSend(ben.page, { database: "DEMO_LIVE" });
    await ben.page.getByText("Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.", { exact: true }).waitFor();
    const sent = batchesSent(await sandbox.requests()).flatMap((r) => JSON.parse(r.body));
    assert.deepEqual(sent.map((r) => [r.tolerance_Key, r.tolerance1]), [[4242, 1]]);
    const created = await api.get(4242);
    assert.deepEqual([created.tolerance1, created.update_User], [1, "ben"]);
    const gone = await fetch(`${sandbox.url}/vbapi/tolerances/9`, { headers: { "user-agent": "t" } });
    assert.notEqual(gone.status, 200);
    assert.deepEqual(ben.problems.pageErrors, []);
    await ben.context.close();
  });

  test("a check that cannot read the server sends nothing and offers to try again", async () => {
    const ben = await personAt("ben");
    await (await cell(ben.page, "Tolerance amount", 20)).fill("20.20");
    await sandbox.faults([{ path: "/tolerances", method: "GET", do: "status", status: 500 }]);
    await sandbox.clearRequests();
    await submitAndSend(ben.page, { database: "DEMO_LIVE" });
    await ben.page.getByText(/^Nothing was sent: the server could not be read for changes made since loading \(page 1 of the list: /).waitFor();
    assert.deepEqual(batchesSent(await sandbox.requests()), []);
    assert.equal(await rowState(ben.page, 20), "✎ Changed");
    await sandbox.clearFaults();
    await submitAndSend(ben.page, { database: "DEMO_LIVE", button: "Try again" });
    await ben.page.getByText("Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.", { exact: true }).waitFor();
    assert.equal(await rowState(ben.page, 20), "✓ Updated");
    await ben.context.close();
  });
});
