// Rules 8 (unknown nodes) and 9 ($ref chains, allOf, oneOf/anyOf).
import { describe, expect, it } from "vitest";
import type { XmlDrift } from "../../src/index.js";
import { XSI, codecOf, expectCode, ref } from "../helpers.js";

const codec = codecOf({
  K: {
    type: "object",
    xml: { name: "K" },
    properties: { a: { type: "string" }, at: { type: "string", xml: { attribute: true } } },
  },
  Bag: {
    type: "object",
    xml: { name: "Bag" },
    properties: { fixed: { type: "string" } },
    additionalProperties: { type: "integer" },
  },
  // $ref chains
  A: ref("B"),
  B: ref("C"),
  C: { type: "object", xml: { name: "Chained" }, properties: { v: { type: "integer" } } },
  // allOf
  Base: {
    type: "object",
    xml: { name: "Base" },
    required: ["id"],
    properties: { id: { type: "string", xml: { attribute: true } } },
  },
  Derived: {
    allOf: [ref("Base"), { type: "object", properties: { extra: { type: "integer" } } }],
    xml: { name: "Derived" },
  },
  // oneOf / anyOf
  Cat: { type: "object", xml: { name: "Cat" }, required: ["meow"], properties: { meow: { type: "string" } } },
  Dog: { type: "object", xml: { name: "Dog" }, required: ["woof"], properties: { woof: { type: "string" } } },
  Pets: {
    type: "object",
    xml: { name: "Pets" },
    properties: { pets: { type: "array", items: { oneOf: [ref("Cat"), ref("Dog")] } } },
  },
  Holder: {
    type: "object",
    xml: { name: "Holder" },
    properties: {
      one: { oneOf: [ref("Cat"), ref("Dog")] },
      num: { oneOf: [{ type: "integer" }, { type: "string" }] },
      shape: { anyOf: [ref("Square"), ref("Circle")], xml: { name: "Shape" } },
      maybe: { oneOf: [ref("Bird"), { type: "null" }] },
    },
  },
  Bird: { type: "object", xml: { name: "Bird" }, properties: { tweet: { type: "string" } } },
  Ambiguous: {
    type: "object",
    xml: { name: "Ambiguous" },
    properties: { a: ref("Cat"), b: { $ref: "#/components/schemas/Dog", xml: { name: "Cat" } } },
  },
  Square: { type: "object", required: ["side"], properties: { side: { type: "number" } } },
  Circle: { type: "object", required: ["radius"], properties: { radius: { type: "number" } } },
  Animal: { oneOf: [ref("Cat"), ref("Dog")] },
});

describe("drift: what the schema does not describe, collected instead of skipped silently", () => {
  const ordered = codecOf({
    R: {
      type: "object",
      xml: { name: "R" },
      properties: {
        id: { type: "string", xml: { attribute: true } },
        a: { type: "string" },
        b: { type: "integer" },
        items: { type: "array", items: { type: "string", xml: { name: "item" } } },
        maybe: { oneOf: [{ type: "integer" }, { type: "string" }] },
      },
    },
  });

  it("unknown elements and attributes, and children out of the schema's order, each with code, path and position", () => {
    const drift: XmlDrift[] = [];
    const value = ordered.decode(
      `<R id="1" extra="x">\n<b>2</b><a>s</a><zz><a/></zz><item>1</item><item>2</item></R>`,
      "R",
      {
        drift,
      },
    );
    expect(value).toEqual({ id: "1", a: "s", b: 2, items: ["1", "2"] });
    expect(
      drift.map(({ code, path, name, after, line, column }) => ({ code, path, name, after, line, column })),
    ).toEqual([
      { code: "UNKNOWN_ATTRIBUTE", path: "", name: "extra", after: undefined, line: 1, column: 11 },
      { code: "OUT_OF_ORDER", path: "", name: "a", after: "b", line: 2, column: 9 },
      { code: "UNKNOWN_ELEMENT", path: "", name: "zz", after: undefined, line: 2, column: 17 },
    ]);
  });

  it("a document in schema order, repeated items included, has none; nor has one decoded without the option", () => {
    const drift: XmlDrift[] = [];
    ordered.decode(`<R id="1"><a>s</a><b>2</b><item>1</item><item>2</item><maybe>x</maybe></R>`, "R", { drift });
    expect(drift).toEqual([]);
    expect(ordered.decode(`<R><b>2</b><a>s</a><zz/></R>`, "R")).toEqual({ a: "s", b: 2, items: [] });
  });
});

