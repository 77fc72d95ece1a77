// The client against the real mock (Prism on the bundled Backup for Azure spec): every
// operation, status, headers, data equal to the spec's example; the unversioned token endpoint.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBackupForAzureClient, paginate, type BackupForAzureClient } from "@veeam-sessions/client";
import { startMock, type Exchange, type MockServer } from "../src/index.js";
import { errorExample, first, loadSpec, operations } from "./helpers.js";

const doc = loadSpec("backup-for-azure");
const ops = operations(doc);
const byId = (id: string) => ops.find((o) => o.operationId === id)!;
const TOKEN = (first(byId("createToken").examples["application/json"]) as { access_token: string }).access_token;

let mock: MockServer;
let az: BackupForAzureClient;
const exchanges: Exchange[] = [];

beforeAll(async () => {
  mock = await startMock({ api: "backup-for-azure", engine: "prism", port: 0, onExchange: (e) => exchanges.push(e) });
  az = createBackupForAzureClient({ baseUrl: mock.url, auth: { username: "admin", password: "secret-pw" } });
});
afterAll(() => mock?.stop());

describe("client", () => {
  it("base URL is /api/v1; the token goes to /api/oauth2/token", async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    await az.logon();
    expect(az.grants).toEqual({ password: 1, refresh: 0 });
    expect(exchanges.find((e) => e.method === "POST")).toMatchObject({
      url: "/api/oauth2/token",
      status: 200,
      mediaType: "application/json",
    });
  });

  it("listJobSessions: GET /jobSessions → 200, the page example", async () => {
    const { data, response } = await az.GET("/jobSessions", {
      params: { query: { Offset: 0, Limit: 4, Status: ["Error", "Warning"] } },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(data).toEqual(first(byId("listJobSessions").examples["application/json"]));
  });

  it("getJobSession: GET /jobSessions/{sessionId} → 200, the first example; Prefer: example=running the other", async () => {
    const op = byId("getJobSession");
    const seed = await az.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: "39" } } });
    expect(seed.response.status).toBe(200);
    expect(seed.data).toEqual(first(op.examples["application/json"]));
    const running = await az.GET("/jobSessions/{sessionId}", {
      params: { path: { sessionId: "42" } },
      headers: { Prefer: "example=running" },
    });
    expect(running.data).toEqual(op.examples["application/json"]!.running);
  });

  it("getJobSessionLog: GET /jobSessions/{sessionId}/log → 200, the log example", async () => {
    const { data, response } = await az.GET("/jobSessions/{sessionId}/log", { params: { path: { sessionId: "39" } } });
    expect(response.status).toBe(200);
    expect(data).toEqual(first(byId("getJobSessionLog").examples["application/json"]));
  });

  it("stopJobSession: POST /jobSessions/{sessionId}/stop → 200 in v1 (204 from v2: see versions)", async () => {
    const { data, response } = await az.POST("/jobSessions/{sessionId}/stop", {
      params: { path: { sessionId: "42" } },
    });
    expect(response.status).toBe(200);
    expect(data).toBeUndefined();
  });

  it("Prefer: code=404 → the problem+json example", async () => {
    const { error, response } = await az.GET("/jobSessions/{sessionId}", {
      params: { path: { sessionId: "9" } },
      headers: { Prefer: "code=404" },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(error).toEqual(errorExample(doc, "/jobSessions/{sessionId}", "GET", 404)["application/problem+json"]);
  });

  it("paginate() follows totalCount over the same example page (the mock keeps no state)", async () => {
    const page = first(byId("listJobSessions").examples["application/json"]) as {
      totalCount: number;
      results: unknown[];
    };
    const seen = [];
    for await (const s of paginate(az, "/jobSessions", { pageSize: 4 })) seen.push(s);
    expect(seen).toHaveLength(Math.ceil(page.totalCount / page.results.length) * page.results.length);
  });

  it("revokeToken: logout() → DELETE /api/oauth2/token → 204", async () => {
    await az.logout();
    expect(exchanges.at(-1)).toMatchObject({ method: "DELETE", url: "/api/oauth2/token", status: 204 });
  });
});

const VERSIONS = (doc.servers as { variables: { version: { enum: string[] } } }[])[0]!.variables.version.enum;
const LISTS = ops.filter((o) => o.method === "GET" && /^\/jobSessions\/\{sessionId\}\/(?!log$)/.test(o.path));

