// One-change mutants of a real body (issue 23, item 5): the changes a server that is not Veeam's,
// or a codec with a bug, would make. Each mutant is the body's text with exactly one change:
// - `type-name`: an element, attribute or member renamed to the component its schema references
//   (`<EndTimeUTC>` → `<UtcDateTime>`);
// - `enum`: a value outside an enum's listed values (open enums included);
// - `unknown`: a member, element or attribute no schema declares;
// - `required`: a required member removed;
// - `case`: a name in the other casing style (`JobName` ↔ `jobName`);
// - `type`: a value of the wrong type (XML: only where the text has a type: numbers, booleans);
// - `namespace`: an element in another namespace (XML);
// - `swap`: two sibling elements swapped (XML: the XSD sequence; JSON members have no order).
// The body is walked alongside its schema to find where each change applies. XML is read by the
// small tokenizer below (the fixtures are plain, well-formed documents), never by the codec under test.
import { camelKey } from "@veeam-sessions/spec/casing";

export const CLASSES = ["type-name", "enum", "unknown", "required", "case", "type", "namespace", "swap"] as const;
export type MutantClass = (typeof CLASSES)[number];

export interface Mutant {
  cls: MutantClass;
  /** What changed, for messages. */
  what: string;
  body: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value no enum of the specs lists. */
const UNLISTED = "Zz9NotListed";

// ---------------------------------------------------------------------------------------------
// schemas

interface Resolved {
  /** The schema after `$ref` hops (their siblings merged over the target). */
  node: Json;
  /** Component name of the first `$ref` hop. */
  refName?: string;
}

function pointer(doc: Json, ref: string): unknown {
  let cur: unknown = doc;
  for (const raw of ref.replace(/^#\//, "").split("/")) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    cur = isObject(cur) || Array.isArray(cur) ? (cur as Json)[token] : undefined;
  }
  return cur;
}

export function resolve(doc: Json, schema: unknown): Resolved {
  if (!isObject(schema)) return { node: {} };
  let node: Json = schema;
  let refName: string | undefined;
  for (let hops = 0; typeof node.$ref === "string" && hops < 32; hops++) {
    const ref: string = node.$ref;
    refName ??= ref.slice(ref.lastIndexOf("/") + 1);
    const { $ref: _, ...own } = node;
    const target = pointer(doc, ref);
    const t: Json = isObject(target) ? target : {};
    node = { ...t, ...own, xml: { ...t.xml, ...own.xml } };
  }
  return refName === undefined ? { node } : { node, refName };
}

const typesOf = (node: Json): string[] =>
  node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];

/** The alternatives of an `anyOf`/`oneOf`, `null` ones left out. */
function alternatives(doc: Json, node: Json): Resolved[] {
  const alts = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (!Array.isArray(alts)) return [];
  return alts.map((a) => resolve(doc, a)).filter((r) => !(typesOf(r.node).length === 1 && r.node.type === "null"));
}

/** The enum a value is checked against: the schema's own, or an open enum's listed alternative. */
function enumOf(doc: Json, node: Json): unknown[] | undefined {
  if (Array.isArray(node.enum)) return node.enum;
  for (const alt of alternatives(doc, node)) if (Array.isArray(alt.node.enum)) return alt.node.enum;
  return undefined;
}

/** The component a property's schema names (directly or as an alternative), when that component has no `xml.name`. */
function typeName(doc: Json, raw: unknown): string | undefined {
  const r = resolve(doc, raw);
  if (r.refName !== undefined) return isObject(r.node.xml) && r.node.xml.name ? undefined : r.refName;
  for (const alt of alternatives(doc, r.node)) if (alt.refName !== undefined && !alt.node.xml?.name) return alt.refName;
  return undefined;
}

/** The schema a value of `raw` reads as: for alternatives, the object one whose members it uses most, else the first. */
function pick(doc: Json, raw: unknown, value: unknown, names: (n: Json) => string[]): Resolved {
  const r = resolve(doc, raw);
  const alts = alternatives(doc, r.node);
  if (alts.length === 0) return r;
  if (isObject(value)) {
    // The alternative whose required members the value has, then the one whose members it uses most.
    let best = alts[0]!;
    let score = -1;
    for (const alt of alts) {
      const known = new Set(names(alt.node));
      const required = ((alt.node.required ?? []) as string[]).every((k) =>
        names({ properties: { [k]: 0 } }).some((n) => n in value),
      );
      const n = Object.keys(value).filter((k) => known.has(k)).length + (required ? 1e6 : 0);
      if (n > score) [best, score] = [alt, n];
    }
    return best;
  }
  return alts.find((a) => !typesOf(a.node).includes("object")) ?? alts[0]!;
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Mutants of a JSON body; `casing`: the member names it uses (`camel` for EM 13, `pascal` for the schema's own). */
export function jsonMutants(doc: Json, schema: unknown, text: string, casing: "pascal" | "camel" | "own"): Mutant[] {
  const body: unknown = JSON.parse(text);
  const out: Mutant[] = [];
  const spell = (name: string) => (casing === "camel" ? camelKey(name) : name);
  const names = (node: Json) => (isObject(node.properties) ? Object.keys(node.properties).map(spell) : []);
  const other = (key: string) =>
    casing === "camel" || casing === "own"
      ? key.charAt(0).toUpperCase() + key.slice(1)
      : camelKey(key) === key
        ? key.charAt(0).toUpperCase() + key.slice(1)
        : camelKey(key);
  const mutate = (cls: MutantClass, what: string, change: (copy: unknown) => void) => {
    const copy: unknown = JSON.parse(text);
    change(copy);
    out.push({ cls, what, body: JSON.stringify(copy, null, 2) });
  };
  /** The object or array at `path` in `root`. */
  const at = (root: unknown, path: (string | number)[]): Json =>
    path.reduce<Json>((v, k) => v[k as string] as Json, root as Json);

  const walk = (raw: unknown, value: unknown, path: (string | number)[]) => {
    const { node } = pick(doc, raw, value, names);
    const where = path.length ? `/${path.join("/")}` : "/";
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(node.items, item, [...path, i]));
      return;
    }
    if (!isObject(value)) {
      const listed = enumOf(doc, node);
      if (path.length > 0 && listed && typeof value === "string")
        mutate("enum", `${where} = "${UNLISTED}"`, (c) => (at(c, path.slice(0, -1))[path.at(-1)!] = UNLISTED));
      if (path.length > 0 && value !== null)
        mutate("type", `${where} of the wrong type`, (c) => {
          at(c, path.slice(0, -1))[path.at(-1)!] = typeof value === "string" ? 12345 : "not-a-number";
        });
      return;
    }
    const props = isObject(node.properties) ? node.properties : {};
    const bySpelling = new Map(Object.keys(props).map((k) => [spell(k), k] as const));
    const required = new Set(((node.required ?? []) as string[]).map(spell));
    mutate("unknown", `${where} gains "DriftMember"`, (c) => (at(c, path).DriftMember = "x"));
    for (const [key, member] of Object.entries(value)) {
      const name = bySpelling.get(key);
      if (name === undefined) continue;
      const rename = (cls: MutantClass, to: string) =>
        mutate(cls, `${where === "/" ? "" : where}/${key} renamed ${to}`, (c) => {
          const o = at(c, path);
          // Same place among the members: only the name changes.
          const entries = Object.entries(o).map(([k, v]) => [k === key ? to : k, v] as const);
          for (const k of Object.keys(o)) delete o[k];
          for (const [k, v] of entries) o[k] = v;
        });
      const type = typeName(doc, props[name]);
      if (type !== undefined && spell(type) !== key && !bySpelling.has(spell(type))) rename("type-name", spell(type));
      if (other(key) !== key && !(other(key) in value)) rename("case", other(key));
      if (required.has(key))
        mutate("required", `${where === "/" ? "" : where}/${key} removed`, (c) => delete at(c, path)[key]);
      walk(props[name], member, [...path, key]);
    }
  };
  walk(schema, body, []);
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML

interface XmlAttr {
  name: string;
  value: string;
  start: number;
  end: number;
}

interface XmlElement {
  name: string;
  attrs: XmlAttr[];
  children: XmlElement[];
  /** The whole element: `<` of the start tag to after `>` of the end tag. */
  start: number;
  end: number;
  /** After the start tag's name. */
  nameEnd: number;
  /** The end tag's name (absent when self-closed). */
  closeName?: number;
  /** Text content of a leaf. */
  textStart?: number;
  textEnd?: number;
}

/** A small reader for well-formed, DOCTYPE-free documents (the fixtures): elements, attributes, text. */
export function readXml(text: string): XmlElement {
  let p = 0;
  const skip = () => {
    for (;;) {
      if (text.startsWith("<?", p)) p = text.indexOf("?>", p) + 2;
      else if (text.startsWith("<!--", p)) p = text.indexOf("-->", p) + 3;
      else if (/\s/.test(text[p] ?? "")) p++;
      else return;
    }
  };
  const element = (): XmlElement => {
    const start = p;
    const name = /^<([^\s/>]+)/.exec(text.slice(p))![1]!;
    p += 1 + name.length;
    const nameEnd = p;
    const attrs: XmlAttr[] = [];
    for (;;) {
      const m = /^\s*([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/.exec(text.slice(p));
      if (!m) break;
      const aStart = p + m[0].length - m[0].trimStart().length;
      attrs.push({ name: m[1]!, value: m[2]!.slice(1, -1), start: aStart, end: p + m[0].length });
      p += m[0].length;
    }
    const close = /^\s*(\/?)>/.exec(text.slice(p))!;
    p += close[0].length;
    const el: XmlElement = { name, attrs, children: [], start, end: p, nameEnd };
    if (close[1] === "/") return el;
    const textStart = p;
    for (;;) {
      const lt = text.indexOf("<", p);
      if (text.startsWith("</", lt)) {
        if (el.children.length === 0) [el.textStart, el.textEnd] = [textStart, lt];
        el.closeName = lt + 2;
        p = text.indexOf(">", lt) + 1;
        el.end = p;
        return el;
      }
      p = lt;
      if (text.startsWith("<!--", p) || text.startsWith("<?", p)) {
        p = text.startsWith("<!--", p) ? text.indexOf("-->", p) + 3 : text.indexOf("?>", p) + 2;
        continue;
      }
      el.children.push(element());
    }
  };
  skip();
  return element();
}

const local = (name: string) => name.slice(name.indexOf(":") + 1);

/** Mutants of an XML body. */
export function xmlMutants(doc: Json, schema: unknown, text: string): Mutant[] {
  const out: Mutant[] = [];
  const splice = (cls: MutantClass, what: string, edits: Array<[number, number, string]>) => {
    let body = text;
    for (const [from, to, by] of [...edits].sort((a, b) => b[0] - a[0]))
      body = body.slice(0, from) + by + body.slice(to);
    out.push({ cls, what, body });
  };
  const rename = (cls: MutantClass, el: XmlElement, to: string) => {
    const prefix = el.name.includes(":") ? el.name.slice(0, el.name.indexOf(":") + 1) : "";
    const edits: Array<[number, number, string]> = [[el.start + 1, el.nameEnd, prefix + to]];
    if (el.closeName !== undefined) edits.push([el.closeName, el.closeName + el.name.length, prefix + to]);
    splice(cls, `<${el.name}> renamed <${to}>`, edits);
  };
  const leaf = (el: XmlElement | undefined, attr: XmlAttr | undefined, node: Json, label: string) => {
    const listed = enumOf(doc, node);
    const types = new Set(typesOf(node).concat(alternatives(doc, node).flatMap((a) => typesOf(a.node))));
    const set = (cls: MutantClass, value: string) => {
      if (attr) splice(cls, `${label}="${value}"`, [[attr.start, attr.end, `${attr.name}="${value}"`]]);
      else if (el!.textStart !== undefined) splice(cls, `${label} = ${value}`, [[el!.textStart, el!.textEnd!, value]]);
      else splice(cls, `${label} = ${value}`, [[el!.end - 2, el!.end, `>${value}</${el!.name}>`]]);
    };
    if (listed) set("enum", UNLISTED);
    if (!types.has("string") && (types.has("integer") || types.has("number") || types.has("boolean")))
      set("type", "not-a-number");
  };

  const walk = (raw: unknown, el: XmlElement, root: boolean) => {
    const names = (node: Json) => (isObject(node.properties) ? Object.keys(node.properties) : []);
    const r = resolve(doc, raw);
    let node = r.node;
    const alts = alternatives(doc, node);
    if (alts.length > 0) {
      const keys = Object.fromEntries([...el.attrs, ...el.children].map((x) => [local(x.name), true]));
      const named = alts.find((a) => a.node.xml?.name === local(el.name));
      node = named?.node ?? pick(doc, raw, el.children.length || el.attrs.length ? keys : "", names).node;
    }
    if (typesOf(node).includes("array")) {
      for (const child of el.children) walk(node.items, child, false);
      return;
    }
    if (!isObject(node.properties)) {
      leaf(el, undefined, node, `<${el.name}>`);
      return;
    }
    const props: Json = node.properties;
    const required = new Set((node.required ?? []) as string[]);
    if (!root && !local(el.name).startsWith("Drift"))
      splice("namespace", `<${el.name}> in another namespace`, [
        [
          el.nameEnd,
          el.nameEnd,
          ` xmlns${el.name.includes(":") ? `:${el.name.slice(0, el.name.indexOf(":"))}` : ""}="urn:not-veeam"`,
        ],
      ]);
    const last = el.children.at(-1);
    if (el.closeName !== undefined) {
      const at = last ? last.end : (el.textEnd ?? el.closeName - 2);
      splice("unknown", `<${el.name}> gains <DriftElement>`, [[at, at, "<DriftElement>x</DriftElement>"]]);
    }
    splice("unknown", `<${el.name}> gains DriftAttribute`, [[el.nameEnd, el.nameEnd, ` DriftAttribute="x"`]]);
    for (const attr of el.attrs) {
      if (attr.name.startsWith("xmlns") || attr.name.startsWith("xsi:")) continue;
      const key = Object.keys(props).find((k) => props[k].xml?.attribute && (props[k].xml?.name ?? k) === attr.name);
      if (key === undefined) continue;
      if (required.has(key)) splice("required", `@${attr.name} removed`, [[attr.start - 1, attr.end, ""]]);
      const type = typeName(doc, props[key]);
      if (type !== undefined && type !== attr.name)
        splice("type-name", `@${attr.name} renamed ${type}`, [[attr.start, attr.start + attr.name.length, type]]);
      if (camelKey(attr.name) !== attr.name)
        splice("case", `@${attr.name} renamed ${camelKey(attr.name)}`, [
          [attr.start, attr.start + attr.name.length, camelKey(attr.name)],
        ]);
      leaf(undefined, attr, resolve(doc, props[key]).node, `@${attr.name}`);
    }
    const keyOf = (child: XmlElement) => {
      for (const [k, p] of Object.entries(props)) {
        const pr = resolve(doc, p).node;
        if (pr.xml?.attribute) continue;
        const unwrapped = typesOf(pr).includes("array") && !pr.xml?.wrapped;
        const name = unwrapped ? (resolve(doc, pr.items).node.xml?.name ?? k) : (pr.xml?.name ?? k);
        if (name === local(child.name)) return { key: k, item: unwrapped ? pr.items : undefined };
      }
      return undefined;
    };
    el.children.forEach((child, i) => {
      const found = keyOf(child);
      if (found === undefined) return;
      const { key, item } = found;
      if (item === undefined) {
        if (required.has(key)) splice("required", `<${child.name}> removed`, [[child.start, child.end, ""]]);
        const type = typeName(doc, props[key]);
        if (type !== undefined && type !== local(child.name) && !(type in props)) rename("type-name", child, type);
        if (camelKey(local(child.name)) !== local(child.name)) rename("case", child, camelKey(local(child.name)));
      }
      const next = el.children[i + 1];
      if (next && local(next.name) !== local(child.name))
        splice("swap", `<${child.name}> and <${next.name}> swapped`, [
          [child.start, child.end, text.slice(next.start, next.end)],
          [next.start, next.end, text.slice(child.start, child.end)],
        ]);
      walk(item ?? props[key], child, false);
    });
  };
  const root = readXml(text);
  walk(schema, root, true);
  // The root element in another namespace.
  const ns = root.attrs.find((a) => a.name === "xmlns");
  if (ns) splice("namespace", "the root in another namespace", [[ns.start, ns.end, `xmlns="urn:not-veeam"`]]);
  return out;
}
