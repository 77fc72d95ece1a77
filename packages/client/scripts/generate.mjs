// Generates, for every API in the registry of @veeam-sessions/spec whose responses offer XML,
// generated/<api>.xml.js: what the client needs to decode the API's XML bodies with
// @veeam-sessions/xml, and nothing more: the schemas (without descriptions and examples) and,
// per operation and status, the response body's schema. Loaded lazily, only when an XML body
// arrives, so JSON users never pay for it. And generated/operation-ids.js for every API.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { apis, deref, isXmlMediaType, loadBundled, operationsOf } from "@veeam-sessions/spec";
import { pascalNames } from "@veeam-sessions/spec/casing";

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const DROP = new Set(["description", "examples", "example", "summary", "title", "externalDocs", "format", "pattern"]);

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    // `enum`/`const` only validate; the codec needs names, types, xml, defaults and structure.
    if (DROP.has(k) || k === "enum" || k === "const" || k === "minimum" || k === "maximum" || k === "minLength")
      continue;
    out[k] = strip(v);
  }
  return out;
}

mkdirSync(join(pkg, "generated"), { recursive: true });
const header = "// Generated from the bundled specs (spec/dist) by scripts/generate.mjs. Do not edit.\n";
const xmlApis = [];
const ids = {};
for (const api of apis()) {
  const doc = loadBundled(api.slug);
  const operations = {};
  let xml = false;
  for (const { method, path, op } of operationsOf(doc)) {
    const key = `${method.toUpperCase()} ${path}`;
    // Operation ids for every API, so errors can name the operation without loading any schema.
    ids[key] = op.operationId;
    const responses = {};
    for (const [status, r] of Object.entries(op.responses ?? {})) {
      const content = deref(doc, r).content ?? {};
      const type = Object.keys(content).find(isXmlMediaType);
      if (type && content[type].schema) {
        responses[status] = strip(content[type].schema);
        xml = true;
      }
    }
    operations[key] = { operationId: op.operationId, responses };
  }
  // An API whose JSON also comes camelCased (`x-veeam-json-casing`, EM 13): camelCase → the
  // schema's name of every member a response declares, so the client hands back one shape.
  const casings = doc["x-veeam-json-casing"];
  if (Array.isArray(casings) && casings.includes("camel")) {
    const names = [...pascalNames(doc)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    writeFileSync(
      join(pkg, "generated", `${api.slug}.casing.js`),
      `${header}export default ${JSON.stringify(Object.fromEntries(names))};\n`,
    );
    writeFileSync(
      join(pkg, "generated", `${api.slug}.casing.d.ts`),
      `${header}declare const names: Record<string, string>;\nexport default names;\n`,
    );
  }
  if (!xml) continue;
  const out = { components: { schemas: strip(doc.components?.schemas ?? {}) }, operations };
  writeFileSync(join(pkg, "generated", `${api.slug}.xml.js`), `${header}export default ${JSON.stringify(out)};\n`);
  writeFileSync(
    join(pkg, "generated", `${api.slug}.xml.d.ts`),
    `${header}declare const xml: {\n  components: { schemas: Record<string, unknown> };\n  operations: Record<string, { operationId: string; responses: Record<string, unknown> }>;\n};\nexport default xml;\n`,
  );
  xmlApis.push(`${api.slug}.xml.js (${Object.keys(operations).length} operations)`);
}
writeFileSync(join(pkg, "generated", "operation-ids.js"), `${header}export default ${JSON.stringify(ids)};\n`);
writeFileSync(
  join(pkg, "generated", "operation-ids.d.ts"),
  `${header}declare const ids: Record<string, string>;\nexport default ids;\n`,
);
console.log(
  `generated packages/client/generated/${[...xmlApis, `operation-ids.js (${Object.keys(ids).length})`].join(", ")}`,
);
