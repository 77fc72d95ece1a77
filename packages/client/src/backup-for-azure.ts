// Veeam Backup for Microsoft Azure: OAuth2 password grant → bearer token, refreshed before it
// expires, JSON and problem+json.
import type { Client, Middleware } from "openapi-fetch";
import type { paths } from "@veeam-sessions/types/backup-for-azure";
import { createCore, credentialMiddleware, Secrets, transport, type CommonClientOptions } from "./core.js";
import { OAuth2Tokens } from "./oauth.js";

export interface BackupForAzureClientOptions extends CommonClientOptions {
  /** Base URL with the version segment, e.g. `https://vbazure.corp/api/v1`. */
  baseUrl: string;
  auth: { username: string; password: string };
  /** Refresh this long before the access token expires. Default 60 s. */
  refreshSkewMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export type BackupForAzureClient = Client<paths> & {
  logon(): Promise<void>;
  /** Revokes the token (DELETE /api/oauth2/token). */
  logout(): Promise<void>;
  /** Token grants so far, by kind. */
  readonly grants: { password: number; refresh: number };
};

/** `https://h/api/v1` → `https://h/api/oauth2/token`: the token endpoint has no version segment. */
export function tokenUrlFor(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "").replace(/\/v\d+(\.\d+)?$/, "");
  return `${base}/oauth2/token`;
}

/** A typed client for Backup for Microsoft Azure's job session API. */
export function createBackupForAzureClient(options: BackupForAzureClientOptions): BackupForAzureClient {
  const secrets = new Secrets();
  const fetch = transport(options);
  const tokenUrl = tokenUrlFor(options.baseUrl);
  const tokens = new OAuth2Tokens(
    {
      tokenUrl,
      passwordForm: (Username, Password) => ({ grant_type: "Password", Username, Password }),
      refreshForm: (refresh_token) => ({ grant_type: "Refresh_token", refresh_token }),
      logout: { method: "DELETE", url: tokenUrl, operationId: "revokeToken" },
      tokenOperationId: "createToken",
    },
    options,
    fetch,
    secrets,
    options.now ?? Date.now,
  );
  // The token endpoint has no version segment: send `/oauth2/token` calls there, not under baseUrl.
  const unversionedToken: Middleware = {
    onRequest: ({ request, schemaPath }) =>
      schemaPath === "/oauth2/token" ? new Request(tokens.url, request) : undefined,
  };
  const client = createCore<paths>(
    options,
    fetch,
    { api: "backup-for-azure", secrets },
    [
      unversionedToken,
      credentialMiddleware({
        skip: (schemaPath, method) => schemaPath === "/oauth2/token" && method === "POST",
        current: () => tokens.current(),
        renew: (failed) => tokens.renew(failed),
        apply: (request, token) => request.headers.set("Authorization", `Bearer ${token}`),
        secrets,
      }),
    ],
    "application/json",
  );
  return Object.defineProperties(client, {
    logon: { value: async () => void (await tokens.current()) },
    logout: { value: () => tokens.logout() },
    grants: { get: () => ({ ...tokens.grants }) },
  }) as BackupForAzureClient;
}
