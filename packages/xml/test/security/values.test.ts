// Scenario 8: what a hostile or broken server can put in a value. Integers JSON cannot carry
// exactly are a TYPE_MISMATCH (never Infinity, never rounded); xsi:nil="true" on an element
// that has content is refused, not read as null; an object that fits no anyOf alternative is
// refused on encode instead of losing the properties the first alternative has no place for.
import { describe, expect, it } from "vitest";
import { codecOf, expectCode, ref, XSI } from "../helpers.js";

const codec = codecOf({
  R: {
    type: "object",
    xml: { name: "R" },
    properties: {
      id: { type: "integer" },
      count: { type: "integer", xml: { attribute: true } },
      n: { type: ["integer", "null"] },
      size: { type: "number" },
      label: { type: ["string", "null"] },
      inner: { anyOf: [ref("Inner"), { type: "null" }] },
      list: { type: ["array", "null"], xml: { wrapped: true }, items: { type: "integer", xml: { name: "i" } } },
    },
  },
  Inner: { type: "object", xml: { name: "inner" }, properties: { x: { type: "string" } } },
  Either: {
    xml: { name: "E" },
    anyOf: [
      { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a"] },
      { type: "object", properties: { c: { type: "integer" } }, required: ["c"] },
    ],
  },
});

describe("integers", () => {
  for (const text of ["9007199254740992", "-9007199254740993", "1".repeat(400), "1e400", `${"9".repeat(309)}`]) {
    it(`<id>${text.length > 20 ? `${text.slice(0, 12)}… (${text.length} chars)` : text}</id> is TYPE_MISMATCH`, () => {
      const e = expectCode(() => codec.decode(`<R><id>${text}</id></R>`, "R"), "TYPE_MISMATCH");
      expect(e.path).toBe("/id");
    });
  }

  it("an attribute of 400 digits is TYPE_MISMATCH", () => {
    expectCode(() => codec.decode(`<R count="${"7".repeat(400)}"/>`, "R"), "TYPE_MISMATCH");
  });

  it("the largest safe integers decode exactly", () => {
    expect(codec.decode("<R><id>9007199254740991</id><n>-9007199254740991</n></R>", "R")).toEqual({
      id: 9007199254740991,
      n: -9007199254740991,
    });
  });

  it("a number of 400 digits is TYPE_MISMATCH, not Infinity", () => {
    expectCode(() => codec.decode(`<R><size>${"1".repeat(400)}</size></R>`, "R"), "TYPE_MISMATCH");
    expectCode(() => codec.decode("<R><size>-1e999</size></R>", "R"), "TYPE_MISMATCH");
    expect(codec.decode("<R><size>1e21</size></R>", "R")).toEqual({ size: 1e21 });
  });

  it("encoding an unsafe integer is TYPE_MISMATCH too", () => {
    expectCode(() => codec.encode({ id: 2 ** 53 }, "R"), "TYPE_MISMATCH");
  });
});

describe('xsi:nil="true"', () => {
  const nil = `xmlns:xsi="${XSI}"`;
  for (const [name, xml] of [
    ["scalar", `<R ${nil}><label xsi:nil="true">text</label></R>`],
    ["integer", `<R ${nil}><n xsi:nil="true">5</n></R>`],
    ["object (anyOf with null)", `<R ${nil}><inner xsi:nil="true"><x>1</x></inner></R>`],
    ["array", `<R ${nil}><list xsi:nil="true"><i>1</i></list></R>`],
    ["root object", `<R ${nil} xsi:nil="true"><id>1</id></R>`],
  ] as const) {
    it(`on a ${name} with content is TYPE_MISMATCH`, () => {
      const e = expectCode(() => codec.decode(xml, "R"), "TYPE_MISMATCH");
      expect(e.message).toContain("xsi:nil");
    });
  }

  it("without content it is null", () => {
    expect(
      codec.decode(
        `<R ${nil}><label xsi:nil="true"/><n xsi:nil="true"></n><inner xsi:nil="true"> </inner><list xsi:nil="true"/></R>`,
        "R",
      ),
    ).toEqual({ label: null, n: null, inner: null, list: null });
  });
});

describe("anyOf on encode", () => {
  it("an object matching neither alternative is TYPE_MISMATCH, not encoded without its extra fields", () => {
    expectCode(() => codec.encode({ a: "x", c: 1 }, "Either"), "TYPE_MISMATCH");
    expectCode(() => codec.encode({ a: "x", zzz: "dropped?" }, "Either"), "TYPE_MISMATCH");
  });

  it("an object that fits one alternative is encoded in full", () => {
    expect(codec.encode({ a: "x", b: "y" }, "Either")).toBe("<E><a>x</a><b>y</b></E>");
    expect(codec.encode({ c: 3 }, "Either")).toBe("<E><c>3</c></E>");
  });
});
