// The XML-only checks: which root element (local name + namespace URI) a response schema
// expects, and which one a body has. The codec refuses a wrong root (`UNEXPECTED_ROOT`); these
// tell a wrong element name from the right name in the wrong namespace.
import { deref, isObject, type Json } from "./spec.js";

export interface XmlRoot {
  readonly name: string;
  readonly namespace: string;
}

/**
 * The roots a schema accepts, read the way the codec reads them (ADR 1): the schema's
 * `xml.name`, else the `$ref` target's name; `anyOf`/`oneOf` accept each alternative's root.
 */
export function expectedRoots(doc: Json, schema: unknown, pointer: string, depth = 0): XmlRoot[] {
  if (!isObject(schema) || depth > 16) return [];
  const target = deref(doc, schema, pointer);
  const node = target.node;
  if (!isObject(node)) return [];
  const ownXml = isObject(schema.xml) ? schema.xml : {};
  const xml = { ...(isObject(node.xml) ? node.xml : {}), ...ownXml };
  const refName = typeof schema.$ref === "string" ? schema.$ref.slice(schema.$ref.lastIndexOf("/") + 1) : undefined;
  const name = typeof xml.name === "string" ? xml.name : undefined;
  const alternatives = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (name === undefined && alternatives) {
    return alternatives.flatMap((alt, i) =>
      expectedRoots(doc, alt, `${target.pointer}/${Array.isArray(node.anyOf) ? "anyOf" : "oneOf"}/${i}`, depth + 1),
    );
  }
  const root = name ?? refName;
  if (root === undefined) return [];
  return [{ name: root, namespace: typeof xml.namespace === "string" ? xml.namespace : "" }];
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

function unescapeAttr(v: string): string {
  return v.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === "#") {
      const cp = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return PREDEFINED[ref] ?? all;
  });
}

/**
 * The root element of an XML text, without parsing the rest: skips the XML declaration,
 * comments and processing instructions. Undefined when the text has no readable start tag.
 */
export function rootOf(text: string): XmlRoot | undefined {
  let p = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (p < text.length && /\s/.test(text[p]!)) p++;
    if (text.startsWith("<?", p)) {
      const end = text.indexOf("?>", p + 2);
      if (end < 0) return undefined;
      p = end + 2;
    } else if (text.startsWith("<!--", p)) {
      const end = text.indexOf("-->", p + 4);
      if (end < 0) return undefined;
      p = end + 3;
    } else break;
  }
  const tag = /^<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(text.slice(p, p + 65536));
  if (!tag) return undefined;
  const qname = tag[1]!;
  const colon = qname.indexOf(":");
  const prefix = colon < 0 ? "" : qname.slice(0, colon);
  const wanted = prefix === "" ? "xmlns" : `xmlns:${prefix}`;
  let namespace = "";
  for (const a of tag[2]!.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    if (a[1] === wanted) namespace = unescapeAttr(a[2] ?? a[3] ?? "");
  }
  return { name: colon < 0 ? qname : qname.slice(colon + 1), namespace };
}
