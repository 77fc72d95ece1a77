// Loads a bundled document from spec/dist. The turbo `test` task bundles first; a missing
// file is a failure with a clear message, never a skipped test.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Json = Record<string, unknown>;

export function loadBundled(api: string): Json {
  const file = fileURLToPath(new URL(`../dist/${api}.json`, import.meta.url));
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`pnpm bundle\` (turbo runs it before the tests)`);
  }
  return JSON.parse(readFileSync(file, "utf8")) as Json;
}

/** Resolves a local `#/...` $ref (chains too) against the bundled document. */
export function deref<T = Json>(doc: Json, node: unknown): T {
  let current = node as Json;
  for (let hops = 0; current && typeof current.$ref === "string"; hops++) {
    if (hops > 32) throw new Error(`$ref loop at ${String(current.$ref)}`);
    const ref = current.$ref as string;
    if (!ref.startsWith("#/")) throw new Error(`non-local $ref ${ref}`);
    current = ref
      .slice(2)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((n, key) => (n as Json | undefined)?.[key], doc) as Json;
    if (current === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return current as T;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface Operation {
  method: string;
  path: string;
  op: Json;
}

export function operationsOf(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (op) out.push({ method, path, op });
    }
  }
  return out;
}
