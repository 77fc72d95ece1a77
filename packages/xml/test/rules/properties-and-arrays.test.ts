// Rules 3 (object properties) and 4 (arrays).
import { describe, expect, it } from "vitest";
import { codecOf, expectCode, ref } from "../helpers.js";

const NS = "urn:test";

const codec = codecOf({
  Obj: {
    type: "object",
    xml: { name: "Obj", namespace: NS },
    properties: {
      id: { type: "string", xml: { attribute: true, name: "ID" } },
      kind: { type: "string", xml: { attribute: true } },
      own: { $ref: "#/components/schemas/Target", xml: { name: "OwnName" } },
      viaRef: ref("Target"),
      plain: { type: "string" },
      renamed: { type: "string", xml: { name: "Renamed" } },
    },
  },
  Target: { type: "object", xml: { name: "TargetName" }, properties: { x: { type: "string" } } },
  Lists: {
    type: "object",
    xml: { name: "Lists", namespace: NS },
    properties: {
      Links: { type: "array", xml: { wrapped: true }, items: ref("Link") },
      Tags: { type: "array", xml: { wrapped: true, name: "TagList" }, items: { type: "string", xml: { name: "Tag" } } },
      Plain: { type: "array", xml: { wrapped: true }, items: { type: "string" } },
      Item: { type: "array", items: ref("Entry") },
      Numbers: { type: "array", items: { type: "integer", xml: { name: "N" } } },
      Names: { type: "array", items: { type: "string" } },
    },
  },
  Link: { type: "object", xml: { name: "Link" }, properties: { Href: { type: "string", xml: { attribute: true } } } },
  Entry: { type: "object", xml: { name: "Entry" }, properties: { v: { type: "integer" } } },
});

describe("rule 3: object properties", () => {
  it("xml.attribute reads an attribute named xml.name ?? the property name, in any order", () => {
    const a = codec.decode(`<Obj xmlns="${NS}" ID="1" kind="k"/>`, "Obj");
    const b = codec.decode(`<Obj kind="k" ID="1" xmlns="${NS}"/>`, "Obj");
    expect(a).toEqual({ id: "1", kind: "k" });
    expect(b).toEqual(a);
    // the property name is not the attribute name when xml.name is set
    expect(codec.decode(`<Obj xmlns="${NS}" id="1"/>`, "Obj")).toEqual({});
  });

  it("element name: the property's own xml.name (next to $ref) wins over the target's", () => {
    expect(codec.decode(`<Obj xmlns="${NS}"><OwnName><x>1</x></OwnName></Obj>`, "Obj")).toEqual({ own: { x: "1" } });
  });

  it("element name: else the $ref target's xml.name, else the property name", () => {
    expect(codec.decode(`<Obj xmlns="${NS}"><TargetName><x>2</x></TargetName></Obj>`, "Obj")).toEqual({
      viaRef: { x: "2" },
    });
    // the property name is not used when the target has a name
    expect(codec.decode(`<Obj xmlns="${NS}"><viaRef><x>2</x></viaRef></Obj>`, "Obj")).toEqual({});
    expect(codec.decode(`<Obj xmlns="${NS}"><plain>p</plain><Renamed>r</Renamed></Obj>`, "Obj")).toEqual({
      plain: "p",
      renamed: "r",
    });
  });

  it("children in any order", () => {
    const a = codec.decode(`<Obj xmlns="${NS}"><plain>p</plain><Renamed>r</Renamed><OwnName/></Obj>`, "Obj");
    const b = codec.decode(`<Obj xmlns="${NS}"><OwnName/><Renamed>r</Renamed><plain>p</plain></Obj>`, "Obj");
    expect(a).toEqual({ plain: "p", renamed: "r", own: {} });
    expect(b).toEqual(a);
  });

  it("a non-array property that appears twice is a TYPE_MISMATCH", () => {
    const e = expectCode(
      () => codec.decode(`<Obj xmlns="${NS}"><plain>a</plain><plain>b</plain></Obj>`, "Obj"),
      "TYPE_MISMATCH",
    );
    expect(e.path).toBe("/plain");
  });
});

describe("rule 4: arrays", () => {
  const empty = { Item: [], Numbers: [], Names: [] };

  it("wrapped: a wrapper element named xml.name ?? property name holds the items", () => {
    const doc = `<Lists xmlns="${NS}"><Links><Link Href="a"/><Link Href="b"/></Links><TagList><Tag>x</Tag><Tag>y</Tag></TagList></Lists>`;
    expect(codec.decode(doc, "Lists")).toEqual({ ...empty, Links: [{ Href: "a" }, { Href: "b" }], Tags: ["x", "y"] });
  });

  it("wrapped: one item is still an array, and an empty wrapper is []", () => {
    expect(codec.decode(`<Lists xmlns="${NS}"><Links><Link Href="a"/></Links></Lists>`, "Lists")).toEqual({
      ...empty,
      Links: [{ Href: "a" }],
    });
    expect(codec.decode(`<Lists xmlns="${NS}"><Links/><TagList></TagList></Lists>`, "Lists")).toEqual({
      ...empty,
      Links: [],
      Tags: [],
    });
  });

  it("wrapped: item name falls back to the property name", () => {
    expect(
      codec.decode(`<Lists xmlns="${NS}"><Plain><Plain>a</Plain><Plain>b</Plain></Plain></Lists>`, "Lists"),
    ).toEqual({
      ...empty,
      Plain: ["a", "b"],
    });
  });

  it("unwrapped: items repeat directly inside the parent, interleaved with other children", () => {
    const doc = `<Lists xmlns="${NS}"><Entry><v>1</v></Entry><N>5</N><Entry><v>2</v></Entry><Names>a</Names><N>6</N></Lists>`;
    expect(codec.decode(doc, "Lists")).toEqual({ Item: [{ v: 1 }, { v: 2 }], Numbers: [5, 6], Names: ["a"] });
  });

  it("unwrapped: item name is items' xml.name, else the $ref target's, else the property name", () => {
    // <Item> (property name) is not an item: the target is named Entry
    expect(codec.decode(`<Lists xmlns="${NS}"><Item><v>1</v></Item></Lists>`, "Lists")).toEqual(empty);
    // <Numbers> is not an item: items are named N
    expect(codec.decode(`<Lists xmlns="${NS}"><Numbers>1</Numbers></Lists>`, "Lists")).toEqual(empty);
  });

  it("unwrapped: no items decodes to [] (always present)", () => {
    const v = codec.decode<Record<string, unknown>>(`<Lists xmlns="${NS}"/>`, "Lists");
    expect(v).toStrictEqual(empty);
    expect(Object.keys(v)).toEqual(["Item", "Numbers", "Names"]);
  });
});
