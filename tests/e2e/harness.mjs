// Shared set-up for the end-to-end tests: a sandbox on a free loopback port serving the built
// app, and Debian's headless Chromium driven by playwright-core. `cargo xtask test` sets the
// environment variables below; see xtask/src/tasks.rs.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through \`cargo xtask test\``);
  return value;
}

export const distDir = () => required("DIST_DIR");
export const artifactsDir = () => {
  const dir = process.env.E2E_ARTIFACTS ?? path.resolve("artifacts");
  mkdirSync(dir, { recursive: true });
  return dir;
};

/**
 * Starts the sandbox on 127.0.0.1 with a port the system picks, serving `staticDir` (none when
 * `null`), with a fresh in-memory database and fault injection on, and resolves once it prints
 * `listening on http://…`.
 */
export async function startSandbox({ staticDir = distDir(), extraArgs = [] } = {}) {
  const serving = staticDir === null ? [] : ["--static", staticDir];
  const child = spawn(
    required("SANDBOX_BIN"),
    ["--addr", "127.0.0.1:0", ...serving, "--db", ":memory:", "--faults", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const log = [];
  child.stderr.on("data", (chunk) => log.push(chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start:\n${log.join("")}`)), 30_000);
    child.once("exit", (code) => reject(new Error(`the sandbox exited (${code}):\n${log.join("")}`)));
    lines.on("line", (line) => {
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const api = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  };
  return {
    url,
    log,
    /** Arms fault rules (see sandbox/README.md). */
    faults: (rules) => api("POST", "/__sandbox/faults", rules),
    clearFaults: () => api("DELETE", "/__sandbox/faults"),
    /** The API requests the sandbox received, oldest first. */
    requests: async () => {
      const log = await api("GET", "/__sandbox/requests");
      return Array.isArray(log) ? log : (log?.data ?? log?.requests ?? []);
    },
    clearRequests: () => api("DELETE", "/__sandbox/requests"),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile (playwright-core makes one per launch). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: required("CHROMIUM_BIN"),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/**
 * A page that records what a user would never see but a test must: console errors, uncaught
 * exceptions and Content-Security-Policy violations (reported by the browser itself through
 * a listener installed before any of the page's scripts run).
 */
export async function watchedPage(browser, { viewport = { width: 1280, height: 800 }, locale } = {}) {
  const context = await browser.newContext({ viewport, ...(locale ? { locale } : {}) });
  const page = await context.newPage();
  const problems = { consoleErrors: [], pageErrors: [], cspViolations: [] };
  page.on("console", (message) => {
    if (message.type() === "error") problems.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => problems.pageErrors.push(String(error)));
  await page.exposeFunction("__reportCspViolation", (violation) => problems.cspViolations.push(violation));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__reportCspViolation({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        sample: event.sample,
      });
    });
  });
  return { page, context, problems };
}

/** Waits until the WebAssembly app has started: its heading is rendered by Rust, not HTML. */
export async function waitForApp(page) {
  await page.getByRole("heading", { level: 1, name: "Tolerance Editor" }).waitFor({ timeout: 30_000 });
}

/**
 * Within a `describe`: one sandbox (started with `options`) and one browser for its tests,
 * stopped after them. `started` receives `{ sandbox, browser }` once they are up.
 */
export function sandboxAndBrowser(started, options) {
  let sandbox;
  let browser;
  before(async () => {
    [sandbox, browser] = await Promise.all([startSandbox(options), launchBrowser()]);
    started({ sandbox, browser });
  });
  after(async () => {
    await browser?.close();
    await sandbox?.stop();
  });
}
