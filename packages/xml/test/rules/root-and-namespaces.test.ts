// Rules 1 (root element) and 2 (namespace inheritance).
import { describe, expect, it } from "vitest";
import { createXmlCodec } from "../../src/index.js";
import { codecOf, expectCode, ref } from "../helpers.js";

const NS = "urn:test:a";
const NS_B = "urn:test:b";

const codec = codecOf({
  Named: { type: "object", xml: { name: "Root", namespace: NS }, properties: { v: { type: "string" } } },
  Unnamed: { type: "object", xml: { namespace: NS }, properties: { v: { type: "string" } } },
  NoNs: { type: "object", properties: { v: { type: "string" } } },
  Parent: {
    type: "object",
    xml: { name: "Parent", namespace: NS },
    properties: {
      inherited: ref("Inner"),
      other: { $ref: "#/components/schemas/Inner", xml: { name: "other", namespace: NS_B } },
      id: { type: "string", xml: { attribute: true } },
      qualified: { type: "string", xml: { attribute: true, namespace: NS_B } },
    },
  },
  Inner: { type: "object", properties: { leaf: { type: "string" } } },
  Prefixed: { type: "object", xml: { name: "P", namespace: NS, prefix: "x" }, properties: { v: { type: "string" } } },
});

describe("rule 1: root element", () => {
  it("uses the schema's xml.name", () => {
    expect(codec.decode(`<Root xmlns="${NS}"><v>1</v></Root>`, ref("Named").$ref)).toEqual({ v: "1" });
    const e = expectCode(() => codec.decode(`<Named xmlns="${NS}"/>`, ref("Named").$ref), "UNEXPECTED_ROOT");
    expect(e.line).toBe(1);
    expect(e.column).toBe(1);
  });

  it("falls back to the component name (last segment of the $ref)", () => {
    expect(codec.decode(`<Unnamed xmlns="${NS}"><v>1</v></Unnamed>`, "#/components/schemas/Unnamed")).toEqual({
      v: "1",
    });
    expectCode(() => codec.decode(`<Root xmlns="${NS}"/>`, "#/components/schemas/Unnamed"), "UNEXPECTED_ROOT");
  });

  it("accepts a bare component name, a {$ref} object and the component object itself", () => {
    const doc = `<Unnamed xmlns="${NS}"><v>x</v></Unnamed>`;
    expect(codec.decode(doc, "Unnamed")).toEqual({ v: "x" });
    expect(codec.decode(doc, ref("Unnamed"))).toEqual({ v: "x" });
    const Unnamed = { type: "object", xml: { namespace: NS }, properties: { v: { type: "string" } } };
    const own = createXmlCodec({ openapi: "3.1.0", components: { schemas: { Unnamed } } });
    expect(own.decode(doc, Unnamed)).toEqual({ v: "x" }); // found by identity under components.schemas
  });

  it("matches the namespace by URI, never by prefix", () => {
    const schema = ref("Named").$ref;
    expect(codec.decode(`<v:Root xmlns:v="${NS}"><v:v>1</v:v></v:Root>`, schema)).toEqual({ v: "1" });
    expect(codec.decode(`<Root xmlns="${NS}"><v>1</v></Root>`, schema)).toEqual({ v: "1" });
    // same prefix, other URI
    expectCode(() => codec.decode(`<v:Root xmlns:v="${NS_B}"/>`, schema), "UNEXPECTED_ROOT");
    // right name, no namespace
    expectCode(() => codec.decode(`<Root/>`, schema), "UNEXPECTED_ROOT");
    // a schema without namespace wants an element without one
    expect(codec.decode(`<NoNs><v>1</v></NoNs>`, "NoNs")).toEqual({ v: "1" });
    expectCode(() => codec.decode(`<NoNs xmlns="${NS}"/>`, "NoNs"), "UNEXPECTED_ROOT");
  });

  it("an inline schema without xml.name accepts any root name but still checks the namespace", () => {
    const inline = { type: "object", xml: { namespace: NS }, properties: { v: { type: "string" } } };
    expect(codec.decode(`<Anything xmlns="${NS}"><v>1</v></Anything>`, inline)).toEqual({ v: "1" });
    expectCode(() => codec.decode(`<Anything/>`, inline), "UNEXPECTED_ROOT");
  });
});

describe("rule 2: namespace inheritance", () => {
  const schema = "#/components/schemas/Parent";

  it("children inherit the parent's namespace (a default xmlns on the root)", () => {
    const doc = `<Parent xmlns="${NS}"><inherited><leaf>1</leaf></inherited></Parent>`;
    expect(codec.decode(doc, schema)).toEqual({ inherited: { leaf: "1" } });
  });

  it("a child in another namespace is not the property (ignored; UNKNOWN_NODE under unknown: error)", () => {
    const doc = `<Parent xmlns="${NS}"><inherited xmlns="${NS_B}"><leaf>1</leaf></inherited></Parent>`;
    expect(codec.decode(doc, schema)).toEqual({});
    expectCode(() => codec.decode(doc, schema, { unknown: "error" }), "UNKNOWN_NODE");
    // xmlns="" takes the child out of every namespace
    expect(codec.decode(`<Parent xmlns="${NS}"><inherited xmlns=""/></Parent>`, schema)).toEqual({});
  });

  it("a property's own xml.namespace applies to it and is inherited by its children", () => {
    const ok = `<Parent xmlns="${NS}"><b:other xmlns:b="${NS_B}"><b:leaf>2</b:leaf></b:other></Parent>`;
    expect(codec.decode(ok, schema)).toEqual({ other: { leaf: "2" } });
    // the leaf in the parent's namespace is not the leaf of <other>
    const wrongLeaf = `<Parent xmlns="${NS}"><b:other xmlns:b="${NS_B}"><leaf>2</leaf></b:other></Parent>`;
    expect(codec.decode(wrongLeaf, schema)).toEqual({ other: {} });
    // <other> in the parent's namespace is not the property
    expect(codec.decode(`<Parent xmlns="${NS}"><other/></Parent>`, schema)).toEqual({});
  });

  it("attributes are unqualified unless the property says otherwise", () => {
    expect(codec.decode(`<Parent xmlns="${NS}" id="7"/>`, schema)).toEqual({ id: "7" });
    // a prefixed attribute is not the unqualified one, even when the prefix is the element's namespace
    expect(codec.decode(`<p:Parent xmlns:p="${NS}" p:id="7"/>`, schema)).toEqual({});
    expect(codec.decode(`<Parent xmlns="${NS}" xmlns:b="${NS_B}" b:qualified="q"/>`, schema)).toEqual({
      qualified: "q",
    });
    expect(codec.decode(`<Parent xmlns="${NS}" qualified="q"/>`, schema)).toEqual({});
  });

  it("xml.prefix does not matter for decoding", () => {
    expect(codec.decode(`<y:P xmlns:y="${NS}"><y:v>1</y:v></y:P>`, "Prefixed")).toEqual({ v: "1" });
    expect(codec.decode(`<P xmlns="${NS}"><v>1</v></P>`, "Prefixed")).toEqual({ v: "1" });
  });

  it("an undeclared prefix is MALFORMED", () => {
    expectCode(() => codec.decode(`<Parent xmlns="${NS}"><q:inherited/></Parent>`, schema), "MALFORMED");
    expectCode(() => codec.decode(`<Parent xmlns="${NS}" q:id="1"/>`, schema), "MALFORMED");
  });
});
