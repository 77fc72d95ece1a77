// Rules 5 (scalar coercion), 6 (empty elements) and 7 (absent -> default).
import { describe, expect, it } from "vitest";
import { XSI, codecOf, expectCode, ref } from "../helpers.js";

const codec = codecOf({
  S: {
    type: "object",
    xml: { name: "S" },
    properties: {
      i: { type: "integer" },
      n: { type: "number" },
      b: { type: "boolean" },
      s: { type: "string" },
      ns: { type: ["string", "null"] },
      ni: { type: ["integer", "null"] },
      is: { type: ["integer", "string"] },
      n30: { type: "string", nullable: true },
      ai: { type: "integer", xml: { attribute: true } },
      as: { type: "string", xml: { attribute: true } },
      o: ref("Inner"),
      no: { type: ["object", "null"], properties: { x: { type: "string" } } },
      w: { type: "array", xml: { wrapped: true }, items: { type: "string", xml: { name: "x" } } },
      nw: { type: ["array", "null"], xml: { wrapped: true }, items: { type: "string", xml: { name: "x" } } },
    },
  },
  Inner: {
    type: "object",
    properties: { x: { type: "string" }, d: { type: "string", default: "dflt" } },
  },
  D: {
    type: "object",
    xml: { name: "D" },
    properties: {
      el: { type: "string", default: "e" },
      at: { type: "integer", xml: { attribute: true }, default: 3 },
      nul: { type: ["string", "null"], default: null },
      obj: { type: "object", default: { deep: [1, { x: 2 }] } },
      viaRef: ref("WithDefault"),
      noDefault: { type: "string" },
      list: { type: "array", items: { type: "string" }, default: ["z"] },
    },
  },
  WithDefault: { type: "integer", default: 42 },
});

const dec = (inner: string, attrs = ""): unknown => codec.decode(`<S xmlns:xsi="${XSI}"${attrs}>${inner}</S>`, "S");

describe("rule 5: scalars are coerced by type", () => {
  it("integer: only integer lexical forms", () => {
    expect(dec("<i>42</i>")).toEqual({ i: 42 });
    expect(dec("<i>-7</i>")).toEqual({ i: -7 });
    expect(dec("<i>+3</i>")).toEqual({ i: 3 });
    expect(dec("<i> 17179869184\n</i>")).toEqual({ i: 17179869184 }); // XSD whitespace collapse
    for (const bad of ["1.5", "1e3", "abc", "0x10", "", "1 2"]) {
      if (bad === "") continue;
      expectCode(() => dec(`<i>${bad}</i>`), "TYPE_MISMATCH");
    }
  });

  it("number: decimal and exponent forms; no NaN/INF", () => {
    expect(dec("<n>1.5</n>")).toEqual({ n: 1.5 });
    expect(dec("<n>-.25</n>")).toEqual({ n: -0.25 });
    expect(dec("<n>1e3</n>")).toEqual({ n: 1000 });
    expect(dec("<n>5</n>")).toEqual({ n: 5 });
    for (const bad of ["NaN", "INF", "-INF", "1.2.3", "e5", "."])
      expectCode(() => dec(`<n>${bad}</n>`), "TYPE_MISMATCH");
  });

  it("boolean: true/false/1/0", () => {
    expect(dec("<b>true</b>")).toEqual({ b: true });
    expect(dec("<b>false</b>")).toEqual({ b: false });
    expect(dec("<b>1</b>")).toEqual({ b: true });
    expect(dec("<b>0</b>")).toEqual({ b: false });
    expectCode(() => dec("<b>yes</b>"), "TYPE_MISMATCH");
    expectCode(() => dec("<b>True</b>"), "TYPE_MISMATCH");
  });

  it("string keeps its text exactly; only XML's own line-end normalisation applies", () => {
    expect(dec("<s>  two  spaces  </s>")).toEqual({ s: "  two  spaces  " });
    expect(dec("<s>a\r\nb\rc</s>")).toEqual({ s: "a\nb\nc" });
    expect(dec("<s>a&#13;&#10;b</s>")).toEqual({ s: "a\r\nb" });
    expect(dec("<s> </s>")).toEqual({ s: " " });
    expect(dec("<s>12</s>")).toEqual({ s: "12" });
  });

  it("a type array tries integer before string; null only for empty", () => {
    expect(dec("<is>12</is>")).toEqual({ is: 12 });
    expect(dec("<is>x12</is>")).toEqual({ is: "x12" });
    expect(dec("<ns>text</ns>")).toEqual({ ns: "text" });
    expect(dec("<ni>5</ni>")).toEqual({ ni: 5 });
  });

  it("attributes are coerced too", () => {
    expect(dec("", ' ai="5" as="5"')).toEqual({ ai: 5, as: "5" });
    expectCode(() => dec("", ' ai="five"'), "TYPE_MISMATCH");
  });

  it("a mismatch reports line, column and path", () => {
    const e = expectCode(() => codec.decode(`<S>\n  <o><x>1</x></o>\n  <i>4.5</i>\n</S>`, "S"), "TYPE_MISMATCH");
    expect([e.line, e.column, e.path]).toEqual([3, 6, "/i"]);
    const a = expectCode(() => codec.decode(`<S\n ai="x"/>`, "S"), "TYPE_MISMATCH");
    expect([a.line, a.column, a.path]).toEqual([2, 2, "/ai"]);
  });
});

