// Veeam Backup Enterprise Manager: logon sessions (Basic → X-RestSvcSessionId), XML or JSON.
import type { Client } from "openapi-fetch";
import type { paths } from "@veeam-sessions/types/enterprise-manager";
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
import { toSchemaCasing } from "./casing.js";
import { xmlDecoder } from "./xml.js";
import { checkHeaders } from "./usage.js";

export const SESSION_HEADER = "X-RestSvcSessionId";
const NO_AUTH = new Set(["/", "/sessionMngr/"]);

export interface EnterpriseManagerClientOptions extends CommonClientOptions {
  /**
   * Credentials (the client logs on when needed) or an existing logon session: its
   * `X-RestSvcSessionId` token and, to be able to log off, its GUID (`LogonSession.SessionId`).
   */
  auth: { username: string; password: string; version?: string } | { sessionId: string; logonSessionId?: string };
  /**
   * What to ask for with `Accept`. Either way the data has the same (JSON) shape, the types' names:
   * EM 13's camelCase JSON is renamed to them. Default "json".
   */
  format?: "json" | "xml";
}

export type EnterpriseManagerClient = Client<paths> & {
  /** Logs on now (normally done lazily on the first call) and returns nothing secret. */
  logon(): Promise<void>;
  /** Ends the logon session (DELETE /logonSessions/{SessionId}); the next call logs on again. */
  logout(): Promise<void>;
  /** How many times this client has logged on. */
  readonly logons: number;
};

class EnterpriseManagerSession {
  id: string | undefined;
  /** The logon session's GUID: `SessionId` of the logon answer (else the last segment of its `Href`). */
  logonId: string | undefined;
  logons = 0;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly options: EnterpriseManagerClientOptions,
    private readonly fetch: typeof globalThis.fetch,
    readonly secrets: Secrets,
  ) {
    if ("sessionId" in options.auth) {
      checkHeaders(
        { [SESSION_HEADER]: options.auth.sessionId },
        { method: "", operationId: "client options", url: options.baseUrl },
        [options.auth.sessionId],
      );
      this.id = options.auth.sessionId;
      this.logonId = options.auth.logonSessionId;
      secrets.addSessionId(this.id, this.logonId);
    } else {
      // The Basic credential with and without its scheme: a server may echo the bare base64 of
      // `user:password`, in which the password's own base64 need not appear (alignment).
      const credential = basic(options.auth.username, options.auth.password);
      secrets.add(options.auth.password, credential, credential.slice("Basic ".length));
    }
  }

  /** The current session id, logging on first if there is none. */
  current(): Promise<string> | string {
    return this.id ?? this.renew(undefined);
  }

  /**
   * A new session id after `failed` was refused. One logon serves every caller that saw the
   * same id refused (single flight); a caller whose id was already replaced gets the new one.
   */
  renew(failed: string | undefined): Promise<string> | string {
    if (this.id !== undefined && this.id !== failed) return this.id;
    if (this.pending) return this.pending;
    if ("sessionId" in this.options.auth && this.id !== undefined) {
      throw new VeeamApiError(
        {
          kind: "auth",
          status: 401,
          operationId: "logOn",
          method: "POST",
          message: "the given logon session was refused (expired?) and the client has no credentials to log on again",
        },
        this.secrets.values,
      );
    }
    this.id = undefined;
    this.pending = this.logon().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async logon(): Promise<string> {
    const auth = this.options.auth as { username: string; password: string; version?: string };
    const url = `${this.options.baseUrl}/sessionMngr/?v=${encodeURIComponent(auth.version ?? "latest")}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: "POST",
        headers: { Authorization: basic(auth.username, auth.password), Accept: "application/json" },
      });
    } catch (error) {
      throw failure(error, { method: "POST", url, operationId: "logOn" }, this.secrets);
    }
    const raw = await textOf(response, { method: "POST", url, operationId: "logOn" }, this.secrets);
    const id = response.headers.get(SESSION_HEADER);
    if (response.status !== 201 || !id) {
      throw new VeeamApiError(
        {
          kind: "auth",
          status: response.status,
          operationId: "logOn",
          method: "POST",
          url,
          raw,
          mediaType: mediaTypeOf(response),
          message: `logon as ${auth.username} failed with HTTP ${response.status}${response.status === 401 ? " (bad user name or password)" : ""}`,
        },
        this.secrets.values,
      );
    }
    this.logonId = logonSessionIdOf(raw);
    this.secrets.addSessionId(id, this.logonId);
    this.logons++;
    this.id = id;
    return id;
  }

  async logout(): Promise<void> {
    const id = this.id;
    if (id === undefined) return;
    const logonId = this.logonId;
    this.id = undefined;
    this.logonId = undefined;
    // The header token is opaque: without the logon session's GUID there is nothing to DELETE
    // (a client given only `auth.sessionId` forgets the session; the server expires it).
    if (logonId === undefined) return;
    const target = `${this.options.baseUrl}/logonSessions/${encodeURIComponent(logonId)}`;
    let response: Response;
    try {
      response = await this.fetch(target, {
        method: "DELETE",
        headers: { [SESSION_HEADER]: id, Accept: "application/json" },
      });
    } catch (error) {
      throw failure(error, { method: "DELETE", url: target, operationId: "logOff" }, this.secrets);
    }
    const raw = await textOf(response, { method: "DELETE", url: target, operationId: "logOff" }, this.secrets);
    // 401/404: the session is already gone, which is what logging off wants.
    if (!response.ok && response.status !== 401 && response.status !== 404) {
      throw new VeeamApiError(
        {
          kind: "http",
          status: response.status,
          operationId: "logOff",
          method: "DELETE",
          url: target,
          raw,
          message: `logoff failed with HTTP ${response.status}`,
        },
        this.secrets.values,
      );
    }
  }
}

const GUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/**
 * The logon session's GUID from the JSON logon answer: `SessionId`, else the last segment of
 * `Href`. Only the id is kept: the DELETE goes to our own baseUrl, never to a host the body names.
 */
function logonSessionIdOf(raw: string): string | undefined {
  let body: { SessionId?: unknown; Href?: unknown; sessionId?: unknown; href?: unknown };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object") return undefined;
  const sessionId = body.SessionId ?? body.sessionId;
  if (typeof sessionId === "string" && GUID.test(sessionId)) return sessionId;
  const href = body.Href ?? body.href;
  const last = typeof href === "string" ? href.split("?")[0]!.split("/").pop() : undefined;
  return last && GUID.test(last) ? last : undefined;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** A typed client for Enterprise Manager's session API. */
export function createEnterpriseManagerClient(options: EnterpriseManagerClientOptions): EnterpriseManagerClient {
  const secrets = new Secrets();
  const fetch = transport(options);
  const session = new EnterpriseManagerSession(options, fetch, secrets);
  const accept = options.format === "xml" ? "application/xml" : "application/json";
  const client = createCore<paths>(
    options,
    fetch,
    {
      api: "enterprise-manager",
      secrets,
      decodeXml: xmlDecoder("enterprise-manager"),
      normalizeJson: toSchemaCasing,
    },
    [
      credentialMiddleware({
        skip: (schemaPath) => NO_AUTH.has(schemaPath),
        current: () => session.current(),
        renew: (failed) => session.renew(failed),
        apply: (request, id) => request.headers.set(SESSION_HEADER, id),
        secrets,
      }),
    ],
    accept,
  );
  return Object.defineProperties(client, {
    logon: { value: async () => void (await session.current()) },
    logout: { value: () => session.logout() },
    logons: { get: () => session.logons },
  }) as EnterpriseManagerClient;
}
