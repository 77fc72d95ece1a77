// Veeam Backup for Microsoft Azure: OAuth2 password grant → bearer token, refreshed before it
// expires, JSON and problem+json.
import type { Client, Middleware } from "openapi-fetch";
import type { paths } from "@veeam-sessions/types/backup-for-azure";
import {
  createCore,
  credentialMiddleware,
  failure,
  mediaTypeOf,
  Secrets,
  textOf,
  transport,
  type CommonClientOptions,
} from "./core.js";
import { VeeamApiError } from "./errors.js";

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

interface Token {
  access: string;
  refresh: string | undefined;
  expiresAt: number;
  /** When to refresh: `refreshSkewMs` before expiry, at most half way through the token's life. */
  refreshAt: number;
  /** After a failed early refresh: not again before this. */
  retryAt?: number;
}

/** expires_in when the answer has none, or not a positive number of seconds. */
const DEFAULT_EXPIRES_IN_S = 3600;
const RETRY_REFRESH_MS = 5_000;

/** `https://h/api/v1` → `https://h/api/oauth2/token`: the token endpoint has no version segment. */
export function tokenUrlFor(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "").replace(/\/v\d+(\.\d+)?$/, "");
  return `${base}/oauth2/token`;
}

class AzureTokens {
  token: Token | undefined;
  grants = { password: 0, refresh: 0 };
  private pending: Promise<Token> | undefined;
  readonly url: string;

  constructor(
    private readonly options: BackupForAzureClientOptions,
    private readonly fetch: typeof globalThis.fetch,
    readonly secrets: Secrets,
    private readonly now: () => number,
  ) {
    this.url = tokenUrlFor(options.baseUrl);
    secrets.add(options.auth.password);
  }

  /** A valid access token: the current one, a refreshed one when it is about to expire, or a new one. */
  current(): Promise<string> | string {
    const t = this.token;
    if (!t) return this.renew(undefined);
    const now = this.now();
    if (t.refreshAt > now || (t.retryAt !== undefined && t.retryAt > now && t.expiresAt > now)) return t.access;
    if (t.expiresAt <= now) return this.renew(t.access);
    // Early refresh: the token still works, so a server error keeps it for a while.
    this.pending ??= this.obtain(t, true).finally(() => (this.pending = undefined));
    return this.pending.then((token) => token.access);
  }

  /** Single flight: every caller whose token `failed` shares one refresh (or password grant). */
  renew(failed: string | undefined): Promise<string> | string {
    const t = this.token;
    if (t && t.access !== failed) return t.access;
    this.pending ??= this.obtain(t, false).finally(() => (this.pending = undefined));
    return this.pending.then((token) => token.access);
  }

  private async obtain(previous: Token | undefined, early: boolean): Promise<Token> {
    try {
      if (previous?.refresh) {
        const refreshed = await this.grant({ grant_type: "Refresh_token", refresh_token: previous.refresh }, true);
        if (refreshed) return refreshed;
      }
      const { username, password } = this.options.auth;
      return (await this.grant({ grant_type: "Password", Username: username, Password: password }, false))!;
    } catch (error) {
      // A 5xx (or no answer) on an early refresh: the old token is still valid, use it and try
      // again a little later instead of failing the call or retrying on every call.
      const status = (error as VeeamApiError).status;
      const transient = status === undefined ? (error as VeeamApiError).kind !== "redirect" : status >= 500;
      if (early && previous && transient && previous.expiresAt > this.now()) {
        this.token = { ...previous, retryAt: this.now() + RETRY_REFRESH_MS };
        return this.token;
      }
      throw error;
    }
  }

  /** Posts a grant; a refused refresh token gives undefined so the caller falls back to the password. */
  private async grant(form: Record<string, string>, isRefresh: boolean): Promise<Token | undefined> {
    let response: Response;
    try {
      response = await this.fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams(form).toString(),
      });
    } catch (error) {
      throw failure(error, { method: "POST", url: this.url, operationId: "createToken" }, this.secrets);
    }
    const raw = await textOf(response, { method: "POST", url: this.url, operationId: "createToken" }, this.secrets);
    if (!response.ok) {
      if (isRefresh && (response.status === 400 || response.status === 401)) {
        this.token = undefined;
        return undefined;
      }
      throw new VeeamApiError(
        {
          kind: "auth",
          status: response.status,
          operationId: "createToken",
          method: "POST",
          url: this.url,
          raw,
          mediaType: mediaTypeOf(response),
          message: `${isRefresh ? "token refresh" : `password grant for ${this.options.auth.username}`} failed with HTTP ${response.status}`,
        },
        this.secrets.values,
      );
    }
    let body: {
      access_token?: string | null;
      refresh_token?: string | null;
      expires_in?: unknown;
      mfa_enabled?: boolean;
      mfa_token?: string | null;
    };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch (error) {
      throw new VeeamApiError(
        {
          kind: "malformed",
          status: response.status,
          operationId: "createToken",
          method: "POST",
          url: this.url,
          raw,
          message: "the token answer is not JSON",
          cause: error,
        },
        this.secrets.values,
      );
    }
    if (!body.access_token) {
      // The MFA challenge (every version): mfa_token instead of tokens; it needs a person's code.
      const mfa = body.mfa_enabled === true && typeof body.mfa_token === "string";
      if (mfa) this.secrets.add(body.mfa_token!);
      throw new VeeamApiError(
        {
          kind: "auth",
          status: response.status,
          operationId: "createToken",
          method: "POST",
          url: this.url,
          message: mfa
            ? `multi-factor authentication is enabled for ${this.options.auth.username}: the server answered an MFA challenge, which needs the user's one-time code (use an account without MFA for automation)`
            : "the token answer has no access_token",
        },
        this.secrets.values,
      );
    }
    this.secrets.add(body.access_token, body.refresh_token ?? undefined);
    if (isRefresh) this.grants.refresh++;
    else this.grants.password++;
    const seconds = Number(body.expires_in);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_EXPIRES_IN_S) * 1000;
    const now = this.now();
    this.token = {
      access: body.access_token,
      refresh: body.refresh_token ?? undefined,
      expiresAt: now + lifetimeMs,
      refreshAt: now + lifetimeMs - Math.min(this.options.refreshSkewMs ?? 60_000, lifetimeMs / 2),
    };
    return this.token;
  }

  async logout(): Promise<void> {
    const t = this.token;
    this.token = undefined;
    if (!t) return;
    let response: Response;
    try {
      response = await this.fetch(this.url, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${t.access}`, Accept: "application/json" },
      });
    } catch (error) {
      throw failure(error, { method: "DELETE", url: this.url, operationId: "revokeToken" }, this.secrets);
    }
    const raw = await textOf(response, { method: "DELETE", url: this.url, operationId: "revokeToken" }, this.secrets);
    if (!response.ok && response.status !== 401) {
      throw new VeeamApiError(
        {
          kind: "http",
          status: response.status,
          operationId: "revokeToken",
          method: "DELETE",
          url: this.url,
          raw,
          message: `log off failed with HTTP ${response.status}`,
        },
        this.secrets.values,
      );
    }
  }
}

/** A typed client for Backup for Microsoft Azure's job session API. */
export function createBackupForAzureClient(options: BackupForAzureClientOptions): BackupForAzureClient {
  const secrets = new Secrets();
  const fetch = transport(options);
  const tokens = new AzureTokens(options, fetch, secrets, options.now ?? Date.now);
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
