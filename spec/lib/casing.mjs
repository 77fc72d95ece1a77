// JSON member-name casing of Enterprise Manager: EM 12 and earlier send the schema's names
// (PascalCase, as the XML does); EM 13 sends them camelCased. One rule derives the camelCase
// name from the schema's, so the hand-written (PascalCase) schema stays the only source.
//
// The rule is .NET's camel casing (Json.NET's CamelCasePropertyNamesContractResolver and
// System.Text.Json's JsonNamingPolicy.CamelCase, which agree): lowercase the leading run of
// capitals, except the last one when a lowercase letter follows it (it starts the next word).
//   JobUid → jobUid, CreationTimeUTC → creationTimeUTC, UID → uid, VmUid → vmUid,
//   CPUCount → cpuCount, IsRetry → isRetry, xmlns → xmlns, vCloudTenant → vCloudTenant.

const isUpper = (c) => c >= "A" && c <= "Z";

/** The camelCase JSON name of a PascalCase schema name (.NET's rule, see above). */
export function camelKey(name) {
  if (name.length === 0 || !isUpper(name[0])) return name;
  // A port of Json.NET's StringUtils.ToCamelCase (System.Text.Json has the same loop).
  let i = 0;
  for (; i < name.length; i++) {
    if (i === 1 && !isUpper(name[i])) break;
    // The last capital before a non-capital starts the next word ("CPUCount": "Count") and stays.
    if (i > 0 && i + 1 < name.length && !isUpper(name[i + 1])) break;
    if (!isUpper(name[i])) break;
  }
  return name.slice(0, i).toLowerCase() + name.slice(i);
}

/** Keywords whose values are data or annotations, never subschemas. */
const DATA = new Set(["enum", "const", "default", "example", "examples", "xml", "externalDocs", "description"]);

/** `value` (parsed JSON) with every object member name passed through `rename`. */
export function recaseKeys(value, rename) {
  if (Array.isArray(value)) return value.map((v) => recaseKeys(v, rename));
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) out[rename(k)] = recaseKeys(v, rename);
  return out;
}

/** Parsed JSON re-cased from the schema's (PascalCase) names to EM 13's camelCase. */
export function toCamel(value) {
  return recaseKeys(value, camelKey);
}

/**
 * Every member name of the schemas a response body can use (through `$ref`s from the document's
 * `paths`, responses only), keyed by its camelCase form: camelCase → schema name, for turning an
 * EM 13 body back into the schema's names. Names whose camelCase is the name itself are left
 * out. Request-only schemas do not count: the query fields' `Uid` must not take `uid` from `UID`.
 * Two response names with one camelCase form keep the first met.
 */
export function pascalNames(doc) {
  const names = new Map();
  const seen = new WeakSet();
  const resolve = (ref) =>
    ref.startsWith("#/")
      ? ref
          .slice(2)
          .split("/")
          .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
          .reduce((n, k) => (n && typeof n === "object" ? n[k] : undefined), doc)
      : undefined;
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (typeof node.$ref === "string") walk(resolve(node.$ref));
    for (const [k, v] of Object.entries(node)) {
      if (k === "properties" && v && typeof v === "object" && !Array.isArray(v)) {
        for (const name of Object.keys(v)) {
          const camel = camelKey(name);
          if (camel !== name && !names.has(camel)) names.set(camel, name);
        }
      }
      if (!DATA.has(k)) walk(v);
    }
  };
  for (const item of Object.values(doc?.paths ?? {})) {
    const path = item && typeof item.$ref === "string" ? resolve(item.$ref) : item;
    for (const op of Object.values(path ?? {})) {
      if (!op || typeof op !== "object" || !op.responses) continue;
      for (const response of Object.values(op.responses)) {
        const r = response && typeof response.$ref === "string" ? resolve(response.$ref) : response;
        for (const media of Object.values(r?.content ?? {})) walk(media?.schema);
      }
    }
  }
  return names;
}
