// The client against the real mock (Prism on the bundled Backup & Replication spec): every
// operation, with x-api-version and a bearer token; data equal to the spec's examples.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackupReplicationClient, unwrap, type BackupReplicationClient } from "@veeam-sessions/client";
import { startMock, type Exchange, type MockServer } from "../src/index.js";
import { errorExample, first, loadSpec, operations } from "./helpers.js";

const doc = loadSpec("backup-replication");
const ops = operations(doc);
const byId = (id: string) => ops.find((o) => o.operationId === id)!;
const json = (id: string) => first(byId(id).examples["application/json"]);
const SESSION = "c924ee2f-1197-4b37-8de3-009c1977f347";
const TASK = "b8f5a2c1-6d3e-4f7a-9b0c-1e2d3f4a5b6c";

let mock: MockServer;
let vbr: BackupReplicationClient;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  mock = await startMock({ api: "backup-replication", engine: "prism", port: 0, onExchange: (e) => exchanges.push(e) });
  vbr = createBackupReplicationClient({
    baseUrl: mock.url,
    auth: { username: "administrator", password: "Password1" },
  });
});
afterAll(() => mock?.stop());

describe("client", () => {
  it("base URL is the server root; the token comes from POST /api/oauth2/token", async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await vbr.logon();
    expect(vbr.grants).toEqual({ password: 1, refresh: 0 });
    expect(exchanges.at(-1)).toMatchObject({ method: "POST", url: "/api/oauth2/token", status: 200, violations: [] });
  });

  it("every read answers 200 with the first example and no contract violation", async () => {
    const id = { params: { path: { id: SESSION } } };
    const task = { params: { path: { id: TASK } } };
    const since = "2026-11-28T09:00:00Z";
    expect(
      unwrap(
        await vbr.GET("/api/v1/sessions", {
          params: { query: { createdAfterFilter: since, resultFilter: ["Failed"] } },
        }),
      ),
    ).toEqual(json("listSessions"));
    expect(unwrap(await vbr.GET("/api/v1/sessions/{id}", id))).toEqual(json("getSession"));
    expect(unwrap(await vbr.GET("/api/v1/sessions/{id}/logs", id))).toEqual(json("getSessionLogs"));
    expect(unwrap(await vbr.GET("/api/v1/sessions/{id}/taskSessions", id))).toEqual(json("listSessionTaskSessions"));
    expect(unwrap(await vbr.GET("/api/v1/taskSessions", { params: { query: { resultFilter: "Failed" } } }))).toEqual(
      json("listTaskSessions"),
    );
    expect(unwrap(await vbr.GET("/api/v1/taskSessions/{id}", task))).toEqual(json("getTaskSession"));
    expect(unwrap(await vbr.GET("/api/v1/taskSessions/{id}/logs", task))).toEqual(json("getTaskSessionLogs"));
    expect(unwrap(await vbr.POST("/api/v1/sessions/{id}/stop", id))).toEqual({});
    const reads = exchanges.filter((e) => e.url.startsWith("/api/v1/"));
    expect(reads.map((e) => e.status)).toEqual(Array(8).fill(200));
    expect(reads.flatMap((e) => e.violations)).toEqual([]);
  });

  it("paginate() moves skip by the items received (the mock keeps no state: one item per page)", async () => {
    const before = exchanges.length;
    const seen = [];
    for await (const s of vbr.paginate("/api/v1/sessions", { pageSize: 50 })) if (seen.push(s) === 3) break;
    const skips = exchanges.slice(before).map((e) => new URL(e.url, "http://x").searchParams.get("skip"));
    expect(skips).toEqual(["0", "1", "2"]);
  });

  it("Prefer: code=404 → the Error example", async () => {
    const { error, response } = await vbr.GET("/api/v1/sessions/{id}", {
      params: { path: { id: SESSION } },
      headers: { Prefer: "code=404" },
    });
    expect(response.status).toBe(404);
    expect(error).toEqual(errorExample(doc, "/api/v1/sessions/{id}", "GET", 404)["application/json"]);
  });

  it("createAuthorizationCode (1.1-rev0 … 1.2-rev1): POST /api/oauth2/authorization_code → 200, the example's code", async () => {
    const code = unwrap(await vbr.POST("/api/oauth2/authorization_code", {}));
    expect(code).toEqual(json("createAuthorizationCode"));
    expect(exchanges.at(-1)).toMatchObject({
      method: "POST",
      url: "/api/oauth2/authorization_code",
      status: 200,
      violations: [],
    });
  });

  it("logOut: logout() → POST /api/oauth2/logout → 200", async () => {
    await vbr.logout();
    expect(exchanges.at(-1)).toMatchObject({ method: "POST", url: "/api/oauth2/logout", status: 200 });
  });
});

describe("raw", () => {
  it("no bearer token → 401; no x-api-version → refused as a bad request", async () => {
    const noToken = await fetch(`${mock.url}/api/v1/sessions`, { headers: { "x-api-version": "1.3-rev1" } });
    expect(noToken.status).toBe(401);
    const noVersion = await fetch(`${mock.url}/api/v1/sessions`, { headers: { authorization: "Bearer t" } });
    expect(noVersion.status).toBeGreaterThanOrEqual(400);
    expect(noVersion.status).toBeLessThan(500);
  });

  it("every operation was exercised", () => {
    const hit = new Set(
      exchanges.map(
        (e) => `${e.method} ${e.url.split("?")[0]!.replace(/\/(sessions|taskSessions)\/[0-9a-f-]{36}/, "/$1/{id}")}`,
      ),
    );
    for (const op of ops) expect(hit, op.operationId).toContain(`${op.method} ${op.path}`);
  });
});
