// startMock() and the client, from the installed tarballs, in a vitest test: the failed backup
// job sessions the client's query() yields are exactly those the simulator holds.
import { createEnterpriseManagerClient, query, where } from "@veeam-sessions/client";
import { DEFAULT_USER, startMock, type MockServer } from "@veeam-sessions/mock";
import { afterAll, beforeAll, expect, it } from "vitest";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ api: "enterprise-manager", port: 0, seed: 1 });
}, 600_000); // a bound for a hang only: a loaded machine can be slow
afterAll(async () => {
  await mock?.stop();
}, 600_000);

it("queries failed backup job sessions from a simulator started with startMock()", async () => {
  const em = createEnterpriseManagerClient({ baseUrl: mock.url, auth: DEFAULT_USER });
  const uids: string[] = [];
  for await (const s of query(em, { type: "BackupJobSession", filter: where("Result").eq("Failed"), pageSize: 5 })) {
    expect(s.Result).toBe("Failed");
    uids.push(s.UID);
  }
  await em.logout();
  const expected = mock.sessions
    .list("BackupJobSession")
    .filter((s) => s.Result === "Failed")
    .map((s) => String(s.UID));
  expect(expected.length).toBeGreaterThan(5);
  expect(uids.sort()).toEqual(expected.sort());
  expect(mock.violations()).toBe(0);
}, 600_000);

it("a wrong password is refused", async () => {
  const em = createEnterpriseManagerClient({
    baseUrl: mock.url,
    auth: { username: DEFAULT_USER.username, password: "no" },
  });
  await expect(em.logon()).rejects.toMatchObject({ kind: "auth", status: 401 });
}, 600_000);
