// The reference deployment for the end-to-end tests: Debian's nginx started on a free loopback
// port with deploy/nginx/'s configuration, rendered by its own `render` script from an env
// file and with the key written by its own `set-api-key`, exactly as docs/deploying.md says.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { required } from "../harness.mjs";

/** A port that was free a moment ago (nginx binds it itself). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts nginx serving `distDir` under `basePath` and forwarding `<basePath>vbapi/` to
 * `upstream` (the sandbox started with `--api-only`) with `apiKey` added. Resolves once nginx
 * answers; `url` is the app's address (ending with `basePath`).
 */
export async function startNginx({ distDir, basePath, upstream, apiKey }) {
  const deploy = required("DEPLOY_NGINX");
  const dir = mkdtempSync(path.join(tmpdir(), "nginx-"));
  const conf = path.join(dir, "tolerance-editor");
  for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, sub));
  const keyFile = path.join(conf, "vbapi-api-key.conf");
  mkdirSync(conf);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const env = [
      `TE_PATH=${basePath}`,
      `TE_DIST_DIR=${distDir}`,
      `TE_VBAPI_ORIGIN=${upstream}/`,
      `TE_API_KEY_FILE=${keyFile}`,
      `TE_LISTEN=127.0.0.1:${port}`,
      `TE_SERVER_NAME=localhost`,
    ];
    const envFile = path.join(dir, "tolerance-editor.env");
    writeFileSync(envFile, env.join("\n") + "\n");
    execFileSync(path.join(deploy, "render"), [envFile, conf]);
    execFileSync(path.join(deploy, "set-api-key"), [keyFile], { input: `${apiKey}\n` });
    // The main file a Debian install already has, reduced to what a test needs: its own
    // folders, one worker, and the brotli_static module Debian's package loads.
    const main = path.join(dir, "nginx.conf");
    writeFileSync(
      main,
      [
        `load_module ${path.join(required("NGINX_MODULES"), "ngx_http_brotli_static_module.so")};`,
        "daemon off;",
        "user root root;",
        "worker_processes 1;",
        `pid ${path.join(dir, "nginx.pid")};`,
        `error_log ${path.join(dir, "error.log")} info;`,
        "events { worker_connections 256; }",
        "http {",
        "  include /etc/nginx/mime.types;",
        "  default_type application/octet-stream;",
        "  sendfile on;",
        `  access_log ${path.join(dir, "access.log")};`,
        ...["body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
          (sub) => `  ${sub === "body" ? "client_body" : sub}_temp_path ${path.join(dir, sub)};`,
        ),
        `  include ${path.join(conf, "http.conf")};`,
        `  include ${path.join(conf, "server.conf")};`,
        "}",
      ].join("\n") + "\n",
    );
    const child = spawn(required("NGINX_BIN"), ["-p", dir, "-c", main], { stdio: ["ignore", "pipe", "pipe"] });
    const log = [];
    child.stderr.on("data", (chunk) => log.push(chunk.toString()));
    const origin = `http://127.0.0.1:${port}`;
    const up = await waitUntilAnswering(`${origin}${basePath}`, child);
    if (!up) {
      const errors = readFileSync(path.join(dir, "error.log"), "utf8") + log.join("");
      if (attempt < 3 && /Address already in use/.test(errors)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start:\n${errors}`);
    }
    return {
      origin,
      url: `${origin}${basePath}`,
      basePath,
      /** nginx's access log: one line per request it answered. */
      accessLog: () => readFileSync(path.join(dir, "access.log"), "utf8"),
      /** The rendered configuration, for a test that reads what it sends. */
      conf,
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGQUIT");
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

async function waitUntilAnswering(url, child) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  return false;
}
