// ajv for OpenAPI 3.1 schemas: the JSON Schema 2020-12 dialect, ajv-formats, strict mode, and the
// OpenAPI keywords that are not JSON Schema registered as annotations (strict mode rejects
// unknown keywords, so a typo such as `requried` still fails to compile).
//
// A document's component schemas become one schema resource, `<base>#/$defs/<Name>`. ajv's own
// `schemaPath` is relative to whichever schema it compiled a keyword in (it differs with
// inlining), so the spec location of an error comes from its `parentSchema` instead: every
// schema object handed to ajv is a copy whose spec pointer is recorded in a `Locations` map.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { escapeToken, isObject, type Json } from "@veeam-sessions/spec";

/** OpenAPI 3.1 Schema Object keywords that JSON Schema 2020-12 does not define. */
export const OPENAPI_KEYWORDS = ["xml", "example", "externalDocs", "discriminator"] as const;

const SCHEMA_PREFIX = "#/components/schemas/";

/** Keywords whose values are data (instances or annotations), not subschemas: never rewritten. */
export const DATA_KEYWORDS: ReadonlySet<string> = new Set([
  "enum",
  "const",
  "default",
  "example",
  "examples",
  "xml",
  "externalDocs",
  "discriminator",
]);

/** Every `x-…` key used as a keyword somewhere in these schemas (specification extensions). */
export function extensionKeywords(schemas: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schemas)) for (const s of schemas) extensionKeywords(s, out);
  else if (isObject(schemas)) {
    for (const [k, v] of Object.entries(schemas)) {
      if (k.startsWith("x-")) out.add(k);
      else if (!DATA_KEYWORDS.has(k)) extensionKeywords(v, out);
    }
  }
  return out;
}

/**
 * `allErrors: false` stops at a schema's first failing keyword: for a yes/no answer, or where
 * gathering every error would take too long (ajv appends a called schema's errors by copying the
 * list, which grows quadratic with the number of errors).
 */
export function createAjv(extraKeywords: Iterable<string> = [], allErrors = true): Ajv2020 {
  // verbose: errors carry `parentSchema` (→ spec location) and `data` (→ "got …" in messages).
  const ajv = new Ajv2020({ strict: true, allErrors, verbose: true });
  addFormats.default(ajv);
  for (const keyword of new Set([...OPENAPI_KEYWORDS, ...extraKeywords])) ajv.addKeyword({ keyword });
  return ajv;
}

/** Spec pointer of each schema object given to ajv. */
export type Locations = WeakMap<object, string>;

/**
 * A deep copy of `node` (a schema at spec `pointer`) whose `#/components/schemas/…` references
 * point into `<base>#/$defs/…`; each copied object's pointer is recorded in `locations`.
 */
export function rebase<T>(node: T, base: string, pointer = "#", locations?: Locations): T {
  if (Array.isArray(node)) return (node as unknown[]).map((n, i) => rebase(n, base, `${pointer}/${i}`, locations)) as T;
  if (!isObject(node)) return node;
  const out: Json = {};
  locations?.set(out, pointer);
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith(SCHEMA_PREFIX))
      out[k] = `${base}#/$defs/${v.slice(SCHEMA_PREFIX.length)}`;
    else if (DATA_KEYWORDS.has(k)) out[k] = v;
    else out[k] = rebase(v, base, `${pointer}/${escapeToken(k)}`, locations);
  }
  return out as T;
}

/** An ajv instance holding one document's component schemas under `base`. */
export function ajvForDocument(doc: Json, base: string, locations?: Locations): Ajv2020 {
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const ajv = createAjv(extensionKeywords(doc));
  ajv.addSchema({ $id: base, $defs: rebase(schemas, base, "#/components/schemas", locations) });
  return ajv;
}

/** ajv's `schemaPath` without the internal base URI: `#/components/schemas/JobSessionState/enum`, or relative (`#/properties/State/enum`). */
export function publicSchemaPath(schemaPath: string, base: string): string {
  const path = schemaPath.startsWith(base) ? schemaPath.slice(base.length) : schemaPath;
  return path.startsWith("#/$defs/") ? `${SCHEMA_PREFIX}${path.slice("#/$defs/".length)}` : path;
}
