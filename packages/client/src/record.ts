// Records responses as fixtures the contract CLI (`veeam-contract validate`) reads:
// NAME.meta.json ({api, method, path, status, mediaType, operationId}) + NAME.body.<xml|json>.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import operationIds from "../generated/operation-ids.js";
import type { Middleware } from "openapi-fetch";
import { mediaTypeOf, utf8Text, type ApiName, type ClientAwareMiddleware, type Secrets } from "./core.js";
import { redact } from "./errors.js";

export interface RecordOptions {
  /**
   * What to scrub besides the secrets the client knows (password, session id, tokens, which
   * are always removed, as are `SessionId`/`access_token`/`refresh_token` values):
   * `hosts: true` replaces every URL host in bodies with `redacted.invalid` (XML namespace URIs excepted); a list replaces those hosts only.
   */
  redact?: { hosts?: boolean | string[] };
}

export interface RecordedFixture {
  api: ApiName;
  method: string;
  path: string;
  status: number;
  mediaType: string;
  operationId?: string;
}

const LOGON_GUID =
  /SessionId(?:"\s*:\s*"|>)([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})/i;
const SECRET_JSON = /("(?:SessionId|access_token|refresh_token|mfa_token|Password)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
const SECRET_XML = /(<(SessionId)(?:\s[^>]*)?>)[^<]*(<\/\2>)/g;

export function scrub(body: string, secrets: Iterable<string>, hosts?: boolean | string[]): string {
  let out = redact(body, [...secrets])
    .replace(SECRET_JSON, '$1"[redacted]"')
    .replace(SECRET_XML, "$1[redacted]$3");
  if (hosts === true) {
    // Namespace URIs name a vocabulary, not a server: keep them, or the XML no longer validates.
    const namespaceHosts = new Set(
      [...out.matchAll(/xmlns(?::[\w.-]+)?\s*=\s*["']https?:\/\/([^/:"'\s<>]+)/g)].map((m) => m[1]),
    );
    out = out.replace(/(https?:\/\/)([^/:"'\s<>]+)/g, (url: string, scheme: string, host: string) =>
      namespaceHosts.has(host) ? url : `${scheme}redacted.invalid`,
    );
  } else if (Array.isArray(hosts)) for (const h of hosts) out = out.split(h).join("redacted.invalid");
  return out;
}

/** openapi-fetch middleware: `middleware: [recordTo("fixtures/")]`. */
export function recordTo(
  dir: string,
  options: RecordOptions = {},
): ClientAwareMiddleware & Required<Pick<Middleware, "onResponse">> {
  let api: ApiName | undefined;
  let secrets: Secrets | undefined;
  const taken = new Set<string>();
  return {
    attach(context) {
      api = context.api;
      secrets = context.secrets;
    },
    async onResponse({ request, response, schemaPath }) {
      if (!api) throw new Error("recordTo() must be passed in a client's `middleware` option");
      const mediaType = mediaTypeOf(response);
      const bytes = response.status === 204 ? undefined : await response.clone().arrayBuffer();
      let text = "";
      try {
        if (bytes) text = utf8Text(bytes);
      } catch {
        // Not UTF-8: the call fails as kind "malformed", and there is no fixture to write.
        return undefined;
      }
      if (!mediaType || text === "") return undefined;
      const operationId = operationIds[`${request.method} ${schemaPath}`];
      const base = `${operationId ?? `${request.method.toLowerCase()}${schemaPath.replace(/[^A-Za-z0-9]+/g, "_")}`}.${response.status}`;
      let name = base;
      for (let n = 2; taken.has(name) || existsSync(join(dir, `${name}.meta.json`)); n++) name = `${base}-${n}`;
      taken.add(name);
      // A logon made through the client: its new session id is a secret from now on.
      // The header token is opaque; the logon session's GUID (body `SessionId`) is in URLs too.
      const sessionId = response.headers.get("x-restsvcsessionid");
      if (sessionId) secrets?.addSessionId(sessionId, LOGON_GUID.exec(text)?.[1]);
      const meta: RecordedFixture = {
        api,
        method: request.method,
        path: schemaPath,
        status: response.status,
        mediaType,
        ...(operationId ? { operationId } : {}),
      };
      const ext = mediaType.includes("xml") ? "xml" : "json";
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${name}.meta.json`), `${JSON.stringify(meta, null, 2)}\n`);
      await writeFile(join(dir, `${name}.body.${ext}`), scrub(text, secrets?.values ?? [], options.redact?.hosts));
      return undefined;
    },
  };
}
