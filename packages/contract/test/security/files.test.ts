// Scenario 5 (contract CLI): a file's type and size are checked before it is read; a FIFO or
// /dev/zero never hangs the walk, an oversized body is refused unread, an unreadable subfolder
// is reported and skipped while the rest is checked.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkFixtures, collectFixtures, createValidator } from "../../src/index.js";

const pkg = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = join(pkg, "fixtures", "enterprise-manager", "xml", "backup-session-reference");
const BARE = [
  "--api",
  "enterprise-manager",
  "--operation",
  "getBackupSession",
  "--status",
  "200",
  "--media-type",
  "application/xml",
];

/** The CLI from source; as root, run as nobody so that file permissions apply. */
function cli(args: string[], asNobody = false) {
  const drop = asNobody && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ["--import", "tsx", join(pkg, "src", "cli.ts"), ...args], {
    cwd: pkg,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 60_000,
    ...drop,
  });
  return { status: r.status, signal: r.signal, out: r.stdout + r.stderr };
}

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "veeam-contract-sec-"));
  chmodSync(dir, 0o755);
  return dir;
}

function fixtureIn(dir: string, name = "ok"): void {
  copyFileSync(`${FIXTURE}.meta.json`, join(dir, `${name}.meta.json`));
  copyFileSync(`${FIXTURE}.body.xml`, join(dir, `${name}.body.xml`));
}

describe("contract CLI and hostile files", () => {
  it("a FIFO named on the command line is refused at once, not waited on", () => {
    const dir = tmp();
    const fifo = join(dir, "pipe.xml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const r = cli(["validate", ...BARE, fifo]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.out).toContain("a FIFO, not a regular file");
  });

  it("a FIFO posing as a fixture body in a folder does not hang the walk", () => {
    const dir = tmp();
    fixtureIn(dir);
    copyFileSync(`${FIXTURE}.meta.json`, join(dir, "pipe.meta.json"));
    expect(spawnSync("mkfifo", [join(dir, "pipe.body.xml")]).status).toBe(0);
    const r = cli(["validate", dir]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.out).toContain("pipe.meta.json");
    expect(r.out).toContain("1 passed, 0 failed");
  });

  it("/dev/zero is refused as a character device", () => {
    const r = cli(["validate", ...BARE, "/dev/zero"]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.out).toContain("a character device, not a regular file");
  });

  it("a body over 64 MiB is refused before it is read", () => {
    const dir = tmp();
    fixtureIn(dir);
    copyFileSync(`${FIXTURE}.meta.json`, join(dir, "huge.meta.json"));
    const fd = openSync(join(dir, "huge.body.xml"), "w");
    ftruncateSync(fd, 65 * 1024 * 1024); // sparse: no disk, no time
    closeSync(fd);
    const r = cli(["validate", dir]);
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/huge\.body\.xml.*68157440 bytes, larger than the 67108864-byte limit/);
    expect(r.out).toContain("1 passed, 0 failed");
  });

  it("checkFixtures: maxBodyBytes and maxMetaBytes are checked before reading", async () => {
    const dir = tmp();
    fixtureIn(dir);
    const { fixtures } = await collectFixtures([dir]);
    const v = await createValidator();
    const small = await checkFixtures(v, fixtures, { maxBodyBytes: 10 });
    expect(small.problems).toEqual([
      { file: join(dir, "ok.body.xml"), message: expect.stringMatching(/larger than the 10-byte limit/) as string },
    ]);
    const meta = await checkFixtures(v, fixtures, { maxMetaBytes: 10 });
    expect(meta.problems[0]?.file).toBe(join(dir, "ok.meta.json"));
    expect((await checkFixtures(v, fixtures)).results).toHaveLength(1);
  });

  it("an unreadable subfolder is reported and skipped; the rest is still checked", (ctx) => {
    // As root, file modes bind only after dropping to nobody, who must be able to run this Node
    // and reach the repository (neither may be inside a private folder such as /root or mktemp's).
    const cliFile = join(pkg, "src", "cli.ts");
    const reach = ["-e", `require("node:fs").accessSync(${JSON.stringify(cliFile)})`];
    if (process.getuid?.() === 0 && spawnSync(process.execPath, reach, { uid: 65534, gid: 65534 }).status !== 0)
      ctx.skip(
        `nobody cannot run ${process.execPath} on ${cliFile}, so no folder can be made unreadable to the CLI here`,
      );
    const dir = tmp();
    mkdirSync(join(dir, "a"), { mode: 0o755 });
    mkdirSync(join(dir, "b"), { mode: 0o755 });
    mkdirSync(join(dir, "c"), { mode: 0o755 });
    fixtureIn(join(dir, "a"));
    fixtureIn(join(dir, "b"));
    fixtureIn(join(dir, "c"));
    chmodSync(join(dir, "b"), 0o000);
    try {
      const r = cli(["validate", dir], true);
      expect(r.status).toBe(2);
      expect(r.out).toMatch(/b\b.*permission denied: folder skipped/);
      expect(r.out).toContain("2 passed, 0 failed");
    } finally {
      chmodSync(join(dir, "b"), 0o755);
    }
  });
});
