// README command 1, after turbo has linted, bundled, generated and built: say what was made.
// (The mock and the docs server join this summary as their packages land.)
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const rel = (p) => relative(root, p);
const kb = (p) => `${(statSync(p).size / 1024).toFixed(1)} kB`;

function list(dir, filter) {
  return existsSync(dir) ? readdirSync(dir).filter(filter).map((f) => join(dir, f)) : [];
}

const bundles = list(join(root, "spec", "dist"), (f) => /\.(json|yaml)$/.test(f));
const types = list(join(root, "packages", "types", "generated"), (f) => f.endsWith(".d.ts"));
if (bundles.length === 0 || types.length === 0) {
  console.error("Nothing was bundled or generated: run `npx -y pnpm@10.34.8 start` from the repository root.");
  process.exit(1);
}

console.log("\nveeam-sessions: lint passed (Redocly + ESLint + tsc), then:");
console.log("  bundled specs:");
for (const f of bundles) {
  const doc = f.endsWith(".json") ? JSON.parse(readFileSync(f, "utf8")) : undefined;
  const ops = doc ? Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).filter((k) => METHODS.has(k)).length, 0) : undefined;
  console.log(`    ${rel(f)}  ${kb(f)}${ops === undefined ? "" : `  ${ops} operations`}`);
}
console.log("  generated types:");
for (const f of types) console.log(`    ${rel(f)}  ${kb(f)}`);
console.log("  built packages:");
for (const pkg of list(join(root, "packages"), () => true)) {
  if (existsSync(join(pkg, "dist"))) console.log(`    ${rel(join(pkg, "dist"))}`);
}
console.log("\nNext: README command 2 (`npx -y pnpm@10.34.8 install && npx -y pnpm@10.34.8 test`) runs every test.");
