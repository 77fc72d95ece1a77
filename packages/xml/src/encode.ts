// Value -> XML text, mirroring the decode rules so that decode(encode(v)) deep-equals v
// (except the documented lossy corners).
import { isNCName } from "./chars.js";
import { XmlError, formatPath } from "./errors.js";
import { isNullOnly } from "./plan.js";
import { T_ARR, T_BOOL, T_INT, T_NULL, T_NUM, T_OBJ, T_STR, typeOfValue, type Eff, type Resolver } from "./schema.js";

export interface EncodeOptions {
  /** Prefix the output with `<?xml version="1.0" encoding="utf-8"?>`. Default false. */
  readonly declaration?: boolean;
  /** Pretty-print with this indent (a string, or a number of spaces). Default: no whitespace at all. */
  readonly indent?: string | number;
}

interface Scope {
  readonly def: string;
  /** prefix -> namespace URI, for prefixes this encoder declared. */
  readonly prefixes: ReadonlyMap<string, string> | null;
}

const TEXT_SPECIAL = /[&<>"\r]/;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

type Obj = Record<string, unknown>;

const CHUNK = 32 * 1024;

/** Reading a character makes V8 flatten a rope into one sequential string. */
function flatten(s: string): void {
  if (s.length > 0 && s.charCodeAt(s.length >> 1) < 0) throw new Error("unreachable");
}

function isPlainObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function own(obj: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

export function numberText(v: number): string {
  if (Object.is(v, -0)) return "-0";
  if (Number.isInteger(v) && Math.abs(v) >= 1e21) return BigInt(v).toString();
  return String(v);
}

export class Encoder {
  private readonly r: Resolver;
  /**
   * Output: finished chunks plus the current one. Each chunk is flattened once it reaches
   * CHUNK characters, so the young generation never holds a rope of a million tiny pieces.
   */
  private readonly chunks: string[] = [];
  private out = "";
  /**
   * An open tag not yet terminated: `>` once a child is written, `/>` if none is. Lets elements
   * decide between `<X/>` and `<X>...</X>` without looking ahead.
   */
  private pending = "";
  private readonly indent: string;
  private readonly path: (string | number)[] = [];
  private generated = 0;

  constructor(r: Resolver, options: EncodeOptions) {
    this.r = r;
    const ind = options.indent;
    this.indent = typeof ind === "number" ? " ".repeat(Math.max(0, Math.min(ind, 16))) : (ind ?? "");
  }

  fail(code: "TYPE_MISMATCH" | "INVALID_CHARACTER" | "SCHEMA", reason: string): never {
    throw new XmlError(code, reason, { path: formatPath(this.path) });
  }

  /** Encodes the root element. `compName`: component name for rule 1. */
  root(value: unknown, eff: Eff, compName: string | undefined, declaration: boolean): string {
    let e = eff;
    let name = e.xml.name;
    let ns = e.xml.namespace;
    if (name === undefined && e.base.alts !== undefined && value !== null) {
      const alt = this.pick(e, value);
      name = alt.xml.name ?? alt.refName;
      ns = alt.xml.namespace ?? ns;
      e = alt;
    }
    name ??= compName;
    if (name === undefined)
      this.fail("SCHEMA", "cannot tell the root element's name: the schema has no xml.name and no component name");
    if (declaration) this.out = '<?xml version="1.0" encoding="utf-8"?>' + (this.indent === "" ? "" : "\n");
    this.element(name, ns ?? "", e.xml.prefix, e, value, { def: "", prefixes: null }, 0, name);
    this.chunks.push(this.out);
    return this.chunks.join("");
  }

  /** Appends `text`, first terminating the parent's pending open tag. */
  private emit(text: string): void {
    if (this.pending !== "") {
      this.out += this.pending + ">";
      this.pending = "";
    }
    this.out += text;
    if (this.out.length > CHUNK) this.flush();
  }

  private flush(): void {
    const chunk = this.out;
    flatten(chunk);
    this.chunks.push(chunk);
    this.out = "";
  }

  /** Opens an element whose content is still unknown. */
  private open(tag: string): void {
    this.emit("");
    this.pending = tag;
  }

  /** Closes the element opened last: `/>` when nothing was written inside it. */
  private close(q: string, depth: number): void {
    if (this.pending !== "") {
      this.out += this.pending + "/>";
      this.pending = "";
    } else {
      this.out += this.nl(depth) + "</" + q + ">";
    }
  }

  private nl(depth: number): string {
    return this.indent === "" ? "" : "\n" + this.indent.repeat(depth);
  }

  /** Picks the first `oneOf`/`anyOf` alternative the value fits. */
  private pick(e: Eff, value: unknown): Eff {
    let cur = e;
    for (let hops = 0; cur.base.alts !== undefined && hops < 32; hops++) {
      let found: Eff | undefined;
      for (const a of cur.base.alts) {
        const ae = this.r.eff(a);
        if (value !== null && isNullOnly(ae)) continue;
        if (this.matches(ae, value, 0)) {
          found = ae;
          break;
        }
      }
      if (found === undefined)
        this.fail("TYPE_MISMATCH", `${describe(value)} matches none of the oneOf/anyOf alternatives`);
      cur = found;
    }
    return cur;
  }

  /** A light JSON Schema check used to choose alternatives: type, enum/const, required, property types. */
  private matches(e: Eff, v: unknown, depth: number): boolean {
    if (depth > 16) return true;
    const b = e.base;
    if (b.alts !== undefined) return b.alts.some((a) => this.matches(this.r.eff(a), v, depth + 1));
    const t = typeOfValue(v);
    if (b.types !== 0 && (b.types & t) === 0) return false;
    if (b.enumValues !== undefined && (v === null || typeof v !== "object") && !b.enumValues.includes(v)) return false;
    if (isPlainObject(v)) {
      for (const r of b.required) if (own(v, r) === undefined) return false;
      // A property the alternative has no place for would be dropped: it does not fit.
      if (b.additional === undefined && b.props.size > 0)
        for (const k of Object.keys(v)) if (v[k] !== undefined && !b.props.has(k)) return false;
      for (const [k, raw] of b.props) {
        const pv = own(v, k);
        if (pv !== undefined && !this.matches(this.r.eff(raw), pv, depth + 1)) return false;
      }
    } else if (Array.isArray(v) && b.items !== undefined) {
      const ie = this.r.eff(b.items);
      for (const item of v) if (!this.matches(ie, item, depth + 1)) return false;
    }
    return true;
  }

  private qualify(local: string, ns: string, prefix: string | undefined, scope: Scope): [string, string, Scope] {
    if (ns === "") {
      if (scope.def === "") return [local, "", scope];
      return [local, ' xmlns=""', { def: "", prefixes: scope.prefixes }];
    }
    if (prefix !== undefined && prefix !== "" && isNCName(prefix) && prefix.toLowerCase() !== "xmlns") {
      const q = prefix + ":" + local;
      if (scope.prefixes?.get(prefix) === ns) return [q, "", scope];
      const m = new Map(scope.prefixes ?? []);
      m.set(prefix, ns);
      return [q, ` xmlns:${prefix}="${escapeAttr(ns)}"`, { def: scope.def, prefixes: m }];
    }
    if (scope.def === ns) return [local, "", scope];
    if (scope.prefixes !== null) for (const [p, u] of scope.prefixes) if (u === ns) return [p + ":" + local, "", scope];
    return [local, ` xmlns="${escapeAttr(ns)}"`, { def: ns, prefixes: scope.prefixes }];
  }

  /** Writes one element. `fallback`: the property name (names array items without a name). */
  private element(
    name: string,
    ns: string,
    prefix: string | undefined,
    eff: Eff,
    value: unknown,
    scope: Scope,
    depth: number,
    fallback: string,
  ): void {
    if (!isNCName(name)) this.fail("TYPE_MISMATCH", `"${name}" is not a valid XML element name`);
    let e = eff;
    if (e.base.alts !== undefined && value !== null) e = this.pick(e, value);
    const b = e.base;
    const [q, nsDecl, inner] = this.qualify(name, ns, prefix, scope);
    if (value === null) {
      const nullable = b.types === 0 || (b.types & T_NULL) !== 0 || this.nullableAlts(eff);
      if (!nullable) this.fail("TYPE_MISMATCH", "null is not allowed here");
      this.emit("<" + q + nsDecl + "/>");
      return;
    }
    const t = typeOfValue(value);
    if (b.types === 0) {
      this.any(q, nsDecl, inner, value, depth);
      return;
    }
    if ((b.types & t) === 0) {
      this.fail("TYPE_MISMATCH", `${describe(value)} does not fit the schema type`);
    }
    if (t === T_OBJ) {
      this.object(q, nsDecl, inner, ns, b, value as Obj, depth);
    } else if (t === T_ARR) {
      const items = this.r.eff(b.items);
      const arr = value as unknown[];
      this.open("<" + q + nsDecl);
      for (let i = 0; i < arr.length; i++) {
        this.path.push(i);
        this.named(items, fallback, arr[i], ns, inner, depth + 1);
        this.path.pop();
      }
      this.close(q, depth);
    } else {
      const text = this.scalar(value, b);
      this.emit(
        text === "" ? "<" + q + nsDecl + "/>" : "<" + q + nsDecl + ">" + escapeText(text, this) + "</" + q + ">",
      );
    }
  }

  private nullableAlts(e: Eff): boolean {
    return e.base.alts?.some((a) => isNullOnly(this.r.eff(a))) ?? false;
  }

  /** An element for a value of schema `e` under property `key` (rules 3, 4, 9 for the name). */
  private named(e: Eff, key: string, value: unknown, parentNs: string, scope: Scope, depth: number): void {
    if (this.indent !== "") this.emit(this.nl(depth));
    if (e.xml.name !== undefined) {
      this.element(e.xml.name, e.xml.namespace ?? parentNs, e.xml.prefix, e, value, scope, depth, key);
    } else if (e.base.alts !== undefined && value !== null) {
      const alt = this.pick(e, value);
      // The alternative's own (or its target's) `xml.name`, else the property's key: never the
      // component's name (a nullable `$ref` to UtcDateTime is still <EndTimeUTC>).
      const name = alt.xml.name ?? key;
      this.element(
        name,
        alt.xml.namespace ?? e.xml.namespace ?? parentNs,
        alt.xml.prefix ?? e.xml.prefix,
        alt,
        value,
        scope,
        depth,
        key,
      );
    } else {
      this.element(key, e.xml.namespace ?? parentNs, e.xml.prefix, e, value, scope, depth, key);
    }
  }

  private object(q: string, nsDecl: string, scope0: Scope, ns: string, b: Eff, value: Obj, depth: number): void {
    let decls = nsDecl;
    let scope = scope0;
    let attrs = "";
    for (const [key, raw] of b.props) {
      const pe = this.r.eff(raw);
      if (pe.xml.attribute !== true) continue;
      const v = own(value, key);
      if (v === undefined || v === null) continue;
      this.path.push(key);
      const text = this.scalar(v, pe.base.alts !== undefined ? this.pick(pe, v).base : pe.base);
      const local = pe.xml.name ?? key;
      if (!isNCName(local)) this.fail("TYPE_MISMATCH", `"${local}" is not a valid XML attribute name`);
      let aq = local;
      const ans = pe.xml.namespace ?? "";
      if (ans !== "") {
        let prefix: string | undefined;
        const want = pe.xml.prefix;
        if (want !== undefined && isNCName(want) && want.toLowerCase() !== "xmlns" && scope.prefixes?.get(want) === ans)
          prefix = want;
        if (prefix === undefined && scope.prefixes !== null)
          for (const [p, u] of scope.prefixes) if (u === ans) prefix = p;
        if (prefix === undefined) {
          prefix =
            want !== undefined && isNCName(want) && want.toLowerCase() !== "xmlns" && !scope.prefixes?.has(want)
              ? want
              : undefined;
          while (prefix === undefined || scope.prefixes?.has(prefix)) prefix = `ns${++this.generated}`;
          const m = new Map(scope.prefixes ?? []);
          m.set(prefix, ans);
          scope = { def: scope.def, prefixes: m };
          decls += ` xmlns:${prefix}="${escapeAttr(ans)}"`;
        }
        aq = prefix + ":" + local;
      }
      attrs += " " + aq + '="' + escapeAttrChecked(text, this) + '"';
      this.path.pop();
    }
    this.open("<" + q + decls + attrs);
    for (const [key, raw] of b.props) {
      const pe = this.r.eff(raw);
      if (pe.xml.attribute === true) continue;
      const v = own(value, key);
      if (v === undefined) continue;
      this.path.push(key);
      const pb = pe.base;
      const unwrapped = pb.types & T_ARR && !(pb.types & T_OBJ) && pb.alts === undefined && pe.xml.wrapped !== true;
      if (unwrapped) {
        if (Array.isArray(v)) {
          const items = this.r.eff(pb.items);
          for (let i = 0; i < v.length; i++) {
            this.path.push(i);
            this.named(items, key, v[i], ns, scope, depth + 1);
            this.path.pop();
          }
        } else if (!(v === null && (pb.types & T_NULL) !== 0)) {
          this.fail("TYPE_MISMATCH", `${describe(v)} does not fit the schema type`);
        }
      } else {
        this.named(pe, key, v, ns, scope, depth + 1);
      }
      this.path.pop();
    }
    if (b.additional !== undefined) {
      const ae = this.r.eff(b.additional);
      for (const key of Object.keys(value)) {
        if (b.props.has(key)) continue;
        const v = value[key];
        if (v === undefined) continue;
        this.path.push(key);
        if (this.indent !== "") this.emit(this.nl(depth + 1));
        this.element(key, ns, undefined, ae, v, scope, depth + 1, key);
        this.path.pop();
      }
    }
    this.close(q, depth);
  }

  private scalar(v: unknown, b: Eff): string {
    const types = b.types;
    switch (typeof v) {
      case "string":
        if (types === 0 || (types & T_STR) !== 0) return v;
        break;
      case "number":
        if (!Number.isFinite(v)) break;
        if (types === 0 || (types & T_NUM) !== 0 || ((types & T_INT) !== 0 && Number.isSafeInteger(v)))
          return numberText(v);
        break;
      case "boolean":
        if (types === 0 || (types & T_BOOL) !== 0) return v ? "true" : "false";
        break;
    }
    return this.fail("TYPE_MISMATCH", `${describe(v)} does not fit the schema type`);
  }

  /** Schema-less value: scalars as text, objects as child elements, arrays as repeated elements. */
  private any(q: string, nsDecl: string, scope: Scope, value: unknown, depth: number): void {
    if (value === null) {
      this.emit("<" + q + nsDecl + "/>");
      return;
    }
    if (Array.isArray(value)) this.fail("TYPE_MISMATCH", "an array needs a schema with items to be encoded");
    if (isPlainObject(value)) {
      this.open("<" + q + nsDecl);
      for (const key of Object.keys(value)) {
        const v = value[key];
        if (v === undefined) continue;
        if (!isNCName(key)) this.fail("TYPE_MISMATCH", `"${key}" is not a valid XML element name`);
        this.path.push(key);
        const list: unknown[] = Array.isArray(v) ? v : [v];
        for (let i = 0; i < list.length; i++) {
          if (Array.isArray(v)) this.path.push(i);
          const item = list[i];
          if (Array.isArray(item)) this.fail("TYPE_MISMATCH", "nested arrays need a schema to be encoded");
          if (this.indent !== "") this.emit(this.nl(depth + 1));
          this.any(key, "", scope, item, depth + 1);
          if (Array.isArray(v)) this.path.pop();
        }
        this.path.pop();
      }
      this.close(q, depth);
      return;
    }
    const text = this.scalar(value, { types: 0 } as Eff);
    this.emit(text === "" ? "<" + q + nsDecl + "/>" : "<" + q + nsDecl + ">" + escapeText(text, this) + "</" + q + ">");
  }
}

function checkChars(s: string, enc: Encoder): void {
  const m = NOT_XML_CHAR.exec(s);
  if (m !== null) {
    const cp = s.codePointAt(m.index) ?? 0;
    enc.fail(
      "INVALID_CHARACTER",
      `U+${cp.toString(16).toUpperCase().padStart(4, "0")} cannot be represented in XML 1.0`,
    );
  }
}

function escapeText(s: string, enc: Encoder): string {
  checkChars(s, enc);
  return TEXT_SPECIAL.test(s) ? s.replace(/[&<>"\r]/g, (ch) => ESCAPES[ch]!) : s;
}

function escapeAttrChecked(s: string, enc: Encoder): string {
  checkChars(s, enc);
  return escapeAttr(s);
}

function escapeAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(/[&<>"\t\n\r]/g, (ch) => ESCAPES[ch]!) : s;
}
