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

/**
 * The camelCase JSON variant of a JSON Schema (an OpenAPI 3.1 schema): member names in
 * `properties`, `required`, `dependentRequired` and `discriminator.propertyName` re-cased with
 * `camelKey`; values (`enum`, `const`, examples) unchanged. A new object; `schema` is not touched.
 */
export function camelSchema(schema) {
  if (Array.isArray(schema)) return schema.map(camelSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && v && typeof v === "object" && !Array.isArray(v)) {
      const props = {};
      for (const [name, sub] of Object.entries(v)) props[camelKey(name)] = camelSchema(sub);
      out[k] = props;
    } else if (k === "required" && Array.isArray(v)) out[k] = v.map((n) => (typeof n === "string" ? camelKey(n) : n));
    else if (k === "dependentRequired" && v && typeof v === "object") {
      const deps = {};
      for (const [name, list] of Object.entries(v))
        deps[camelKey(name)] = Array.isArray(list) ? list.map((n) => camelKey(n)) : list;
      out[k] = deps;
    } else if (k === "discriminator" && v && typeof v === "object" && typeof v.propertyName === "string")
      out[k] = { ...v, propertyName: camelKey(v.propertyName) };
    else if (DATA.has(k) || k.startsWith("x-")) out[k] = v;
    else out[k] = camelSchema(v);
  }
  return out;
}

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
 * Every member name the JSON schemas of `doc` declare (its `components.schemas` and the schemas
 * inline in its paths), keyed by its camelCase form: camel → PascalCase, for turning an EM 13
 * body back into the schema's names. Names whose camelCase is already the name are left out.
 * Two schema names with one camelCase form (`CpuCount`, `CPUCount`) keep the first seen.
 */
export function pascalNames(doc) {
  const names = new Map();
  const seen = new WeakSet();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
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
  walk(doc?.components?.schemas);
  walk(doc?.paths);
  return names;
}
