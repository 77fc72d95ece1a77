// Resolution of OpenAPI schema objects into a normalised, merged view ("Eff"):
// local `$ref` chains (with OpenAPI 3.1 sibling keywords), `allOf` merging, type inference.
import { XmlError } from "./errors.js";

export type SchemaObject = { readonly [key: string]: unknown };

/** The subset of OpenAPI's XML object the codec reads. */
export interface XmlInfo {
  readonly name?: string;
  readonly namespace?: string;
  readonly prefix?: string;
  readonly attribute?: boolean;
  readonly wrapped?: boolean;
}

export const T_NULL = 1;
export const T_BOOL = 2;
export const T_INT = 4;
export const T_NUM = 8;
export const T_STR = 16;
export const T_OBJ = 32;
export const T_ARR = 64;
export const T_SCALAR = T_BOOL | T_INT | T_NUM | T_STR;

const TYPE_BITS: Readonly<Record<string, number>> = {
  null: T_NULL,
  boolean: T_BOOL,
  integer: T_INT,
  number: T_NUM,
  string: T_STR,
  object: T_OBJ,
  array: T_ARR,
};

/** A schema after `$ref`/`allOf` resolution. */
export interface Eff {
  /**
   * The Eff that defines this schema's structure. A `$ref` whose siblings are only
   * annotations/`xml`/`default` shares its target's base, so decode plans are shared too.
   */
  readonly base: Eff;
  /** Last segment of the first `$ref` hop, when the schema was a reference. */
  readonly refName: string | undefined;
  /** Merged `xml` object: own keys win over the `$ref` target's / `allOf` parts'. */
  readonly xml: XmlInfo;
  /** Bit set of T_* (explicit `type`, 3.0 `nullable`, or inferred); 0 = unconstrained. */
  readonly types: number;
  readonly props: ReadonlyMap<string, unknown>;
  readonly required: readonly string[];
  /** `additionalProperties` when it is a schema object, else undefined. */
  readonly additional: SchemaObject | undefined;
  readonly items: unknown;
  /** `oneOf` (or `anyOf`) alternatives. */
  readonly alts: readonly unknown[] | undefined;
  readonly hasDefault: boolean;
  readonly default: unknown;
  readonly enumValues: readonly unknown[] | undefined;
}

const STRUCTURAL = [
  "type",
  "nullable",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "oneOf",
  "anyOf",
  "allOf",
  "enum",
  "const",
];

function isObject(v: unknown): v is SchemaObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function schemaError(message: string): XmlError {
  return new XmlError("SCHEMA", message);
}

