// Issue 23, item 4: the simulator's guard is strict about what it sends. Drift (a value an open
// enum does not list, a member or XML node the spec does not name, XML out of order) is a
// finding like an error, with severity `warning`; under vitest, a finding with no onViolation to
// take it fails the test whose request caused it.
import { afterAll, describe, expect, it, type TestContext } from "vitest";
import { startMock, type MockServer, type Violation } from "../../src/index.js";
import { getJson, logOn } from "./helpers.js";

const mocks: MockServer[] = [];
afterAll(() => Promise.all(mocks.map((m) => m.stop())));

/** An Azure simulator with a session whose `type` Veeam's lists lack (the schema takes any string). */
async function drifting(onViolation?: (violations: Violation[]) => void) {
  const mock = await startMock({
    api: "backup-for-azure",
    port: 0,
    seed: 3,
    sessions: 3,
    guard: true,
    ...(onViolation ? { onViolation: (e: { violations: Violation[] }) => onViolation(e.violations) } : {}),
  });
  mocks.push(mock);
  const id = String(mock.sessions.list("JobSession")[0]!.id);
  mock.sessions.update("JobSession", id, { type: "QuantumBackup" });
  return { mock, id, auth: (await logOn(mock)).headers };
}

const failures: string[] = [];

describe("the simulator's contract guard", () => {
  it("reports drift as a warning: the answer's header counts it, onViolation gets it with its code", async () => {
    const found: Violation[] = [];
    const { mock, id, auth } = await drifting((v) => found.push(...v));
    const r = await getJson(mock, `/jobSessions/${id}`, auth);
    expect(r.status).toBe(200);
    expect(r.body!.type).toBe("QuantumBackup");
    expect(r.response.headers.get("x-veeam-mock-violations")).toBe("1");
    expect(found).toEqual([
      {
        location: "response.body.type",
        severity: "warning",
        code: "UNLISTED_VALUE",
        message: expect.stringContaining('got "QuantumBackup"') as string,
      },
    ]);
    expect(mock.violations()).toBe(1);
  });

  // Fails on purpose: the guard's soft expect fails it (the next test checks that it was that).
  it.fails(
    "under vitest, with no onViolation, the warning fails the test that sent the request",
    async (ctx: TestContext) => {
      ctx.onTestFailed(({ task }) => {
        failures.push(...(task.result?.errors ?? []).map((e) => e.message));
      });
      const { mock, id, auth } = await drifting();
      const r = await getJson(mock, `/jobSessions/${id}`, auth);
      expect(r.status).toBe(200);
    },
  );

  it("…and it failed for that warning alone", () => {
    expect(failures).toEqual([
      expect.stringMatching(
        /^veeam-mock: answer out of contract: GET \/api\/v1\/jobSessions\/\S+ 200: warning response\.body\.type: .*got "QuantumBackup"/,
      ),
    ]);
  });
});
