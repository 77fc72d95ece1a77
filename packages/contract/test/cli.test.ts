// `veeam-contract validate`: the built CLI as a process once per way it ends (exit 0, 1 and 2,
// --help, --version, the bin shim), and every other behaviour through run(), the CLI's core,
// in-process: cli.ts only hands run() the process's argv, streams and exit code, so a process per
// case re-proved that one line while it cost ~5 s of start-up (tsx, spec load, ajv compile) each.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run } from "../src/run.js";
import { createValidator, type ContractValidator } from "../src/validator.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const fixtures = join(pkg, "fixtures");

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin shim, dist/cli.js) as a process; turbo builds before it tests. */
function proc(args: string[], cwd = pkg): Result {
  const r = spawnSync(process.execPath, [join(pkg, "bin", "veeam-contract.js"), ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// One validator over the bundled specs for every in-process run with the default options.
let shared: Promise<ContractValidator> | undefined;

/** Runs the CLI's core in-process: what the process prints on stdout and stderr, and its exit status. */
async function cli(args: string[], cwd = pkg): Promise<Result> {
  const out = { stdout: "", stderr: "" };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd };
  const options = args.includes("--xml-unknown") ? {} : { validator: await (shared ??= createValidator()) };
  const status = await run(args, io, options);
  return { status, ...out };
}

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "veeam-contract-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const seed = (name: string) => readFileSync(join(fixtures, "enterprise-manager", "xml", `${name}.body.xml`), "utf8");
const meta = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    api: "enterprise-manager",
    method: "GET",
    path: "/backupSessions/{ID}",
    status: 200,
    mediaType: "application/xml",
    operationId: "getBackupSession",
    ...over,
  });

