// `pnpm bench`: validations per second for a BackupJobSession (seed 002) as JSON and as XML,
// and our JSON validation against raw compiled ajv on the already parsed object (target ≥ 0.8).
// One run, contenders interleaved (the order rotates every round), medians over the rounds.
// Nothing here is asserted: timings are reported, never tested.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { ajvForDocument, rebase } from "../src/ajv.js";
import { createValidator, type RecordedResponse } from "../src/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 60);

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
const xmlText = fixture("enterprise-manager/xml/seed-002-backup-session.body.xml");
const jsonText = fixture("enterprise-manager/json/seed-002-backup-session.body.json");
const parsed = JSON.parse(jsonText) as unknown;

const v = await createValidator();
const doc = v.document("enterprise-manager") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const schema = doc.paths["/backupSessions/{ID}"].get.responses["200"].content["application/json"].schema as object;
// Raw ajv: the same schema, the same ajv setup (strict, 2020-12, formats, allErrors), compiled once.
const base = "https://veeam-sessions.invalid/bench.json";
const raw = ajvForDocument(doc, base).compile(rebase(schema, base));

const request = (mediaType: string, body: unknown): RecordedResponse => ({
  api: "enterprise-manager",
  method: "GET",
  path: "/backupSessions/{ID}",
  status: 200,
  mediaType,
  body,
});
const jsonParsed = request("application/json", parsed);
const jsonString = request("application/json", jsonText);
const xmlString = request("application/xml", xmlText);

let sink = 0;
const contenders: Array<[string, () => void]> = [
  ["raw ajv, parsed object", () => void (sink += raw(parsed) ? 1 : 0)],
  ["validateResponse JSON, parsed object", () => void (sink += v.validateResponse(jsonParsed).valid ? 1 : 0)],
  ["JSON.parse + raw ajv, string", () => void (sink += raw(JSON.parse(jsonText)) ? 1 : 0)],
  ["validateResponse JSON, string body", () => void (sink += v.validateResponse(jsonString).valid ? 1 : 0)],
  ["validateResponse XML, string body", () => void (sink += v.validateResponse(xmlString).valid ? 1 : 0)],
];
for (const [name, fn] of contenders) {
  fn();
  if (sink === 0) throw new Error(`${name}: the seed does not validate`);
}

/** Iterations that take about ROUND_MS. */
function calibrate(fn: () => void): number {
  let n = 64;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    const ms = performance.now() - t;
    if (ms > ROUND_MS / 4) return Math.max(1, Math.round((n * ROUND_MS) / ms));
    n *= 4;
  }
}

const iterations = contenders.map(([, fn]) => calibrate(fn)); // also the warm-up
const samples: number[][] = contenders.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < contenders.length; k++) {
    const i = (k + round) % contenders.length;
    const fn = contenders[i]![1];
    const n = iterations[i]!;
    const t = performance.now();
    for (let j = 0; j < n; j++) fn();
    samples[i]!.push((n * 1000) / (performance.now() - t));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const medians = samples.map(median);
const ratios = samples[1]!.map((ours, r) => ours / samples[0]![r]!);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

console.log(
  `@veeam-sessions/contract bench: Node ${process.version}, ${cpus()[0]?.model ?? "?"} (${cpus().length} cores), ${ROUNDS} interleaved rounds of ~${ROUND_MS} ms`,
);
console.log(
  `body: BackupJobSession (seed 002), JSON ${Buffer.byteLength(jsonText)} bytes, XML ${Buffer.byteLength(xmlText)} bytes; schema anyOf [BackupJobSession, EntityRef]\n`,
);
console.log("| contender | validations/s (median) | vs raw ajv |");
console.log("|---|---:|---:|");
contenders.forEach(([name], i) =>
  console.log(`| ${name} | ${fmt(medians[i]!)} | ${(medians[i]! / medians[0]!).toFixed(2)} |`),
);
const ratio = median(ratios);
console.log(
  `\nour JSON validation / raw compiled ajv on the parsed object: ${ratio.toFixed(2)} (median of per-round ratios; target ≥ 0.8: ${ratio >= 0.8 ? "met" : "NOT met"})`,
);
if (sink < 0) console.log(sink);
