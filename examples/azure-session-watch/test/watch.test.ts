// Runs the program against the Backup for Azure simulator (started by test/global-setup.ts: 30
// generated sessions, a fixed seed) and checks what it prints against what the simulator
// answers a plain reader (fetch with a token of its own): every session once, newest first,
// each with its log; the Status filter; and, with --watch, a session stopped meanwhile printed
// again as it goes Canceling and Canceled.
import { beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_USER } from "@veeam-sessions/mock";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const BASE = process.env.VEEAM_MOCK_AZURE_URL!;
const CLEAN_ENV = { ...process.env, AZ_BASE_URL: "", AZ_USERNAME: "", AZ_PASSWORD: "" };
const { username: USER, password: PASSWORD } = DEFAULT_USER;
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, ...args], { env: { ...CLEAN_ENV, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

interface Session {
  id: string;
  type: string;
  status: string;
  executionStartTime: string;
  executionStopTime?: string | null;
  executionDuration: string;
}

/** The simulator's own answers, read with plain fetch and a token of the test's own. */
let bearer: Record<string, string>;
let sessions: Session[];
const logs = new Map<string, string[]>();
beforeAll(async () => {
  const token = await fetch(BASE.replace(/\/v[\d.]+$/, "/oauth2/token"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "Password", Username: USER, Password: PASSWORD }),
  });
  expect(token.status).toBe(200);
  bearer = { authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` };
  const page = (await (await fetch(`${BASE}/jobSessions?Limit=100`, { headers: bearer })).json()) as {
    totalCount: number;
    results: Session[];
  };
  expect(page.results.length).toBe(page.totalCount);
  sessions = page.results;
  for (const s of sessions) {
    const log = (await (await fetch(`${BASE}/jobSessions/${s.id}/log`, { headers: bearer })).json()) as {
      log: { logTime: string; status: string; message: string }[];
    };
    logs.set(
      s.id,
      log.log.map((e) => `    ${e.logTime}  ${e.status.padEnd(7)}  ${e.message}`),
    );
  }
});

const line = (s: Session) =>
  `#${s.id}  ${s.type}  ${s.status}  ${s.executionStartTime}${s.executionStopTime ? ` → ${s.executionStopTime}` : ""}  (${s.executionDuration})`;
const printed = (list: Session[]) => list.flatMap((s) => [line(s), ...logs.get(s.id)!]);

describe("azure-session-watch against the simulator", () => {
  it("the global setup started the simulator with 30 sessions of every status", () => {
    expect(BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    expect(sessions.length).toBe(30);
    const statuses = new Set(sessions.map((s) => s.status));
    for (const status of ["Success", "Running"]) expect(statuses).toContain(status);
    expect(statuses.has("Error") || statuses.has("Warning")).toBe(true);
  });

  it("lists every session once, newest first, page by page, each with its log", async () => {
    const { code, stdout, stderr } = await run([
      "--base-url",
      BASE,
      "--username",
      USER,
      "--password",
      PASSWORD,
      "--page-size",
      "7",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toEqual([
      ...printed(sessions),
      "30 sessions printed; 30 listed over 5 pages.",
    ]);
  });

  it("reads the environment, takes --status and --limit, tolerates pnpm's leading --", async () => {
    const { code, stdout } = await run(["--", "--status", "Error,Warning", "--limit", "2"], {
      AZ_BASE_URL: BASE,
      AZ_USERNAME: USER,
      AZ_PASSWORD: PASSWORD,
    });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    // The simulator filters: the two newest sessions that ended in Error or Warning.
    const wanted = sessions.filter((s) => s.status === "Error" || s.status === "Warning").slice(0, 2);
    expect(lines.filter((l) => l.startsWith("#"))).toEqual(wanted.map(line));
    expect(lines.at(-1)).toBe(
      `${wanted.length} session${wanted.length === 1 ? "" : "s"} printed; ${wanted.length} listed over 1 page.`,
    );
  });

  it("wrong credentials exit 1 with the reason", async () => {
    const { code, stderr } = await run(["--base-url", BASE, "--username", USER, "--password", "not-it"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`password grant for ${USER} failed with HTTP 401`);
    expect(stderr).not.toContain("not-it");
  });

  it("--watch polls until SIGINT: each session once, and a session stopped meanwhile again with its new status", async () => {
    const running = sessions.find((s) => s.status === "Running")!;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", MAIN, "--base-url", BASE, "--username", USER, "--password", PASSWORD, "--watch", "0.2"],
      { env: CLEAN_ENV },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    // Wait for lines (events), not for a time.
    const printedLine = (test: (text: string) => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!test(out)) return;
          child.stdout.off("data", check);
          resolve();
        };
        child.stdout.on("data", check);
        check();
      });
    await printedLine((text) => /sessions? printed/.test(text));
    const stop = await fetch(`${BASE}/jobSessions/${running.id}/stop`, { method: "POST", headers: bearer });
    expect(stop.status).toBe(200);
    await printedLine((text) => text.includes(`#${running.id}  ${running.type}  Canceled  `));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const lines = out.trimEnd().split("\n");
    const heads = lines.filter((l) => l.startsWith("#"));
    // The first pass: every session once, as the simulator lists them.
    expect(heads.slice(0, sessions.length)).toEqual(sessions.map(line));
    // After that only the stopped one, once per status it went through.
    const later = heads.slice(sessions.length).map((l) => l.split("  ").slice(0, 3).join("  "));
    expect(later.at(-1)).toBe(`#${running.id}  ${running.type}  Canceled`);
    expect([
      [`#${running.id}  ${running.type}  Canceled`],
      [`#${running.id}  ${running.type}  Canceling`, `#${running.id}  ${running.type}  Canceled`],
    ]).toContainEqual(later);
    expect(lines.at(-1)).toBe("stopped.");
    // The stopped session and the list as they are now pass the simulator's contract guard.
    for (const path of [`/jobSessions/${running.id}`, `/jobSessions/${running.id}/log`, "/jobSessions?Limit=100"]) {
      const answer = await fetch(`${BASE}${path}`, { headers: bearer });
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-veeam-mock-violations"), path).toBeNull();
    }
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
    const status = await run(["--base-url", BASE, "--username", USER, "--password", PASSWORD, "--status", "Failed"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("unknown --status Failed");
    const down = await run(["--base-url", "http://127.0.0.1:9/api/v1", "--username", USER, "--password", PASSWORD]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/network.*\(is http:\/\/127\.0\.0\.1:9\/api\/v1 right\?\)/);
  });
});
