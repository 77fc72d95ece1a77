import { afterAll, beforeAll } from "vitest";
// Real HTTP servers on 127.0.0.1 that behave like Enterprise Manager, Backup for Azure and
// Backup & Replication on the points the client cares about: auth, media types, status codes,
// paging. Bodies are the spec's examples. Each test file starts its own.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { example, loadSpec, operations } from "./spec.js";

export interface Handle {
  url: string;
  close(): Promise<void>;
  /** Every request seen: method, path (with query), headers. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }>;
}

export type Override = (req: IncomingMessage, res: ServerResponse, body: string) => boolean | Promise<boolean>;

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
): Promise<Handle> {
  const requests: Handle["requests"] = [];
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    try {
      await handler(req, res, body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  };
  const server = createServer((req, res) => void onRequest(req, res));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  mediaType: string,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": `${mediaType}; charset=utf-8`, ...headers }).end(text);
}

/**
 * The token side of a fake OAuth2 server (Azure's and VBR's): grants counted by type, token pairs
 * issued, refresh tokens spent once, access tokens checked and revoked. The wire (field names,
 * grant spellings, error bodies) stays with each fake.
 */
function oauthTokens(prefix: string, signature: string) {
  const access = new Set<string>();
  const refresh = new Set<string>();
  const grants = { password: 0, refresh: 0 };
  let counter = 0;
  return {
    grants,
    /** A token pair for a grant that passed. */
    issue(grant: keyof typeof grants): { access: string; refresh: string } {
      grants[grant]++;
      const pair = {
        access: `${prefix}access-${++counter}-${signature}`,
        refresh: `${prefix}refresh-${counter}-r3fr3sh`,
      };
      access.add(pair.access);
      refresh.add(pair.refresh);
      return pair;
    },
    /** Spends a refresh token: false when it was never issued, is spent or was revoked. */
    spend: (token: string | null) => refresh.delete(token ?? ""),
    /** The request's bearer token when it is a live access token. */
    bearer(req: IncomingMessage): string | undefined {
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      return access.has(token) ? token : undefined;
    },
    revoke: (token: string) => access.delete(token),
    revokeAccess: () => access.clear(),
    revokeRefresh: () => refresh.clear(),
  };
}

export const EM_USER = "TECH\\svc-monitoring";
export const EM_PASSWORD = "Pa55-w0rd!secret";

export interface FakeEnterpriseManager extends Handle {
  logons: number;
  /** Forget every session: the next calls get 401 as after 15 idle minutes. */
  expireSessions(): void;
  sessions: Set<string>;
  /** token → the logon session's GUID (the body's `SessionId`, what DELETE /logonSessions/{id} takes) */
  guids: Map<string, string>;
  override?: Override;
}

export async function startEnterpriseManager(): Promise<FakeEnterpriseManager> {
  const doc = loadSpec("enterprise-manager");
  const ops = operations(doc);
  let counter = 0;
  const state = {
    logons: 0,
    sessions: new Set<string>(),
    /** token → logon session GUID */
    guids: new Map<string, string>(),
    override: undefined as Override | undefined,
  };
  const errorBody = (status: number, wantsJson: boolean) =>
    wantsJson ? example(doc, `Error${status}`) : example(doc, `Error${status}.xml`);

  const handle = await listen(async (req, res, body) => {
    if (state.override && (await state.override(req, res, body))) return;
    const url = new URL(req.url!, "http://x");
    const path = url.pathname.replace(/^\/api/, "") || "/";
    const wantsJson = (req.headers.accept ?? "").includes("application/json");
    const mt = wantsJson ? "application/json" : "application/xml";
    const op = ops.find((o) => o.method === req.method && o.pattern.test(path));
    if (!op) return send(res, 404, mt, errorBody(404, wantsJson));
    if (op.operationId === "logOn") {
      const expected = `Basic ${Buffer.from(`${EM_USER}:${EM_PASSWORD}`).toString("base64")}`;
      if (req.headers.authorization !== expected) {
        return send(res, 401, mt, errorBody(401, wantsJson), { "www-authenticate": 'Basic Realm="RestSvc"' });
      }
      state.logons++;
      // As a real server: the body's SessionId is the logon session's GUID, the header an
      // opaque token unrelated to it (logging_on.md: `O9Msj3rq7EGUhtSMBQx+mw==`).
      const guid = `15a3fc97-0325-4119-b789-${String(++counter).padStart(12, "0")}`;
      const sessionId = randomBytes(16).toString("base64");
      state.sessions.add(sessionId);
      state.guids.set(sessionId, guid);
      const replace = (text: string) => text.replace(/15a3fc97-0325-4119-b789-5c0367c6c565/g, guid);
      const value = op.examples[mt];
      const out = typeof value === "string" ? replace(value) : JSON.parse(replace(JSON.stringify(value)));
      return send(res, 201, mt, out, {
        "x-restsvcsessionid": sessionId,
        "set-cookie": `X-RestSvcSessionId=${sessionId}`,
      });
    }
    if (op.operationId !== "getEntryPoint") {
      const sid = req.headers["x-restsvcsessionid"];
      if (typeof sid !== "string" || !state.sessions.has(sid)) {
        return send(res, 401, mt, errorBody(401, wantsJson), { "www-authenticate": 'Basic Realm="RestSvc"' });
      }
      if (op.operationId === "logOff") {
        if (path !== `/logonSessions/${state.guids.get(sid)}`) return send(res, 404, mt, errorBody(404, wantsJson));
        state.sessions.delete(sid);
        res.writeHead(204).end();
        return;
      }
    }
    if (path.includes("00000000-0000-0000-0000-000000000000")) return send(res, 404, mt, errorBody(404, wantsJson));
    if (op.status === 204) return void res.writeHead(204).end();
    send(res, op.status, mt, op.examples[mt]);
  });
  return Object.defineProperties(handle, {
    logons: { get: () => state.logons },
    sessions: { value: state.sessions },
    guids: { value: state.guids },
    expireSessions: { value: () => state.sessions.clear() },
    override: { get: () => state.override, set: (fn: Override | undefined) => (state.override = fn) },
  }) as FakeEnterpriseManager;
}

export const AZ_USER = "restadmin";
export const AZ_PASSWORD = "Az-Secret-p4ss";

export interface FakeAzure extends Handle {
  grants: { password: number; refresh: number };
  /** Sessions served by GET /jobSessions. */
  sessions: Array<Record<string, unknown>>;
  /** Seconds until issued access tokens expire. */
  expiresIn: number;
  /** Revoke every access token (they get 401) or every refresh token (refresh gets 400). */
  revokeAccess(): void;
  revokeRefresh(): void;
  override?: Override;
}

export async function startBackupForAzure(sessionCount = 0): Promise<FakeAzure> {
  const doc = loadSpec("backup-for-azure");
  const seed = example(doc, "JobSession") as Record<string, unknown>;
  const problem = (status: number, title: string) => ({
    type: "about:blank",
    title,
    status,
    errorCode: title.replace(/\s/g, ""),
  });
  const tokens = oauthTokens("", "eyJhbGciOiJIUzI1NiJ9");
  const state = {
    sessions: Array.from({ length: sessionCount }, (_, i) => ({
      ...seed,
      id: String(100 + i),
      status: i % 5 === 0 ? "Error" : "Success",
    })) as Array<Record<string, unknown>>,
    expiresIn: 3600,
    override: undefined as Override | undefined,
  };
  const handle = await listen(async (req, res, body) => {
    if (state.override && (await state.override(req, res, body))) return;
    const url = new URL(req.url!, "http://x");
    if (url.pathname === "/api/oauth2/token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      let pair;
      if (form.get("grant_type") === "Password") {
        if (form.get("Username") !== AZ_USER || form.get("Password") !== AZ_PASSWORD)
          return send(res, 400, "application/problem+json", problem(400, "Invalid grant"));
        pair = tokens.issue("password");
      } else if (form.get("grant_type") === "Refresh_token") {
        if (!tokens.spend(form.get("refresh_token")))
          return send(res, 400, "application/problem+json", problem(400, "Invalid refresh token"));
        pair = tokens.issue("refresh");
      } else return send(res, 400, "application/problem+json", problem(400, "Unsupported grant"));
      return send(res, 200, "application/json", {
        access_token: pair.access,
        refresh_token: pair.refresh,
        token_type: "bearer",
        expires_in: state.expiresIn,
      });
    }
    const token = tokens.bearer(req);
    if (!token)
      return send(res, 401, "application/problem+json", problem(401, "Unauthorized"), { "www-authenticate": "Bearer" });
    if (url.pathname === "/api/oauth2/token" && req.method === "DELETE") {
      tokens.revoke(token);
      res.writeHead(204).end();
      return;
    }
    const m = /^\/api\/v1\/jobSessions(?:\/([^/]+))?(\/log|\/stop)?$/.exec(url.pathname);
    if (!m) return send(res, 404, "application/problem+json", problem(404, "Not found"));
    if (!m[1]) {
      const offset = Number(url.searchParams.get("Offset") ?? 0);
      const limit = Number(url.searchParams.get("Limit") ?? 30);
      const statuses = url.searchParams.getAll("Status");
      const all = statuses.length ? state.sessions.filter((s) => statuses.includes(String(s.status))) : state.sessions;
      return send(res, 200, "application/json", {
        offset,
        limit,
        totalCount: all.length,
        _links: {},
        results: all.slice(offset, offset + limit),
      });
    }
    const session = state.sessions.find((s) => s.id === m[1]) ?? (m[1] === "39" ? seed : undefined);
    if (!session) return send(res, 404, "application/problem+json", problem(404, "Job session not found"));
    if (m[2] === "/stop" && req.method === "POST") {
      res.writeHead(204).end();
      return;
    }
    if (m[2] === "/log") return send(res, 200, "application/json", example(doc, "JobSessionLog"));
    return send(res, 200, "application/json", session);
  });
  return Object.defineProperties(handle, {
    grants: { value: tokens.grants },
    sessions: { value: state.sessions },
    expiresIn: { get: () => state.expiresIn, set: (v: number) => (state.expiresIn = v) },
    revokeAccess: { value: tokens.revokeAccess },
    revokeRefresh: { value: tokens.revokeRefresh },
    override: { get: () => state.override, set: (fn: Override | undefined) => (state.override = fn) },
  }) as FakeAzure;
}

export const VBR_USER = "TECH\\svc-vbr-monitor";
export const VBR_PASSWORD = "Vbr-Secret-p4ss!";

export interface FakeBackupReplication extends Handle {
  grants: { password: number; refresh: number };
  /** The sessions `/api/v1/sessions` pages through (copies of the spec's example). */
  sessions: Array<Record<string, unknown>>;
  expiresIn: number;
  revokeAccess(): void;
  revokeRefresh(): void;
  override?: Override;
}

/**
 * A fake Veeam Backup & Replication REST API: requires `x-api-version` on every request (the
 * token request too), password and refresh grants (lowercase, as Veeam's guide writes them),
 * bearer tokens, skip/limit paging with `pagination.total`, and `Error` bodies.
 */
export async function startBackupReplication(sessionCount = 0): Promise<FakeBackupReplication> {
  const doc = loadSpec("backup-replication");
  const first = (example(doc, "SessionsResult") as { data: Array<Record<string, unknown>> }).data[0]!;
  const error = (errorCode: string, message: string, resourceId?: string) => ({ errorCode, message, resourceId });
  const tokens = oauthTokens("vbr-", "eyJhbGciOiJSUzUxMiJ9");
  const state = {
    sessions: Array.from({ length: sessionCount }, (_, i) => ({
      ...first,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      name: `Backup Job ${i}`,
      result: { result: i % 5 === 0 ? "Failed" : "Success", message: "", isCanceled: false },
    })) as Array<Record<string, unknown>>,
    expiresIn: 900,
    override: undefined as Override | undefined,
  };
  const handle = await listen(async (req, res, body) => {
    if (state.override && (await state.override(req, res, body))) return;
    const url = new URL(req.url!, "http://x");
    if (!/^\d+\.\d+-rev\d+$/.test(String(req.headers["x-api-version"] ?? "")))
      return send(res, 400, "application/json", error("UnexpectedContent", "The x-api-version header is missing."));
    if (url.pathname === "/api/oauth2/token" && req.method === "POST") {
      const form = new URLSearchParams(body);
      let pair;
      if (form.get("grant_type") === "password") {
        if (form.get("username") !== VBR_USER || form.get("password") !== VBR_PASSWORD)
          return send(res, 401, "application/json", error("AccessDenied", "Invalid user name or password."));
        pair = tokens.issue("password");
      } else if (form.get("grant_type") === "refresh_token") {
        if (!tokens.spend(form.get("refresh_token")))
          return send(res, 400, "application/json", error("InvalidToken", "The refresh token is invalid."));
        pair = tokens.issue("refresh");
      } else return send(res, 400, "application/json", error("UnexpectedContent", "Unsupported grant type."));
      return send(res, 200, "application/json", {
        access_token: pair.access,
        token_type: "bearer",
        refresh_token: pair.refresh,
        expires_in: state.expiresIn,
        ".issued": "2026-11-29T10:00:00",
        ".expires": "2026-11-29T10:15:00",
      });
    }
    const token = tokens.bearer(req);
    if (!token)
      return send(res, 401, "application/json", error("ExpiredToken", "Unauthorized. The access token expired."));
    if (url.pathname === "/api/oauth2/logout" && req.method === "POST") {
      tokens.revoke(token);
      return send(res, 200, "application/json", {});
    }
    if (url.pathname === "/api/v1/sessions" && req.method === "GET") {
      const skip = Number(url.searchParams.get("skip") ?? 0);
      const limit = Number(url.searchParams.get("limit") ?? 200);
      const results = url.searchParams.getAll("resultFilter");
      const all = results.length
        ? state.sessions.filter((s) => results.includes(String((s.result as { result: string }).result)))
        : state.sessions;
      const data = all.slice(skip, skip + limit);
      return send(res, 200, "application/json", {
        data,
        pagination: { total: all.length, count: data.length, skip, limit },
      });
    }
    const m = /^\/api\/v1\/(sessions|taskSessions)\/([^/]+)(\/logs|\/stop|\/taskSessions)?$/.exec(url.pathname);
    if (!m) return send(res, 404, "application/json", error("NotFound", "Resource does not exist"));
    const [, kind, id, sub] = m;
    if (kind === "sessions") {
      const session = state.sessions.find((s) => s.id === id) ?? (id === first.id ? first : undefined);
      if (!session) return send(res, 404, "application/json", error("NotFound", `Session ${id} was not found.`, id));
      if (sub === "/stop" && req.method === "POST") return send(res, 200, "application/json", {});
      if (sub === "/logs") return send(res, 200, "application/json", example(doc, "SessionLogResult"));
      if (sub === "/taskSessions")
        return send(res, 200, "application/json", example(doc, "TaskSessionsOfFailedSession"));
      return send(res, 200, "application/json", session);
    }
    if (sub === "/logs") return send(res, 200, "application/json", example(doc, "TaskSessionLogResultFailed"));
    return send(res, 200, "application/json", example(doc, "TaskSessionModelFailed"));
  });
  return Object.defineProperties(handle, {
    grants: { value: tokens.grants },
    sessions: { value: state.sessions },
    expiresIn: { get: () => state.expiresIn, set: (v: number) => (state.expiresIn = v) },
    revokeAccess: { value: tokens.revokeAccess },
    revokeRefresh: { value: tokens.revokeRefresh },
    override: { get: () => state.override, set: (fn: Override | undefined) => (state.override = fn) },
  }) as FakeBackupReplication;
}

/**
 * Starts a fake EM and a fake Azure server for the test file (beforeAll) and stops them
 * (afterAll). Read them through the returned object once the tests run.
 */
export function bothServersForThisFile(azureSessions: number): { em: FakeEnterpriseManager; az: FakeAzure } {
  const servers = {} as { em: FakeEnterpriseManager; az: FakeAzure };
  beforeAll(async () => {
    [servers.em, servers.az] = await Promise.all([startEnterpriseManager(), startBackupForAzure(azureSessions)]);
  });
  afterAll(async () => {
    await Promise.all([servers.em?.close(), servers.az?.close()]);
  });
  return servers;
}
