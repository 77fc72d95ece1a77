// No filter stalls the simulator (issue 21). Backup & Replication's `nameFilter` took `*` as `.*`
// in a RegExp: `**********!` made the backtracking engine try every way of sharing each name
// among the stars, and every API of the process waited about 30 s; each further star multiplies
// that. The simulator runs in a child process (the CLI) because a stalled event loop in this
// process would also stall the test's own timers: there, a stall is ended by the test's timeout
// and reported as a failure, instead of hanging the run. No time is measured: a filter that is
// linear answers at once, and the one that is not would not answer within the timeout, nor for days.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_USER } from "../../src/index.js";
import { runCli, type RunningCli } from "../cli-helpers.js";

let cli: RunningCli;
let origin = "";
let headers: Record<string, string> = {};

beforeAll(async () => {
  cli = runCli(["--api", "backup-replication", "--port", "0", "--quiet"]);
  origin = (await cli.waitFor(/Backup & Replication\s+(http:\/\/\S+)/))[1]!;
  await cli.waitFor(/Ctrl-C stops/);
  const token = await fetch(`${origin}/api/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-api-version": "1.3-rev1" },
    body: new URLSearchParams({
      grant_type: "password",
      username: DEFAULT_USER.username,
      password: DEFAULT_USER.password,
    }),
  });
  expect(token.status).toBe(200);
  const { access_token } = (await token.json()) as { access_token: string };
  headers = { authorization: `Bearer ${access_token}`, "x-api-version": "1.3-rev1", accept: "application/json" };
});
afterAll(() => {
  // SIGKILL: a process stuck in a RegExp runs no signal handler.
  if (cli?.child.exitCode === null) cli.child.kill("SIGKILL");
});

interface Page {
  data: { name: string }[];
  pagination: { total: number };
}

async function page(path: string): Promise<Page> {
  const r = await fetch(`${origin}${path}`, { headers });
  expect(r.status).toBe(200);
  return (await r.json()) as Page;
}

describe("VBR nameFilter", () => {
  // 40 stars then a character no name holds: 300 names of about 20 characters each.
  const stars = "*".repeat(40);

  for (const list of ["/api/v1/sessions", "/api/v1/taskSessions"]) {
    it(`${list}?nameFilter=${stars}! answers at once: no name matches`, async () => {
      const none = await page(`${list}?nameFilter=${stars}!`);
      expect(none.pagination.total).toBe(0);
      expect(none.data).toEqual([]);
    });

    it(`${list}?nameFilter=${stars}<end of a name>: the stars still stand for any characters, case-insensitively`, async () => {
      const all = await page(`${list}?limit=-1`);
      const end = all.data[0]!.name.slice(-3);
      const expected = all.data.filter((s) => s.name.toLowerCase().endsWith(end.toLowerCase())).map((s) => s.name);
      expect(expected.length).toBeGreaterThan(0);
      const found = await page(`${list}?limit=-1&nameFilter=${stars}${encodeURIComponent(end.toUpperCase())}`);
      expect(found.data.map((s) => s.name)).toEqual(expected);
    });
  }

  it("the other APIs of the process answer afterwards (nothing is left running)", async () => {
    expect((await page("/api/v1/sessions?limit=1")).data).toHaveLength(1);
  });
});
