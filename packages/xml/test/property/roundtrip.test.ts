// Property: for values generated from a schema, decode(encode(v)) deep-equals v.
// Avoids the documented lossy corners: "" for a nullable string, absent unwrapped arrays,
// empty nullable objects/wrapped arrays (all of which decode differently by design).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codecOf, ref } from "../helpers.js";

const NS = "urn:roundtrip";
const codec = codecOf({
  Doc: {
    type: "object",
    xml: { name: "Doc", namespace: NS },
    properties: {
      id: { type: "string", xml: { attribute: true } },
      count: { type: "integer", xml: { attribute: true } },
      ok: { type: "boolean", xml: { attribute: true } },
      ratio: { type: "number", xml: { attribute: true, name: "Ratio" } },
      text: { type: "string" },
      maybe: { type: ["string", "null"] },
      int: { type: "integer" },
      num: { type: "number" },
      flag: { type: "boolean" },
      nint: { type: ["integer", "null"] },
      Links: { type: "array", xml: { wrapped: true }, items: ref("Link") },
      tags: { type: "array", items: { type: "string", xml: { name: "Tag" } } },
      children: { type: "array", items: ref("Child") },
      pets: { type: "array", items: { oneOf: [ref("Cat"), ref("Dog")] } },
      other: ref("Other"),
      extras: { type: "object", additionalProperties: { type: "integer" } },
    },
  },
  Link: {
    type: "object",
    xml: { name: "Link" },
    properties: {
      Href: { type: "string", xml: { attribute: true } },
      Rel: { type: "string", xml: { attribute: true } },
    },
  },
  Child: {
    type: "object",
    xml: { name: "Child" },
    properties: {
      name: { type: "string", xml: { attribute: true } },
      value: { type: ["number", "null"] },
      kids: { type: "array", items: ref("Child") },
    },
  },
  Cat: { type: "object", xml: { name: "Cat" }, required: ["meow"], properties: { meow: { type: "string" } } },
  Dog: { type: "object", xml: { name: "Dog" }, required: ["woof"], properties: { woof: { type: "integer" } } },
  Other: { type: "object", xml: { name: "Other", namespace: "urn:other" }, properties: { deep: { type: "string" } } },
});

/** Characters XML can carry, weighted towards the ones that need escaping or normalisation. */
const xmlChar = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "a",
      "Z",
      "0",
      " ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "&",
      "<",
      ">",
      '"',
      "'",
      "]]>",
      "&amp;",
      "é",
      "😀",
      "\u0085",
      "\u2028",
      "\uFEFF",
    ),
  },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0xd7ff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0xe000, max: 0xfffd }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);
const xmlString = fc.array(xmlChar, { maxLength: 12 }).map((a) => a.join(""));
const nonEmpty = xmlString.filter((s) => s !== "");
// Integers beyond ±(2^53-1) are refused both ways (TYPE_MISMATCH): they would not come back exact.
const integer = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53 - 1)));
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), integer, fc.constantFrom(1e21, -1e300));
const opts = { noNullPrototype: true } as const;

const link = fc.record({ Href: xmlString, Rel: xmlString }, { ...opts, requiredKeys: [] });
const child = fc.letrec<{ child: unknown }>((tie) => ({
  child: fc.record(
    {
      name: xmlString,
      value: fc.option(number, { nil: null }),
      kids: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constant([]),
        fc.array(tie("child"), { maxLength: 3 }),
      ),
    },
    { ...opts, requiredKeys: ["kids"] },
  ),
})).child;
const pet = fc.oneof(fc.record({ meow: xmlString }, opts), fc.record({ woof: integer }, opts));
const ncName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);

const doc = fc.record(
  {
    id: xmlString,
    count: integer,
    ok: fc.boolean(),
    ratio: number,
    text: xmlString,
    maybe: fc.option(nonEmpty, { nil: null }),
    int: integer,
    num: number,
    flag: fc.boolean(),
    nint: fc.option(integer, { nil: null }),
    Links: fc.array(link, { maxLength: 4 }),
    tags: fc.array(xmlString, { maxLength: 4 }),
    children: fc.array(child, { maxLength: 3 }),
    pets: fc.array(pet, { maxLength: 4 }),
    other: fc.record({ deep: xmlString }, { ...opts, requiredKeys: [] }),
    extras: fc.dictionary(ncName, integer, { ...opts, maxKeys: 4 }),
  },
  { ...opts, requiredKeys: ["tags", "children", "pets"] },
);

describe("property: decode(encode(v)) deep-equals v", () => {
  it("for 1,000 generated documents (compact and pretty-printed)", () => {
    fc.assert(
      fc.property(doc, fc.boolean(), (v, pretty) => {
        const xml = codec.encode(v, "Doc", pretty ? { indent: 2, declaration: true } : undefined);
        expect(codec.decode(xml, "Doc")).toStrictEqual(v);
        expect(codec.decode(Buffer.from(xml, "utf8"), "Doc")).toStrictEqual(v);
      }),
      { numRuns: 1000 },
    );
  });
});
