import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createBackupReplicationClient,
  errorOf,
  recordTo,
  unwrap,
  VBR_API_VERSION,
  VeeamApiError,
  type BackupReplicationClientOptions,
} from "../../src/index.js";
import { startBackupReplication, VBR_PASSWORD, VBR_USER, type FakeBackupReplication } from "../helpers/servers.js";

let vbr: FakeBackupReplication;
beforeAll(async () => {
  vbr = await startBackupReplication(25);
});
afterAll(() => vbr.close());
beforeEach(() => {
  vbr.requests.length = 0;
  vbr.expiresIn = 900;
  vbr.override = undefined;
});

function client(extra: Partial<BackupReplicationClientOptions> = {}) {
  return createBackupReplicationClient({
    baseUrl: `${vbr.url}/`,
    auth: { username: VBR_USER, password: VBR_PASSWORD },
    ...extra,
  });
}
const SESSION = "c924ee2f-1197-4b37-8de3-009c1977f347";

describe("Backup & Replication tokens and the version header", () => {
  it("gets a token with the lowercase password grant, then sends it as a bearer token", async () => {
    const c = client();
    const session = unwrap(await c.GET("/api/v1/sessions/{id}", { params: { path: { id: SESSION } } }));
    expect(session).toMatchObject({ id: SESSION, name: "Backup Job 1", sessionType: "BackupJob" });
    const [grant, call] = vbr.requests;
    expect(grant).toMatchObject({ method: "POST", url: "/api/oauth2/token" });
    expect(Object.fromEntries(new URLSearchParams(grant!.body))).toEqual({
      grant_type: "password",
      username: VBR_USER,
      password: VBR_PASSWORD,
    });
    expect(grant!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(call!.headers.authorization).toMatch(/^Bearer vbr-access-\d+-/);
    expect(c.grants).toEqual({ password: 1, refresh: 0 });
  });

  it("sends x-api-version (default 1.3-rev1) on every request: token, calls and logout", async () => {
    const c = client();
    expect(c.apiVersion).toBe(VBR_API_VERSION);
    await c.GET("/api/v1/sessions", { params: { query: { limit: 1 } } });
    await c.POST("/api/v1/sessions/{id}/stop", { params: { path: { id: SESSION } } });
    await c.logout();
    expect(vbr.requests.map((r) => `${r.method} ${r.url.split("?")[0]} ${String(r.headers["x-api-version"])}`)).toEqual(
      [
        "POST /api/oauth2/token 1.3-rev1",
        "GET /api/v1/sessions 1.3-rev1",
        "POST /api/v1/sessions/c924ee2f-1197-4b37-8de3-009c1977f347/stop 1.3-rev1",
        "POST /api/oauth2/logout 1.3-rev1",
      ],
    );
  });

  it("apiVersion chooses the revision; one call may override it; a malformed one is refused at once", async () => {
    const c = client({ apiVersion: "1.2-rev1" });
    await c.GET("/api/v1/sessions");
    await c.GET("/api/v1/sessions", { params: { header: { "x-api-version": "1.1-rev0" } } });
    expect(vbr.requests.map((r) => r.headers["x-api-version"])).toEqual(["1.2-rev1", "1.2-rev1", "1.1-rev0"]);
    expect(() => client({ apiVersion: "v1.3" })).toThrow(/1\.3-rev1/);
  });

  it("refreshes before expiry with one refresh_token grant for 20 concurrent callers", async () => {
    let clock = 1_000_000;
    const c = client({ now: () => clock });
    vbr.expiresIn = 120;
    await c.logon();
    clock += 70_000; // 50 s left: inside the 60 s skew
    const results = await Promise.all(Array.from({ length: 20 }, () => c.GET("/api/v1/sessions")));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(c.grants).toEqual({ password: 1, refresh: 1 });
    const refresh = vbr.requests.filter((r) => new URLSearchParams(r.body).get("grant_type") === "refresh_token");
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.headers["x-api-version"]).toBe("1.3-rev1");
  });

  it("a 401 (token expired on the server) is renewed once for all concurrent callers and the calls retried", async () => {
    const c = client();
    await c.logon();
    vbr.revokeAccess();
    vbr.requests.length = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => c.GET("/api/v1/sessions")));
    expect(results.map((r) => r.response.status)).toEqual(Array(10).fill(200));
    expect(vbr.requests.filter((r) => r.url === "/api/oauth2/token")).toHaveLength(1);
  });

  it("falls back to the password grant when the refresh token is refused", async () => {
    let clock = 5_000_000;
    const c = client({ now: () => clock });
    vbr.expiresIn = 60;
    await c.logon();
    vbr.revokeRefresh();
    clock += 61_000;
    expect((await c.GET("/api/v1/sessions")).response.status).toBe(200);
    const grants = vbr.requests
      .filter((r) => r.url === "/api/oauth2/token")
      .map((r) => new URLSearchParams(r.body).get("grant_type"));
    expect(grants).toEqual(["password", "refresh_token", "password"]);
  });

  it("a refused password is an auth error that names the operation and never holds the password", async () => {
    const c = createBackupReplicationClient({ baseUrl: vbr.url, auth: { username: VBR_USER, password: "wrong-Pa55" } });
    const error = await c.GET("/api/v1/sessions").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VeeamApiError);
    expect(error).toMatchObject({ kind: "auth", status: 401, operationId: "createAccessToken" });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain("wrong-Pa55");
  });

  it("a second 401 right after renewing is an auth error, not a loop", async () => {
    const c = client();
    await c.logon();
    vbr.override = (req, res) => {
      if (req.url!.startsWith("/api/v1/")) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"errorCode":"AccessDenied","message":"no"}');
        return true;
      }
      return false;
    };
    const error = await c.GET("/api/v1/taskSessions").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", status: 401, operationId: "listTaskSessions" });
  });
});

