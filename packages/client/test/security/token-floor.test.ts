// Issue 21, item 7.3: an `expires_in` so small that the token would be stale at once (0.001,
// 1e-300) counts as 30 s (MIN_EXPIRES_IN_S), so calls reuse one token instead of asking for a
// new one each; missing, zero, negative or not a number counts as 3600 s, as before. The clock
// is the client's `now` option, stepped by the test: no wall-clock timing.
import { describe, expect, it } from "vitest";
import { createBackupForAzureClient, createBackupReplicationClient } from "../../src/index.js";
import { json, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();

const clients = {
  "Backup for Azure": (now: () => number) => {
    const c = createBackupForAzureClient({
      baseUrl: `${s.home.url}/api/v1`,
      auth: { username: "u", password: "Az-Secret-p4ss" },
      now,
    });
    return { call: () => c.GET("/jobSessions"), grants: () => c.grants };
  },
  "Backup & Replication": (now: () => number) => {
    const c = createBackupReplicationClient({ baseUrl: s.home.url, auth: { username: "u", password: "Vbr-pw!" }, now });
    return { call: () => c.GET("/api/v1/sessions"), grants: () => c.grants };
  },
};

/** Answers token grants with `expiresIn`, and an empty list to anything else; counts grants. */
function serve(expiresIn: unknown): { tokenRequests: () => number } {
  let n = 0;
  s.home.handle = (req, res) => {
    if (req.url === "/api/oauth2/token") return json(res, 200, tokenAnswer(++n, expiresIn));
    if (req.url!.startsWith("/api/v1/jobSessions"))
      return json(res, 200, { offset: 0, limit: 30, totalCount: 0, _links: {}, results: [] });
    json(res, 200, { data: [], pagination: { total: 0, count: 0, skip: 0, limit: 200 } });
  };
  return { tokenRequests: () => s.home.seen.filter((r) => r.url === "/api/oauth2/token").length };
}

describe("a tiny expires_in does not mean a token grant per call", () => {
  for (const [api, create] of Object.entries(clients)) {
    for (const expiresIn of [0.001, 1e-300, 1, 0, -1, "NaN"]) {
      it(`${api}: expires_in ${JSON.stringify(expiresIn)}, 10 calls 1 s apart: 1 token request`, async () => {
        const server = serve(expiresIn);
        let now = 1_000_000;
        const c = create(() => now);
        for (let i = 0; i < 10; i++) {
          expect((await c.call()).response.status).toBe(200);
          now += 1_000;
        }
        expect(server.tokenRequests()).toBe(1);
        expect(c.grants()).toEqual({ password: 1, refresh: 0 });
      });
    }

    it(`${api}: a token with expires_in 0.001 is refreshed once its 30 s floor is near, not before`, async () => {
      const server = serve(0.001);
      let now = 1_000_000;
      const c = create(() => now);
      await c.call();
      now += 14_000; // before the refresh point (half of the 30 s floor)
      await c.call();
      expect(server.tokenRequests()).toBe(1);
      now += 16_000; // 30 s on: the floor has passed
      await c.call();
      expect(server.tokenRequests()).toBe(2);
      expect(c.grants()).toEqual({ password: 1, refresh: 1 });
    });
  }
});