describe("rule 8: unknown elements and attributes", () => {
  const doc = `<K xmlns:xsi="${XSI}" xmlns:q="urn:q" extra="1" q:x="2" xsi:type="t" at="v">
    <unknown deep="1"><deeper><a>not this a</a></deeper></unknown>
    stray text
    <a>yes</a>
    <![CDATA[ more stray ]]>
  </K>`;

  it("ignore (default): skipped, known values still decoded", () => {
    expect(codec.decode(doc, "K")).toEqual({ a: "yes", at: "v" });
  });

  it("error: UNKNOWN_NODE for an unknown element, attribute or text", () => {
    const e = expectCode(() => codec.decode(`<K><a>1</a><b/></K>`, "K", { unknown: "error" }), "UNKNOWN_NODE");
    expect([e.line, e.column]).toEqual([1, 12]);
    expectCode(() => codec.decode(`<K extra="1"/>`, "K", { unknown: "error" }), "UNKNOWN_NODE");
    expectCode(() => codec.decode(`<K>text</K>`, "K", { unknown: "error" }), "UNKNOWN_NODE");
    expectCode(() => codec.decode(`<K><![CDATA[x]]></K>`, "K", { unknown: "error" }), "UNKNOWN_NODE");
    expectCode(() => codec.decode(`<K><a lang="en">1</a></K>`, "K", { unknown: "error" }), "UNKNOWN_NODE");
  });

  it("error: xmlns, xmlns:* and xsi:* attributes, whitespace, comments and PIs are never unknown", () => {
    const ok = `<K xmlns="" xmlns:xsi="${XSI}" xmlns:p="urn:p" xsi:schemaLocation="x">\n  <!-- c --><?pi x?>\n  <a xsi:type="string">1</a>\n</K>`;
    expect(codec.decode(ok, "K", { unknown: "error" })).toEqual({ a: "1" });
  });

  it("skipped content is still checked for well-formedness and limits", () => {
    expectCode(() => codec.decode(`<K><u><v></u></v></K>`, "K"), "MALFORMED");
    expectCode(() => codec.decode(`<K><u>&bogus;</u></K>`, "K"), "MALFORMED");
    expectCode(() => codec.decode(`<K><u>\u0001</u></K>`, "K"), "INVALID_CHARACTER");
    expectCode(() => codec.decode(`<K><u x="1" x="2"/></K>`, "K"), "MALFORMED");
    expectCode(
      () => codec.decode(`<K>${"<u>".repeat(10)}${"</u>".repeat(10)}</K>`, "K", { maxDepth: 5 }),
      "DEPTH_LIMIT",
    );
  });

  it("additionalProperties (a schema): unknown children decode with it under their local name", () => {
    expect(codec.decode(`<Bag><fixed>f</fixed><n1>1</n1><n2>2</n2></Bag>`, "Bag")).toStrictEqual({
      fixed: "f",
      n1: 1,
      n2: 2,
    });
    expectCode(() => codec.decode(`<Bag><n1>one</n1></Bag>`, "Bag"), "TYPE_MISMATCH");
    // names that are special in JavaScript stay plain own properties
    const v = codec.decode<Record<string, unknown>>(
      `<Bag><__proto__>1</__proto__><constructor>2</constructor></Bag>`,
      "Bag",
    );
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("rule 9: $ref, allOf, oneOf/anyOf", () => {
  it("follows $ref chains (root name from the chain's xml.name)", () => {
    expect(codec.decode(`<Chained><v>1</v></Chained>`, "A")).toEqual({ v: 1 });
  });

  it("allOf merges properties, required and xml", () => {
    expect(codec.decode(`<Derived id="x"><extra>2</extra></Derived>`, "Derived")).toEqual({ id: "x", extra: 2 });
    expectCode(() => codec.decode(`<Base id="x"/>`, "Derived"), "UNEXPECTED_ROOT");
  });

  it("oneOf: the element name chooses the alternative", () => {
    const v = codec.decode(
      `<Pets><Dog><woof>w</woof></Dog><Cat><meow>m</meow></Cat><Dog><woof>2</woof></Dog></Pets>`,
      "Pets",
    );
    expect(v).toEqual({ pets: [{ woof: "w" }, { meow: "m" }, { woof: "2" }] });
    expect(codec.decode(`<Pets><Cat><meow>m</meow></Cat></Pets>`, "Pets")).toEqual({ pets: [{ meow: "m" }] });
  });

  it("oneOf at the root: the root element's name chooses", () => {
    expect(codec.decode(`<Dog><woof>w</woof></Dog>`, "Animal")).toEqual({ woof: "w" });
    expect(codec.decode(`<Cat><meow>m</meow></Cat>`, "Animal")).toEqual({ meow: "m" });
    expectCode(() => codec.decode(`<Cow/>`, "Animal"), "UNEXPECTED_ROOT");
  });

  it("names don't decide: the first alternative that decodes (required properties present) wins", () => {
    expect(codec.decode(`<Holder><num>12</num></Holder>`, "Holder")).toEqual({ num: 12 });
    expect(codec.decode(`<Holder><num>twelve</num></Holder>`, "Holder")).toEqual({ num: "twelve" });
    expect(codec.decode(`<Holder><Shape><radius>2</radius></Shape></Holder>`, "Holder")).toEqual({
      shape: { radius: 2 },
    });
    expect(codec.decode(`<Holder><Shape><side>3</side></Shape></Holder>`, "Holder")).toEqual({ shape: { side: 3 } });
    expectCode(() => codec.decode(`<Holder><Shape><side>three</side></Shape></Holder>`, "Holder"), "TYPE_MISMATCH");
  });

  it("oneOf with {type: null}: xsi:nil is null; an empty element reads as the object alternative", () => {
    expect(codec.decode(`<Holder><maybe/></Holder>`, "Holder")).toEqual({ maybe: {} });
    expect(
      codec.decode(
        `<Holder xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><maybe xsi:nil="true"/></Holder>`,
        "Holder",
      ),
    ).toEqual({ maybe: null });
    expect(codec.decode(`<Holder><Bird/></Holder>`, "Holder")).toEqual({ maybe: {} });
    expect(codec.decode(`<Holder><Bird><tweet>t</tweet></Bird></Holder>`, "Holder")).toEqual({ maybe: { tweet: "t" } });
    expect(codec.decode(`<Holder><Cat><meow>m</meow></Cat></Holder>`, "Holder")).toEqual({ one: { meow: "m" } });
    // Every alternative of `one` has its own name: the key is no alias, `<one>` is unknown.
    expect(codec.decode(`<Holder><one><meow>m</meow></one></Holder>`, "Holder")).toEqual({});
    expectCode(
      () => codec.decode(`<Holder><one><meow>m</meow></one></Holder>`, "Holder", { unknown: "error" }),
      "UNKNOWN_NODE",
    );
  });

  it("a nullable $ref is named by its key, never by the component it references (EndTimeUTC, not UtcDateTime)", () => {
    const stamps = codecOf({
      Stamp: { type: "string", format: "date-time" },
      Run: {
        type: "object",
        xml: { name: "Run" },
        properties: { Ended: { anyOf: [ref("Stamp"), { type: "null" }] }, Started: ref("Stamp") },
      },
    });
    const xml = stamps.encode({ Started: "2024-01-01T00:00:00Z", Ended: "2024-01-01T01:00:00Z" }, "Run");
    expect(xml).toBe("<Run><Ended>2024-01-01T01:00:00Z</Ended><Started>2024-01-01T00:00:00Z</Started></Run>");
    expect(stamps.decode(xml, "Run")).toEqual({ Started: "2024-01-01T00:00:00Z", Ended: "2024-01-01T01:00:00Z" });
    // The component's name is no alias: unknown, so skipped (or refused).
    expect(stamps.decode("<Run><Stamp>2024-01-01T01:00:00Z</Stamp></Run>", "Run")).toEqual({});
    expectCode(() => stamps.decode("<Run><Stamp>x</Stamp></Run>", "Run", { unknown: "error" }), "UNKNOWN_NODE");
  });

  it("trying alternatives stays correct after backtracking (namespaces, caches)", () => {
    const doc = `<Holder xmlns:p="urn:p"><Shape><p:x>&amp;</p:x><radius>1.5</radius></Shape><num>x</num></Holder>`;
    expect(codec.decode(doc, "Holder")).toEqual({ shape: { radius: 1.5 }, num: "x" });
  });

  it("an attribute may be a oneOf/anyOf of scalars (e.g. a const or any string)", () => {
    const c = codecOf({
      T: {
        type: "object",
        xml: { name: "T" },
        properties: {
          kind: { anyOf: [{ const: "Fixed" }, { type: "string" }], xml: { attribute: true } },
          num: { oneOf: [{ type: "integer" }, { type: "null" }], xml: { attribute: true } },
        },
      },
    });
    expect(c.decode(`<T kind="Other" num="4"/>`, "T")).toEqual({ kind: "Other", num: 4 });
    expect(c.decode(`<T num=""/>`, "T")).toEqual({ num: null });
    expect(c.decode(c.encode({ kind: "Fixed", num: 1 }, "T"), "T")).toEqual({ kind: "Fixed", num: 1 });
  });

  it("two properties claiming one element name is a SCHEMA error, every time", () => {
    expectCode(() => codec.decode(`<Ambiguous/>`, "Ambiguous"), "SCHEMA");
    expectCode(() => codec.decode(`<Ambiguous/>`, "Ambiguous"), "SCHEMA");
    expect(codec.decode(`<Holder><num>1</num></Holder>`, "Holder")).toEqual({ num: 1 });
  });
});
