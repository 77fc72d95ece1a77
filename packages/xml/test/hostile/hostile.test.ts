// Hostile input: every case must throw the right XmlError, quickly, without resolving anything.
import { describe, expect, it } from "vitest";
import { XmlError, createXmlCodec, type XmlErrorCode } from "../../src/index.js";
import { REF, replicaDoc, sampleXml } from "../fixtures/replica.js";
import { codecOf, expectCode, ref } from "../helpers.js";

const codec = createXmlCodec(replicaDoc);
const schemas = codecOf({
  R: {
    type: "object",
    xml: { name: "R" },
    properties: { a: { type: "string", xml: { attribute: true } }, t: { type: "string" } },
  },
  Node: { type: "object", xml: { name: "a" }, properties: { a: ref("Node") } },
  Any: { xml: { name: "a" } },
});

/**
 * Runs `fn`, expects `code`, and checks it did not hang. The bound is a guard against runaway
 * work (entity expansion, quadratic scans), not a speed target: it is 10-100x what the work
 * takes on a quiet machine, so a busy CI machine never trips it. Speed is measured in bench/.
 */
const HANG = 20_000;
function refusedQuickly(fn: () => unknown, code: XmlErrorCode, ms = HANG): XmlError {
  const t0 = performance.now();
  const e = expectCode(fn, code);
  expect(performance.now() - t0).toBeLessThan(ms);
  return e;
}