describe("Backup & Replication calls", () => {
  it("an Error body (404) becomes a typed result; unwrap throws a VeeamApiError with errorCode and message", async () => {
    const c = client();
    const result = await c.GET("/api/v1/sessions/{id}", {
      params: { path: { id: "99999999-9999-4999-8999-999999999999" } },
    });
    expect(result.response.status).toBe(404);
    expect(result.error).toEqual({
      errorCode: "NotFound",
      message: "Session 99999999-9999-4999-8999-999999999999 was not found.",
      resourceId: "99999999-9999-4999-8999-999999999999",
    });
    const error = errorOf(result);
    expect(error).toMatchObject({ kind: "http", status: 404, operationId: "getSession" });
    expect(error.message).toContain("was not found");
    expect(() => unwrap(result)).toThrow(VeeamApiError);
  });

  it("task sessions and their logs come back typed", async () => {
    const c = client();
    const tasks = unwrap(await c.GET("/api/v1/sessions/{id}/taskSessions", { params: { path: { id: SESSION } } }));
    const failed = tasks.data.filter((t) => t.type !== "Antivirus" && t.result?.result === "Failed");
    expect(failed.map((t) => t.name)).toEqual(["winsrv100"]);
    const log = unwrap(await c.GET("/api/v1/taskSessions/{id}/logs", { params: { path: { id: failed[0]!.id } } }));
    expect(log.records?.[0]).toMatchObject({ status: "Failed" });
  });
});

describe("Backup & Replication paginate", () => {
  it("walks pages of 10, 10 and 5 with skip/limit and stops at pagination.total", async () => {
    const c = client();
    const ids: string[] = [];
    for await (const s of c.paginate("/api/v1/sessions", { pageSize: 10 })) ids.push(s.id);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    const pages = vbr.requests.filter((r) => r.url.startsWith("/api/v1/sessions?"));
    expect(pages.map((r) => new URL(r.url, "http://x").searchParams.get("skip"))).toEqual(["0", "10", "20"]);
  });

  it("passes filters (repeated array values) and the page size from query.limit", async () => {
    const c = client();
    const names: string[] = [];
    for await (const s of c.paginate("/api/v1/sessions", { query: { resultFilter: ["Failed"], limit: 2 } }))
      names.push(s.name);
    expect(names).toEqual(["Backup Job 0", "Backup Job 5", "Backup Job 10", "Backup Job 15", "Backup Job 20"]);
    const first = new URL(vbr.requests.find((r) => r.url.startsWith("/api/v1/sessions?"))!.url, "http://x");
    expect(first.searchParams.getAll("resultFilter")).toEqual(["Failed"]);
    expect(first.searchParams.get("limit")).toBe("2");
  });

  it("fills path parameters, stops when a server ignores skip (total reached), and honours the signal", async () => {
    const c = client();
    const tasks = [];
    for await (const t of c.paginate("/api/v1/sessions/{id}/taskSessions", { path: { id: SESSION } })) tasks.push(t);
    expect(tasks).toHaveLength(2);
    const controller = new AbortController();
    controller.abort();
    await expect(c.paginate("/api/v1/sessions", { signal: controller.signal }).next()).rejects.toThrow();
    await expect(c.paginate("/api/v1/sessions", { pageSize: 0 }).next()).rejects.toThrow(RangeError);
  });
});

describe("Backup & Replication recordTo", () => {
  it("records fixtures for api backup-replication without tokens or the password", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vbr-record-"));
    const c = client({ middleware: [recordTo(dir)] });
    await c.GET("/api/v1/sessions/{id}", { params: { path: { id: SESSION } } });
    const files = readdirSync(dir).sort();
    const meta = JSON.parse(
      readFileSync(
        join(
          dir,
          files.find((f) => f.endsWith(".meta.json"))!,
        ),
        "utf8",
      ),
    ) as object;
    expect(meta).toMatchObject({
      api: "backup-replication",
      method: "GET",
      path: "/api/v1/sessions/{id}",
      status: 200,
    });
    const all = files.map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
    expect(all).not.toMatch(/vbr-access-|vbr-refresh-|Vbr-Secret/);
  });
});
