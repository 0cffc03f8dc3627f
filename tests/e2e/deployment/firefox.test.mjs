// The main path in a second browser engine: Debian's Firefox ESR, driven through WebDriver
// (geckodriver, selenium-webdriver), against the reference nginx deployment under
// /tolerance-editor/ in front of the sandbox as a plain VBAPI. Many of the organisations this
// is for standardise on Firefox ESR.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Builder, By, Key, until } from "selenium-webdriver";
import firefox from "selenium-webdriver/firefox.js";
import { distDir, required, startSandbox } from "../harness.mjs";
import { startNginx } from "./nginx.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const tenant = path.join(here, "..", "tenant.toml");
const WAIT = 30_000;

/** XPath for an element whose own text, trimmed, starts with `text`. */
const textStarting = (text) => By.xpath(`//*[starts-with(normalize-space(text()), ${JSON.stringify(text)})]`);
const labelled = (text) => By.xpath(`//label[contains(normalize-space(.), ${JSON.stringify(text)})]//*[self::input or self::select]`);
const button = (text) => By.xpath(`//button[starts-with(normalize-space(.), ${JSON.stringify(text)})]`);
const COLUMNS = ["Tolerance key", "Tolerance amount", "Group ID", "Payment method"];

describe("Firefox ESR through nginx", () => {
  let sandbox;
  let nginx;
  let driver;

  before(async () => {
    sandbox = await startSandbox({ staticDir: null, extraArgs: ["--api-only", "--tenant", tenant] });
    nginx = await startNginx({
      distDir: distDir(),
      basePath: "/tolerance-editor/",
      upstream: sandbox.url,
      apiKey: "demo-api-key",
    });
    const options = new firefox.Options()
      .setBinary(required("FIREFOX_BIN"))
      .addArguments("-headless")
      .windowSize({ width: 1280, height: 900 })
      // Nothing but loopback is reachable here: no update, telemetry or remote settings.
      .setPreference("app.update.disabledForTesting", true)
      .setPreference("network.captive-portal-service.enabled", false)
      .setPreference("network.connectivity-service.enabled", false)
      .setPreference("datareporting.policy.dataSubmissionEnabled", false)
      .setPreference("toolkit.telemetry.enabled", false)
      .setPreference("services.settings.server", "http://127.0.0.1:9/")
      .setPreference("browser.safebrowsing.update.enabled", false);
    const service = new firefox.ServiceBuilder(required("GECKODRIVER_BIN"));
    driver = await new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
  });
  after(async () => {
    await driver?.quit();
    await nginx?.stop();
    await sandbox?.stop();
  });

  const find = (locator) => driver.wait(until.elementLocated(locator), WAIT);
  const waitForText = async (text) => find(textStarting(text));

  /** Row `row`'s cell of column `title`, scrolled into view (the grid renders rows in view). */
  async function cellBox(title, row) {
    await driver.executeScript((index) => {
      const grid = document.querySelector("[role=grid]");
      const top = index * 32;
      if (top < grid.scrollTop || top > grid.scrollTop + grid.clientHeight - 96) grid.scrollTop = Math.max(0, top - 64);
    }, row - 1);
    const rowXPath = `//*[@role='row'][.//*[contains(@class,'row-number') and normalize-space(.)='${row}']]`;
    return find(By.xpath(`${rowXPath}//*[@role='gridcell'][@aria-colindex='${COLUMNS.indexOf(title) + 2}']`));
  }

  /** Clicks a cell and types `text` into it, as a person does. */
  async function typeInto(title, row, text) {
    await (await cellBox(title, row)).click();
    const input = await find(By.css(`input[aria-label="${title} row ${row}"]`));
    await input.sendKeys(text);
    await driver.wait(async () => (await input.getAttribute("value")) === text, WAIT);
  }

  async function cellValue(title, row) {
    const box = await cellBox(title, row);
    const inputs = await box.findElements(By.css("input"));
    if (inputs.length) return inputs[0].getAttribute("value");
    return box.findElement(By.css(".cell-text")).getText();
  }

  const rowPart = async (row, css) => {
    const box = await cellBox("Tolerance key", row);
    return (await box.findElement(By.xpath("ancestor::*[@role='row']")).findElement(By.css(css)).getText()).trim();
  };

  /** Submit through the review "Review changes": the guarded database's name typed, then
   * its "Send …" button (editor.js's `submitAndSend`, for Selenium). */
  async function submitAndSend(database) {
    await (await find(button("Submit"))).click();
    const review = await find(By.xpath("//dialog[@open][.//h2[normalize-space(.)='Review changes']]"));
    const guard = await review.findElement(By.xpath(`.//label[normalize-space(.)=${JSON.stringify(`Type ${database} to confirm`)}]`));
    const field = await review.findElement(By.id(await guard.getAttribute("for")));
    const send = await review.findElement(By.xpath(".//button[starts-with(normalize-space(.), 'Send ')]"));
    assert.equal(await send.isEnabled(), false, "Send waits for the database's name");
    await field.sendKeys(database);
    await driver.wait(until.elementIsEnabled(send), WAIT);
    await send.click();
    await driver.wait(until.elementIsNotVisible(review), WAIT);
  }

  async function signIn() {
    await (await find(labelled("User name"))).sendKeys("demo");
    await (await find(labelled("Password"))).sendKeys("demo");
    await (await find(button("Sign in"))).click();
  }

  test("sign in, load, edit, paste, a mixed submit, and a reload that restores the draft", async () => {
    await driver.get(nginx.url);
    await find(By.xpath("//h1[normalize-space(.)='Tolerance Editor']"));
    // Violations from here on are reported; that the WebAssembly app runs at all shows that
    // nginx's policy let its module and glue in.
    await driver.executeScript(() => {
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.effectiveDirective));
    });
    await signIn();
    await (await find(button("Load tolerances from"))).click();
    await waitForText("Loaded 300 tolerances from");

    await typeInto("Tolerance amount", 5, "55.55");
    assert.equal(await rowPart(5, ".row-state"), "✎ Changed");

    await (await find(button("Add row"))).click();
    await (await cellBox("Tolerance key", 301)).click();
    await find(By.css('input[aria-label="Tolerance key row 301"]'));
    // Copied as a person copies: the block selected in a text field, then Ctrl-C and, in the
    // cell, Ctrl-V (real key presses, so Firefox fires trusted clipboard events).
    await driver.executeScript((text) => {
      const source = document.createElement("textarea");
      source.id = "copy-source";
      source.value = text;
      document.body.append(source);
      source.focus();
      source.select();
    }, "9101\t1.25\tGRP001\tACH\r\n9102\t2.50\tGRP002\tACH\r\n9103\t3.75\tGRP003\tCHECK\r\n");
    await driver.actions().keyDown(Key.CONTROL).sendKeys("c").keyUp(Key.CONTROL).perform();
    await driver.executeScript(() => document.getElementById("copy-source").remove());
    await (await cellBox("Tolerance key", 301)).click();
    await find(By.css('input[aria-label="Tolerance key row 301"]'));
    await driver.actions().keyDown(Key.CONTROL).sendKeys("v").keyUp(Key.CONTROL).perform();
    await waitForText("Pasted 12 cells");
    assert.equal(await rowPart(303, ".row-state"), "＋ New");

    await sandbox.clearRequests();
    await sandbox.faults([
      { path: "/tolerances-batch", do: "fail_items", keys: [9102], status: 400, body: "group_ID GRP002 is closed" },
    ]);
    await submitAndSend("DEMO_LIVE");
    const summary = await waitForText("Last submit:");
    assert.equal(await summary.getText(), "Last submit: 2 created, 1 updated, 1 failed, 0 unconfirmed.");
    assert.match(await rowPart(302, ".col-outcome"), /400: group_ID GRP002 is closed/);
    assert.equal(await rowPart(302, ".row-state"), "✗ Failed");
    assert.equal(await rowPart(5, ".row-state"), "✓ Updated");
    const log = await sandbox.requests();
    assert.ok(log.some((r) => r.path === "/tolerances-batch"));
    for (const entry of log) assert.equal(entry.headers["x-api-key"], "[redacted: a key of this tenant]");

    await typeInto("Tolerance amount", 6, "66.66");
    await driver.sleep(600); // the draft is written 400 ms after the last change
    assert.deepEqual(await driver.executeScript(() => window.__cspViolations), []);
    await driver.navigate().refresh();
    await find(By.xpath("//h1[normalize-space(.)='Tolerance Editor']"));
    await signIn();
    await waitForText("Restored your draft for DEMO_LIVE");
    assert.equal(await cellValue("Tolerance amount", 6), "66.66");
    assert.equal(await rowPart(6, ".row-state"), "✎ Changed");
    assert.equal(await rowPart(302, ".row-state"), "✗ Failed");
  });
});
