// Issue 21, item 7.1: a path parameter stays in its own path segment. `.` and `..` (also written
// with %2e) would be removed by the URL parser, so `POST /backupSessions/{ID}` with `ID: ".."`
// would go out as `POST /api/?action=stop`: every client refuses them, with kind "usage",
// before anything (the logon included) is sent. `/`, `?` and `#` are sent encoded.
import { describe, expect, it } from "vitest";
import { createBackupForAzureClient, createBackupReplicationClient } from "../../src/index.js";
import { emClient, emLogon, json, rejection, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();

const em = (extra: object = {}) => emClient(s, extra);
const az = () =>
  createBackupForAzureClient({ baseUrl: `${s.home.url}/api/v1`, auth: { username: "u", password: "Az-Secret-p4ss" } });
const vbr = () =>
  createBackupReplicationClient({ baseUrl: s.home.url, auth: { username: "u", password: "Vbr-Secret-p4ss!" } });

/** Answers every logon and token grant, and 202 `{}` to anything else. */
function answerAll(): void {
  s.home.handle = (req, res) => {
    if (emLogon(req, res)) return;
    if (req.url === "/api/oauth2/token") return json(res, 200, tokenAnswer(1));
    json(res, 202, {});
  };
}

const stops: Record<string, (id: string) => Promise<unknown>> = {
  "Enterprise Manager": (ID) =>
    em().POST("/backupSessions/{ID}", { params: { path: { ID }, query: { action: "stop" } } }),
  "Backup for Azure": (sessionId) => az().POST("/jobSessions/{sessionId}/stop", { params: { path: { sessionId } } }),
  "Backup & Replication": (id) => vbr().POST("/api/v1/sessions/{id}/stop", { params: { path: { id } } }),
};

describe("path parameters that would leave their segment", () => {
  for (const [api, stop] of Object.entries(stops)) {
    for (const id of [".", "..", "%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2e.", ""]) {
      it(`${api}: ${JSON.stringify(id)} is a usage error and nothing is sent`, async () => {
        answerAll();
        const error = await rejection(stop(id));
        expect(error.kind).toBe("usage");
        expect(error.message).toContain("nothing was sent");
        expect(s.home.seen).toEqual([]);
      });
    }
  }

  it("EM: a missing path parameter is a usage error, not a request for `{ID}`", async () => {
    answerAll();
    const post = em().POST as unknown as (path: string, init: unknown) => Promise<unknown>;
    const error = await rejection(post("/backupSessions/{ID}", { params: { query: { action: "stop" } } }));
    expect(error.kind).toBe("usage");
    expect(s.home.seen).toEqual([]);
  });

  it("a caller's own path serializer that leaves / unencoded is refused too", async () => {
    answerAll();
    const c = em();
    const error = await rejection(
      c.GET("/backupSessions/{ID}", {
        params: { path: { ID: "x/../../logonSessions" } },
        pathSerializer: (url, params) => url.replace("{ID}", String(params.ID)),
      }),
    );
    expect(error.kind).toBe("usage");
    expect(s.home.seen).toEqual([]);
  });

  it("/, ? and # are sent encoded, inside the segment", async () => {
    answerAll();
    const c = em();
    await c.POST("/backupSessions/{ID}", { params: { path: { ID: "a/b?c#d" }, query: { action: "stop" } } });
    await az().POST("/jobSessions/{sessionId}/stop", { params: { path: { sessionId: "../x?y#z" } } });
    await vbr().POST("/api/v1/sessions/{id}/stop", { params: { path: { id: "a/../b" } } });
    const urls = s.home.seen
      .filter((r) => !r.url.includes("sessionMngr") && !r.url.includes("oauth2"))
      .map((r) => r.url);
    expect(urls).toEqual([
      "/api/backupSessions/a%2Fb%3Fc%23d?action=stop",
      "/api/v1/jobSessions/..%2Fx%3Fy%23z/stop",
      "/api/v1/sessions/a%2F..%2Fb/stop",
    ]);
  });

  it("an ordinary id is sent as is", async () => {
    answerAll();
    await em().POST("/backupSessions/{ID}", {
      params: { path: { ID: "urn:veeam:BackupJobSession:a057c2c3" }, query: { action: "stop" } },
    });
    expect(s.home.seen.at(-1)!.url).toBe("/api/backupSessions/urn%3Aveeam%3ABackupJobSession%3Aa057c2c3?action=stop");
  });
});
