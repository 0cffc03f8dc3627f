// The keyboard alone: sign in, load, edit, paste, submit and read the summary with
// `page.keyboard` only (no clicks), the focus asserted after every step, by role and name.
// Also where the focus goes when a Load fails and after "Sign in again".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";

/** What has the keyboard focus, in words, for a failure message. */
const focusedNow = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "<body>";
    const name = el.getAttribute("aria-label") ?? el.labels?.[0]?.innerText ?? el.innerText;
    return `<${el.localName}${el.id ? ` id=${el.id}` : ""}> ${JSON.stringify((name ?? "").slice(0, 80))}`;
  });

/** Waits until the element `locator` finds (by role and name) has the keyboard focus. */
async function expectFocused(page, locator, step) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const has = await locator
      .evaluateAll((els) => els.length === 1 && els[0] === document.activeElement)
      .catch(() => false);
    if (has) return;
    await page.waitForTimeout(50);
  }
  assert.fail(`${step}: the focus is on ${await focusedNow(page)}`);
}

/** Presses `key` until `locator` has the focus, at most `times` times; every press lands
 * somewhere (never on the page itself). */
async function pressUntilFocused(page, key, locator, times, step) {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    assert.notEqual(await focusedNow(page), "<body>", `${step}: ${key} left the focus on the page`);
    if (await locator.evaluateAll((els) => els.length === 1 && els[0] === document.activeElement)) return;
  }
  assert.fail(`${step}: not reached with ${times} × ${key}; the focus is on ${await focusedNow(page)}`);
}

/** Enter on Submit (which has the focus); when a "Review changes" dialog opens, types the
 * database's name where it asks for it and sends from the keyboard. */
async function submitWithKeyboard(page, database) {
  await page.keyboard.press("Enter");
  const review = page.getByRole("dialog", { name: "Review changes" });
  const opened = await review
    .waitFor({ timeout: 1_500 })
    .then(() => true)
    .catch(() => false);
  if (!opened) return;
  const confirm = review.getByLabel(`Type ${database} to confirm`);
  if (await confirm.count()) {
    await pressUntilFocused(page, "Tab", confirm, 10, "the confirmation field");
    await page.keyboard.type(database);
  }
  const send = review.getByRole("button", { name: /^Send/ });
  await pressUntilFocused(page, "Tab", send, 10, "the Send button");
  await page.keyboard.press("Enter");
}

