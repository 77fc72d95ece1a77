// The bundled documents the tests check against, found the way the build finds them: the
// registry of @veeam-sessions/spec.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { apiNames, deref, HTTP_METHODS, loadBundled, specPath } from "@veeam-sessions/spec";

export const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const repoRoot = resolve(docsDir, "..", "..");

export { deref, HTTP_METHODS as METHODS } from "@veeam-sessions/spec";

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
  return apiNames().map((name) => ({ name, json: specPath(name), doc: loadBundled(name) }));
}

export function operations(doc: any): Operation[] {
  return Object.entries<any>(doc.paths ?? {}).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({
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

/** The names of the header parameters an operation requires (its path item's too). */
export function requiredHeaders(doc: any, op: Operation): string[] {
  const item = doc.paths?.[op.path] ?? {};
  return [...(item.parameters ?? []), ...(item[op.method]?.parameters ?? [])]
    .map((p: any) => deref(doc, p))
    .filter((p: any) => p?.in === "header" && p.required)
    .map((p: any) => String(p.name));
}

/** The media types of an operation's first 2xx response with a body. */
export function successTypes(doc: any, op: Operation): string[] {
  const response = Object.entries(op.responses)
    .filter(([code]) => /^2/.test(code))
    .map(([, r]) => deref(doc, r))
    .find((r) => r?.content);
  return Object.keys(response?.content ?? {});
}
