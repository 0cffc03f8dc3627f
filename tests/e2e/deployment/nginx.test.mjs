// The reference deployment, for real: Debian's nginx with deploy/nginx/'s configuration serves
// dist/ under /tolerance-editor/ (and, to keep the root case honest, at /) in front of the
// sandbox started as a plain VBAPI (--api-only: no gateway of its own, so only nginx can add
// the key). Chromium walks the main path through nginx; the headers, the precompressed files,
// the gateway's allowlist, its token check and its sign-in limit are checked on the wire.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { artifactsDir, distDir, launchBrowser, startSandbox, waitForApp, watchedPage } from "../harness.mjs";
import { cell, loadTable, outcome, rowState, signIn, submitAndSend } from "../editor.js";
import { startNginx } from "./nginx.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const tenant = path.join(here, "..", "tenant.toml");
const API_KEY = "demo-api-key";

/** The policy the README gives deployers, which nginx must send exactly. */
const README_CSP = (() => {
  const readme = readFileSync(path.join(here, "..", "..", "..", "README.md"), "utf8");
  const line = readme.split("\n").find((l) => l.startsWith("Content-Security-Policy: "));
  assert.ok(line, "README.md states the Content-Security-Policy");
  return line.slice("Content-Security-Policy: ".length).trim();
})();

