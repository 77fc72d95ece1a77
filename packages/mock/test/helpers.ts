// The bundled specs as the tests read them: operations, their success status, and the example
// each media type answers with (first example, or the one `Prefer: example=key` picks).
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { ApiName } from "../src/index.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SPEC_DIST = fileURLToPath(new URL("../../../spec/dist/", import.meta.url));

export function loadSpec(api: ApiName): Json {
  return JSON.parse(readFileSync(`${SPEC_DIST}${api}.json`, "utf8")) as Json;
}

export function deref(doc: Json, node: Json | undefined): Json {
  let n = node;
  while (n && typeof n.$ref === "string")
    n = n.$ref
      .slice(2)
      .split("/")
      .reduce((acc: Json, k: string) => acc[k], doc);
  return n as Json;
}

export interface SpecOperation {
  method: string;
  path: string;
  operationId: string;
  /** First API version with the operation (`x-since`; Backup for Azure), else undefined. */
  since: string | undefined;
  status: number;
  /** Media type → example key → value (XML examples are strings). */
  examples: Record<string, Record<string, unknown>>;
  /** Response headers of the success response, with their example values. */
  headers: Record<string, unknown>;
}

const METHODS = ["get", "put", "post", "delete", "patch"];

export function operations(doc: Json): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      const [status, ref] = Object.entries(op.responses as Json).find(([s]) => s.startsWith("2"))!;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId as string,
        since: op["x-since"] as string | undefined,
        status: Number(status),
        ...responseParts(doc, ref as Json),
      });
    }
  }
  return out;
}

export function responseParts(doc: Json, ref: Json): Pick<SpecOperation, "examples" | "headers"> {
  const response = deref(doc, ref);
  const examples: SpecOperation["examples"] = {};
  for (const [mt, content] of Object.entries((response.content ?? {}) as Json)) {
    examples[mt] = {};
    for (const [key, ex] of Object.entries(((content as Json).examples ?? {}) as Json))
      examples[mt][key] = deref(doc, ex).value;
  }
  const headers: Record<string, unknown> = {};
  for (const [name, h] of Object.entries((response.headers ?? {}) as Json)) {
    const header = deref(doc, h as Json);
    headers[name] = header.example ?? header.schema?.examples?.[0] ?? header.schema?.example;
  }
  return { examples, headers };
}

/** The example an error status answers with, per media type (first example). */
export function errorExample(doc: Json, path: string, method: string, status: number): Record<string, unknown> {
  const parts = responseParts(doc, (doc.paths as Json)[path][method.toLowerCase()].responses[String(status)] as Json);
  return Object.fromEntries(Object.entries(parts.examples).map(([mt, ex]) => [mt, Object.values(ex)[0]]));
}

export const first = (examples: Record<string, unknown> | undefined) =>
  examples ? Object.values(examples)[0] : undefined;

/** A throwaway HTTP server on 127.0.0.1 and a free port. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves when `port` on 127.0.0.1 can be bound again (and releases it). */
export async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
