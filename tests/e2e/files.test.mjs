// Files and text as Excel users produce them: a Windows-1252 CSV, a picture, a stray quote, a
// key twice in one file, a 10,000-column file and invisible characters, each imported through
// the file input as a person does, with what the preview says and what reaches the sandbox.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { sandboxAndBrowser, waitForApp, watchedPage } from "./harness.mjs";
import { cell, loadTable, rowState, signIn, submitAndSend } from "./editor.js";

describe("importing the files people have", () => {
  let sandbox;
  let browser;
  sandboxAndBrowser((up) => ({ sandbox, browser } = up));

  async function openTable({ load = false, locale } = {}) {
    const opened = await watchedPage(browser, { locale });
    await opened.page.goto(sandbox.url);
    await waitForApp(opened.page);
    await signIn(opened.page, { database: load ? "DEMO_LIVE" : "DEMO_TEST" });
    if (load) await loadTable(opened.page);
    else await opened.page.getByRole("button", { name: "Start empty" }).click();
    return opened;
  }

  const importFile = (page, name, buffer) =>
    page.getByLabel("Import CSV").setInputFiles({ name, mimeType: "text/csv", buffer });
  const preview = (page) => page.getByRole("region", { name: "Import preview" });

  test("a Windows-1252 file is read as such, said plainly, and sent as the letters it holds", async () => {
    const { page, context, problems } = await openTable();
    // Excel's "CSV (Comma delimited)" on a Western Windows: É is the byte 0xC9.
    const bytes = Buffer.from("Tolerance key,Tolerance amount,Group ID\r\n4101,1.25,CAF\xc9\r\n", "latin1");
    await importFile(page, "ansi.csv", bytes);
    await preview(page).getByText(/^Read as Windows-1252 \(Western\): the file is not UTF-8/).waitFor();
    await preview(page).getByText("1 rows will be added, 0 updated, 0 have problems.").waitFor();
    // Picked as UTF-8, the unreadable byte is a problem, never a replacement character sent.
    await preview(page).getByLabel("Encoding").selectOption("utf-8");
    await preview(page).getByText("0 rows will be added, 0 updated, 1 have problems.").waitFor();
    await preview(page).getByLabel("Encoding").selectOption("windows-1252");
    await preview(page).getByRole("button", { name: "Apply import" }).click();
    await page.getByText(/^Imported ansi.csv: 1 rows added/).waitFor();
    assert.equal(await (await cell(page, "Group ID", 1)).inputValue(), "CAFÉ");
    await sandbox.clearRequests();
    await submitAndSend(page);
    await page.getByText(/^Last submit:/).waitFor();
    const sent = (await sandbox.requests()).filter((r) => r.path.endsWith("/tolerances-batch"));
    assert.equal(sent.length, 1);
    assert.equal(JSON.parse(sent[0].body)[0].group_ID, "CAFÉ");
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });

  test("a picture is refused at once, by name; nothing is added", async () => {
    const { page, context } = await openTable();
    const png = Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(2000, 7)]);
    await importFile(page, "photo.png", png);
    await page.getByText(/^photo\.png is not a CSV or text file: it looks like a PNG image\./).waitFor();
    assert.equal(await preview(page).count(), 0);
    assert.equal(await page.getByRole("grid").getAttribute("aria-rowcount"), "1");
    await context.close();
  });

  test("a stray quote is reported with its lines, and the file can be read without quote rules", async () => {
    const { page, context } = await openTable();
    const lines = ["Tolerance key,Group ID"];
    for (let i = 1; i <= 10; i++) lines.push(i === 5 ? `${4200 + i},"GRP005` : `${4200 + i},GRP${String(i).padStart(3, "0")}`);
    await importFile(page, "quote.csv", Buffer.from(lines.join("\r\n") + "\r\n"));
    await preview(page)
      .getByText("A quote opened on line 6 never closes; lines 7–11 were read into one cell with it.")
      .waitFor();
    await preview(page).getByRole("button", { name: "Read quotes as plain text" }).click();
    await preview(page).getByText("Quotes are read as plain text: each line is one row.").waitFor();
    await preview(page).getByText(/^10 rows will be added, 0 updated, 0 have problems\./).waitFor();
    await context.close();
  });

  test("a key twice in one file is shown with its lines and waits for the user's choice", async () => {
    const { page, context } = await openTable({ load: true });
    const csv = "Tolerance key,Tolerance amount\r\n1,7.00\r\n2,8.00\r\n1,9.00\r\n";
    await importFile(page, "twice.csv", Buffer.from(csv));
    await preview(page).getByText("Key 1 is on lines 2 and 4.").waitFor();
    const apply = preview(page).getByRole("button", { name: "Apply import" });
    assert.equal(await apply.isDisabled(), true, "nothing is dropped before the user chooses");
    await preview(page).getByLabel("The first row with the key").check();
    await preview(page).getByText("0 rows will be added, 2 updated, 0 have problems.").waitFor();
    await apply.click();
    await page.getByText(/^Imported twice.csv: 0 rows added, 2 updated/).waitFor();
    assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "7.00");
    await context.close();
  });

  test("a 10,000-column file previews without a long task", async () => {
    const { page, context } = await openTable();
    const header = ["Tolerance key", "Tolerance amount", ...Array.from({ length: 9998 }, (_, i) => `extra ${i}`)];
    const row = ["4301", "1.25", ...Array.from({ length: 9998 }, () => "x")];
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
      }).observe({ type: "longtask", buffered: false });
    });
    await importFile(page, "wide.csv", Buffer.from(`${header.join(",")}\r\n${row.join(",")}\r\n`));
    await preview(page).getByText("9980 more columns are not shown; they are ignored, as no header names a table column.").waitFor();
    await preview(page).getByText("1 rows will be added, 0 updated, 0 have problems.").waitFor();
    await page.waitForTimeout(200);
    const longest = await page.evaluate(() => window.__longest);
    console.log(`10,000-column preview: longest task ${longest.toFixed(0)} ms`);
    assert.ok(longest < 50, `a task of ${longest} ms`);
    await context.close();
  });

  test("invisible characters are problems where they are, with the code point; spaces around are left out, said", async () => {
    const { page, context } = await openTable();
    const csv = "Tolerance key,Tolerance amount,Group ID,Payment method\r\n4401,1.25,GRP\u200B001,ACH \r\n4402,1.25,\u202Egnp.exe,ACH\r\n";
    await importFile(page, "hidden.csv", Buffer.from(csv));
    await preview(page)
      .getByText("0 rows will be added, 0 updated, 2 have problems. 1 cells have spaces before or after their text; the spaces are left out.")
      .waitFor();
    await preview(page).getByRole("button", { name: "Apply import" }).click();
    await page.getByText(/^Imported hidden.csv/).waitFor();
    assert.equal(await rowState(page, 1), "⚠ Has problems");
    await (await cell(page, "Group ID", 1)).click();
    await page.getByText("Group ID contains an invisible character (U+200B) as character 4; remove it or type the text again.").first().waitFor();
    await (await cell(page, "Group ID", 2)).click();
    await page.getByText(/Group ID contains a text-direction control \(U\+202E\) as character 1/).first().waitFor();
    await context.close();
  });

  test("Export CSV follows the browser's list separator (semicolons and 12,50 in German) and imports back", async () => {
    const { page, context, problems } = await openTable({ locale: "de-DE" });
    const separator = page.getByLabel("Separator");
    assert.equal(await separator.inputValue(), ";", "a German browser writes semicolons");
    const csv = "Tolerance key,Tolerance amount,Group ID,Payment method\r\n4501,12.5,a;=1+1,ACH\r\n4502,-3.25,b,EFT\r\n";
    await importFile(page, "plain.csv", Buffer.from(csv));
    await preview(page).getByRole("button", { name: "Apply import" }).click();
    await page.getByText(/^Imported plain.csv/).waitFor();
    const exported = async () => {
      const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
      const text = readFileSync(await file.path(), "utf8");
      return { text, bytes: Buffer.from(text) };
    };
    const german = await exported();
    const lines = german.text.replace(/^\ufeff/, "").split("\r\n");
    assert.match(lines[0], /^Tolerance key;Tolerance amount;Group ID;/);
    // Quoted for semicolon readers; a comma reader splits nowhere near the "=".
    assert.equal(lines[1], '4501;"12,5";"a;=1+1";ACH;;;;');
    assert.equal(lines[2], '4502;"-3,25";b;EFT;;;;');
    // The other choice, visible beside Export: commas and decimal points.
    await separator.selectOption(",");
    const english = (await exported()).text.replace(/^\ufeff/, "").split("\r\n");
    assert.equal(english[1], '4501,12.5,"a;\'=1+1",ACH,,,,');
    // The German file imported back: the same amounts, as typed.
    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Start empty" }).click();
    await page.getByRole("grid").and(page.locator('[aria-rowcount="1"]')).waitFor();
    await importFile(page, "german.csv", german.bytes);
    await preview(page).getByText("2 rows will be added, 0 updated, 0 have problems.").waitFor();
    await preview(page).getByRole("button", { name: "Apply import" }).click();
    await page.getByText(/^Imported german.csv/).waitFor();
    assert.equal(await (await cell(page, "Tolerance amount", 1)).inputValue(), "12.5");
    assert.equal(await (await cell(page, "Tolerance amount", 2)).inputValue(), "-3.25");
    assert.equal(await (await cell(page, "Group ID", 1)).inputValue(), "a;=1+1");
    assert.deepEqual(problems.cspViolations, []);
    await context.close();
  });
});
