// What the parser accepts and what it refuses (well-formedness), with error positions.
import { describe, expect, it } from "vitest";
import { createXmlCodec } from "../../src/index.js";
import { REF, replicaDoc, sampleJson, sampleXml } from "../fixtures/replica.js";
import { codecOf, expectCode } from "../helpers.js";

const codec = codecOf({
  R: {
    type: "object",
    xml: { name: "R", namespace: "urn:r" },
    properties: {
      a: { type: "string", xml: { attribute: true } },
      b: { type: "string", xml: { attribute: true } },
      t: { type: "string" },
      u: { type: "string" },
    },
  },
});
const r = (body: string, attrs = ""): string => `<R xmlns="urn:r"${attrs}>${body}</R>`;
const dec = (xml: string): unknown => codec.decode(xml, "R");

describe("accepts", () => {
  it("an XML declaration or none, a BOM, CRLF line ends", () => {
    expect(dec(r("<t>1</t>"))).toEqual({ t: "1" });
    expect(dec(`<?xml version="1.0"?>${r("<t>1</t>")}`)).toEqual({ t: "1" });
    expect(dec(`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\r\n${r("<t>1</t>")}`)).toEqual({ t: "1" });
    expect(dec(`\uFEFF<?xml version="1.0"?>${r("<t>1</t>")}`)).toEqual({ t: "1" });
    expect(dec(r("\r\n  <t>x\r\ny</t>\r\n"))).toEqual({ t: "x\ny" });
  });

  it("CDATA, comments and processing instructions, inside and around the root", () => {
    const xml = `<?xml version="1.0"?><!-- before --><?app data?>\n${r("<t><![CDATA[<&>]]> and <!-- c -->more<?pi?></t><!---->")}<!-- after --><?after?>\n`;
    expect(dec(xml)).toEqual({ t: "<&> and more" });
    expect(dec(r("<t><![CDATA[]]></t>"))).toEqual({ t: "" });
    expect(dec(r("<t><![CDATA[a]]b]]]></t>"))).toEqual({ t: "a]]b]" });
  });

  it("the five predefined entities and decimal/hex character references", () => {
    expect(dec(r("<t>&lt;&gt;&amp;&apos;&quot; &#65;&#x42;&#X43;</t>".replace("&#X43;", "&#x43;")))).toEqual({
      t: `<>&'" ABC`,
    });
    expect(dec(r("<t>&#x1F600;&#128512;</t>"))).toEqual({ t: "😀😀" });
    expect(dec(r("", ' a="&lt;&#x26;&quot;"'))).toEqual({ a: '<&"' });
  });

  it("extra namespace declarations, attributes in any order, single or double quotes", () => {
    const xml = `<R b='2' xmlns:xsd="http://www.w3.org/2001/XMLSchema" a="1" xmlns='urn:r' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>`;
    expect(dec(xml)).toEqual({ a: "1", b: "2" });
    expect(dec(`<R xmlns="urn:r" a='say "hi"' b="it's"/>`)).toEqual({ a: 'say "hi"', b: "it's" });
  });

  it("whitespace in tags and attribute-value normalisation", () => {
    expect(dec(`<R\n\txmlns = "urn:r"\r\n a\n=\n"x\ty\nz\r\nw" ></R >`)).toEqual({ a: "x y z w" });
    expect(dec(r("", ' a="&#9;&#10;&#13;"'))).toEqual({ a: "\t\n\r" });
  });

  it("non-ASCII names and text", () => {
    const c = codecOf({
      X: {
        type: "object",
        xml: { name: "Ωmega" },
        properties: { "ñame·1": { type: "string" }, "𐀀": { type: "string" } },
      },
    });
    expect(c.decode("<Ωmega><ñame·1>ünïcødé ✓</ñame·1><𐀀>x</𐀀></Ωmega>", "X")).toEqual({
      "ñame·1": "ünïcødé ✓",
      "𐀀": "x",
    });
  });

  it("the real server sample", () => {
    expect(createXmlCodec(replicaDoc).decode(sampleXml, REF)).toStrictEqual(sampleJson);
  });
});