/** Decodes one JSON Pointer reference token. */
function unescapeToken(token: string): string {
  let t = token;
  if (t.includes("%")) {
    try {
      t = decodeURIComponent(t);
    } catch {
      throw schemaError(`invalid percent-encoding in $ref token "${token}"`);
    }
  }
  return t.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function lastRefSegment(ref: string): string {
  const i = ref.lastIndexOf("/");
  return unescapeToken(ref.slice(i + 1));
}

function parseXml(raw: unknown): XmlInfo {
  if (!isObject(raw)) return {};
  const out: { -readonly [K in keyof XmlInfo]: XmlInfo[K] } = {};
  if (typeof raw.name === "string") out.name = raw.name;
  if (typeof raw.namespace === "string") out.namespace = raw.namespace;
  if (typeof raw.prefix === "string") out.prefix = raw.prefix;
  if (raw.attribute === true) out.attribute = true;
  if (raw.wrapped === true) out.wrapped = true;
  return out;
}

/** The JSON type bits (T_*) of a value: shared by the schema compiler and encode. */
export function typeOfValue(v: unknown): number {
  if (v === null) return T_NULL;
  switch (typeof v) {
    case "string":
      return T_STR;
    case "boolean":
      return T_BOOL;
    case "number":
      return Number.isInteger(v) ? T_INT | T_NUM : T_NUM;
    case "object":
      return Array.isArray(v) ? T_ARR : T_OBJ;
    default:
      return 0;
  }
}

interface MutableEff {
  base: Eff;
  refName: string | undefined;
  xml: XmlInfo;
  types: number;
  props: Map<string, unknown>;
  required: string[];
  additional: SchemaObject | undefined;
  items: unknown;
  alts: readonly unknown[] | undefined;
  hasDefault: boolean;
  default: unknown;
  enumValues: readonly unknown[] | undefined;
  /** OpenAPI 3.0 `nullable: true` among the schema's own keywords. */
  nullable30: boolean;
}

function emptyEff(): MutableEff {
  const e: MutableEff = {
    base: undefined as unknown as Eff,
    refName: undefined,
    xml: {},
    types: 0,
    props: new Map(),
    required: [],
    additional: undefined,
    items: undefined,
    alts: undefined,
    hasDefault: false,
    default: undefined,
    enumValues: undefined,
    nullable30: false,
  };
  e.base = e;
  return e;
}

/** The schema that accepts anything (`true`, `{}`, a missing `items`). */
export const ANY_EFF: Eff = emptyEff();

export class Resolver {
  readonly doc: SchemaObject;
  private readonly cache = new WeakMap<object, Eff>();
  private readonly active = new Set<object>();
  private reverse: Map<object, string> | undefined;

  constructor(doc: SchemaObject) {
    this.doc = doc;
  }

  /** Resolves a local reference (`#/components/schemas/X`). */
  pointer(ref: string): unknown {
    if (!ref.startsWith("#")) throw schemaError(`only local references are supported, got "${ref}"`);
    const frag = ref.slice(1);
    if (frag === "") return this.doc;
    if (!frag.startsWith("/")) throw schemaError(`invalid JSON pointer in "${ref}"`);
    let cur: unknown = this.doc;
    for (const raw of frag.slice(1).split("/")) {
      const token = unescapeToken(raw);
      if (Array.isArray(cur)) {
        if (!/^(0|[1-9][0-9]*)$/.test(token)) throw schemaError(`cannot resolve "${ref}"`);
        cur = cur[Number(token)];
      } else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, token)) {
        cur = cur[token];
      } else {
        throw schemaError(`cannot resolve "${ref}"`);
      }
    }
    if (cur === undefined) throw schemaError(`cannot resolve "${ref}"`);
    return cur;
  }

  /** Name of a schema object under `components.schemas`, found by identity. */
  componentNameOf(schema: object): string | undefined {
    if (this.reverse === undefined) {
      this.reverse = new Map();
      const comps = this.doc.components;
      const schemas = isObject(comps) ? comps.schemas : undefined;
      if (isObject(schemas)) {
        for (const [name, s] of Object.entries(schemas)) {
          if (isObject(s) && !this.reverse.has(s)) this.reverse.set(s, name);
        }
      }
    }
    return this.reverse.get(schema);
  }

  eff(raw: unknown): Eff {
    if (!isObject(raw)) {
      if (raw === undefined || typeof raw === "boolean") return ANY_EFF;
      throw schemaError(`a schema must be an object or a boolean, got ${Array.isArray(raw) ? "an array" : typeof raw}`);
    }
    const hit = this.cache.get(raw);
    if (hit !== undefined) return hit;
    if (this.active.has(raw)) throw schemaError("circular $ref/allOf chain");
    this.active.add(raw);
    try {
      const e = this.build(raw);
      this.cache.set(raw, e);
      return e;
    } finally {
      this.active.delete(raw);
    }
  }

  private build(raw: SchemaObject): Eff {
    const ref = raw.$ref;
    if (typeof ref === "string") {
      const target = this.eff(this.pointer(ref));
      const own = this.plain(raw);
      const structural = STRUCTURAL.some((k) => k in raw);
      const e = merge([target, own], true);
      e.refName = lastRefSegment(ref);
      if (!structural) e.base = target.base;
      return e;
    }
    if (Array.isArray(raw.allOf)) {
      const parts = raw.allOf.map((p) => this.eff(p));
      return merge([...parts, this.plain(raw)], false);
    }
    return this.plain(raw);
  }

  /** The schema's own keywords, ignoring `$ref` and `allOf`. */
  private plain(raw: SchemaObject): MutableEff {
    const e = emptyEff();
    e.xml = parseXml(raw.xml);
    let explicit = 0;
    const t = raw.type;
    if (typeof t === "string") explicit = TYPE_BITS[t] ?? 0;
    else if (Array.isArray(t)) for (const x of t) explicit |= typeof x === "string" ? (TYPE_BITS[x] ?? 0) : 0;
    if (isObject(raw.properties)) for (const [k, v] of Object.entries(raw.properties)) e.props.set(k, v);
    if (Array.isArray(raw.required)) for (const r of raw.required) if (typeof r === "string") e.required.push(r);
    if (isObject(raw.additionalProperties)) e.additional = raw.additionalProperties;
    if ("items" in raw) e.items = raw.items;
    if (Array.isArray(raw.oneOf)) e.alts = raw.oneOf;
    else if (Array.isArray(raw.anyOf)) e.alts = raw.anyOf;
    if (Array.isArray(raw.enum)) e.enumValues = raw.enum;
    else if ("const" in raw) e.enumValues = [raw.const];
    if ("default" in raw) {
      e.hasDefault = true;
      e.default = raw.default;
    }
    if (explicit === 0 && e.alts === undefined) {
      if (isObject(raw.properties) || "additionalProperties" in raw || "patternProperties" in raw) explicit = T_OBJ;
      else if ("items" in raw || "prefixItems" in raw) explicit = T_ARR;
      else if (e.enumValues !== undefined) for (const v of e.enumValues) explicit |= typeOfValue(v);
    }
    e.nullable30 = raw.nullable === true;
    if (e.nullable30 && explicit !== 0) explicit |= T_NULL;
    e.types = explicit;
    return e;
  }
}

/**
 * Merges resolved parts. `refMode`: [target, own] of a `$ref` with siblings (own type overrides);
 * otherwise `allOf` parts + own keywords (types intersect).
 */
function merge(parts: readonly Eff[], refMode: boolean): MutableEff {
  const e = emptyEff();
  let xml: XmlInfo = {};
  let types = 0;
  const required = new Set<string>();
  for (const p of parts) {
    if (Object.keys(p.xml).length > 0) xml = { ...xml, ...p.xml };
    for (const [k, v] of p.props) e.props.set(k, v);
    for (const r of p.required) required.add(r);
    if (p.additional !== undefined) e.additional = p.additional;
    if (p.items !== undefined) e.items = p.items;
    if (p.alts !== undefined) e.alts = p.alts;
    if (p.enumValues !== undefined) e.enumValues = p.enumValues;
    if (p.hasDefault) {
      e.hasDefault = true;
      e.default = p.default;
    }
    if (p.types !== 0) types = refMode || types === 0 ? p.types : types & p.types || types;
  }
  const own = parts[parts.length - 1] as MutableEff | undefined;
  if (own?.nullable30 === true && types !== 0) types |= T_NULL;
  e.xml = xml;
  e.types = types;
  e.required = [...required];
  return e;
}
