// The schema variants a body is checked against, derived mechanically from the one hand-written
// schema (spec/ADR.md 9 and 10):
// - casing: `pascal` is the schema as written; `camel` re-cases every JSON member name
//   (`properties`, `required`, `dependentRequired`, `discriminator.propertyName`) with
//   `camelKey` from @veeam-sessions/spec/casing (EM 13's JSON). Values (`enum`, `const`) stay.
// - mode: `strict` closes every object schema that declares `properties` (no member the schema
//   does not declare) and keeps enums: a body passing it has nothing to report. `lenient`
//   widens every `enum` to its type and leaves objects open: what fails it is an error; what
//   passes it but fails `strict` is drift, reported as warnings.
// Every derived object keeps the spec pointer of the object it came from (`locations`), so
// messages point into the spec as written.
// Schemas are plain JSON (`any` values inside): copying them returns what it was given.
/* eslint-disable @typescript-eslint/no-unsafe-return */
import { camelKey } from "@veeam-sessions/spec/casing";
import type { Locations } from "./ajv.js";
import { isObject, type Json } from "./spec.js";
import type { JsonCasing } from "./lookup.js";

export type Mode = "strict" | "lenient";

export interface Variant {
  readonly casing: JsonCasing;
  readonly mode: Mode;
}

/** Keywords whose values are data or annotations, never subschemas. */
const DATA = new Set(["enum", "const", "default", "example", "examples", "xml", "externalDocs", "discriminator"]);

function hasObjectType(node: Json): boolean {
  return node.type === "object" || (Array.isArray(node.type) && node.type.includes("object"));
}

function typeOfValues(values: readonly unknown[]): string[] {
  const types = new Set<string>();
  for (const v of values)
    types.add(v === null ? "null" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);
  return types.has("number") ? [...types].filter((t) => t !== "integer") : [...types];
}

/** A scalar schema that takes any value of its type: `{type: string}` (annotations aside). */
function isPlainScalar(node: unknown): boolean {
  if (!isObject(node) || typeof node.type !== "string" || node.type === "object" || node.type === "array") return false;
  return ["enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not"].every((k) => node[k] === undefined);
}

/**
 * An open enumeration (spec/ADR.md: Veeam adds values release by release): an `anyOf`/`oneOf` of
 * the listed values (`{type: string, enum: […]}`) and a plain schema that takes any other.
 */
export function isOpenEnum(alts: readonly unknown[]): boolean {
  return alts.some((a) => isObject(a) && Array.isArray(a.enum)) && alts.some(isPlainScalar);
}

/** `$ref`s that appear as members of an `allOf`: their targets are parts of a larger object and stay open. */
export function refsInAllOf(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) refsInAllOf(n, out);
  else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === "allOf" && Array.isArray(v))
        for (const part of v) if (isObject(part) && typeof part.$ref === "string") out.add(part.$ref);
      if (!DATA.has(k)) refsInAllOf(v, out);
    }
  }
  return out;
}

/**
 * A copy of `node` (a schema, already rebased so its locations are recorded) in `variant`.
 * `open`: this object is a part of an `allOf` (closing it would refuse its siblings' members).
 */
export function deriveSchema<T>(node: T, variant: Variant, locations: Locations | undefined, open = false): T {
  if (Array.isArray(node)) return node.map((n) => deriveSchema(n, variant, locations)) as T;
  if (!isObject(node)) return node;
  const camel = variant.casing === "camel";
  const out: Json = {};
  const at = locations?.get(node);
  if (at !== undefined) locations!.set(out, at);
  for (const [k, v] of Object.entries(node)) {
    if (k === "properties" && isObject(v)) {
      const props: Json = {};
      for (const [name, sub] of Object.entries(v))
        props[camel ? camelKey(name) : name] = deriveSchema(sub, variant, locations);
      out[k] = props;
    } else if (k === "required" && Array.isArray(v) && camel) {
      out[k] = v.map((n) => (typeof n === "string" ? camelKey(n) : n));
    } else if (k === "dependentRequired" && isObject(v) && camel) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([name, names]) => [
          camelKey(name),
          Array.isArray(names) ? names.map((n) => (typeof n === "string" ? camelKey(n) : n)) : names,
        ]),
      );
    } else if (k === "discriminator" && isObject(v) && typeof v.propertyName === "string" && camel) {
      out[k] = { ...v, propertyName: camelKey(v.propertyName) };
    } else if (k === "enum" && variant.mode === "lenient" && Array.isArray(v)) {
      // Widened: any value of the enum's type. `type` beside it already says which.
      if (node.type === undefined) out.type = typeOfValues(v);
    } else if ((k === "anyOf" || k === "oneOf") && Array.isArray(v) && variant.mode === "strict" && isOpenEnum(v)) {
      // Strict: an open enum takes only the values it lists (the others are drift: lenient takes them).
      out[k] = v.filter((alt) => !isPlainScalar(alt)).map((n) => deriveSchema(n, variant, locations));
    } else if (k === "allOf" && Array.isArray(v)) {
      out[k] = v.map((part) => deriveSchema(part, variant, locations, true));
    } else if (DATA.has(k)) out[k] = v;
    else out[k] = deriveSchema(v, variant, locations);
  }
  if (
    variant.mode === "strict" &&
    !open &&
    isObject(node.properties) &&
    hasObjectType(node) &&
    node.additionalProperties === undefined &&
    node.unevaluatedProperties === undefined &&
    node.patternProperties === undefined
  ) {
    // With composition beside the properties, members declared there count too.
    if (node.allOf !== undefined || node.anyOf !== undefined || node.oneOf !== undefined || node.$ref !== undefined)
      out.unevaluatedProperties = false;
    else out.additionalProperties = false;
  }
  return out as T;
}

/** The component schemas in `variant`; those referenced from an `allOf` stay open. */
export function deriveComponents(schemas: Json, variant: Variant, locations: Locations | undefined, doc: Json): Json {
  const open = refsInAllOf(doc);
  const out: Json = {};
  for (const [name, schema] of Object.entries(schemas))
    out[name] = deriveSchema(schema, variant, locations, open.has(`#/components/schemas/${name}`));
  return out;
}