describe("rule 6: empty elements", () => {
  it("nullable -> null for <X/>, <X></X> and xsi:nil", () => {
    expect(dec("<ns/>")).toEqual({ ns: null });
    expect(dec("<ns></ns>")).toEqual({ ns: null });
    expect(dec('<ns xsi:nil="true"/>')).toEqual({ ns: null });
    expect(dec("<ni />")).toEqual({ ni: null });
    expect(dec("<n30/>")).toEqual({ n30: null }); // OpenAPI 3.0 nullable
  });

  it("string -> empty string", () => {
    expect(dec("<s/>")).toEqual({ s: "" });
    expect(dec("<s></s>")).toEqual({ s: "" });
    expect(dec('<s xsi:nil="true"/>')).toEqual({ s: "" });
  });

  it("object -> {} plus defaults, nullable or not; only xsi:nil makes a nullable object null", () => {
    expect(dec("<o/>")).toEqual({ o: { d: "dflt" } });
    expect(dec("<no/>")).toEqual({ no: {} });
    expect(dec('<no xsi:nil="true"/>')).toEqual({ no: null });
    expect(dec("<no><x>1</x></no>")).toEqual({ no: { x: "1" } });
  });

  it("wrapped array -> [], nullable or not; only xsi:nil makes a nullable list null", () => {
    expect(dec("<w/>")).toEqual({ w: [] });
    expect(dec("<nw/>")).toEqual({ nw: [] });
    expect(dec('<nw xsi:nil="true"/>')).toEqual({ nw: null });
    expect(dec("<nw><x>a</x></nw>")).toEqual({ nw: ["a"] });
  });

  it("non-nullable number, integer or boolean -> TYPE_MISMATCH", () => {
    for (const tag of ["i", "n", "b"]) expectCode(() => dec(`<${tag}/>`), "TYPE_MISMATCH");
    expectCode(() => dec('<i xsi:nil="true"/>'), "TYPE_MISMATCH");
  });
});

describe("rule 7: absent element or attribute", () => {
  it("takes a copy of the property's (or its $ref target's) default", () => {
    const v = codec.decode<Record<string, unknown>>("<D/>", "D");
    expect(v).toStrictEqual({ el: "e", at: 3, nul: null, obj: { deep: [1, { x: 2 }] }, viaRef: 42, list: ["z"] });
    expect("noDefault" in v).toBe(false);
    // a copy: mutating one result does not leak into the next
    (v.obj as { deep: unknown[] }).deep.push("mutated");
    expect(codec.decode<{ obj: unknown }>("<D/>", "D").obj).toEqual({ deep: [1, { x: 2 }] });
  });

  it("present values win over defaults", () => {
    expect(codec.decode("<D at='9'><el>x</el><nul>y</nul><list>q</list></D>", "D")).toMatchObject({
      el: "x",
      at: 9,
      nul: "y",
      list: ["q"],
    });
  });
});
