// Scenario 1: credentials never follow a redirect to another origin.
import { describe, expect, it } from "vitest";
import { createBackupForAzureClient } from "../../src/index.js";
import { emClient, emLogon, json, rejection, SESSION_ID, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();
const em = (extra: object = {}) => emClient(s, extra);
const az = () =>
  createBackupForAzureClient({ baseUrl: `${s.home.url}/api/v1`, auth: { username: "u", password: "Az-Secret-p4ss" } });

describe("redirects", () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`EM call answered ${status} to another origin: refused, the session id is not sent there`, async () => {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        res.writeHead(status, { location: `${s.elsewhere.url}/steal?x=1` }).end();
      };
      s.elsewhere.handle = (_req, res) => json(res, 200, { Name: "stolen" });
      const error = await rejection(em().GET("/replicaSessions"));
      expect(error.kind).toBe("redirect");
      expect(error.message).toContain(s.elsewhere.host);
      expect(error.message).not.toContain(SESSION_ID);
      expect(s.elsewhere.seen).toHaveLength(0);
    });
  }

  it("EM logon answered 307 to another origin: the Basic credentials are not re-sent", async () => {
    s.home.handle = (_req, res) => void res.writeHead(307, { location: `${s.elsewhere.url}/api/sessionMngr/` }).end();
    s.elsewhere.handle = (req, res) => void emLogon(req, res);
    const error = await rejection(em().logon());
    expect(error.kind).toBe("redirect");
    expect(error.message).toContain(s.elsewhere.host);
    expect(s.elsewhere.seen).toHaveLength(0);
  });

  it("Azure token endpoint answered 307/308 to another origin: the password grant is not re-posted", async () => {
    for (const status of [307, 308]) {
      s.home.handle = (_req, res) =>
        void res.writeHead(status, { location: `${s.elsewhere.url}/api/oauth2/token` }).end();
      s.elsewhere.handle = (_req, res) => json(res, 200, tokenAnswer(1));
      const error = await rejection(az().logon());
      expect(error.kind).toBe("redirect");
      expect(error.message).toContain(s.elsewhere.host);
      expect(error.message).not.toContain("Az-Secret-p4ss");
    }
    expect(s.elsewhere.seen).toHaveLength(0);
  });

  it("Azure call answered 302 to another origin: the bearer token is not sent there", async () => {
    s.home.handle = (req, res) => {
      if (req.url === "/api/oauth2/token") return json(res, 200, tokenAnswer(1));
      res.writeHead(302, { location: `${s.elsewhere.url}/api/v1/jobSessions` }).end();
    };
    const error = await rejection(az().GET("/jobSessions"));
    expect(error.kind).toBe("redirect");
    expect(s.elsewhere.seen).toHaveLength(0);
  });

  it("same-origin redirects are followed, with the session header, 307 keeps method and body", async () => {
    s.home.handle = (req, res) => {
      if (req.url === "/api/sessionMngr/?v=latest")
        return void res.writeHead(307, { location: "/api/sessionMngr/?v=v1_7" }).end();
      if (emLogon(req, res)) return;
      if (req.url === "/api/replicaSessions")
        return void res.writeHead(302, { location: "/api/replicaSessions/" }).end();
      json(res, 200, { Refs: [] });
    };
    const c = em();
    const { data } = await c.GET("/replicaSessions");
    expect(data).toEqual({ Refs: [] });
    const urls = s.home.seen.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual([
      "POST /api/sessionMngr/?v=latest",
      "POST /api/sessionMngr/?v=v1_7",
      "GET /api/replicaSessions",
      "GET /api/replicaSessions/",
    ]);
    expect(s.home.seen[1]!.headers.authorization).toMatch(/^Basic /);
    expect(s.home.seen[3]!.headers["x-restsvcsessionid"]).toBe(SESSION_ID);
  });

  it("a 307 on the token endpoint within the origin re-posts the same form", async () => {
    s.home.handle = (req, res) => {
      if (req.url === "/api/oauth2/token") return void res.writeHead(307, { location: "/api/oauth2/token/" }).end();
      if (req.url === "/api/oauth2/token/") return json(res, 200, tokenAnswer(1));
      json(res, 200, { offset: 0, limit: 30, totalCount: 0, results: [] });
    };
    await az().logon();
    expect(s.home.seen.map((r) => r.body)).toEqual([s.home.seen[0]!.body, s.home.seen[0]!.body]);
    expect(s.home.seen[1]!.body).toContain("grant_type=Password");
  });

  it("a redirect loop within the origin stops after 5 hops", async () => {
    let n = 0;
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      res.writeHead(302, { location: `/api/loop/${++n}` }).end();
    };
    const error = await rejection(em().GET("/replicaSessions"));
    expect(error.kind).toBe("redirect");
    expect(error.message).toContain("more than 5 redirects");
    expect(s.home.seen.filter((r) => r.url.startsWith("/api/loop/"))).toHaveLength(5);
  });
});
