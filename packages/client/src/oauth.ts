// OAuth 2.0 password grant with refresh, shared by the clients whose APIs log on that way
// (Backup for Microsoft Azure, Backup & Replication). What differs per API (token URL, form
// field spellings, extra headers, how to log out) is the `OAuth2Flow` each client passes; the
// token handling (expires_in checks, early refresh that keeps the old token on a 5xx, single
// flight, the MFA challenge, redaction) is the same for both.
import { failure, mediaTypeOf, textOf, type Secrets } from "./core.js";
import { VeeamApiError } from "./errors.js";

export interface OAuth2Flow {
  tokenUrl: string;
  /** The password grant's form fields, spelled as this API documents them. */
  passwordForm(username: string, password: string): Record<string, string>;
  /** The refresh grant's form fields. */
  refreshForm(refreshToken: string): Record<string, string>;
  /** Headers every token and logout request carries besides Content-Type, Accept and Authorization. */
  headers?: Record<string, string>;
  logout: { method: "DELETE" | "POST"; url: string; operationId: string };
  tokenOperationId: string;
}

export interface OAuth2Options {
  auth: { username: string; password: string };
  /** Refresh this long before the access token expires. Default 60 s. */
  refreshSkewMs?: number | undefined;
}

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
/**
 * The shortest token life the client believes: a smaller positive expires_in (0.001, 1e-300)
 * counts as this much, or every call would ask for a new token. A token the server drops
 * earlier is refused with a 401, which renews it once and retries.
 */
export const MIN_EXPIRES_IN_S = 30;
const RETRY_REFRESH_MS = 5_000;

export class OAuth2Tokens {
  token: Token | undefined;
  grants = { password: 0, refresh: 0 };
  private pending: Promise<Token> | undefined;

  constructor(
    private readonly flow: OAuth2Flow,
    private readonly options: OAuth2Options,
    private readonly fetch: typeof globalThis.fetch,
    readonly secrets: Secrets,
    private readonly now: () => number,
  ) {
    secrets.add(options.auth.password);
  }

  get url(): string {
    return this.flow.tokenUrl;
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
        const refreshed = await this.grant(this.flow.refreshForm(previous.refresh), true);
        if (refreshed) return refreshed;
      }
      const { username, password } = this.options.auth;
      return (await this.grant(this.flow.passwordForm(username, password), false))!;
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
    const where = { method: "POST", url: this.flow.tokenUrl, operationId: this.flow.tokenOperationId };
    let response: Response;
    try {
      response = await this.fetch(where.url, {
        method: "POST",
        headers: {
          ...this.flow.headers,
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
      });
    } catch (error) {
      throw failure(error, where, this.secrets);
    }
    const raw = await textOf(response, where, this.secrets);
    if (!response.ok) {
      if (isRefresh && (response.status === 400 || response.status === 401)) {
        this.token = undefined;
        return undefined;
      }
      throw new VeeamApiError(
        {
          kind: "auth",
          status: response.status,
          ...where,
          raw,
          mediaType: mediaTypeOf(response),
          message: `${isRefresh ? "token refresh" : `password grant for ${this.options.auth.username}`} failed with HTTP ${response.status}`,
        },
        this.secrets.values,
      );
    }
    let body: {
      access_token?: unknown;
      refresh_token?: unknown;
      expires_in?: unknown;
      mfa_enabled?: boolean;
      mfa_token?: string | null;
    } | null;
    try {
      body = JSON.parse(raw) as typeof body;
    } catch (error) {
      throw new VeeamApiError(
        {
          kind: "malformed",
          status: response.status,
          ...where,
          raw,
          message: "the token answer is not JSON",
          cause: error,
        },
        this.secrets.values,
      );
    }
    if (!body || typeof body.access_token !== "string" || !body.access_token) {
      // The MFA challenge: mfa_token instead of tokens; it needs a person's code.
      const mfaToken =
        body !== null && body.mfa_enabled === true && typeof body.mfa_token === "string" ? body.mfa_token : undefined;
      if (mfaToken !== undefined) this.secrets.add(mfaToken);
      throw new VeeamApiError(
        {
          kind: "auth",
          status: response.status,
          ...where,
          message:
            mfaToken !== undefined
              ? `multi-factor authentication is enabled for ${this.options.auth.username}: the server answered an MFA challenge, which needs the user's one-time code (use an account without MFA for automation)`
              : "the token answer has no access_token",
        },
        this.secrets.values,
      );
    }
    const refresh = typeof body.refresh_token === "string" && body.refresh_token ? body.refresh_token : undefined;
    this.secrets.add(body.access_token, refresh);
    if (isRefresh) this.grants.refresh++;
    else this.grants.password++;
    const seconds = Number(body.expires_in);
    const lifetimeMs =
      (Number.isFinite(seconds) && seconds > 0 ? Math.max(seconds, MIN_EXPIRES_IN_S) : DEFAULT_EXPIRES_IN_S) * 1000;
    const now = this.now();
    this.token = {
      access: body.access_token,
      refresh,
      expiresAt: now + lifetimeMs,
      refreshAt: now + lifetimeMs - Math.min(this.options.refreshSkewMs ?? 60_000, lifetimeMs / 2),
    };
    return this.token;
  }

  /** Ends the logon session; a 401 (already expired) counts as logged out. */
  async logout(): Promise<void> {
    const t = this.token;
    this.token = undefined;
    if (!t) return;
    const { method, url, operationId } = this.flow.logout;
    const where = { method, url, operationId };
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers: { ...this.flow.headers, Authorization: `Bearer ${t.access}`, Accept: "application/json" },
      });
    } catch (error) {
      throw failure(error, where, this.secrets);
    }
    const raw = await textOf(response, where, this.secrets);
    if (!response.ok && response.status !== 401) {
      throw new VeeamApiError(
        {
          kind: "http",
          status: response.status,
          ...where,
          raw,
          message: `log off failed with HTTP ${response.status}`,
        },
        this.secrets.values,
      );
    }
  }
}