describe("DTD attacks are refused before anything is expanded or fetched", () => {
  it("billion laughs", () => {
    const lol = [
      '<?xml version="1.0"?>',
      "<!DOCTYPE lolz [",
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`),
      "]>",
      "<R><t>&lol9;</t></R>",
    ].join("\n");
    refusedQuickly(() => schemas.decode(lol, "R"), "DOCTYPE_FORBIDDEN");
  });

  it("XXE: SYSTEM entity to a file and to a URL; external DTD; parameter entities", () => {
    const cases = [
      '<!DOCTYPE R [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><R><t>&xxe;</t></R>',
      '<!DOCTYPE R [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/secret">]><R><t>&xxe;</t></R>',
      '<!DOCTYPE R SYSTEM "http://127.0.0.1:1/evil.dtd"><R/>',
      '<!DOCTYPE R PUBLIC "-//X//EN" "file:///etc/passwd"><R/>',
      '<!DOCTYPE R [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x"> %p;]><R/>',
    ];
    for (const xml of cases) refusedQuickly(() => schemas.decode(xml, "R"), "DOCTYPE_FORBIDDEN");
  });

  it("entity references without a DTD are just unknown entities", () => {
    refusedQuickly(() => schemas.decode("<R><t>&xxe;</t></R>", "R"), "MALFORMED");
    refusedQuickly(() => schemas.decode('<R a="&lol9;"/>', "R"), "MALFORMED");
  });
});

describe("depth", () => {
  const deep = (n: number): string => "<a>".repeat(n) + "</a>".repeat(n);

  it("100k-deep nesting: DEPTH_LIMIT while scanning, for known, unknown and schema-less content", () => {
    const xml = deep(100_000);
    refusedQuickly(() => schemas.decode(xml, "Node"), "DEPTH_LIMIT");
    refusedQuickly(() => schemas.decode(`<R>${xml}</R>`, "R"), "DEPTH_LIMIT");
    refusedQuickly(() => schemas.decode(xml, "Any"), "DEPTH_LIMIT");
    const e = refusedQuickly(() => schemas.decode(deep(100_000).slice(0, 300_000), "Node"), "DEPTH_LIMIT");
    expect(e.column).toBe(257 * 3 - 2);
  });

  it("even with maxDepth lifted, a stack overflow surfaces as an XmlError", () => {
    const xml = deep(100_000);
    refusedQuickly(() => schemas.decode(xml, "Node", { maxDepth: Number.POSITIVE_INFINITY }), "DEPTH_LIMIT");
    refusedQuickly(() => schemas.decode(xml, "Any", { maxDepth: 1e9 }), "DEPTH_LIMIT");
    // unknown content is skipped iteratively: no recursion at all
    expect(schemas.decode(`<R>${xml}</R>`, "R", { maxDepth: Number.POSITIVE_INFINITY })).toEqual({});
  });
});

describe("size", () => {
  it("a 64 MiB attribute is refused up front by the default maxBytes", () => {
    const huge = '<R a="' + "x".repeat(64 * 1024 * 1024) + '"/>';
    const e = refusedQuickly(() => schemas.decode(huge, "R"), "SIZE_LIMIT", 500);
    expect([e.line, e.column]).toEqual([1, 1]);
  });

  it("a smaller maxBytes triggers on a smaller document; bytes are counted before decoding", () => {
    const attr = '<R a="' + "é".repeat(1024 * 1024) + '"/>';
    refusedQuickly(() => schemas.decode(attr, "R", { maxBytes: 1024 * 1024 }), "SIZE_LIMIT", 500);
    refusedQuickly(() => schemas.decode(Buffer.from(attr), "R", { maxBytes: 1024 * 1024 }), "SIZE_LIMIT", 500);
  });

  it("a large attribute under the limit is scanned in linear time", () => {
    const attr = '<R a="' + "x&amp;".repeat(1024 * 1024) + '"/>';
    const t0 = performance.now();
    expect(schemas.decode<{ a: string }>(attr, "R").a.length).toBe(2 * 1024 * 1024);
    expect(performance.now() - t0).toBeLessThan(HANG);
  });
});

describe("quadratic-blowup attempts stay linear", () => {
  it("50k attributes on one element (duplicate check)", () => {
    const attrs = Array.from({ length: 50_000 }, (_, i) => `a${i}="${i}"`).join(" ");
    const t0 = performance.now();
    expect(schemas.decode(`<R ${attrs}/>`, "R")).toEqual({});
    refusedQuickly(() => schemas.decode(`<R ${attrs} a7="x"/>`, "R"), "MALFORMED");
    expect(performance.now() - t0).toBeLessThan(HANG);
  });

  it("50k namespace declarations, then 50k prefixed elements", () => {
    const decls = Array.from({ length: 50_000 }, (_, i) => `xmlns:p${i}="urn:${i}"`).join(" ");
    const body = "<p0:x/>".repeat(50_000);
    const t0 = performance.now();
    expect(schemas.decode(`<R ${decls}>${body}</R>`, "R")).toEqual({});
    expect(performance.now() - t0).toBeLessThan(HANG);
  });

  it("many references, long names, long comments and PIs", () => {
    const t0 = performance.now();
    expect(schemas.decode<{ t: string }>(`<R><t>${"&lt;".repeat(500_000)}</t></R>`, "R").t.length).toBe(500_000);
    expect(schemas.decode(`<R><${"n".repeat(1_000_000)}/></R>`, "R")).toEqual({});
    expect(schemas.decode(`<R><!--${"- ".repeat(500_000)}--><?pi ${"?".repeat(500_000)}?></R>`, "R")).toEqual({});
    expect(schemas.decode(`<R><t>&#${"0".repeat(1_000_000)}65;</t></R>`, "R")).toEqual({ t: "A" });
    expect(performance.now() - t0).toBeLessThan(HANG);
  });
});

describe("truncation and corrupted bytes", () => {
  it("truncating the sample at every byte offset throws an XmlError (mostly MALFORMED)", () => {
    // a non-ASCII character makes some cuts fall inside a UTF-8 sequence
    const bytes = Buffer.from(sampleXml.replace('VmDisplayName="ubuntu88"', 'VmDisplayName="ubuntu—88 😀"'));
    const end = bytes.lastIndexOf(">") + 1; // after </ReplicaTaskSessions>
    const codes = new Map<string, number>();
    for (let i = 0; i < end; i++) {
      let code = "none";
      try {
        codec.decode(bytes.subarray(0, i), REF);
      } catch (e) {
        if (!(e instanceof XmlError)) throw e;
        code = e.code;
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(codes.get("none")).toBeUndefined();
    expect([...codes.keys()].sort()).toEqual(["INVALID_ENCODING", "MALFORMED"]);
    expect(codes.get("MALFORMED")!).toBeGreaterThan(end * 0.99);
    expect(codec.decode(bytes.subarray(0, end), REF)).toBeTruthy();
  });

  it("invalid UTF-8: stray, overlong, surrogate, out of range, truncated sequences", () => {
    const wrap = (b: number[]): Buffer =>
      Buffer.concat([Buffer.from("<R><t>"), Buffer.from(b), Buffer.from("</t></R>")]);
    const cases = [
      [0xff],
      [0x80],
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xe2, 0x82],
    ];
    for (const b of cases) refusedQuickly(() => schemas.decode(wrap(b), "R"), "INVALID_ENCODING");
    refusedQuickly(() => schemas.decode(Buffer.from([0x3c, 0x52, 0x2f, 0x3e, 0xe2]), "R"), "INVALID_ENCODING");
  });

  it("characters XML forbids, raw or as character references, anywhere", () => {
    const places = (c: string): string[] => [
      `<R><t>${c}</t></R>`,
      `<R a="${c}"/>`,
      `<R><!--${c}--></R>`,
      `<R><?pi ${c}?></R>`,
      `<R><![CDATA[${c}]]></R>`,
      `<R/>${c}`,
      `${c}<R/>`,
    ];
    for (const c of ["\u0000", "\u0002", "\u001B", "\uFFFE", "\uFFFF", "\uD83D", "\uDE00"]) {
      for (const xml of places(c)) refusedQuickly(() => schemas.decode(xml, "R"), "INVALID_CHARACTER");
    }
    for (const refText of ["&#0;", "&#x1B;", "&#xDFFF;", "&#x10FFFF0;"]) {
      refusedQuickly(() => schemas.decode(`<R><t>${refText}</t></R>`, "R"), "INVALID_CHARACTER");
      refusedQuickly(() => schemas.decode(`<R a="${refText}"/>`, "R"), "INVALID_CHARACTER");
    }
  });
});
