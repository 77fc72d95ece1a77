// Generates generated/enterprise-manager.xml.js: what the client needs to decode Enterprise
// Manager's XML bodies with @veeam-sessions/xml, and nothing more: the schemas (without
// descriptions and examples) and, per operation and status, the response body's schema.
// Loaded lazily, only when an XML body arrives, so JSON users never pay for it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const specFile = join(pkg, "..", "..", "spec", "dist", "enterprise-manager.json");
const doc = JSON.parse(readFileSync(specFile, "utf8"));
const DROP = new Set(["description", "examples", "example", "summary", "title", "externalDocs", "format", "pattern"]);
const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

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

function deref(node) {
  while (node && node.$ref)
    node = node.$ref
      .slice(2)
      .split("/")
      .reduce((n, k) => n[k], doc);
  return node;
}

const operations = {};
for (const [path, item] of Object.entries(doc.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!METHODS.has(method)) continue;
    const responses = {};
    for (const [status, r] of Object.entries(op.responses ?? {})) {
      const schema = deref(r).content?.["application/xml"]?.schema;
      if (schema) responses[status] = strip(schema);
    }
    operations[`${method.toUpperCase()} ${path}`] = { operationId: op.operationId, responses };
  }
}

const out = { components: { schemas: strip(doc.components.schemas) }, operations };
mkdirSync(join(pkg, "generated"), { recursive: true });
const header = "// Generated from spec/dist/enterprise-manager.json by scripts/generate.mjs. Do not edit.\n";
writeFileSync(join(pkg, "generated", "enterprise-manager.xml.js"), `${header}export default ${JSON.stringify(out)};\n`);
writeFileSync(
  join(pkg, "generated", "enterprise-manager.xml.d.ts"),
  `${header}declare const xml: {\n  components: { schemas: Record<string, unknown> };\n  operations: Record<string, { operationId: string; responses: Record<string, unknown> }>;\n};\nexport default xml;\n`,
);
// Operation ids for every API, so errors can name the operation without loading any schema.
const ids = {};
for (const api of ["enterprise-manager", "backup-for-azure"]) {
  const d = JSON.parse(readFileSync(join(pkg, "..", "..", "spec", "dist", `${api}.json`), "utf8"));
  for (const [path, item] of Object.entries(d.paths))
    for (const [method, op] of Object.entries(item))
      if (METHODS.has(method)) ids[`${method.toUpperCase()} ${path}`] = op.operationId;
}
writeFileSync(join(pkg, "generated", "operation-ids.js"), `${header}export default ${JSON.stringify(ids)};\n`);
writeFileSync(
  join(pkg, "generated", "operation-ids.d.ts"),
  `${header}declare const ids: Record<string, string>;\nexport default ids;\n`,
);
console.log(
  `generated packages/client/generated/enterprise-manager.xml.js (${Object.keys(operations).length} operations) and operation-ids.js (${Object.keys(ids).length})`,
);
