// The simulator engine under load, each figure a ratio against a baseline measured in the same
// run (issue #16, "Performance"): GET by id (JSON, XML; guard off and on; Prism for comparison)
// against a bare node:http server sending the same status, headers and bytes; a filtered, sorted
// /query page of 100 over 10,000 sessions against a GET by id on the same mock; start-up of the
// simulator against Prism. Several rounds, contenders interleaved; medians printed. Exits 1 on
// any error. Timings are reported, never asserted. See bench/README.md.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { getApi } from "@veeam-sessions/spec";
import { DEFAULT_USER, startMock, type MockOptions, type MockServer } from "../src/index.js";

const API = "enterprise-manager";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 3);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
/** Prism answers its example for any id. */
const PRISM_ID = "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6";

type Target = (i: number) => { url: URL; bytes?: number };
type Headers = Record<string, string>;

let errors = 0;

function get(agent: http.Agent, url: URL, headers: Headers, expectBytes: number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () =>
        res.statusCode === 200 && (expectBytes === undefined || bytes === expectBytes)
          ? resolve()
          : reject(new Error(`${url.pathname}: HTTP ${res.statusCode}, ${bytes} bytes`)),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** `count` requests at CONCURRENCY over one keep-alive agent; requests per second. */
async function load(target: Target, headers: Headers, count: number): Promise<number> {
  // Each measure starts without the garbage of the one before (run with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const { url, bytes } = target(next++);
        await get(agent, url, headers, bytes).catch((error: unknown) => {
          if (errors++ < 5) console.error(String(error));
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return count / seconds;
}

/** What a mock answered, captured once: status, headers and bytes. */
async function capture(url: URL, headers: Headers): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200)
    throw new Error(`${url.href}: HTTP ${response.status}: ${body.toString().slice(0, 300)}`);
  const kept: Headers = {};
  response.headers.forEach((v, k) => {
    if (!["date", "connection", "keep-alive", "transfer-encoding"].includes(k)) kept[k] = v;
  });
  if (response.headers.get("x-veeam-mock-violations")) throw new Error(`${url.href}: the guard found violations`);
  return { status: response.status, headers: kept, body };
}

/** A bare node:http server answering exactly what the mock answered. */
async function bareTwin(answer: { status: number; headers: Headers; body: Buffer }) {
  const server = http.createServer((_req, res) => res.writeHead(answer.status, answer.headers).end(answer.body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function logOn(mock: MockServer): Promise<Headers> {
  const auth = getApi(API).auth;
  const response = await fetch(`${mock.origin}${auth.tokenPath}`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${DEFAULT_USER.username}:${DEFAULT_USER.password}`).toString("base64")}`,
    },
  });
  await response.arrayBuffer();
  const token = response.headers.get(auth.header!);
  if (!token) throw new Error(`logon: HTTP ${response.status}, no ${auth.header}`);
  return { [auth.header!.toLowerCase()]: token };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const idOf = (body: Record<string, unknown>) => String(body.Href).split("?")[0]!.split("/").pop()!;

// ---- start-up: ms from startMock() to the first answer -------------------------------------

async function startup(engine: "sim" | "prism"): Promise<number> {
  const started = performance.now();
  const mock = await startMock({ api: API, engine, port: 0 });
  const response = await fetch(`${mock.url}/backupSessions/${PRISM_ID}`, {
    headers: { accept: "application/json", "x-restsvcsessionid": "YmVuY2g=" },
  });
  await response.arrayBuffer();
  const ms = performance.now() - started;
  await mock.stop();
  return ms;
}

console.log(
  `veeam-mock simulator bench (${API}): ${REQUESTS} requests per measure at concurrency ${CONCURRENCY} ` +
    `(keep-alive node:http agent), after ${WARMUP} warm-up requests; ${ROUNDS} rounds, medians; ` +
    `start-up ${STARTS}× each engine\n`,
);

const starts: Record<"sim" | "prism", number[]> = { sim: [], prism: [] };
for (let i = 0; i < STARTS; i++)
  for (const engine of ["sim", "prism"] as const) starts[engine].push(await startup(engine));

// ---- the mocks ---------------------------------------------------------------------------

async function simMock(options: Partial<MockOptions>) {
  const mock = await startMock({ api: API, engine: "sim", port: 0, sessions: SESSIONS, ...options });
  const headers = await logOn(mock);
  const ids = mock.sessions.list("BackupJobSession").map((b) => idOf(b as Record<string, unknown>));
  return { mock, headers, ids };
}

const plain = await simMock({ guard: false });
const guarded = await simMock({ guard: true });
const prism = await startMock({ api: API, engine: "prism", port: 0 });
const prismHeaders = { "x-restsvcsessionid": "YmVuY2g=" };

interface Row {
  name: string;
  /** The contender's target and headers; the baseline's. */
  run: () => Promise<number>;
  base: () => Promise<number>;
  /** What the ratio means and its target: `rps` (contender/baseline ≥ target) or `cost` (baseline/contender ≤ target). */
  kind: "rps" | "cost";
  target: number;
  note: string;
  rps: number[];
  baseRps: number[];
}
const rows: Row[] = [];
const closers: Array<() => Promise<void>> = [];

async function getRow(
  name: string,
  mock: MockServer,
  headers: Headers,
  id: string,
  mediaType: string,
  target: number,
): Promise<void> {
  const url = new URL(`${mock.url}/backupSessions/${id}?format=Entity`);
  const h = { ...headers, accept: mediaType };
  const answer = await capture(url, h);
  const twin = await bareTwin(answer);
  closers.push(twin.close);
  const bytes = answer.body.length;
  rows.push({
    name: `${name} ${mediaType.split("/")[1]} (${bytes} B)`,
    run: () => load(() => ({ url, bytes }), h, REQUESTS),
    base: () => load(() => ({ url: twin.url, bytes }), h, REQUESTS),
    kind: "rps",
    target,
    note: "× bare node:http, same bytes",
    rps: [],
    baseRps: [],
  });
  await load(() => ({ url, bytes }), h, WARMUP);
  await load(() => ({ url: twin.url, bytes }), h, WARMUP);
}

const id = plain.ids[0]!;
for (const mediaType of ["application/json", "application/xml"]) {
  await getRow("sim GET by id", plain.mock, plain.headers, id, mediaType, 0.5);
  await getRow("sim GET by id, guard on", guarded.mock, guarded.headers, id, mediaType, 0.4);
  await getRow("prism GET by id", prism, prismHeaders, PRISM_ID, mediaType, 0);
}

// The query: failed backup sessions created before a time (24 times, an hour apart), newest
// first, page 1, 2 or 3 of 100: every request filters and sorts again, and the rotation covers 72
// different answers (no answer is cached; see the README for what is).
const newest = Math.max(
  ...plain.mock.sessions.list("BackupJobSession").map((b) => Date.parse(String(b.CreationTimeUTC))),
);
const queries = Array.from({ length: 24 }, (_, hour) => new Date(newest - hour * 3_600_000).toISOString()).flatMap(
  (before) =>
    [1, 2, 3].map(
      (page) =>
        new URL(
          `${plain.mock.url}/query?type=BackupJobSession&format=Entities&filter=${encodeURIComponent(
            `Result==Failed;CreationTime<"${before}"`,
          )}&sortDesc=CreationTime&pageSize=100&page=${page}`,
        ),
    ),
);
const queryHeaders = { ...plain.headers, accept: "application/json" };
const failed = plain.mock.sessions.list("BackupJobSession").filter((b) => b.Result === "Failed").length;
{
  const sample = await capture(queries[0]!, queryHeaders);
  const byId = new URL(`${plain.mock.url}/backupSessions/${id}?format=Entity`);
  const bytes = (await capture(byId, queryHeaders)).body.length;
  rows.push({
    name: `sim /query page of 100 json (~${Math.round(sample.body.length / 1024)} KiB)`,
    run: () => load((i) => ({ url: queries[i % queries.length]! }), queryHeaders, REQUESTS / 4),
    base: () => load(() => ({ url: byId, bytes }), queryHeaders, REQUESTS),
    kind: "cost",
    target: 3,
    note: "× the cost of a sim GET by id json",
    rps: [],
    baseRps: [],
  });
  await load((i) => ({ url: queries[i % queries.length]! }), queryHeaders, WARMUP / 4);
  // The floor: a bare server sending that page's bytes, against the same GET by id.
  const twin = await bareTwin(sample);
  closers.push(twin.close);
  rows.push({
    name: `  bare node:http, that page's bytes`,
    run: () => load(() => ({ url: twin.url, bytes: sample.body.length }), queryHeaders, REQUESTS / 4),
    base: () => load(() => ({ url: byId, bytes }), queryHeaders, REQUESTS),
    kind: "cost",
    target: 0,
    note: "× the cost of a sim GET by id json (the floor)",
    rps: [],
    baseRps: [],
  });
}

for (let round = 0; round < ROUNDS; round++) {
  for (const row of rows) {
    row.rps.push(await row.run());
    row.baseRps.push(await row.base());
  }
}

await Promise.all([plain.mock.stop(), guarded.mock.stop(), prism.stop(), ...closers.map((c) => c())]);

// ---- the table -----------------------------------------------------------------------------

const num = (n: number, d = 0) => n.toFixed(d).padStart(9);
console.log(
  `${"contender".padEnd(44)}    req/s  baseline    ratio  target   (range of the ratio over ${ROUNDS} rounds)`,
);
let missed = 0;
for (const row of rows) {
  const ratios = row.rps.map((r, i) => (row.kind === "rps" ? r / row.baseRps[i]! : row.baseRps[i]! / r));
  const ratio = median(ratios);
  const ok = !row.target || (row.kind === "rps" ? ratio >= row.target : ratio <= row.target);
  if (!ok) missed++;
  const target = row.target ? `${row.kind === "rps" ? "≥" : "≤"}${row.target}` : "-";
  console.log(
    `${row.name.padEnd(44)}${num(median(row.rps))}${num(median(row.baseRps))}${num(ratio, 2)}  ${target.padEnd(6)}${ok ? "" : " MISSED"}  ${row.note} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
  );
}
const sim = median(starts.sim);
const pr = median(starts.prism);
const speedup = pr / sim;
if (speedup < 3) missed++;
console.log(
  `${"start-up to first answer: sim / prism ms".padEnd(44)}${num(sim)}${num(pr)}${num(speedup, 2)}  ≥3    ${speedup < 3 ? " MISSED" : ""}  × faster than Prism (sim ${starts.sim.map((x) => x.toFixed(0)).join(", ")}; prism ${starts.prism.map((x) => x.toFixed(0)).join(", ")} ms)`,
);
console.log(
  `\n${SESSIONS} generated backup-like sessions (${plain.ids.length} BackupJobSession, ${failed} failed); ` +
    `the query rotates over ${queries.length} (time, page) pairs; ${missed ? `${missed} target(s) missed` : "every target met"}`,
);
if (errors) {
  console.error(`${errors} request(s) failed: the mock must answer every request`);
  process.exitCode = 1;
}
