// Runs the program against the Enterprise Manager simulator (`startMock()`, its default engine)
// and checks what it prints against the simulator's own data (`mock.sessions.list()`): every
// failed backup job session of the window the program asked for, newest first, none other.
// The simulator holds a few thousand sessions, so the last 24 h take two pages of /query.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_USER, startMock, type Exchange, type MockServer } from "@veeam-sessions/mock";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, ...args], {
    env: { ...process.env, EM_BASE_URL: "", EM_USERNAME: "", EM_PASSWORD: "", ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

let mock: MockServer;
const exchanges: Exchange[] = [];
beforeAll(async () => {
  mock = await startMock({
    api: "enterprise-manager",
    port: 0,
    seed: 3,
    sessions: 2500,
    onExchange: (e) => exchanges.push(e),
  });
});
afterAll(() => mock?.stop());

const { username: USER, password: PASSWORD } = DEFAULT_USER;
const utc = (iso: unknown) => (typeof iso === "string" ? iso.replace("T", " ").replace(/(\.\d+)?Z$/, "Z") : "-");
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The window the program asked for: the `CreationTime>=…` of its first /query. */
function since(): number {
  const q = exchanges.find((e) => e.url.includes("/query?"))!;
  const filter = new URL(q.url, mock.origin).searchParams.get("filter")!;
  expect(filter).toMatch(/^CreationTime>=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return Date.parse(filter.slice("CreationTime>=".length));
}

/** What the simulator holds for that window: the sessions, and the failed ones newest first. */
function expected(from: number) {
  const sessions = mock.sessions
    .list("BackupJobSession")
    .filter((s) => Date.parse(String(s.CreationTimeUTC)) >= from)
    .sort((a, b) => Date.parse(String(b.CreationTimeUTC)) - Date.parse(String(a.CreationTimeUTC)));
  return { sessions, failed: sessions.filter((s) => s.Result === "Failed") };
}

describe("failed-sessions-report against the mock", () => {
  for (const format of ["xml", "json"]) {
    it(`--format ${format}: prints the simulator's failed sessions of the last 24 h`, async () => {
      exchanges.length = 0;
      const { code, stdout, stderr } = await run([
        "--base-url",
        mock.url,
        "--username",
        USER,
        "--password",
        PASSWORD,
        "--format",
        format,
      ]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(
        new RegExp(
          `^Failed backup job sessions since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\(Enterprise Manager ${mock.url}, ${format.toUpperCase()}\\):$`,
        ),
      );
      const { sessions, failed } = expected(since());
      // A generated day has failures, and more sessions than one page of 100.
      expect(failed.length).toBeGreaterThan(0);
      expect(sessions.length).toBeGreaterThan(100);
      expect(lines[1]).toMatch(/^ {2}JOB +STARTED +ENDED +STATE +SESSION$/);
      const rows = lines.slice(2, 2 + failed.length);
      failed.forEach((s, i) =>
        expect(rows[i]).toMatch(
          new RegExp(
            `^  ${escape(String(s.JobName))} +${escape(utc(s.CreationTimeUTC))} +${escape(utc(s.EndTimeUTC))} +${String(s.State)} +${escape(String(s.UID))}$`,
          ),
        ),
      );
      const reasons = failed
        .filter((s) => s.FailureMessage)
        .map((s) => `  ${String(s.JobName)}: ${String(s.FailureMessage)}`);
      expect(reasons.length).toBeGreaterThan(0);
      expect(lines.slice(2 + failed.length, -1)).toEqual(reasons);
      expect(lines.at(-1)).toBe(`${failed.length} failed of ${sessions.length} backup job sessions in the last 24 h.`);
      // Logged on, asked for both pages in the wanted media type, logged off its own logon session.
      const logonId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.exec(exchanges.at(-1)!.url)?.[0];
      expect(exchanges.map((e) => `${e.method} ${e.url.split("?")[0]} ${e.status}`)).toEqual([
        "POST /api/sessionMngr/ 201",
        "GET /api/query 200",
        "GET /api/query 200",
        `DELETE /api/logonSessions/${logonId} 204`,
      ]);
      expect(exchanges[1]!.mediaType).toBe(`application/${format}`);
      const q = new URL(exchanges[1]!.url, mock.origin).searchParams;
      expect(q.get("type")).toBe("BackupJobSession");
      expect(q.get("sortDesc")).toBe("CreationTime");
      expect(mock.violations()).toBe(0);
    });
  }

  it("reads the base URL and credentials from the environment; --hours changes the window; a leading -- (pnpm start -- …) is fine", async () => {
    exchanges.length = 0;
    const { code, stdout } = await run(["--", "--hours", "6"], {
      EM_BASE_URL: mock.url,
      EM_USERNAME: USER,
      EM_PASSWORD: PASSWORD,
    });
    expect(code).toBe(0);
    const from = since();
    expect(Date.now() - from).toBeGreaterThanOrEqual(6 * 3600_000);
    expect(Date.now() - from).toBeLessThan(7 * 3600_000);
    const { sessions, failed } = expected(from);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(
      `${failed.length} failed of ${sessions.length} backup job session${sessions.length === 1 ? "" : "s"} in the last 6 h.`,
    );
  });

  it("a wrong password exits 1 with the reason, and the password is not printed", async () => {
    const { code, stdout, stderr } = await run(["--base-url", mock.url, "--username", USER, "--password", "wrong-pw"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`logon as ${USER} failed with HTTP 401 (bad user name or password)`);
    expect(stderr).not.toContain("wrong-pw");
  });

  it("--help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const text of [
      "--base-url",
      "EM_BASE_URL",
      "--username",
      "EM_USERNAME",
      "--password",
      "EM_PASSWORD",
      "--format xml|json",
    ])
      expect(stdout).toContain(text);
  });

  it("usage errors exit 2", async () => {
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "missing --base-url (EM_BASE_URL), --username (EM_USERNAME), --password (EM_PASSWORD)",
    );
    const format = await run(["--base-url", mock.url, "--username", "u", "--password", "p", "--format", "csv"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be xml or json");
  });

  it("a server that cannot be reached exits 1 with the reason", async () => {
    const { code, stderr } = await run(["--base-url", "http://127.0.0.1:9/api", "--username", "u", "--password", "p"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^failed-sessions-report: .*network.*\(is http:\/\/127\.0\.0\.1:9\/api right\?\)/);
  });
});
