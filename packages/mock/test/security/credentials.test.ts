// Credentials are unpredictable (issue 21): session ids, logon GUIDs, access and refresh tokens come
// from node:crypto, not from the dataset's seeded PRNG. Before, every fresh instance issued the
// same first EM session, and Azure and VBR issued each other's tokens. The dataset still follows
// the seed: two instances with one seed serve the same sessions.
import { afterAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../../src/index.js";
import type { ApiName } from "../../src/spec.js";
import { getJson, logOn } from "../sim/helpers.js";

const NOW = Date.parse("2026-11-29T12:00:00Z");
const started: MockServer[] = [];
afterAll(() => Promise.all(started.map((m) => m.stop())));

async function fresh(api: ApiName): Promise<MockServer> {
  const mock = await startMock({ api, port: 0, seed: 3, sessions: 20, now: NOW, guard: true });
  started.push(mock);
  return mock;
}

/** What a first logon or token grant gives a client: the secrets and the logon session's GUID. */
async function firstCredentials(mock: MockServer): Promise<string[]> {
  const { response, body, headers } = await logOn(mock);
  expect(response.ok).toBe(true);
  if (mock.api === "enterprise-manager") {
    const sessionId = /<SessionId>([^<]+)<\/SessionId>/.exec(body)![1]!;
    return [headers["x-restsvcsessionid"]!, sessionId];
  }
  const token = JSON.parse(body) as { access_token: string; refresh_token: string };
  return [token.access_token, token.refresh_token];
}

/** A body with the instance's own origin (which differs by port) written as BASE. */
const portless = (mock: MockServer, body: unknown) => JSON.stringify(body).replaceAll(mock.origin, "BASE");

const lists: Record<ApiName, string> = {
  "enterprise-manager": "/backupSessions?format=Entities",
  "backup-for-azure": "/jobSessions?Limit=100",
  "backup-replication": "/api/v1/sessions?limit=-1",
};

describe("two fresh instances with the same seed", () => {
  for (const api of ["enterprise-manager", "backup-for-azure", "backup-replication"] as const) {
    it(`${api}: issue different first credentials and serve the same sessions`, async () => {
      const [a, b] = [await fresh(api), await fresh(api)];
      const [ca, cb] = [await firstCredentials(a), await firstCredentials(b)];
      // Compared as booleans: a failure names which one repeats, not its value.
      for (let i = 0; i < ca.length; i++) {
        expect(ca[i]!.length, `credential ${i} is empty`).toBeGreaterThan(0);
        expect(ca[i] === cb[i], `credential ${i} repeats`).toBe(false);
      }
      const [ha, hb] = [(await logOn(a)).headers, (await logOn(b)).headers];
      const [la, lb] = [await getJson(a, lists[api], ha), await getJson(b, lists[api], hb)];
      expect(la.status).toBe(200);
      expect(portless(a, la.body)).toBe(portless(b, lb.body));
      expect(portless(a, la.body).length).toBeGreaterThan(1000);
      for (const kind of a.sessions.kinds)
        expect(portless(a, a.sessions.list(kind))).toBe(portless(b, b.sessions.list(kind)));
    });
  }

  it("Backup for Azure and Backup & Replication issue different tokens", async () => {
    const [azure, vbr] = [await fresh("backup-for-azure"), await fresh("backup-replication")];
    const [a, v] = [await firstCredentials(azure), await firstCredentials(vbr)];
    expect(a[0] === v[0], "the access tokens are the same").toBe(false);
    expect(a[1] === v[1], "the refresh tokens are the same").toBe(false);
  });
});
