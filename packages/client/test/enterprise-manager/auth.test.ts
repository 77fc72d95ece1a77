import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEnterpriseManagerClient, VeeamApiError } from "../../src/index.js";
import { EM_PASSWORD, EM_USER, startEnterpriseManager, type FakeEnterpriseManager } from "../helpers/servers.js";

let em: FakeEnterpriseManager;
beforeAll(async () => {
  em = await startEnterpriseManager();
});
afterAll(() => em.close());
beforeEach(() => {
  em.requests.length = 0;
  em.override = undefined;
});

const client = (extra: object = {}) =>
  createEnterpriseManagerClient({
    baseUrl: `${em.url}/api`,
    auth: { username: EM_USER, password: EM_PASSWORD },
    ...extra,
  });

describe("Enterprise Manager logon", () => {
  it("logs on lazily with Basic credentials and sends the session id on every call", async () => {
    const c = client();
    expect(em.requests).toHaveLength(0);
    const { data } = await c.GET("/backupSessions/{ID}", {
      params: { path: { ID: "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6" }, query: { format: "Entity" } },
    });
    expect(data).toMatchObject({ JobName: "Backup Job 3" });
    await c.GET("/replicaSessions");
    const [logon, first, second] = em.requests;
    expect(logon).toMatchObject({ method: "POST", url: "/api/sessionMngr/?v=latest" });
    expect(logon!.headers.authorization).toBe(`Basic ${Buffer.from(`${EM_USER}:${EM_PASSWORD}`).toString("base64")}`);
    const sid = first!.headers["x-restsvcsessionid"];
    expect(em.sessions.has(String(sid))).toBe(true);
    expect(second!.headers["x-restsvcsessionid"]).toBe(sid);
    expect(first!.headers.authorization).toBeUndefined();
    expect(c.logons).toBe(1);
  });

  it("does not log on for the entry point", async () => {
    const c = client();
    const { data } = await c.GET("/");
    expect(data?.SupportedVersions?.SupportedVersions.map((v) => v.Name)).toEqual(["v1_5", "v1_6", "v1_7"]);
    expect(em.requests.map((r) => r.url)).toEqual(["/api/"]);
  });

  it("50 concurrent calls across an expired session: exactly 1 logon and 50 successes", async () => {
    const c = client();
    await c.logon();
    const before = em.logons;
    em.expireSessions();
    em.requests.length = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        c.GET("/replicaSessions/{ID}", { params: { path: { ID: "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b" } } }),
      ),
    );
    expect(em.logons - before).toBe(1);
    expect(results.filter((r) => r.response.status === 200 && r.data?.Name)).toHaveLength(50);
    expect(em.requests.filter((r) => r.url.startsWith("/api/sessionMngr/"))).toHaveLength(1);
  });

  it("a second 401 right after logging on again is a VeeamApiError of kind auth", async () => {
    const c = client();
    await c.logon();
    em.override = (req, res) => {
      if (req.url?.startsWith("/api/replicaSessions")) {
        res.writeHead(401, { "content-type": "application/json" }).end('{"Message":"no","StatusCode":401}');
        return true;
      }
      return false;
    };
    const error = await c.GET("/replicaSessions").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VeeamApiError);
    expect(error).toMatchObject({ kind: "auth", status: 401, method: "GET", operationId: "listReplicaSessions" });
    expect(em.requests.filter((r) => r.url.startsWith("/api/replicaSessions"))).toHaveLength(2);
  });

  it("bad credentials: a typed auth error that names the user, never the password", async () => {
    const c = createEnterpriseManagerClient({
      baseUrl: `${em.url}/api`,
      auth: { username: EM_USER, password: "wrong-password-123" },
    });
    const error = (await c.GET("/replicaSessions").catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toBeInstanceOf(VeeamApiError);
    expect(error).toMatchObject({ kind: "auth", status: 401, operationId: "logOn" });
    expect(error.message).toContain("svc-monitoring");
    const everything = `${error.message} ${error.stack} ${JSON.stringify(error)} ${error.raw}`;
    expect(everything).not.toContain("wrong-password-123");
    expect(everything).not.toContain(Buffer.from(`${EM_USER}:wrong-password-123`).toString("base64"));
  });

  it("with only a session id, a refused session is a clear error (no re-logon possible)", async () => {
    const c = createEnterpriseManagerClient({
      baseUrl: `${em.url}/api`,
      auth: { sessionId: "bm90LWEtcmVhbC1zZXNzaW9u" },
    });
    const error = (await c.GET("/replicaSessions").catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toMatchObject({ kind: "auth", status: 401 });
    expect(error.message).toMatch(/no credentials/);
    expect(`${error.message}${JSON.stringify(error)}`).not.toContain("bm90LWEtcmVhbC1zZXNzaW9u");
    expect(em.requests.some((r) => r.url.includes("sessionMngr"))).toBe(false);
  });

  it("logout deletes the logon session; the next call logs on again", async () => {
    const c = client();
    await c.logon();
    const [sid] = [...em.sessions].slice(-1);
    await c.logout();
    const del = em.requests.find((r) => r.method === "DELETE")!;
    // The GUID from the logon answer's SessionId, never a decoding of the header token.
    expect(del.url).toBe(`/api/logonSessions/${em.guids.get(sid!)}`);
    expect(del.url).toMatch(/\/logonSessions\/15a3fc97-0325-4119-b789-\d{12}$/);
    expect(del.url).not.toContain(Buffer.from(sid!, "base64").toString("hex"));
    expect(em.sessions.has(sid!)).toBe(false);
    await c.GET("/replicaSessions");
    expect(c.logons).toBe(2);
  });
});