describe("the keyboard alone", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));

  async function signedIn() {
    const opened = await watchedPage(browser);
    const { page, context } = opened;
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sandbox.url });
    await page.goto(sandbox.url);
    await waitForApp(page);
    // The page has the browser's focus before its first Tab, as it has for a user who loaded it.
    await page.bringToFront();
    await pressUntilFocused(page, "Tab", page.getByLabel("User name"), 5, "the user name from the top");
    await page.keyboard.type("demo");
    await page.keyboard.press("Tab");
    await expectFocused(page, page.getByLabel("Password", { exact: true }), "Tab from the user name");
    await page.keyboard.type("demo");
    await page.keyboard.press("Enter");
    const load = page.getByRole("button", { name: "Load tolerances from DEMO_LIVE" });
    await expectFocused(page, load, "after Sign in");
    return { ...opened, load };
  }

  test("sign in, load, edit, paste, submit and read the summary", async () => {
    const { page, context, problems } = await signedIn();
    await page.keyboard.press("Enter");
    await page.getByText(/^Loaded \d+ tolerances from DEMO_LIVE\.$/).waitFor();
    const first = page.getByLabel("Tolerance key row 1", { exact: true });
    await expectFocused(page, first, "after Load");
    const key1 = await first.inputValue();

    // An edit: the amount of row 1, typed over; Enter commits it and goes down.
    await page.keyboard.press("ArrowRight");
    await expectFocused(page, page.getByLabel("Tolerance amount row 1", { exact: true }), "ArrowRight");
    await page.keyboard.type("7.25");
    await page.keyboard.press("Enter");
    const amount2 = page.getByLabel("Tolerance amount row 2", { exact: true });
    await expectFocused(page, amount2, "Enter after typing");

    // A paste of two amounts from a spreadsheet, from row 2 down.
    await page.evaluate((text) => navigator.clipboard.writeText(text), "8.5\r\n9.5\r\n");
    await page.keyboard.press("Control+V");
    await page.getByText(/^Pasted 2 cells/).waitFor();
    await expectFocused(page, amount2, "after the paste");
    assert.equal(await amount2.inputValue(), "8.5");
    await page.keyboard.press("ArrowUp");
    await expectFocused(page, page.getByLabel("Tolerance amount row 1", { exact: true }), "ArrowUp");
    assert.equal(await page.getByLabel("Tolerance amount row 1", { exact: true }).inputValue(), "7.25");

    // Out of the grid to Submit: Tab past the last cell leaves it, as the grid pattern asks.
    await page.keyboard.press("Control+End");
    const submit = page.getByRole("button", { name: "Submit", exact: true });
    await pressUntilFocused(page, "Tab", submit, 6, "Submit after the grid");

    // Slow answers: the progress is there long enough to be seen.
    await sandbox.clearRequests();
    await sandbox.faults([{ path: "/tolerances-batch", times: 1, do: "delay", ms: 2_000 }]);
    await submitWithKeyboard(page, "DEMO_LIVE");
    await expectFocused(page, page.getByRole("progressbar", { name: /^Answered \d+ of 3 rows/ }), "during the submit");
    const summary = page.getByRole("status").filter({ hasText: /^Last submit:/ });
    await expectFocused(page, summary, "after the submit");
    assert.equal(await summary.innerText(), "Last submit: 0 created, 3 updated, 0 failed, 0 unconfirmed.");

    const sent = (await sandbox.requests()).filter((r) => r.path.endsWith("/tolerances-batch"));
    assert.equal(sent.length, 1);
    const body = JSON.parse(sent[0].body);
    assert.deepEqual(
      body.map((r) => r.tolerance1),
      [7.25, 8.5, 9.5],
    );
    assert.equal(body[0].tolerance_Key, Number(key1));
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });

  test("a refused sign-in from the Sign in button puts the focus back on the password", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    // The page has the browser's focus before its first Tab, as it has for a user who loaded it.
    await page.bringToFront();
    await pressUntilFocused(page, "Tab", page.getByLabel("User name"), 5, "the user name from the top");
    await page.keyboard.type("demo");
    await page.keyboard.press("Tab");
    await page.keyboard.type("wrong");
    await pressUntilFocused(page, "Tab", page.getByRole("button", { name: "Sign in" }), 3, "Sign in");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").filter({ hasText: /^The user name or password is not right/ }).waitFor();
    await expectFocused(page, page.getByLabel("Password", { exact: true }), "after a refused sign-in");
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });

  test("a Load that fails leaves the focus on Load, and says why", async () => {
    const { page, context, problems, load } = await signedIn();
    await sandbox.faults([{ path: "/tolerances", times: 20, do: "status", status: 500 }]);
    await page.keyboard.press("Enter");
    await page.getByText(/^The tolerances could not be loaded:/).waitFor({ timeout: 30_000 });
    await expectFocused(page, load, "after a failed Load");
    await sandbox.clearFaults();
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });

  test("after Sign in again the focus is on the submit, never on the page", async () => {
    const { page, context, problems } = await signedIn();
    await page.keyboard.press("Enter");
    const first = page.getByLabel("Tolerance key row 1", { exact: true });
    await expectFocused(page, first, "after Load");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.type("3.5");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+End");
    const submit = page.getByRole("button", { name: "Submit", exact: true });
    await pressUntilFocused(page, "Tab", submit, 6, "Submit after the grid");
    await sandbox.faults([
      { path: "/tolerances-batch", times: 1, do: "expire_tokens", refresh_too: true },
      { path: "/tolerances-batch", after: 1, times: 1, do: "delay", ms: 2_000 },
    ]);
    await submitWithKeyboard(page, "DEMO_LIVE");
    const dialog = page.getByRole("dialog", { name: "Sign in again" });
    await dialog.waitFor();
    const password = dialog.getByLabel("Password", { exact: true });
    await pressUntilFocused(page, "Tab", password, 4, "the dialog's password");
    await page.keyboard.type("demo");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden" });
    await expectFocused(page, page.getByRole("progressbar", { name: /^Answered/ }), "after Sign in again");
    const summary = page.getByRole("status").filter({ hasText: /^Last submit:/ });
    await expectFocused(page, summary, "after the submit");
    assert.equal(await summary.innerText(), "Last submit: 0 created, 1 updated, 0 failed, 0 unconfirmed.");
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });
});
