// `pnpm bench`: node --expose-gc --import tsx bench/decode.bench.ts
// Compares codec.decode with JSON.parse (same data as JSON) and fast-xml-parser on a generated
// ReplicaTaskSessions document. Prints figures and ratios; never asserts timings.
import { isDeepStrictEqual } from "node:util";
import { XMLParser } from "fast-xml-parser";
import { createXmlCodec } from "../src/index.js";
import { REF, replicaDoc } from "../test/fixtures/replica.js";
import { generate } from "./generate.js";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error("run with node --expose-gc (the package's `bench` script does)");
  process.exit(1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Result {
  ms: number;
  heapGrowth: number;
  retained: number;
}

let sink: unknown;

/** One timed run in its own frame, so nothing from the previous run is still referenced. */
function once(fn: () => unknown): Result {
  sink = undefined;
  gc!();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = fn();
  const t1 = performance.now();
  const after = process.memoryUsage().heapUsed;
  gc!();
  const retained = process.memoryUsage().heapUsed - before;
  sink = value; // keeps `value` alive through the second gc
  return { ms: t1 - t0, heapGrowth: after - before, retained };
}

function measure(fn: () => unknown): Result {
  for (let i = 0; i < 2; i++) once(fn); // warm up (JIT) outside the measurement
  const runs: Result[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(once(fn));
  sink = undefined;
  return {
    ms: median(runs.map((r) => r.ms)),
    heapGrowth: median(runs.map((r) => r.heapGrowth)),
    retained: median(runs.map((r) => r.retained)),
  };
}

const { xml, json } = generate(ITEMS);
const xmlBytes = Buffer.byteLength(xml);
const jsonBytes = Buffer.byteLength(json);
const codec = createXmlCodec(replicaDoc);
const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });

const decoded = codec.decode(xml, REF);
if (!isDeepStrictEqual(decoded, JSON.parse(json))) {
  console.error("decode(xml) does not deep-equal JSON.parse(json): the bench would be meaningless");
  process.exit(1);
}

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1) + " MiB";
console.log(`ReplicaTaskSessions x ${ITEMS}: XML ${mb(xmlBytes)}, JSON twin ${mb(jsonBytes)}; median of ${RUNS} runs`);
console.log(`node ${process.version}`);

const rJson = measure(() => JSON.parse(json));
const rDecode = measure(() => codec.decode(xml, REF));
const rFxp = measure(() => fxp.parse(xml));
const rEncode = measure(() => codec.encode(decoded, REF));

const row = (name: string, r: Result, input: number): string =>
  `${name.padEnd(22)} ${r.ms.toFixed(1).padStart(8)} ms ${((input / 1024 / 1024 / r.ms) * 1000).toFixed(0).padStart(6)} MiB/s   heap growth ${(r.heapGrowth / input).toFixed(2)}x input, retained ${(r.retained / input).toFixed(2)}x input`;

console.log(row("JSON.parse (JSON)", rJson, jsonBytes));
console.log(row("codec.decode (XML)", rDecode, xmlBytes));
console.log(row("fast-xml-parser (XML)", rFxp, xmlBytes));
console.log(row("codec.encode (XML)", rEncode, xmlBytes) + "  (informational)");
console.log("");
console.log(`decode / JSON.parse      = ${(rDecode.ms / rJson.ms).toFixed(2)}  (target <= 4)`);
console.log(`fast-xml-parser / decode = ${(rFxp.ms / rDecode.ms).toFixed(2)}  (target >= 6)`);
console.log(
  `heap growth / input size: decode ${(rDecode.heapGrowth / xmlBytes).toFixed(2)}, JSON.parse ${(rJson.heapGrowth / jsonBytes).toFixed(2)}, fast-xml-parser ${(rFxp.heapGrowth / xmlBytes).toFixed(2)}`,
);
if (sink === null) console.log(""); // keep `sink` observable
