// The bundled documents the tests check against, found the way the build finds them: every
// `./<api>.yaml` export of @veeam-sessions/spec, read from its `./<api>.json` twin.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const repoRoot = resolve(docsDir, "..", "..");
const require = createRequire(join(docsDir, "package.json"));

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/* eslint-disable @typescript-eslint/no-explicit-any -- OpenAPI documents are read as plain JSON */
export interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  responses: Record<string, any>;
  codeSamples: { lang: string; label?: string; source: string }[];
}

export interface Api {
  name: string;
  json: string;
  doc: any;
}

export function apis(): Api[] {
  const { exports } = JSON.parse(readFileSync(require.resolve("@veeam-sessions/spec/package.json"), "utf8")) as {
    exports: Record<string, unknown>;
  };
  return Object.keys(exports).flatMap((key) => {
    const name = /^\.\/([\w-]+)\.yaml$/.exec(key)?.[1];
    if (!name) return [];
    const json = require.resolve(`@veeam-sessions/spec/${name}.json`);
    if (!existsSync(json)) throw new Error(`${json} is missing: bundle the specs first (npx -y pnpm@10.34.8 bundle)`);
    return [{ name, json, doc: JSON.parse(readFileSync(json, "utf8")) }];
  });
}

export function operations(doc: any): Operation[] {
  return Object.entries<any>(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method,
      path,
      operationId: String(item[method].operationId),
      summary: String(item[method].summary),
      tags: item[method].tags ?? [],
      responses: item[method].responses ?? {},
      codeSamples: item[method]["x-codeSamples"] ?? [],
    })),
  );
}

/** Follow local `$ref`s (`#/components/...`) until a non-reference object. */
export function deref(doc: any, value: any): any {
  let current = value;
  for (let hops = 0; current && typeof current === "object" && typeof current.$ref === "string"; hops++) {
    if (hops > 20 || !current.$ref.startsWith("#/")) throw new Error(`cannot follow $ref ${current.$ref}`);
    current = current.$ref
      .slice(2)
      .split("/")
      .map((part: string) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((node: any, part: string) => node?.[part], doc);
  }
  return current;
}
