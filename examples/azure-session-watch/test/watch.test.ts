// Runs the program against the Backup for Azure mock (Prism on the bundled spec, started by
// test/global-setup.ts) and checks what it prints. Prism answers every page with the spec's
// example page (4 sessions, totalCount 42), so paging takes 11 requests and sees each session
// 11 times; the program prints each once, with the log example (3 entries).
import { describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const BASE = process.env.VEEAM_MOCK_AZURE_URL!;
const CLEAN_ENV = { ...process.env, AZ_BASE_URL: "", AZ_USERNAME: "", AZ_PASSWORD: "" };
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, ...args], { env: { ...CLEAN_ENV, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

const LOG = [
  "    2020-02-05T11:07:10.118355Z  Success  Removed 2 restore points of 'tw-vm1' that exceed the retention policy",
  "    2020-02-05T11:08:31.650214Z  Success  Removed 1 restore point of 'tw-vm2' that exceeds the retention policy",
  "    2020-02-05T11:09:57.701380Z  Success  Backup retention has finished",
];
const SESSIONS = [
  "#42  PolicyBackup  Running  2020-02-05T12:00:03.518127Z  (00:01:12.4410230)",
  "#41  PolicySnapshot  Warning  2020-02-05T11:45:01.482117Z → 2020-02-05T11:47:38.015409Z  (00:02:36.5332920)",
  "#40  PolicyBackup  Error  2020-02-05T11:30:02.114563Z → 2020-02-05T11:41:15.903211Z  (00:11:13.7886480)",
  "#39  BackupRetention  Success  2020-02-05T11:07:10.002679Z → 2020-02-05T11:09:57.775353Z  (00:02:47.7726740)",
];

describe("azure-session-watch against the mock", () => {
  it("the global setup started the mock", () => {
    expect(BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  });

  it("lists every session once, page by page, each with its log", async () => {
    const { code, stdout, stderr } = await run([
      "--base-url",
      BASE,
      "--username",
      "admin",
      "--password",
      "pw",
      "--page-size",
      "4",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toEqual([
      ...SESSIONS.flatMap((s) => [s, ...LOG]),
      "4 sessions printed; 4 listed over 11 pages (40 repeats skipped).",
    ]);
  });

  it("reads the environment, takes --status and --limit, tolerates pnpm's leading --", async () => {
    const { code, stdout } = await run(["--", "--status", "Error,Warning", "--limit", "2"], {
      AZ_BASE_URL: BASE,
      AZ_USERNAME: "admin",
      AZ_PASSWORD: "pw",
    });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    // The mock checks that Status takes known values but does not filter (no state): the first two of the page.
    expect(lines.filter((l) => l.startsWith("#"))).toEqual(SESSIONS.slice(0, 2));
    expect(lines.at(-1)).toBe("2 sessions printed; 2 listed over 1 page.");
  });

  it("--watch polls until SIGINT, printing each session once", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", MAIN, "--base-url", BASE, "--username", "a", "--password", "p", "--watch", "0.2"],
      { env: CLEAN_ENV },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // Wait for the third poll's line itself (an event), not for a time.
    await new Promise<void>((resolve) => {
      const check = () => {
        if ((out.match(/sessions? printed/g) ?? []).length < 3) return;
        child.stdout.off("data", check);
        resolve();
      };
      child.stdout.on("data", check);
      check();
    });
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const lines = out.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("#"))).toEqual(SESSIONS);
    expect(lines.filter((l) => l.startsWith("0 sessions printed")).length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toBe("stopped.");
  });

  it("--help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const text of [
      "--base-url",
      "AZ_BASE_URL",
      "--username",
      "AZ_USERNAME",
      "--password",
      "AZ_PASSWORD",
      "--watch",
    ])
      expect(stdout).toContain(text);
  });

  it("usage errors exit 2; an unreachable server exits 1", async () => {
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "missing --base-url (AZ_BASE_URL), --username (AZ_USERNAME), --password (AZ_PASSWORD)",
    );
    const status = await run(["--base-url", BASE, "--username", "a", "--password", "p", "--status", "Failed"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("unknown --status Failed");
    const down = await run(["--base-url", "http://127.0.0.1:9/api/v1", "--username", "a", "--password", "p"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/network.*\(is http:\/\/127\.0\.0\.1:9\/api\/v1 right\?\)/);
  });
});
