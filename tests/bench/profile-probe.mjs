// scratch: where does a scroll frame go? (not committed)
import { launchBrowser, startSandbox, watchedPage } from "../e2e/harness.mjs";
import path from "node:path";
const rows = Number(process.env.ROWS ?? 1000);
const sandbox = await startSandbox({ extraArgs: ["--tenant", path.resolve(`target/bench/tenant-${rows}.toml`), "--rate-limit", "off"] });
const browser = await launchBrowser();
const { page, context } = await watchedPage(browser);
const cdp = await context.newCDPSession(page);
await cdp.send("Performance.enable");
await page.goto(sandbox.url);
await page.getByLabel("User name").fill("demo");
await page.getByLabel("Password").fill("demo");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByRole("button", { name: /^Load tolerances from/ }).click();
await page.getByText(/^Loaded \d+ tolerances/).waitFor({ timeout: 120000 });
await page.waitForTimeout(2000);
const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
const diff = (a, b) => Object.fromEntries(["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "LayoutCount", "RecalcStyleCount"].map((k) => [k, +(b[k] - a[k]).toFixed(3)]));
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
await cdp.send("Profiler.start");
const m0 = await metrics();
const frames = await page.evaluate(async () => {
  const grid = document.querySelector("[role=grid]");
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  let last = await frame(); const times = [];
  const max = grid.scrollHeight - grid.clientHeight;
  for (let i = 1; i <= 30; i++) { grid.scrollTop = Math.round(max * i / 30); const now = await frame(); times.push(now - last); last = now; }
  return times;
});
const m1 = await metrics();
const { profile } = await cdp.send("Profiler.stop");
console.log("frames", frames.map((f) => f.toFixed(0)).join(" "));
console.log("scroll 30 frames", diff(m0, m1));
// self time by function
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; 
profile.samples.forEach((id, i) => { const n = byId.get(id); const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}`; self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0)); });
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(1)}ms ${k}`).join("\n"));
// keystrokes
const input = page.getByLabel("Tolerance amount row 3", { exact: true });
await page.evaluate(() => (document.querySelector("[role=grid]").scrollTop = 0));
await page.waitForTimeout(300);
await input.click();
const k0 = await metrics();
for (let i = 0; i < 20; i++) { await page.keyboard.press(i % 2 ? "Backspace" : "5"); }
const k1 = await metrics();
console.log("20 keys", diff(k0, k1));
await browser.close(); await sandbox.stop();
