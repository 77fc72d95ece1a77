// The public surface: inputs, options, schema targets, XmlError, caching.
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, XmlError, createXmlCodec, type DecodeOptions } from "../../src/index.js";
import { REF, replicaDoc, sampleJson, sampleXml } from "../fixtures/replica.js";
import { codecOf, expectCode, ref } from "../helpers.js";

const codec = createXmlCodec(replicaDoc);
const small = codecOf({ S: { type: "object", xml: { name: "S" }, properties: { t: { type: "string" } } } });
const enc = new TextEncoder();

describe("inputs", () => {
  it("string, Buffer, Uint8Array and ArrayBuffer decode alike", () => {
    const bytes = enc.encode(sampleXml);
    expect(codec.decode(Buffer.from(sampleXml, "utf8"), REF)).toStrictEqual(sampleJson);
    expect(codec.decode(bytes, REF)).toStrictEqual(sampleJson);
    expect(codec.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), REF)).toStrictEqual(
      sampleJson,
    );
  });

  it("a UTF-8 BOM is stripped (bytes and string)", () => {
    expect(codec.decode(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sampleXml)]), REF)).toStrictEqual(
      sampleJson,
    );
    expect(codec.decode("\uFEFF" + sampleXml, REF)).toStrictEqual(sampleJson);
  });

  it("multi-byte UTF-8 is decoded", () => {
    expect(small.decode(enc.encode("<S><t>žluťoučký kůň 😀</t></S>"), "S")).toEqual({ t: "žluťoučký kůň 😀" });
  });

  it("invalid UTF-8 is INVALID_ENCODING, with the position of the bad byte", () => {
    const bad = Buffer.concat([Buffer.from("<S>\n<t>ok"), Buffer.from([0xff]), Buffer.from("</t></S>")]);
    const e = expectCode(() => small.decode(bad, "S"), "INVALID_ENCODING");
    expect([e.line, e.column]).toEqual([2, 6]);
  });

  it("bytes declaring another encoding are INVALID_ENCODING (strings are already decoded)", () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><S><t>x</t></S>`;
    expectCode(() => small.decode(enc.encode(xml), "S"), "INVALID_ENCODING");
    expect(small.decode(xml, "S")).toEqual({ t: "x" });
    expect(small.decode(enc.encode(xml.replace("ISO-8859-1", "utf-8")), "S")).toEqual({ t: "x" });
  });

  it("anything else is INVALID_ARGUMENT", () => {
    for (const input of [undefined, null, 42, {}, [60]]) {
      expectCode(() => small.decode(input as string, "S"), "INVALID_ARGUMENT");
    }
  });
});

describe("options", () => {
  it("defaults", () => {
    expect(DEFAULT_MAX_BYTES).toBe(64 * 1024 * 1024);
    expect(DEFAULT_MAX_DEPTH).toBe(256);
  });

  it("maxBytes counts UTF-8 bytes, before parsing", () => {
    const xml = "<S><t>ééé</t></S>"; // 17 characters, 20 bytes
    expect(small.decode(xml, "S", { maxBytes: 20 })).toEqual({ t: "ééé" });
    expectCode(() => small.decode(xml, "S", { maxBytes: 19 }), "SIZE_LIMIT");
    expectCode(() => small.decode(enc.encode(xml), "S", { maxBytes: 19 }), "SIZE_LIMIT");
    // checked before anything else: even a DOCTYPE is not looked at
    expectCode(() => small.decode("<!DOCTYPE S><S/>", "S", { maxBytes: 5 }), "SIZE_LIMIT");
  });

  it("maxDepth counts the root as 1", () => {
    const deep = codecOf({ N: { type: "object", xml: { name: "n" }, properties: { n: ref("N") } } });
    const xml = "<n><n><n/></n></n>";
    expect(deep.decode(xml, "N", { maxDepth: 3 })).toEqual({ n: { n: {} } });
    expectCode(() => deep.decode(xml, "N", { maxDepth: 2 }), "DEPTH_LIMIT");
  });

  it("invalid options are INVALID_ARGUMENT", () => {
    const bad: unknown[] = [{ maxDepth: 0 }, { maxBytes: -1 }, { maxBytes: "1" }, { unknown: "skip" }, "strict"];
    for (const o of bad) expectCode(() => small.decode("<S/>", "S", o as DecodeOptions), "INVALID_ARGUMENT");
  });
});

describe("schema targets", () => {
  it("an unresolvable or non-local reference is a SCHEMA error", () => {
    expectCode(() => small.decode("<S/>", "#/components/schemas/Nope"), "SCHEMA");
    expectCode(() => small.decode("<S/>", "Nope"), "SCHEMA");
    expectCode(() => small.decode("<S/>", "other.yaml#/S"), "SCHEMA");
    expectCode(() => small.decode("<S/>", { $ref: "#/components/schemas/Nope" }), "SCHEMA");
    expectCode(() => small.encode({}, "Nope"), "SCHEMA");
  });

  it("a circular $ref chain is a SCHEMA error; recursive schemas are fine", () => {
    const c = codecOf({
      Loop1: ref("Loop2"),
      Loop2: ref("Loop1"),
      Tree: { type: "object", xml: { name: "Tree" }, properties: { kids: { type: "array", items: ref("Tree") } } },
    });
    expectCode(() => c.decode("<Loop1/>", "Loop1"), "SCHEMA");
    expect(c.decode("<Tree><Tree><Tree/></Tree><Tree/></Tree>", "Tree")).toEqual({
      kids: [{ kids: [{ kids: [] }] }, { kids: [] }],
    });
  });

  it("createXmlCodec refuses a non-object document", () => {
    expect(() => createXmlCodec(null as unknown as object)).toThrow(XmlError);
  });

  it("plans are cached: the same schema object or ref gives the same results repeatedly", () => {
    const schema = { type: "object", xml: { name: "S" }, properties: { t: { type: "integer" } } };
    for (let i = 0; i < 3; i++) {
      expect(small.decode("<S><t>1</t></S>", schema)).toEqual({ t: 1 });
      expect(small.decode("<S><t>x</t></S>", "S")).toEqual({ t: "x" });
    }
  });
});

describe("XmlError", () => {
  it("is an Error with code, message, line, column, path", () => {
    const e = expectCode(() => small.decode("<S><t>&x;</t></S>", "S"), "MALFORMED");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("XmlError");
    expect(e.line).toBe(1);
    expect(e.column).toBe(7);
    expect(e.path).toBe("/t");
    expect(e.message).toMatch(/^MALFORMED: unknown entity &x;.* at line 1, column 7 \(path \/t\)$/);
  });

  it("nothing but XmlError escapes, internal failures included", () => {
    const hostile = {
      type: "object",
      xml: { name: "S" },
      get properties(): never {
        throw new TypeError("boom");
      },
    };
    const e = expectCode(() => small.decode("<S/>", hostile), "INTERNAL");
    expect(e.cause).toBeInstanceOf(TypeError);
    expectCode(() => small.encode({}, hostile), "INTERNAL");
  });
});