describe("refuses", () => {
  it("any DOCTYPE", () => {
    expectCode(() => dec(`<!DOCTYPE R>${r("")}`), "DOCTYPE_FORBIDDEN");
    expectCode(() => dec(`<?xml version="1.0"?>\n<!DOCTYPE R [<!ELEMENT R ANY>]>${r("")}`), "DOCTYPE_FORBIDDEN");
    expectCode(() => dec(r("<!DOCTYPE R>")), "DOCTYPE_FORBIDDEN");
  });

  const malformed: Record<string, string> = {
    "empty document": "",
    "only whitespace": "  \n",
    "text before root": `x${r("")}`,
    "unknown entity": r("<t>&nbsp;</t>"),
    "bare ampersand": r("<t>a & b</t>"),
    "unterminated reference": r("<t>&amp</t>"),
    "bad character reference": r("<t>&#xZZ;</t>"),
    "mismatched tags": r("<t></u>"),
    "unclosed element": r("<t>"),
    "unclosed root": `<R xmlns="urn:r"><t/>`,
    "duplicate attribute": `<R xmlns="urn:r" a="1" a="2"/>`,
    "duplicate expanded attribute": `<R xmlns="urn:r" xmlns:p="urn:x" xmlns:q="urn:x" p:a="1" q:a="2"/>`,
    "attribute without quotes": `<R xmlns="urn:r" a=1/>`,
    "attribute without value": `<R xmlns="urn:r" a/>`,
    "attributes without whitespace": `<R xmlns="urn:r" a="1"b="2"/>`,
    "< in attribute": `<R xmlns="urn:r" a="<"/>`,
    "text after root": `${r("")}x`,
    "element after root": `${r("")}<R/>`,
    "]]> in text": r("<t>]]></t>"),
    "-- in comment": r("<!-- a -- b -->"),
    "unterminated comment": r("<!-- a"),
    "unterminated CDATA": r("<t><![CDATA[x</t>"),
    "declaration not at start": ` <?xml version="1.0"?>${r("")}`,
    "declaration without version": `<?xml encoding="utf-8"?>${r("")}`,
    "second declaration": `<?xml version="1.0"?><?xml version="1.0"?>${r("")}`,
    "name starting with a digit": r("<1t/>"),
    "two colons": r("<a:b:c/>"),
    "end tag with attributes": r("<t></t a='1'>"),
    "CDATA outside root": `<![CDATA[x]]>${r("")}`,
    "xmlns prefix bound to empty": `<R xmlns="urn:r" xmlns:p=""/>`,
  };
  for (const [what, xml] of Object.entries(malformed)) {
    it(`MALFORMED: ${what}`, () => {
      expectCode(() => dec(xml), "MALFORMED");
    });
  }

  it("characters XML 1.0 forbids, raw or as references", () => {
    for (const bad of [
      "\u0000",
      "\u0001",
      "\u0008",
      "\u000B",
      "\u001F",
      "\uFFFE",
      "\uFFFF",
      "\uD800",
      "\uDC00",
      "x\uDBFFy",
    ]) {
      expectCode(() => dec(r(`<t>${bad}</t>`)), "INVALID_CHARACTER");
      expectCode(() => dec(r("", ` a="${bad}"`)), "INVALID_CHARACTER");
      expectCode(() => dec(r(`<!--${bad}-->`)), "INVALID_CHARACTER");
    }
    for (const ref of [
      "&#0;",
      "&#x0;",
      "&#1;",
      "&#xB;",
      "&#xD800;",
      "&#xDFFF;",
      "&#xFFFE;",
      "&#xFFFF;",
      "&#x110000;",
      "&#99999999999999999999;",
    ]) {
      expectCode(() => dec(r(`<t>${ref}</t>`)), "INVALID_CHARACTER");
    }
  });

  it("the first error in document order wins", () => {
    expectCode(() => dec(`<!DOCTYPE R>${r("<t>\u0000</t>")}`), "DOCTYPE_FORBIDDEN");
    expectCode(() => dec(`<R xmlns="urn:r"><t></u>\u0000</R>`), "MALFORMED");
    expectCode(() => dec(`<R xmlns="urn:r"><t>\u0000</u></R>`), "INVALID_CHARACTER");
  });

  it("errors carry 1-based line and column, and a JSON Pointer path", () => {
    let e = expectCode(() => dec(`<R xmlns="urn:r">\n  <t>ok</t>\n  <u>&bad;</u>\n</R>`), "MALFORMED");
    expect([e.line, e.column, e.path]).toEqual([3, 6, "/u"]);
    e = expectCode(() => dec(`<R xmlns="urn:r">\r\n<t>\r\n\u0007</t></R>`), "INVALID_CHARACTER");
    expect([e.line, e.column]).toEqual([3, 1]);
    e = expectCode(() => dec(`<R xmlns="urn:r"><t>x</t>`), "MALFORMED");
    expect([e.line, e.column]).toEqual([1, 26]);
    expect(e.message).toContain("line 1, column 26");
  });

  it("paths point into the decoded value: /ReplicaTaskSessions/3/Links/0/Href", () => {
    const doc = structuredClone(replicaDoc) as unknown as {
      components: { schemas: { Link: { properties: { Href: { type: string } } } } };
    };
    doc.components.schemas.Link.properties.Href.type = "integer";
    const c = createXmlCodec(doc);
    const item = sampleXml.slice(
      sampleXml.indexOf("   <ReplicaTaskSession "),
      sampleXml.indexOf("</ReplicaTaskSessions>"),
    );
    const numbered = item.replace(/Href="[^"]*"/g, 'Href="1"');
    const xml = sampleXml.replace(item, numbered.repeat(3) + item);
    const e = expectCode(() => c.decode(xml, REF), "TYPE_MISMATCH");
    expect(e.path).toBe("/ReplicaTaskSessions/3/Links/0/Href");
    expect(e.line).toBe(3 + 3 * 13 + 2);
  });
});
