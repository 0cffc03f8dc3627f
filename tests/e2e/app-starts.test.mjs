// The served app starts under its Content-Security-Policy, reads config.json, and logs nothing
// wrong; a broken deployment explains itself on the page.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { artifactsDir, distDir, launchBrowser, sandboxAndBrowser, startSandbox, waitForApp, watchedPage } from "./harness.mjs";

describe("the served app", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));

  test("starts its WebAssembly under a strict CSP with no console errors", async () => {
    const { page, context, problems } = await watchedPage(browser);
    const configRequests = [];
    page.on("request", (r) => r.url().endsWith("/config.json") && configRequests.push(r.url()));
    const response = await page.goto(sandbox.url);
    const policy = response.headers()["content-security-policy"];
    assert.ok(policy, "the sandbox sends a Content-Security-Policy header");
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);

    await waitForApp(page);
    // config.json was read: its databases fill the picker.
    const picker = page.getByLabel("Target database");
    await picker.waitFor();
    assert.deepEqual(await picker.locator("option").allTextContents(), ["DEMO_LIVE", "DEMO_TEST"]);
    // Preloaded while the wasm loads (index.html), and the app's own fetch takes that answer.
    assert.equal(configRequests.length, 1, `config.json fetched ${configRequests.length} times`);
    assert.equal(await page.locator("#boot-status").count(), 0, "the start-up message is gone");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    assert.equal(await page.title(), "Tolerance Editor");

    await page.screenshot({ path: path.join(artifactsDir(), "app-started.png") });
    assert.deepEqual(problems.cspViolations, [], "no CSP violations");
    assert.deepEqual(problems.pageErrors, [], "no uncaught exceptions");
    assert.deepEqual(problems.consoleErrors, [], "no console errors");
    await context.close();
  });

  test("would notice a CSP violation (the check above can fail)", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
    });
    await expectSoon(() => problems.cspViolations.length > 0);
    assert.equal(problems.cspViolations[0].directive, "script-src-elem");
    assert.equal(await page.evaluate(() => window.inlineRan), undefined, "the inline script was blocked");
    await context.close();
  });
});

describe("a deployment without config.json", () => {
  let sandbox;
  let browser;
  let dir;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dist-without-config-"));
    cpSync(distDir(), dir, { recursive: true });
    rmSync(path.join(dir, "config.json"));
    [sandbox, browser] = await Promise.all([startSandbox({ staticDir: dir }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("says on the page that config.json is missing", async () => {
    const { page, context } = await watchedPage(browser);
    await page.goto(sandbox.url);
    await waitForApp(page);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /config\.json is missing \(the server answered HTTP 404\)/);
    await context.close();
  });
});

async function expectSoon(condition, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
