// An answer that arrives while "Sign in again" is open is read and applied then, not left
// unread until its request's 30-second timer cuts it (which made a 207 a timeout, spent a
// try, and sent the chunk again: its created rows came back "Updated").
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { distDir, launchBrowser, startSandbox, waitForApp, watchedPage } from "./harness.mjs";
import { cell, signIn, submitAndSend } from "./editor.js";

const here = path.dirname(fileURLToPath(import.meta.url));

describe("signing in again in the middle of a submit", () => {
  let sandbox;
  let browser;
  let dist;
  before(async () => {
    // Big chunks: the first one is still being written by the server when the second finds
    // the session expired, so its answer comes while the dialog is open.
    dist = mkdtempSync(path.join(tmpdir(), "dist-config-"));
    cpSync(distDir(), dist, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(dist, "config.json"), "utf8"));
    writeFileSync(path.join(dist, "config.json"), JSON.stringify({ ...config, batchSize: 5000 }));
    [sandbox, browser] = await Promise.all([
      startSandbox({ staticDir: dist, extraArgs: ["--tenant", path.join(here, "tenant.toml")] }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  test("answers that arrive while the dialog is open are taken, even after 30 s, and no chunk is sent twice", async () => {
    const { page, context, problems } = await watchedPage(browser);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: sandbox.url });
    await page.goto(sandbox.url);
    await waitForApp(page);
    await signIn(page, { database: "DEMO_TEST" });
    await page.getByRole("button", { name: "Add row" }).click();
    await (await cell(page, "Tolerance key", 1)).click();
    const lines = [];
    for (let i = 1; i <= 10_000; i++) lines.push(`${600_000 + i}\t${i % 90}.5\tGRP004\tACH`);
    await page.evaluate((text) => navigator.clipboard.writeText(text), lines.join("\r\n") + "\r\n");
    await page.keyboard.press("Control+V");
    await page.getByText(/^Pasted 40000 cells/).waitFor({ timeout: 60_000 });
    await sandbox.clearRequests();
    // The second chunk finds every token expired, and refreshing does not help.
    await sandbox.faults([{ path: "/tolerances-batch", after: 1, times: 1, do: "expire_tokens", refresh_too: true }]);
    await submitAndSend(page);
    const dialog = page.getByRole("dialog", { name: "Sign in again" });
    await dialog.waitFor();
    // The first chunk's answer arrives meanwhile; the user takes longer than a request's
    // 30-second timeout to come back.
    await page.waitForTimeout(35_000);
    await dialog.getByLabel("Password").fill("demo");
    await dialog.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(/^Last submit: /).waitFor({ timeout: 60_000 });
    const summary = await page.getByText(/^Last submit: /).innerText();
    const sends = (await sandbox.requests())
      .filter((r) => r.path.endsWith("/tolerances-batch"))
      .map((r) => JSON.parse(r.body)[0].tolerance_Key);
    console.log(`batches sent (first key of each): ${sends.join(", ")}; ${summary}`);
    assert.equal(summary, "Last submit: 10000 created, 0 updated, 0 failed, 0 unconfirmed.");
    assert.equal(sends.filter((key) => key === 600_001).length, 1, "the first chunk was answered once and not sent again");
    assert.equal(sends.filter((key) => key === 605_001).length, 2, "the chunk refused for the expired session went again");
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });
});
