// Property: random mutations of valid documents either decode or throw XmlError - never another
// exception, never a hang.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { XmlError, createXmlCodec } from "../../src/index.js";
import { REF, replicaDoc, sampleJson, sampleXml } from "../fixtures/replica.js";
import { codecOf, ref } from "../helpers.js";

const replica = createXmlCodec(replicaDoc);
const mixed = codecOf({
  M: {
    type: "object",
    xml: { name: "M", namespace: "urn:m" },
    properties: {
      a: { type: "integer", xml: { attribute: true } },
      s: { type: ["string", "null"] },
      list: { type: "array", xml: { wrapped: true }, items: { type: "number", xml: { name: "n" } } },
      pick: { oneOf: [{ type: "integer" }, { type: "boolean" }, ref("Inner")] },
      any: {},
      inner: { type: "array", items: ref("Inner") },
    },
  },
  Inner: {
    type: "object",
    xml: { name: "Inner" },
    properties: { x: { type: "string", xml: { attribute: true } }, y: { type: "boolean" } },
  },
});

const seeds: { codec: typeof replica; schema: string; xml: string }[] = [
  { codec: replica, schema: REF, xml: sampleXml },
  { codec: replica, schema: REF, xml: replica.encode(sampleJson, REF, { indent: "\t", declaration: true }) },
  {
    codec: mixed,
    schema: "M",
    xml: `<?xml version="1.0" encoding="utf-8"?>\r\n<!-- c --><m:M xmlns:m="urn:m" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" a='12'>\r\n <m:s><![CDATA[<x>]]> &amp; &#x1F600; é</m:s>\n <m:list><m:n>1.5</m:n><m:n>-2e3</m:n></m:list>\n <m:pick>true</m:pick><?pi data?>\n <m:any k="v"><deep>1</deep><deep/></m:any>\n <m:Inner x="&quot;"><m:y>0</m:y></m:Inner>\n <m:s2 xsi:nil="true"/>\n</m:M>\n`,
  },
];

const INSERTS = [
  "<",
  "&",
  '"',
  "'",
  ">",
  "/",
  "]]>",
  "<!--",
  "<![CDATA[",
  "&#0;",
  "&#x10FFFF;",
  "xmlns=",
  "\u0000",
  "\uD800",
  "é",
];

type Op =
  | { kind: "flip"; at: number; byte: number }
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "truncate"; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.constantFrom(...INSERTS) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function mutate(xml: string, ops: Op[]): Buffer {
  let b = Buffer.from(xml, "utf8");
  for (const o of ops) {
    const at = b.length === 0 ? 0 : o.at % b.length;
    switch (o.kind) {
      case "flip":
        b = Buffer.from(b);
        if (b.length > 0) b[at] = o.byte;
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + o.length)]);
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), Buffer.from(o.text, "utf8"), b.subarray(at)]);
        break;
      case "truncate":
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

describe("property: mutated documents decode or throw XmlError", () => {
  it("10,000 random mutations (bytes and strings), each bounded in time", () => {
    let decoded = 0;
    let refused = 0;
    let slowest = 0;
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(op, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (i, ops, asString) => {
          const seed = seeds[i]!;
          const bytes = mutate(seed.xml, ops);
          // the string path sees lone surrogates and other raw characters bytes cannot carry
          const input = asString ? bytes.toString("latin1").replace(/\u00ff/g, "\uD800") : bytes;
          const t0 = performance.now();
          try {
            seed.codec.decode(input, seed.schema);
            decoded++;
          } catch (e) {
            if (!(e instanceof XmlError)) throw e;
            expect(e.line).toBeGreaterThanOrEqual(0);
            expect(typeof e.path).toBe("string");
            refused++;
          }
          slowest = Math.max(slowest, performance.now() - t0);
          // A guard against hangs, not a speed target (bench/ measures speed).
          expect(performance.now() - t0).toBeLessThan(10_000);
        },
      ),
      { numRuns: 10_000 },
    );
    expect(decoded + refused).toBe(10_000);
    expect(decoded).toBeGreaterThan(100); // some mutations are harmless (whitespace, text)
    expect(refused).toBeGreaterThan(5000);
    expect(slowest).toBeLessThan(10_000);
  });
});