/** One request with exactly the headers given (fetch would add and decode its own encodings). */
function rawGet(url, headers = {}, method = "GET") {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The files of the build as index.html names them, each with what its cache header must be. */
function builtFiles() {
  const html = readFileSync(path.join(distDir(), "index.html"), "utf8");
  // Trunk's minifier leaves attribute values unquoted.
  const named = [...html.matchAll(/(?:href|src|data-js|data-wasm)=["']?\.\/([^"'\s>]+)/g)].map((m) => m[1]);
  const files = [...new Set(["index.html", "boot.js", "config.json", ...named])];
  const hashed = (name) => /-[0-9a-f]{16}(_bg)?\.[a-z0-9]+$/.test(name);
  return files.map((name) => ({
    name,
    cache: hashed(name) ? "public, max-age=31536000, immutable" : "no-cache",
    precompressed: name !== "config.json",
  }));
}

const signInHeaders = {
  authorization: "Basic ZGVtbzpkZW1v",
  "vbasoftware-client-id": "demo-client",
  "vbasoftware-client-code": "demo",
  "vbasoftware-database": "DEMO_LIVE",
};

for (const basePath of ["/tolerance-editor/", "/"]) {
  describe(`nginx serving the app at ${basePath}`, () => {
    let sandbox;
    let nginx;
    let browser;

    before(async () => {
      sandbox = await startSandbox({ staticDir: null, extraArgs: ["--api-only", "--tenant", tenant] });
      [nginx, browser] = await Promise.all([
        startNginx({ distDir: distDir(), basePath, upstream: sandbox.url, apiKey: API_KEY }),
        launchBrowser(),
      ]);
    });
    after(async () => {
      await browser?.close();
      await nginx?.stop();
      await sandbox?.stop();
    });

    test("the main path through nginx: sign in, load, edit, paste, a mixed submit, a reload with the draft", async () => {
      const { page, context, problems } = await watchedPage(browser);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: nginx.origin });
      const sent = [];
      const received = [];
      page.on("request", (r) => sent.push(r));
      // Each answer is read as it arrives: a page's bodies are gone once it reloads.
      page.on("response", (r) => {
        received.push(
          (async () => ({
            url: r.url(),
            status: r.status(),
            headers: await r.allHeaders(),
            body: await r.body().catch(() => null),
          }))(),
        );
      });

      const documentResponse = await page.goto(nginx.url);
      await waitForApp(page);
      assert.equal(documentResponse.headers()["content-security-policy"], README_CSP);
      await signIn(page);
      await loadTable(page);

      await (await cell(page, "Tolerance amount", 5)).fill("55.55");
      assert.equal(await rowState(page, 5), "✎ Changed");
      await page.getByRole("button", { name: "Add row" }).click();
      await (await cell(page, "Tolerance key", 301)).click();
      const block = ["9101\t1.25\tGRP001\tACH", "9102\t2.50\tGRP002\tACH", "9103\t3.75\tGRP003\tCHECK"].join("\r\n") + "\r\n";
      await page.evaluate((text) => navigator.clipboard.writeText(text), block);
      await page.keyboard.press("Control+V");
      await page.getByText(/^Pasted 12 cells/).waitFor();
      assert.equal(await rowState(page, 303), "＋ New");

      await sandbox.clearRequests();
      await sandbox.faults([
        { path: "/tolerances-batch", do: "fail_items", keys: [9102], status: 400, body: "group_ID GRP002 is closed" },
      ]);
      await submitAndSend(page, { database: "DEMO_LIVE" });
      await page.getByText(/^Last submit:/).waitFor();
      assert.equal(
        await page.getByText(/^Last submit:/).innerText(),
        "Last submit: 2 created, 1 updated, 1 failed, 0 unconfirmed.",
      );
      assert.match(await outcome(page, 5), /Updated/);
      assert.match(await outcome(page, 302), /400: group_ID GRP002 is closed/);
      assert.equal(await rowState(page, 302), "✗ Failed");
      await page.screenshot({ path: path.join(artifactsDir(), `nginx${basePath.replaceAll("/", "-")}submit.png`) });

      // What reached VBAPI came through nginx, which added the key; the browser sent none.
      const log = await sandbox.requests();
      const batches = log.filter((r) => r.path === "/tolerances-batch");
      assert.equal(batches.length, 1, JSON.stringify(log.map((r) => r.path)));
      for (const entry of log) assert.equal(entry.headers["x-api-key"], "[redacted: a key of this tenant]", entry.path);
      const apiCalls = sent.filter((r) => r.url().startsWith(`${nginx.url}vbapi/`));
      assert.ok(apiCalls.length >= 4, `API calls seen: ${apiCalls.length}`);
      for (const request of sent) {
        const headers = await request.allHeaders();
        assert.equal(headers["x-api-key"], undefined, `the browser sent x-api-key to ${request.url()}`);
      }

      // An unsent edit survives a reload, with the failed row still to send.
      await (await cell(page, "Tolerance amount", 6)).fill("66.66");
      await page.waitForTimeout(600); // the draft is written 400 ms after the last change
      page.once("dialog", (d) => d.accept());
      await page.reload();
      await waitForApp(page);
      await signIn(page);
      await page.getByText(/^Restored your draft for DEMO_LIVE/).waitFor();
      assert.equal(await (await cell(page, "Tolerance amount", 6)).inputValue(), "66.66");
      assert.equal(await rowState(page, 6), "✎ Changed");
      assert.equal(await (await cell(page, "Tolerance key", 302)).inputValue(), "9102");
      assert.equal(await rowState(page, 302), "✗ Failed");

      // Every file loaded from under the path; no response ever carried the key.
      const answers = await Promise.all(received);
      const failed = answers.filter((a) => a.status >= 400);
      assert.deepEqual(failed.map((a) => `${a.status} ${a.url}`), []);
      for (const kind of ["boot.js", ".wasm", ".css", "config.json", "vbapi/tolerances", "vbapi/user-authentication"]) {
        assert.ok(answers.some((a) => a.url.includes(kind) && a.body), `a ${kind} answer was read`);
      }
      for (const answer of answers) {
        assert.ok(answer.url.startsWith(nginx.url), `${answer.url} is outside ${nginx.url}`);
        assert.doesNotMatch(JSON.stringify(answer.headers), new RegExp(API_KEY), answer.url);
        assert.ok(!answer.body?.includes(API_KEY), `${answer.url} carried the key`);
      }
      assert.deepEqual(problems.cspViolations, []);
      assert.deepEqual(problems.pageErrors, []);
      await context.close();
    });

    test("each file has its cache header, the app's headers, and its .br or .gz when asked", async () => {
      for (const file of builtFiles()) {
        const url = `${nginx.url}${file.name}`;
        for (const encoding of ["br", "gzip", "identity"]) {
          const answer = await rawGet(url, { "accept-encoding": encoding });
          const what = `${file.name} (${encoding})`;
          assert.equal(answer.status, 200, what);
          assert.equal(answer.headers["cache-control"], file.cache, what);
          assert.equal(answer.headers["content-security-policy"], README_CSP, what);
          assert.equal(answer.headers["x-content-type-options"], "nosniff", what);
          assert.equal(answer.headers["referrer-policy"], "no-referrer", what);
          // config.json has no precompressed copy: nginx compresses it with gzip as it sends it.
          const sentAs = file.precompressed
            ? { br: "br", gzip: "gzip" }[encoding]
            : { gzip: "gzip" }[encoding];
          assert.equal(answer.headers["content-encoding"], sentAs, what);
          if (sentAs && !file.precompressed) {
            assert.ok(gunzipSync(answer.body).equals(readFileSync(path.join(distDir(), file.name))), what);
          } else if (sentAs) {
            const stored = readFileSync(path.join(distDir(), `${file.name}.${sentAs === "br" ? "br" : "gz"}`));
            assert.ok(answer.body.equals(stored), `${what} is the precompressed file`);
          }
        }
        if (file.name.endsWith(".wasm")) {
          const answer = await rawGet(url);
          assert.equal(answer.headers["content-type"], "application/wasm");
        }
      }
      if (basePath !== "/") {
        const bare = await rawGet(`${nginx.origin}${basePath.slice(0, -1)}`);
        assert.equal(bare.status, 301);
        assert.equal(bare.headers.location, basePath);
      }
    });

    test("the gateway forwards only the app's calls, wants a token for data, and limits sign-ins", async () => {
      const api = `${nginx.url}vbapi/`;
      await sandbox.clearRequests();
      const refused = [
        ["DELETE", "tolerances/1"],
        ["GET", "__sandbox/requests"],
        ["GET", "tolerances/1/history"],
        ["POST", "tolerances-batch"],
        ["GET", "Tolerances"],
        ["GET", "tolerances/../__sandbox/requests"],
        ["GET", "tolerances/%2e%2e/__sandbox/requests"],
        ["GET", "user-authentication"],
      ];
      for (const [method, where] of refused) {
        const answer = await rawGet(`${api}${where}`, { authorization: "Bearer x" }, method);
        assert.equal(answer.status, 404, `${method} ${where}`);
      }
      const noToken = await rawGet(`${api}tolerances?page=1&pageSize=5`, { "vbasoftware-database": "DEMO_LIVE" });
      assert.equal(noToken.status, 401);
      assert.match(noToken.body.toString(), /refused by the gateway/);
      assert.deepEqual(await sandbox.requests(), [], "nginx stopped them before the sandbox");

      // A burst of 30 sign-ins from one address: nginx lets the first few through, refuses the
      // rest with 429 and Retry-After, and the sandbox sees only those it let through.
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => rawGet(`${api}user-authentication`, signInHeaders, "POST")),
      );
      const byGateway = answers.filter((a) => a.status === 429 && /limited by the gateway/.test(a.body.toString()));
      const statuses = answers.map((a) => a.status).join(" ");
      assert.ok(byGateway.length >= 15, `nginx limited only ${byGateway.length} of 30: ${statuses}`);
      assert.equal(byGateway[0].headers["retry-after"], "2");
      // The rest reached the sandbox (which may throttle a user's sign-ins itself).
      const signIns = (await sandbox.requests()).filter((r) => r.path === "/user-authentication");
      assert.equal(signIns.length, 30 - byGateway.length, statuses);
    });
  });
}
