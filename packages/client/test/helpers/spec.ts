// The bundled specs, and the example bodies they hold, for the fake servers and assertions.
import { readFileSync } from "node:fs";
import type { ApiName } from "@veeam-sessions/types";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function loadSpec(api: ApiName): Json {
  return JSON.parse(readFileSync(new URL(`../../../../spec/dist/${api}.json`, import.meta.url), "utf8")) as Json;
}

export function deref(doc: Json, node: Json): Json {
  while (node && typeof node.$ref === "string") {
    node = node.$ref
      .slice(2)
      .split("/")
      .reduce((n: Json, k: string) => n[k], doc);
  }
  return node;
}

export interface SpecOperation {
  method: string;
  path: string;
  operationId: string;
  /** The success status and, per media type, the first example's value. */
  status: number;
  examples: Record<string, unknown>;
  pattern: RegExp;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

export function operations(doc: Json): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      const [status, response] = Object.entries(op.responses as Json).find(([s]) => s.startsWith("2"))!;
      const examples: Record<string, unknown> = {};
      for (const [mt, content] of Object.entries((deref(doc, response as Json).content ?? {}) as Json)) {
        const first = Object.values((content as Json).examples ?? {})[0] as Json | undefined;
        if (first) examples[mt] = deref(doc, first).value;
      }
      const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+").replace(/\//g, "\\/")}$`);
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId as string,
        status: Number(status),
        examples,
        pattern,
      });
    }
  }
  return out;
}

/** The example value of `#/components/examples/<name>`. */
export function example(doc: Json, name: string): unknown {
  return (doc.components as Json).examples[name].value;
}
