// Rule 10: encode writes namespace-correct XML that decode reads back.
import { describe, expect, it } from "vitest";
import { REF, replicaDoc, sampleJson } from "../fixtures/replica.js";
import { createXmlCodec } from "../../src/index.js";
import { codecOf, expectCode, ref } from "../helpers.js";

const NS = "urn:test";

const codec = codecOf({
  E: {
    type: "object",
    xml: { name: "E", namespace: NS },
    properties: {
      text: { type: "string" },
      id: { type: "string", xml: { attribute: true } },
      n: { type: "number" },
      flag: { type: "boolean", xml: { attribute: true } },
      reason: { type: ["string", "null"] },
      opt: { type: ["string", "null"], xml: { attribute: true } },
      items: { type: "array", items: { type: "integer", xml: { name: "I" } } },
      links: { type: "array", xml: { wrapped: true, name: "Links" }, items: ref("Link") },
      other: { type: "string", xml: { namespace: "urn:other", prefix: "o" } },
      qattr: { type: "string", xml: { attribute: true, namespace: "urn:q", prefix: "q" } },
    },
  },
  Link: { type: "object", xml: { name: "Link" }, properties: { Href: { type: "string", xml: { attribute: true } } } },
  P: { type: "object", xml: { name: "P", namespace: NS, prefix: "p" }, properties: { c: { type: "string" } } },
  Cat: { type: "object", xml: { name: "Cat" }, required: ["meow"], properties: { meow: { type: "string" } } },
  Dog: { type: "object", xml: { name: "Dog" }, required: ["woof"], properties: { woof: { type: "string" } } },
  Pets: {
    type: "object",
    xml: { name: "Pets" },
    properties: { pets: { type: "array", items: { oneOf: [ref("Cat"), ref("Dog")] } } },
  },
});

describe("rule 10: encode", () => {
  it("root gets xmlns, attributes come first, then children in schema property order; no declaration", () => {
    const xml = codec.encode({ items: [1, 2], flag: true, text: "t", id: "x", n: 1.5 }, "E");
    expect(xml).toBe(`<E xmlns="${NS}" id="x" flag="true"><text>t</text><n>1.5</n><I>1</I><I>2</I></E>`);
  });

  it("declaration and pretty-printing on request", () => {
    const xml = codec.encode({ text: "t", links: [{ Href: "h" }] }, "E", { declaration: true, indent: 2 });
    expect(xml).toBe(
      `<?xml version="1.0" encoding="utf-8"?>\n<E xmlns="${NS}">\n  <text>t</text>\n  <Links>\n    <Link Href="h"/>\n  </Links>\n</E>`,
    );
    expect(codec.decode(xml, "E")).toEqual({ text: "t", links: [{ Href: "h" }], items: [] });
  });

  it("the prefixed form when the schema has xml.prefix", () => {
    expect(codec.encode({ c: "v" }, "P")).toBe(`<p:P xmlns:p="${NS}"><p:c>v</p:c></p:P>`);
    expect(codec.decode(codec.encode({ c: "v" }, "P"), "P")).toEqual({ c: "v" });
  });

  it("declares other namespaces where needed, for elements and attributes", () => {
    const xml = codec.encode({ other: "o", qattr: "a" }, "E");
    expect(xml).toBe(`<E xmlns="${NS}" xmlns:q="urn:q" q:qattr="a"><o:other xmlns:o="urn:other">o</o:other></E>`);
    expect(codec.decode(xml, "E")).toEqual({ other: "o", qattr: "a", items: [] });
  });

  it('escapes & < > " in text and attributes, and tab/CR/LF in attributes', () => {
    const v = { text: `a & b < c > d "e" 'f'\r\n`, id: `x&<>"\t\n\r y` };
    const xml = codec.encode(v, "E");
    expect(xml).toContain(`id="x&amp;&lt;&gt;&quot;&#9;&#10;&#13; y"`);
    expect(xml).toContain(`<text>a &amp; b &lt; c &gt; d &quot;e&quot; 'f'&#13;\n</text>`);
    expect(codec.decode(xml, "E")).toEqual({ ...v, items: [] });
  });

  it("null is an empty element; null/undefined attributes are omitted", () => {
    const xml = codec.encode({ reason: null, opt: null, id: undefined, links: [] }, "E");
    expect(xml).toBe(`<E xmlns="${NS}"><reason/><Links/></E>`);
    expect(codec.decode(xml, "E")).toEqual({ reason: null, links: [], items: [] });
  });

  it("documented lossy corner: a nullable string '' comes back as null", () => {
    expect(codec.decode(codec.encode({ reason: "" }, "E"), "E")).toMatchObject({ reason: null });
  });

  it("oneOf items are written under the chosen alternative's name", () => {
    const v = { pets: [{ woof: "w" }, { meow: "m" }] };
    const xml = codec.encode(v, "Pets");
    expect(xml).toBe("<Pets><Dog><woof>w</woof></Dog><Cat><meow>m</meow></Cat></Pets>");
    expect(codec.decode(xml, "Pets")).toEqual(v);
  });

  it("numbers keep their exact value", () => {
    for (const n of [0, -0, 1e21, 2 ** 53, 5e-324, -1.7976931348623157e308, 0.1 + 0.2]) {
      expect(codec.decode<{ n: number }>(codec.encode({ n }, "E"), "E").n).toBe(n);
    }
  });

  it("values that do not fit the schema are TYPE_MISMATCH with a path; unencodable characters INVALID_CHARACTER", () => {
    expect(expectCode(() => codec.encode({ items: [1, "two"] }, "E"), "TYPE_MISMATCH").path).toBe("/items/1");
    expectCode(() => codec.encode({ n: "1" }, "E"), "TYPE_MISMATCH");
    expectCode(() => codec.encode({ n: Number.NaN }, "E"), "TYPE_MISMATCH");
    expectCode(() => codec.encode({ text: null }, "E"), "TYPE_MISMATCH");
    expectCode(() => codec.encode("str", "E"), "TYPE_MISMATCH");
    expectCode(() => codec.encode({ pets: [{ bark: 1 }] }, "Pets"), "TYPE_MISMATCH");
    expect(expectCode(() => codec.encode({ text: "\u0000" }, "E"), "INVALID_CHARACTER").path).toBe("/text");
    expectCode(() => codec.encode({ id: "\uD800" }, "E"), "INVALID_CHARACTER");
  });

  it("the sample document round-trips", () => {
    const c = createXmlCodec(replicaDoc);
    expect(c.decode(c.encode(sampleJson, REF), REF)).toStrictEqual(sampleJson);
  });
});
