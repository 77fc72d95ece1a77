#!/usr/bin/env node
// Serves the built docs site (packages/docs/dist) with node:http only, so README command 1
// and the browser test can open it without another dependency.
//
//   import { serveDocs } from "./serve.mjs";
//   const { url, close } = await serveDocs({ port: 0, host: "127.0.0.1" });
//
//   node scripts/serve.mjs --port 4000 [--host 127.0.0.1] [--dir dist]
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** The folder `node scripts/build.mjs` writes. */
export const DIST = resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
  ".yml": "application/yaml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serve the static files of `dir` (default: the built docs) until `close()` is called.
 * `port: 0` picks a free port; the returned `url` always names the port actually bound.
 *
 * @param {{ port?: number, host?: string, dir?: string }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveDocs({ port = 0, host = "127.0.0.1", dir = DIST } = {}) {
  const root = resolve(dir);
  if (!existsSync(join(root, "index.html"))) {
    throw new Error(
      `No docs site in ${root}: build it first (\`npx -y pnpm@12.25.1 run docs\`, or \`node scripts/build.mjs\` in packages/docs).`,
    );
  }

  const server = createServer((req, res) => {
    handle(root, req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`500 ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  // Keep-alive sockets would make close() wait for the browser to let go.
  server.keepAliveTimeout = 1000;

  await new Promise((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(port, host, () => {
      server.off("error", rejectListen);
      resolveListen(undefined);
    });
  });

  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    url: `http://${urlHost}:${boundPort}/`,
    close: () =>
      new Promise((resolveClose, rejectClose) => {
        server.close((error) =>
          error ? rejectClose(error instanceof Error ? error : new Error(String(error))) : resolveClose(),
        );
        server.closeAllConnections();
      }),
  };
}

/**
 * @param {string} root
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 */
async function handle(root, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("405 method not allowed\n");
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
    res.end("400 bad request\n");
    return;
  }
  let file = resolve(root, `.${pathname}`);
  // Never leave the served folder (`/../`, encoded or not).
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
    res.end("403 forbidden\n");
    return;
  }
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, "index.html");
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end(`404 not found: ${pathname}\n`);
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}

const HELP = `Serve the built veeam-sessions docs (packages/docs/dist).

Usage: node scripts/serve.mjs [--port 4000] [--host 127.0.0.1] [--dir dist]

  --port, -p  port to listen on (default 4000; 0 picks a free one)
  --host      address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
  --dir       folder to serve (default: packages/docs/dist)
  --help, -h  show this help

Build the site first: npx -y pnpm@12.25.1 run docs (from the repository root).`;

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", short: "p", default: "4000" },
        host: { type: "string", default: "127.0.0.1" },
        dir: { type: "string", default: DIST },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
    process.exit(2);
  }
  let served;
  try {
    served = await serveDocs({ port, host: values.host, dir: values.dir });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  console.log(`veeam-sessions docs: ${served.url}  (Ctrl+C stops)`);
  const stop = () => void served.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
