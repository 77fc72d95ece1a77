// The simulator encodes a record's answer once per version of the record (server.ts): a change
// must show in the next answer, in JSON and XML, whether it comes through `mock.sessions.update`,
// through time (a stop) or in place on the body `mock.sessions.get` returns.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../../src/index.js";
import { logOn } from "./helpers.js";

let mock: MockServer;
let headers: Record<string, string>;
let id: string;
const KIND = "BackupJobSession";
// The simulator's time moves only when the test moves it.
let time = Date.parse("2026-11-29T12:00:00Z");

beforeAll(async () => {
  mock = await startMock({
    api: "enterprise-manager",
    engine: "sim",
    port: 0,
    sessions: 20,
    stopMs: 1500,
    clock: () => time,
  });
  headers = (await logOn(mock)).headers;
  const finished = mock.sessions.list(KIND).find((b) => b.EndTimeUTC !== undefined)!;
  id = String(finished.Href).split("?")[0]!.split("/").pop()!;
});
afterAll(() => mock.stop());

async function answer(mediaType: string, sessionId = id): Promise<string> {
  const response = await fetch(`${mock.url}/backupSessions/${sessionId}?format=Entity`, {
    headers: { ...headers, accept: mediaType },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe("a record's encoded answer follows the record", () => {
  for (const mediaType of ["application/json", "application/xml"]) {
    it(`${mediaType}: sessions.update, then an in-place change of sessions.get's body`, async () => {
      const before = await answer(mediaType);
      expect(await answer(mediaType)).toBe(before);

      mock.sessions.update(KIND, id, { JobName: `Updated ${mediaType}` });
      const updated = await answer(mediaType);
      expect(updated).toContain(`Updated ${mediaType}`);
      expect(updated).not.toBe(before);

      mock.sessions.get(KIND, id)!.JobName = `In place ${mediaType}`;
      expect(await answer(mediaType)).toContain(`In place ${mediaType}`);

      delete mock.sessions.get(KIND, id)!.FailureMessage;
      mock.sessions.get(KIND, id)!.FailureMessage = `Added ${mediaType}`;
      expect(await answer(mediaType)).toContain(`Added ${mediaType}`);
    });
  }

  it("a stop: Stopping, then Stopped, in the answers of a session read before", async () => {
    const running = mock.sessions.add(KIND, { running: true });
    const states = async () => {
      const json = JSON.parse(await answer("application/json", running)) as { State: string };
      const xml = await answer("application/xml", running);
      return [json.State, /<State>([^<]*)<\/State>/.exec(xml)?.[1]];
    };
    expect(await states()).toEqual(["Working", "Working"]);
    const stop = await fetch(`${mock.url}/backupSessions/${running}?action=stop`, { method: "POST", headers });
    expect(stop.status).toBeLessThan(300);
    expect(await states()).toEqual(["Stopping", "Stopping"]);
    time += 1500;
    expect(await states()).toEqual(["Stopped", "Stopped"]);
  });
});
