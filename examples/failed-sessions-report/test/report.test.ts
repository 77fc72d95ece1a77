// Runs the program against the Enterprise Manager mock (Prism on the bundled spec) and checks
// what it prints. Prism answers /query with the spec's example: one failed session, on page 1
// of 2 (the same page again for page 2), so the program sees it twice and reports it once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startMock, type Exchange, type MockServer } from "@veeam-sessions/mock";

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
  mock = await startMock({ api: "enterprise-manager", port: 0, onExchange: (e) => exchanges.push(e) });
});
afterAll(() => mock?.stop());

const REPORT = [
  "  JOB           STARTED               ENDED                 STATE    SESSION",
  "  Backup Job 3  2021-09-24 20:00:09Z  2021-09-24 20:02:54Z  Stopped  urn:veeam:BackupJobSession:a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6",
  "1 failed of 1 backup job session in the last 24 h.",
];

describe("failed-sessions-report against the mock", () => {
  for (const format of ["xml", "json"]) {
    it(`--format ${format}: prints the failed session from the spec's example`, async () => {
      exchanges.length = 0;
      const { code, stdout, stderr } = await run([
        "--base-url",
        mock.url,
        "--username",
        "CORP\\svc",
        "--password",
        "pw",
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
      expect(lines.slice(1)).toEqual(REPORT);
      // Logged on, asked for both pages in the wanted media type, logged off.
      expect(exchanges.map((e) => `${e.method} ${e.url.split("?")[0]} ${e.status}`)).toEqual([
        "POST /api/sessionMngr/ 201",
        "GET /api/query 200",
        "GET /api/query 200",
        "DELETE /api/logonSessions/15a3fc97-0325-4119-b789-5c0367c6c565 204",
      ]);
      expect(exchanges[1]!.mediaType).toBe(`application/${format}`);
      const q = new URL(exchanges[1]!.url, mock.origin).searchParams;
      expect(q.get("type")).toBe("BackupJobSession");
      expect(q.get("filter")).toMatch(/^CreationTime>=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(q.get("sortDesc")).toBe("CreationTime");
    });
  }

  it("reads the base URL and credentials from the environment; --hours changes the window; a leading -- (pnpm start -- …) is fine", async () => {
    const { code, stdout } = await run(["--", "--hours", "6"], {
      EM_BASE_URL: mock.url,
      EM_USERNAME: "u",
      EM_PASSWORD: "p",
    });
    expect(code).toBe(0);
    expect(stdout).toContain("1 failed of 1 backup job session in the last 6 h.");
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