describe("versions", () => {
  it("the spec's versions are v1 … v8.1", () => {
    expect(VERSIONS).toEqual(["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v8.1"]);
  });

  it.each(VERSIONS)("%s: list → get → log → stop (stop 200 in v1, 204 from v2)", async (version) => {
    const client = createBackupForAzureClient({
      baseUrl: `${mock.origin}/api/${version}`,
      auth: { username: "admin", password: "secret-pw" },
    });
    const page = await client.GET("/jobSessions", { params: { query: { Limit: 4 } } });
    expect(page.response.status).toBe(200);
    expect(page.data).toEqual(first(byId("listJobSessions").examples["application/json"]));
    const id = page.data!.results[0]!.id;
    expect(
      (await client.GET("/jobSessions/{sessionId}", { params: { path: { sessionId: id } } })).response.status,
    ).toBe(200);
    const log = await client.GET("/jobSessions/{sessionId}/log", { params: { path: { sessionId: id } } });
    expect(log.data).toEqual(first(byId("getJobSessionLog").examples["application/json"]));
    const stop = await client.POST("/jobSessions/{sessionId}/stop", { params: { path: { sessionId: id } } });
    expect(stop.response.status).toBe(version === "v1" ? 200 : 204);
    expect(exchanges.at(-1)).toMatchObject({ url: `/api/${version}/jobSessions/${id}/stop`, violations: [] });
  });

  it("a version the API does not have is a 404", async () => {
    const response = await fetch(`${mock.origin}/api/v9/jobSessions`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(404);
  });

  it.each(LISTS.map((o) => [o.operationId, o] as const))(
    "%s: served from its x-since version on, paged by paginate(); 404 before it",
    async (_id, op) => {
      expect(op.since, `${op.operationId} has x-since`).toBeDefined();
      const since = VERSIONS.indexOf(op.since!);
      expect(since).toBeGreaterThanOrEqual(0);
      const client = createBackupForAzureClient({
        baseUrl: `${mock.origin}/api/${op.since}`,
        auth: { username: "admin", password: "secret-pw" },
      });
      const page = first(op.examples["application/json"]) as { totalCount: number; results: unknown[] };
      const seen: unknown[] = [];
      const path = { sessionId: "a1c3b4cb-29d4-4615-b4d8-d1e1b7f3bf55" };
      for await (const item of paginate(client, op.path as "/jobSessions/{sessionId}/protectedItems", { path })) {
        seen.push(item);
      }
      expect(seen).toEqual(page.results);
      const url = `/api/${op.since}${op.path.replace("{sessionId}", path.sessionId)}`;
      expect(exchanges.find((e) => e.url.startsWith(url))).toMatchObject({ status: 200, violations: [] });
      for (const version of VERSIONS) {
        const response = await fetch(`${mock.origin}/api/${version}${op.path.replace("{sessionId}", "1")}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(response.status, `${op.operationId} at ${version}`).toBe(VERSIONS.indexOf(version) < since ? 404 : 200);
      }
    },
  );

  it("exportJobSessions: POST /jobSessions/export → 200 CSV", async () => {
    const { data, response } = await az.POST("/jobSessions/export", {
      body: { status: ["Error"] },
      headers: { Accept: "text/csv" },
      parseAs: "text",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(data).toMatch(/^Id,Type,Status/);
  });
});

describe("raw", () => {
  it.each([
    ["Veeam's v1 spelling", "grant_type=Password&Username=admin&Password=pw"],
    ["Veeam's v8.1 spelling", "grant_type=Password&username=admin&password=pw&short_lived_refresh_token=true"],
    ["the refresh grant", "grant_type=Refresh_token&refresh_token=r"],
    ["the MFA grant", "grant_type=Mfa&mfa_token=t&mfa_code=123456"],
    ["the SSO grant (v8.1)", "grant_type=SsoToken&sso_token=t"],
  ])("createToken accepts %s", async (_what, body) => {
    const response = await fetch(`${mock.origin}/api/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(response.status).toBe(200);
    expect(exchanges.at(-1)).toMatchObject({ url: "/api/oauth2/token", status: 200, violations: [] });
  });

  it("createToken refuses a password grant without a password → 400", async () => {
    const response = await fetch(`${mock.origin}/api/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=Password&username=admin",
    });
    expect(response.status).toBe(400);
  });

  it("createToken: POST /api/oauth2/token (form) → 200, the token example", async () => {
    const response = await fetch(`${mock.origin}/api/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=Password&Username=admin&Password=pw",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(first(byId("createToken").examples["application/json"]));
  });

  it("no bearer token → 401 problem+json with WWW-Authenticate", async () => {
    const response = await fetch(`${mock.url}/jobSessions`);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await response.json()).toEqual(errorExample(doc, "/jobSessions", "GET", 401)["application/problem+json"]);
  });

  it("revokeToken without a token → 401", async () => {
    const response = await fetch(`${mock.origin}/api/oauth2/token`, { method: "DELETE" });
    expect(response.status).toBe(401);
  });

  it("any bearer token is accepted; the versioned token path does not exist", async () => {
    expect((await fetch(`${mock.url}/jobSessions`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
      200,
    );
    expect((await fetch(`${mock.url}/oauth2/token`, { method: "POST" })).status).toBe(404);
  });

  it("every operation was exercised", () => {
    const hit = new Set(
      exchanges.map(
        (e) =>
          `${e.method} ${e.url.split("?")[0]!.replace(/\/jobSessions\/(?!export$)[^/]+/, "/jobSessions/{sessionId}")}`,
      ),
    );
    for (const op of ops) {
      const prefix = op.path === "/oauth2/token" ? "/api" : `/api/${op.since ?? "v1"}`;
      expect(hit, op.operationId).toContain(`${op.method} ${prefix}${op.path}`);
    }
  });
});