/** A usage error: exactly one line on stderr, naming the file, no stack trace. */
function expectOneLiner(r: { status: number | null; stderr: string }, ...parts: string[]): void {
  expect(r.status).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^veeam-contract: /);
  for (const p of parts) expect(lines[0]).toContain(p);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("veeam-contract", () => {
  it("--help prints the usage and exits 0", async () => {
    const r = proc(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: veeam-contract validate \[options\] <file\|dir>\.\.\./);
    expect(r.stdout).toContain("Exit status: 0");
    expect(r.stdout).toContain("--strict");
    expect(r.stdout).toContain("N passed, N failed, N warnings");
    expect((await cli(["validate", "-h"])).status).toBe(0);
  });

  it("--version prints the package version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string };
    const r = proc(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`veeam-contract ${version}\n`);
  });

  it("takes the same --api aliases as veeam-mock: em and azure", async () => {
    const dir = tmp({ "session.body.xml": seed("seed-002-backup-session") });
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), cwd: dir };
    const args = ["validate", "--operation", "getBackupSession", "--status", "200", "session.body.xml"];
    expect(await run([...args, "--api", "em"], io), out.join("")).toBe(0);
    expect(await run([...args, "--api", "EM"], io), out.join("")).toBe(0);
    // The alias names another API: the operation is not in it, so the fixture cannot be checked.
    expect(await run([...args, "--api", "azure"], io)).toBe(2);
  });

  it("exits 0 when every fixture is valid: one line each, then `N passed, N failed`", async () => {
    const r = await cli(["validate", "fixtures/enterprise-manager", "fixtures/backup-for-azure"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("110 passed, 0 failed, 1 warnings");
    // A later Azure version's page carries a session type that not even v8.1 lists: drift. Its
    // `backupJobInfo` is declared since issue 24 (A1).
    expect(lines.slice(0, -1).filter((l) => !l.startsWith("PASS "))).toEqual([
      expect.stringMatching(
        /^WARN fixtures\/backup-for-azure\/job-sessions-page-later-version\.body\.json \(listJobSessions 200 application\/json; charset=utf-8\): \/results\/0\/type must be one of the 64 values the contract lists \("AutoBackup", "BackupRetention", "BackupDeletion", …\); got "FileShareBackup" \(enum\)$/,
      ),
    ]);
    expect(lines).toContain(
      "PASS fixtures/enterprise-manager/xml/seed-002-backup-session.body.xml (getBackupSession 200 application/xml)",
    );
  });

  it("exits 1 when a body breaks the contract, with the reasons on the fixture's line", async () => {
    const r = await cli(["validate", "fixtures/invalid"]);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("0 passed, 16 failed, 0 warnings");
    expect(lines).toContain(
      'FAIL fixtures/invalid/xml/missing-job-name.body.xml (getBackupSession 200 application/xml as BackupJobSession): the body lacks the required property "JobName" (required)',
    );
    expect(lines.find((l) => l.includes("doctype.body.xml"))).toMatch(/DOCTYPE_FORBIDDEN/);
    expect(
      (await cli(["validate", "-q", "fixtures/invalid", "fixtures/backup-for-azure"])).stdout.trimEnd().split("\n"),
    ).toHaveLength(18); // 16 FAIL lines, the later Azure page's WARN line, the summary
  });

  it("passes drift with WARN lines and exit 0; --strict makes warnings exit 1", async () => {
    const r = await cli(["validate", "fixtures/drift"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("5 passed, 0 failed, 5 warnings");
    expect(lines).toContain(
      'WARN fixtures/drift/json/job-type-unknown.body.json (getBackupSession 200 application/json): /JobType must be one of "Backup", "BackupCopy", "ImmediateBackupCopy", "ImmediateBackupCopyWorker", "AgentBackup", "AgentManagement", "NasBackup"; got "SureBackup" (enum)',
    );
    // As a process: exit 1 is the process's exit code.
    const strict = proc(["validate", "--strict", "fixtures/drift"]);
    expect(strict.status).toBe(1);
    expect(strict.stdout.trimEnd().split("\n").at(-1)).toBe("5 passed, 0 failed, 5 warnings");
    expect((await cli(["validate", "--strict", "fixtures/enterprise-manager"])).status).toBe(0);
  });

  it("--json prints a machine-readable report", async () => {
    const r = await cli([
      "validate",
      "--json",
      "fixtures/invalid/xml/wrong-root.body.xml",
      "fixtures/backup-for-azure/token.meta.json",
    ]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as {
      passed: number;
      failed: number;
      problems: unknown[];
      fixtures: Array<Record<string, unknown>>;
    };
    expect(report).toMatchObject({ passed: 1, failed: 1, problems: [] });
    expect(report.fixtures).toEqual([
      expect.objectContaining({
        name: "fixtures/backup-for-azure/token",
        body: "fixtures/backup-for-azure/token.body.json",
        valid: true,
        errors: [],
        operationId: "createToken",
      }),
      expect.objectContaining({
        name: "fixtures/invalid/xml/wrong-root",
        meta: "fixtures/invalid/xml/wrong-root.meta.json",
        valid: false,
        status: 200,
        target: expect.objectContaining({
          operationId: "getBackupSession",
          specLocation: "#/paths/~1backupSessions~1{ID}/get/responses/200/content/application~1xml/schema",
        }),
        errors: [expect.objectContaining({ keyword: "xml-root", code: "UNEXPECTED_ROOT", line: 2, column: 1 })],
      }),
    ]);
  });

  it("exits 2 with a one-line message for a body without its meta", async () => {
    const dir = tmp({ "getBackupSession.200.body.xml": seed("seed-002-backup-session") });
    expectOneLiner(
      await cli(["validate", dir]),
      "getBackupSession.200.body.xml",
      "no getBackupSession.200.meta.json next to it",
    );
    // Named on the command line, the same.
    expectOneLiner(
      await cli(["validate", join(dir, "getBackupSession.200.body.xml")]),
      "no getBackupSession.200.meta.json",
    );
  });

  it("exits 2 with a one-line message for a meta without its body", async () => {
    const dir = tmp({ "x.meta.json": meta() });
    expectOneLiner(await cli(["validate", dir]), "x.meta.json", "no body next to it");
  });

  it("exits 2 for an unknown api, operation, status or media type, naming the file", async () => {
    const body = seed("seed-002-backup-session");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ api: "veeam-one" }, 'unknown api "veeam-one"'],
      [{ path: "/nope", operationId: undefined }, "no path of enterprise-manager matches /nope"],
      [
        { status: 418 },
        "status 418 is not declared for GET /backupSessions/{ID} (getBackupSession) (declared: 200, 400, 401, 403, 404, 500; no 4XX/default)",
      ],
      [{ mediaType: "text/html" }, "does not offer text/html (offers: application/xml, application/json)"],
      [{ status: undefined }, 'lacks "status"'],
    ];
    for (const [over, message] of cases) {
      const dir = tmp({ "f.meta.json": meta(over), "f.body.xml": body });
      expectOneLiner(await cli(["validate", dir]), "f.meta.json", message);
    }
    const bad = tmp({ "f.meta.json": "{ not json", "f.body.xml": body });
    expectOneLiner(await cli(["validate", bad]), "f.meta.json", "not JSON");
  });

  it("exits 2 for a file that cannot be read, and still checks the others", async () => {
    const r = await cli(["validate", "fixtures/backup-for-azure/token.meta.json", "does/not/exist.xml"]);
    expectOneLiner(r, "does/not/exist.xml", "no such file or directory");
    expect(r.stdout).toContain("1 passed, 0 failed");
    const dir = tmp({ "f.meta.json": meta(), "f.body.xml": "x" });
    chmodSync(join(dir, "f.body.xml"), 0o000);
    if (process.getuid?.() !== 0) expectOneLiner(await cli(["validate", dir]), "f.body.xml", "permission denied");
  });

  it("exits 2 for a bad option, a missing command or no paths", async () => {
    // As a process: exit 2 and the one line on the process's stderr.
    const bad = proc(["validate", "--frobnicate", "x"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^veeam-contract: Unknown option '--frobnicate'.*\nRun `veeam-contract --help` for usage\.\n$/,
    );
    expect((await cli([])).status).toBe(2);
    expect((await cli(["check", "x"])).status).toBe(2);
    expect((await cli(["validate"])).status).toBe(2);
    expect((await cli(["validate", "--status", "abc", "x.xml"])).status).toBe(2);
    expect((await cli(["validate", tmp({})])).stderr).toContain("no fixtures found");
  });

  it("checks a bare body described by flags", async () => {
    const dir = tmp({
      "session.xml": seed("seed-002-backup-session"),
      "refs.json": readFileSync(
        join(fixtures, "enterprise-manager", "json", "backup-session-references.body.json"),
        "utf8",
      ),
    });
    const a = await cli([
      "validate",
      "--api",
      "enterprise-manager",
      "--method",
      "GET",
      "--path",
      "/backupSessions/{ID}",
      "--status",
      "200",
      "--media-type",
      "application/xml",
      join(dir, "session.xml"),
    ]);
    expect(a.stdout).toContain("1 passed, 0 failed");
    expect(a.status).toBe(0);
    const b = await cli(["validate", "--operation", "listBackupSessions", "--status", "200", join(dir, "refs.json")]);
    expect(b.stdout).toContain("1 passed, 0 failed");
    const c = await cli(["validate", "--operation", "getBackupSession", join(dir, "session.xml")]);
    expectOneLiner(c, "session.xml", "no --status given");
    const d = await cli(["validate", join(dir, "session.xml")]);
    expectOneLiner(d, "session.xml", "not a fixture");
  });

  it("--xml-unknown error fails XML the schema does not describe", async () => {
    const dir = tmp({
      "f.meta.json": meta(),
      "f.body.xml": seed("backup-session-running").replace("<JobName>", "<Colour>blue</Colour><JobName>"),
    });
    expect((await cli(["validate", dir])).status).toBe(0);
    const r = await cli(["validate", "--xml-unknown", "error", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("UNKNOWN_NODE");
  });
});

describe("run() (the CLI's core)", () => {
  const capture = () => {
    const out = { stdout: "", stderr: "" };
    return {
      out,
      io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), cwd: pkg },
    };
  };

  it("shows progress on a TTY above the threshold, and never otherwise", async () => {
    const tty = capture();
    expect(await run(["validate", "fixtures"], { ...tty.io, stderrIsTTY: true }, { progressThreshold: 10 })).toBe(1);
    expect(tty.out.stderr).toMatch(/\rveeam-contract: 50\/146 checked/);
    expect(tty.out.stderr).toMatch(/\rveeam-contract: 146\/146 checked/);
    const quiet = capture();
    await run(["validate", "fixtures"], { ...quiet.io, stderrIsTTY: true });
    expect(quiet.out.stderr).toBe("");
    const pipe = capture();
    await run(["validate", "fixtures"], { ...pipe.io, stderrIsTTY: false }, { progressThreshold: 10 });
    expect(pipe.out.stderr).toBe("");
    expect(pipe.out.stdout.trimEnd().split("\n").at(-1)).toBe("130 passed, 16 failed, 6 warnings");
  });

  it("walks directories recursively and ignores files that are not fixtures", async () => {
    const dir = tmp({ "README.md": "# notes", "data.json": "{}" });
    copyFileSync(join(fixtures, "enterprise-manager", "xml", "error-404.meta.json"), join(dir, "a.meta.json"));
    copyFileSync(join(fixtures, "enterprise-manager", "xml", "error-404.body.xml"), join(dir, "a.body.xml"));
    const c = capture();
    expect(await run(["validate", dir], c.io)).toBe(0);
    expect(c.out.stdout).toContain("1 passed, 0 failed, 0 warnings");
  });
});

describe("the bin shim", () => {
  it("is committed and imports dist/cli.js, so a fresh install finds the bin", () => {
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      files: string[];
    };
    expect(manifest.bin).toEqual({ "veeam-contract": "./bin/veeam-contract.js" });
    expect(manifest.files).toContain("bin");
    const shim = readFileSync(join(pkg, "bin", "veeam-contract.js"), "utf8");
    expect(shim.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(shim).toContain('import "../dist/cli.js";');
  });

  it("runs the built CLI (turbo builds before it tests)", () => {
    const dist = join(pkg, "dist", "cli.js");
    expect(existsSync(dist), "dist/cli.js is missing: run `pnpm build` (turbo's test task builds first)").toBe(true);
    const r = proc(["validate", "fixtures/backup-for-azure"]);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("8 passed, 0 failed, 1 warnings");
    expect(r.status).toBe(0);
  });
});
