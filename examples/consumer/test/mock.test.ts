// startMock() and the client, from the installed tarballs, in a vitest test.
import { createEnterpriseManagerClient, query, where } from "@veeam-sessions/client";
import { startMock, type MockServer } from "@veeam-sessions/mock";
import { afterAll, beforeAll, expect, it } from "vitest";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMock({ api: "enterprise-manager", port: 0 });
}, 600_000); // a bound for a hang only: Prism takes seconds, minutes on a loaded machine
afterAll(async () => {
  await mock?.stop();
}, 600_000);

it("queries failed backup job sessions from a mock started with startMock()", async () => {
  const em = createEnterpriseManagerClient({ baseUrl: mock.url, auth: { username: "CORP\\svc", password: "any" } });
  const results: string[] = [];
  for await (const s of query(em, { type: "BackupJobSession", filter: where("Result").eq("Failed") })) {
    results.push(s.Result);
  }
  await em.logout();
  expect(results.length).toBeGreaterThan(0);
  expect(new Set(results)).toEqual(new Set(["Failed"]));
}, 600_000);
