// Scenario 6: an early refresh that meets a 5xx keeps the still-valid token; an expires_in
// that is missing, zero, negative or not a number does not cause a grant per call.
import { describe, expect, it } from "vitest";
import { createBackupForAzureClient } from "../../src/index.js";
import { json, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();
const list = { offset: 0, limit: 30, totalCount: 0, _links: {}, results: [] };

describe("Azure token refresh", () => {
  it("a 5xx on the early refresh keeps using the still-valid token, and retries later", async () => {
    let grants = 0;
    let failRefresh = true;
    s.home.handle = (req, res, body) => {
      if (req.url === "/api/oauth2/token") {
        if (body.includes("Refresh_token") && failRefresh)
          return json(res, 503, { type: "about:blank", title: "Unavailable", status: 503 });
        return json(res, 200, tokenAnswer(++grants, 3600));
      }
      json(res, 200, list);
    };
    let now = 1_000_000;
    const c = createBackupForAzureClient({
      baseUrl: `${s.home.url}/api/v1`,
      auth: { username: "u", password: "Az-Secret-p4ss" },
      now: () => now,
    });
    await c.logon();
    now += 3570_000; // 30 s before expiry: inside the 60 s skew
    for (let i = 0; i < 5; i++) expect((await c.GET("/jobSessions")).response.status).toBe(200);
    const calls = s.home.seen.filter((r) => r.url === "/api/v1/jobSessions");
    expect(calls.every((r) => r.headers.authorization === "Bearer access-1-eyJhbGciOiJIUzI1NiJ9")).toBe(true);
    // One refresh attempt, not one per call.
    expect(s.home.seen.filter((r) => r.body.includes("Refresh_token"))).toHaveLength(1);
    failRefresh = false;
    now += 6_000; // past the retry pause, still before expiry
    await c.GET("/jobSessions");
    expect(c.grants).toEqual({ password: 1, refresh: 1 });
    expect(s.home.seen.at(-1)!.headers.authorization).toBe("Bearer access-2-eyJhbGciOiJIUzI1NiJ9");
  });

  it("a 5xx once the token has expired is an error, not the old token", async () => {
    let grants = 0;
    s.home.handle = (req, res, body) => {
      if (req.url === "/api/oauth2/token") {
        if (body.includes("Refresh_token") || grants > 0) return json(res, 503, { title: "Unavailable", status: 503 });
        return json(res, 200, tokenAnswer(++grants, 3600));
      }
      json(res, 200, list);
    };
    let now = 1_000_000;
    const c = createBackupForAzureClient({
      baseUrl: `${s.home.url}/api/v1`,
      auth: { username: "u", password: "Az-Secret-p4ss" },
      now: () => now,
    });
    await c.logon();
    now += 3601_000;
    await expect(c.GET("/jobSessions")).rejects.toMatchObject({ kind: "auth", status: 503 });
  });

  for (const expiresIn of [undefined, 0, -5, "soon", null, 30]) {
    it(`expires_in ${JSON.stringify(expiresIn)}: no grant per call`, async () => {
      let grants = 0;
      s.home.handle = (req, res) => {
        if (req.url === "/api/oauth2/token") {
          const answer = tokenAnswer(++grants, expiresIn);
          if (expiresIn === undefined) delete answer.expires_in;
          return json(res, 200, answer);
        }
        json(res, 200, list);
      };
      const c = createBackupForAzureClient({
        baseUrl: `${s.home.url}/api/v1`,
        auth: { username: "u", password: "Az-Secret-p4ss" },
      });
      for (let i = 0; i < 10; i++) await c.GET("/jobSessions");
      expect(grants).toBe(1);
    });
  }
});
