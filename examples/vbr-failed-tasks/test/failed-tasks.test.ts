// Runs the program against the Backup & Replication mock (Prism on the bundled spec, started by
// test/global-setup.ts) and checks what it prints. Prism answers with the spec's first examples:
// one failed backup job session (its page claims 307), whose task sessions are one failed and
// one successful, and the failed task's log.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const BASE = process.env.VEEAM_MOCK_VBR_URL!;
const CLEAN_ENV = { ...process.env, VBR_BASE_URL: "", VBR_USERNAME: "", VBR_PASSWORD: "" };
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, ...args], { env: { ...CLEAN_ENV, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

const REPORT = [
  "Backup Job 1  BackupJob  2023-12-04T06:13:34.983+01:00 → 2023-12-04T06:15:00.617+01:00  Creating synthetic full backup (22% done)",
  "  ✗ winsrv100  Error: Failed to create VM snapshot. Insufficient disk space on datastore prgtwesx01-ds01",
  "      2023-12-04T06:14:58.394452+01:00  Failed  Error: Failed to create VM snapshot. Insufficient disk space on datastore prgtwesx01-ds01",
  "1 failed session, 1 failed task session.",
];

describe("vbr-failed-tasks against the mock", () => {
  it("the global setup started the mock", () => {
    expect(BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("prints each failed session once, its failed task sessions and their failed log lines", async () => {
    const { code, stdout, stderr } = await run(["--base-url", BASE, "--username", "admin", "--password", "pw"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Failed sessions created since \d{4}-\d\d-\d\dT[\d:.]+Z \(x-api-version 1\.3-rev1\)$/);
    const since = Date.parse(/since (\S+)/.exec(lines[0]!)![1]!);
    expect(Math.abs(Date.now() - 24 * 3600_000 - since)).toBeLessThan(60_000);
    expect(lines.slice(1)).toEqual(REPORT);
  });

  it("reads the environment, takes --hours and --api-version, tolerates pnpm's leading --", async () => {
    const env = { VBR_BASE_URL: BASE, VBR_USERNAME: "admin", VBR_PASSWORD: "pw" };
    const { code, stdout } = await run(["--", "--hours", "2", "--api-version", "1.2-rev1"], env);
    expect(code).toBe(0);
    expect(stdout).toContain("(x-api-version 1.2-rev1)");
    expect(stdout.trimEnd().split("\n").slice(1)).toEqual(REPORT);
    const old = await run(["--api-version", "1.1-rev0"], env);
    expect(old.stdout.trimEnd().split("\n").slice(1)).toEqual([
      REPORT[0],
      "1 failed session (task sessions need x-api-version 1.2-rev1 or later).",
    ]);
  });

  it("--help prints the usage; missing or bad options are usage errors (exit 2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: vbr-failed-tasks");
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing --base-url (VBR_BASE_URL), --username (VBR_USERNAME), --password");
    const bad = await run(["--base-url", BASE, "--username", "u", "--password", "p", "--api-version", "v1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--api-version must look like 1.3-rev1");
  });

  it("an unreachable server is exit 1 with a network error, and never prints the password", async () => {
    const { code, stderr } = await run([
      "--base-url",
      "http://127.0.0.1:9",
      "--username",
      "u",
      "--password",
      "S3cret-pw",
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/vbr-failed-tasks: network: /);
    expect(stderr).not.toContain("S3cret-pw");
  });
});
