// Where Veeam's own Backup for Azure OpenAPI document (v8.1) is read from. It is not in this
// repository (we keep our spec hand-written and only compare): Veeam publishes it, and a copy
// is in the public GitHub repository Cenvora/veeam-az, openapi_schemas/vbaz_rest_v8.1.json.
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_REFERENCE = fileURLToPath(
  new URL("../../../shared/reference/vbaz_rest_v8.1.json", import.meta.url),
);
const MAX_BYTES = 16 * 1024 * 1024;

/** The path of Veeam's document: `VEEAM_AZURE_OPENAPI`, else `../shared/reference/vbaz_rest_v8.1.json`. */
export function veeamReferencePath(): string | undefined {
  const fromEnv = process.env.VEEAM_AZURE_OPENAPI;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return existsSync(DEFAULT_REFERENCE) ? DEFAULT_REFERENCE : undefined;
}

export const SKIP_MESSAGE =
  "skipped: Veeam's Backup for Azure OpenAPI document is absent. Put vbaz_rest_v8.1.json (from the public " +
  "GitHub repository Cenvora/veeam-az, openapi_schemas/) at " +
  `${DEFAULT_REFERENCE}, or set VEEAM_AZURE_OPENAPI to its path`;

export type Json = Record<string, unknown>;

/** Reads and parses the document, refusing anything larger than 16 MiB or not OpenAPI 3.0 v8.1. */
export function loadVeeamReference(path: string): Json {
  const size = statSync(path).size;
  if (size > MAX_BYTES) throw new Error(`${path} is ${size} bytes, more than the ${MAX_BYTES} a copy of it can be`);
  const doc = JSON.parse(readFileSync(path, "utf8")) as Json;
  const info = doc.info as Json | undefined;
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.0") || info?.version !== "v8.1")
    throw new Error(
      `${path} is not Veeam's v8.1 document (openapi ${String(doc.openapi)}, version ${String(info?.version)})`,
    );
  return doc;
}
