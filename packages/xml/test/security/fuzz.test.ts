// Fuzz, time-bounded and deterministic: mutations of every XML example in the Enterprise
// Manager spec (real server output shapes) go through decode for a few seconds. Each must
// decode or throw an XmlError (never another exception, never a hang), and no decoded number
// is Infinity, NaN or an unsafe integer. The seed is fixed, so a failure reproduces.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { createXmlCodec, XmlError } from "../../src/index.js";

type Json = Record<string, unknown>;
const require = createRequire(import.meta.url);
const specFile = join(dirname(require.resolve("@veeam-sessions/spec/package.json")), "dist", "enterprise-manager.json");

/** mulberry32: a small PRNG with a fixed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "<",
  ">",
  "&",
  "&amp;",
  "&#0;",
  "&#xD800;",
  "&#x1F600;",
  "&lt",
  '"',
  "'",
  "/",
  "</",
  "/>",
  "]]>",
  "<![CDATA[",
  "<!--",
  "-->",
  "<?x?>",
  "<!DOCTYPE x>",
  "<!ENTITY e 'x'>",
  "&e;",
  'xmlns="urn:x"',
  'xmlns:p="urn:p"',
  "p:",
  'xsi:nil="true"',
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  "9".repeat(400),
  "-9007199254740993",
  "1e400",
  "NaN",
  "Infinity",
  "true",
  "\u0000",
  "\uFFFE",
  "\uD800",
  "\r\n",
  "\t",
  " ",
  "<a>",
  "</a>",
  "<Links/>",
  "é",
];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.3) s = s.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)]! + s.slice(at);
    else if (op < 0.5) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 8));
    else if (op < 0.65)
      s = s.slice(0, at); // truncated
    else if (op < 0.8) {
      // duplicate a slice (repeated elements, nesting)
      const len = Math.floor(rnd() * 200);
      s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
    } else if (op < 0.9) {
      // replace a text node's content with a hostile number
      s = s.replace(/>(\d+)</, `>${PIECES[26 + Math.floor(rnd() * 5)]!}<`);
    } else s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x110)) + s.slice(at);
  }
  return s;
}

function checkNumbers(v: unknown, depth = 0): void {
  if (depth > 200) return;
  if (typeof v === "number") expect(Number.isFinite(v), String(v)).toBe(true);
  else if (v && typeof v === "object") for (const x of Object.values(v)) checkNumbers(x, depth + 1);
}

describe("codec fuzz (time-bounded, seed 0x5eed)", () => {
  it("mutated EM examples: only XmlError, no hang, no Infinity", () => {
    expect(existsSync(specFile), `${specFile} (bundle the spec first)`).toBe(true);
    const doc = JSON.parse(readFileSync(specFile, "utf8")) as Json;
    const codec = createXmlCodec(doc);
    const examples = Object.entries((doc.components as Json).examples as Record<string, { value?: unknown }>)
      .filter(([k, e]) => k.endsWith(".xml") && typeof e.value === "string")
      .map(([, e]) => e.value as string);
    const roots = Object.keys((doc.components as Json).schemas as Json).map((n) => `#/components/schemas/${n}`);
    // Each example with the schema whose root element it names, found by trying them once.
    const seeds = examples.flatMap((xml) => {
      const schema = roots.find((r) => {
        try {
          codec.decode(xml, r);
          return true;
        } catch {
          return false;
        }
      });
      return schema ? [{ xml, schema }] : [];
    });
    expect(seeds.length).toBeGreaterThan(10);
    const rnd = prng(0x5eed);
    const budgetMs = Number(process.env.FUZZ_MS ?? 3000);
    const end = performance.now() + budgetMs;
    let runs = 0;
    let refused = 0;
    let slowest = 0;
    while (performance.now() < end) {
      const seed = seeds[Math.floor(rnd() * seeds.length)]!;
      const input = mutate(seed.xml, rnd);
      const t0 = performance.now();
      try {
        checkNumbers(codec.decode(input, seed.schema, { maxBytes: 1 << 20 }));
      } catch (error) {
        if (!(error instanceof XmlError))
          throw new Error(`not an XmlError for input ${JSON.stringify(input)}`, { cause: error });
        refused++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
      runs++;
    }
    expect(runs).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(0);
    // A guard against runaway work, not a speed target (a busy CI machine stays far below it).
    expect(slowest).toBeLessThan(2000);
  });
});
