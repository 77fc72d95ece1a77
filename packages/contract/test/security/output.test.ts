// Issue 21, item 6, as a process: a hostile body is one FAIL line and the run goes on to report
// the other fixtures; file names and values from files are printed with their control
// characters escaped, so a name cannot forge a PASS line or drive the terminal.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { printable } from "../../src/reporting.js";

const pkg = fileURLToPath(new URL("../..", import.meta.url));
const EM = join(pkg, "fixtures", "enterprise-manager");

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(pkg, "src", "cli.ts"), ...args], {
    cwd: pkg,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), "veeam-contract-out-"));

/** A copy of an EM fixture (json or xml) under `name`, its meta changed by `over`. */
function fixture(dir: string, kind: "json" | "xml", name: string, body?: string, over: object = {}): void {
  const from = join(EM, kind, "seed-002-backup-session");
  const meta = { ...(JSON.parse(readFileSync(`${from}.meta.json`, "utf8")) as object), ...over };
  writeFileSync(join(dir, `${name}.meta.json`), JSON.stringify(meta));
  if (body === undefined) copyFileSync(`${from}.body.${kind}`, join(dir, `${name}.body.${kind}`));
  else writeFileSync(join(dir, `${name}.body.${kind}`), body);
}

/** Every stdout line is a fixture's line or the summary: nothing else can start a line. */
function expectOnlyOurLines(stdout: string): string[] {
  const lines = stdout.trimEnd().split("\n");
  for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(PASS|WARN|FAIL) /);
  expect(lines.at(-1)).toMatch(/^\d+ passed, \d+ failed, \d+ warnings$/);
  return lines;
}

describe("veeam-contract validate and hostile bodies", () => {
  it("a JSON body nested 5,000 deep is one FAIL line; the valid fixtures are still reported", () => {
    const dir = tmp();
    fixture(dir, "json", "a-valid");
    fixture(dir, "json", "b-deep-arrays", "[".repeat(5000) + "]".repeat(5000));
    fixture(dir, "json", "c-deep-objects", '{"a":'.repeat(5000) + "1" + "}".repeat(5000));
    fixture(dir, "xml", "d-valid");
    const xml = readFileSync(join(EM, "xml", "seed-002-backup-session.body.xml"), "utf8");
    fixture(dir, "xml", "e-deep", xml.replace("<JobName>", `${"<a>".repeat(5000)}${"</a>".repeat(5000)}<JobName>`));
    const r = cli(["validate", dir]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const lines = expectOnlyOurLines(r.stdout);
    const deep = "): the body is nested deeper than 256 levels of arrays and objects (json)";
    expect(lines).toEqual([
      expect.stringMatching(/^PASS .*a-valid\.body\.json \(getBackupSession 200 application\/json\)$/),
      expect.stringMatching(/^FAIL .*b-deep-arrays\.body\.json \(getBackupSession 200 application\/json\): /),
      expect.stringMatching(/^FAIL .*c-deep-objects\.body\.json \(getBackupSession 200 application\/json\): /),
      expect.stringMatching(/^PASS .*d-valid\.body\.xml /),
      expect.stringMatching(/^FAIL .*e-deep\.body\.xml .*DEPTH_LIMIT: elements nested deeper than maxDepth \(256\)/),
      "2 passed, 3 failed, 0 warnings",
    ]);
    expect(lines[1]!.endsWith(deep)).toBe(true);
    expect(lines[2]!.endsWith(deep)).toBe(true);
  });

  it("a file name with a newline, ESC or BEL cannot forge a line or reach the terminal raw", () => {
    const dir = tmp();
    const evil = "x\nPASS forged.body.json (getBackupSession 200)\n\u001b[2J\u001b[H\u0007";
    fixture(dir, "json", evil);
    // A value from a meta: the media type's parameters are not matched, but printed.
    fixture(dir, "json", "title", undefined, { mediaType: "application/json; x=\u001b]0;owned\u0007" });
    // A problem (stderr) naming a file and quoting a meta's value.
    fixture(dir, "json", "bad\u001b[31m-api", undefined, { api: "em\u001b[2J" });
    const r = cli(["validate", dir]);
    expect(r.status).toBe(2);
    // No control character but the newlines ending our own lines.
    // eslint-disable-next-line no-control-regex -- matching the control characters is the point
    for (const text of [r.stdout, r.stderr]) expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const lines = expectOnlyOurLines(r.stdout);
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith("PASS "))).toEqual([
      expect.stringContaining("title.body.json (getBackupSession 200 application/json; x=\\x1b]0;owned\\x07)"),
      expect.stringContaining(
        "x\\nPASS forged.body.json (getBackupSession 200)\\n\\x1b[2J\\x1b[H\\x07.body.json (getBackupSession 200 application/json)",
      ),
    ]);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^veeam-contract: .*bad\\x1b\[31m-api\.meta\.json: unknown api "em\\x1b\[2J"/),
    ]);
  });

  it("--json keeps the names exact, and escapes what JSON.stringify would leave raw", () => {
    const dir = tmp();
    const name = "c1\u009b2J-bidi\u202egnp.exe-sep\u2028";
    fixture(dir, "json", name);
    const r = cli(["validate", "--json", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    const report = JSON.parse(r.stdout) as { fixtures: Array<{ body: string }> };
    expect(report.fixtures.map((f) => f.body)).toEqual([join(dir, `${name}.body.json`)]);
  });
});

describe("printable()", () => {
  it("escapes control characters and leaves the rest as it is", () => {
    expect(printable("a\nb\rc\td\u0000e\u001bf\u007fg\u009bh\u202ei\u2028j")).toBe(
      "a\\nb\\rc\\td\\x00e\\x1bf\\x7fg\\x9bh\\u202ei\\u2028j",
    );
    expect(printable("PASS fixtures/é/ü 😀 C:\\path (x)")).toBe("PASS fixtures/é/ü 😀 C:\\path (x)");
  });
});
