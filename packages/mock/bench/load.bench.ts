// Load: 2,000 requests at concurrency 20 against the mock (front + Prism), next to a raw node
// `http` server answering the same status, headers and bytes, in the same run. Prints req/s,
// p50/p99 and the ratios; exits 1 on any error. Timings are reported, never asserted.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startMock } from "../src/index.js";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const ID = "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6";

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function get(agent: http.Agent, url: URL, headers: Record<string, string>, expectBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () =>
        res.statusCode === 200 && bytes === expectBytes
          ? resolve(performance.now() - started)
          : reject(new Error(`HTTP ${res.statusCode}, ${bytes} bytes`)),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function load(
  name: string,
  url: URL,
  headers: Record<string, string>,
  bytes: number,
  count: number,
): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        try {
          times.push(await get(agent, url, headers, bytes));
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN;
  return { name, rps: count / seconds, p50: pct(50), p99: pct(99), errors };
}

/** A raw server that answers exactly what the mock answered: status, content type, bytes. */
async function rawTwin(status: number, contentType: string, body: Buffer): Promise<{ url: URL; close(): void }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { "content-type": contentType, "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`), close: () => server.close() };
}

const mock = await startMock({ api: "enterprise-manager", engine: "prism", port: 0 });
console.log(
  `veeam-mock load bench: Prism started in ${(mock.prism!.startupMs / 1000).toFixed(2)} s (mock ready in ${(mock.startupMs / 1000).toFixed(2)} s)`,
);
console.log(
  `${REQUESTS} requests, concurrency ${CONCURRENCY}, after ${WARMUP} warm-up requests each; GET /api/backupSessions/{ID} with a session header\n`,
);

const rows: Array<[Result, Result, Result]> = [];
let failed = false;
for (const mediaType of ["application/json", "application/xml"]) {
  const url = new URL(`${mock.url}/backupSessions/${ID}`);
  const headers = { accept: mediaType, "x-restsvcsessionid": "YmVuY2g=" };
  const sample = await fetch(url, { headers });
  const body = Buffer.from(await sample.arrayBuffer());
  const raw = await rawTwin(sample.status, sample.headers.get("content-type")!, body);
  await load("warm-up", url, headers, body.length, WARMUP);
  await load("warm-up", raw.url, headers, body.length, WARMUP);
  const direct = new URL(`${mock.prism!.url}${url.pathname}`);
  const m = await load(`veeam-mock ${mediaType}`, url, headers, body.length, REQUESTS);
  const r = await load(`raw node http, same ${body.length} bytes`, raw.url, headers, body.length, REQUESTS);
  const p = await load(`  (Prism alone, without the front)`, direct, headers, body.length, REQUESTS);
  raw.close();
  rows.push([m, r, p]);
  failed ||= m.errors > 0 || r.errors > 0;
}
await mock.stop();

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number, d = 0) => n.toFixed(d).padStart(8);
console.log(`${pad("contender", 40)}   req/s   p50 ms   p99 ms  errors`);
for (const [m, r, p] of rows) {
  for (const x of [m, r, p])
    console.log(`${pad(x.name, 40)}${num(x.rps)}${num(x.p50, 2)} ${num(x.p99, 2)}${String(x.errors).padStart(8)}`);
  console.log(
    `${pad("  ratio mock / raw", 40)}${num(m.rps / r.rps, 3)}${num(m.p50 / r.p50, 2)}x${num(m.p99 / r.p99, 2)}x\n`,
  );
}
if (failed) {
  console.error("errors: the mock must answer every request");
  process.exitCode = 1;
}
