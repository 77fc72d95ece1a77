// Runs the program against the Backup & Replication simulator (started by test/global-setup.ts:
// a fixed seed and session count, its generated week ending when the run starts) and checks what
// it prints against what the simulator answers a plain reader (fetch with a token of its own,
// every session and every task session, filtered here): each failed session created since the
// time the program printed, newest first and once, each with all its failed task sessions (once)
// and their failed log records; the --hours window, --limit, and the 1.1-rev0 report without
// task sessions.
import { beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_USER } from "@veeam-sessions/mock";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const BASE = process.env.VEEAM_MOCK_VBR_URL!;
const CLEAN_ENV = { ...process.env, VBR_BASE_URL: "", VBR_USERNAME: "", VBR_PASSWORD: "" };
const { username: USER, password: PASSWORD } = DEFAULT_USER;
const HOUR = 3600_000;
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, ...args], { env: { ...CLEAN_ENV, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

interface Result {
  result: string;
  message?: string | null;
}
interface Session {
  id: string;
  name: string;
  sessionType: string;
  creationTime: string;
  endTime?: string | null;
  result?: Result;
}
interface Task {
  id: string;
  sessionId: string;
  name: string;
  type: string;
  result?: Result;
}
interface LogRecord {
  status?: string;
  startTime?: string;
  title?: string;
}

/** The simulator's own answers, read with plain fetch and a token of the test's own. */
let headers: Record<string, string>;
let sessions: Session[];
const tasksOf = new Map<string, Task[]>();
const logs = new Map<string, LogRecord[]>();

async function get<T>(path: string, more: Record<string, string> = {}): Promise<T> {
  const answer = await fetch(`${BASE}${path}`, { headers: { ...headers, ...more } });
  expect(answer.status, path).toBe(200);
  expect(answer.headers.get("x-veeam-mock-violations"), path).toBeNull();
  return (await answer.json()) as T;
}

/** Every item of a list, page by page (skip/limit), checked against the total. */
async function all<T>(path: string, more: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const page = await get<{ data: T[]; pagination: { total: number } }>(
      `${path}${path.includes("?") ? "&" : "?"}skip=${items.length}&limit=500`,
      more,
    );
    items.push(...page.data);
    if (page.data.length === 0 || items.length >= page.pagination.total) {
      expect(items.length).toBe(page.pagination.total);
      return items;
    }
  }
}

beforeAll(async () => {
  const token = await fetch(`${BASE}/api/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-api-version": "1.3-rev1" },
    body: new URLSearchParams({ grant_type: "password", username: USER, password: PASSWORD }),
  });
  expect(token.status).toBe(200);
  const { access_token } = (await token.json()) as { access_token: string };
  headers = { authorization: `Bearer ${access_token}`, "x-api-version": "1.3-rev1" };
  sessions = await all<Session>("/api/v1/sessions");
  // Task sessions from the flat list, not from each session's: grouped here by sessionId.
  for (const t of await all<Task>("/api/v1/taskSessions"))
    tasksOf.set(t.sessionId, [...(tasksOf.get(t.sessionId) ?? []), t]);
  for (const t of [...tasksOf.values()].flat().filter((t) => t.result?.result === "Failed"))
    logs.set(t.id, (await get<{ records: LogRecord[] }>(`/api/v1/taskSessions/${t.id}/logs`)).records);
});

const created = (s: Session) => Date.parse(s.creationTime);
/** The failed sessions created at `since` or later, newest first. */
const failedSince = (since: number) =>
  sessions.filter((s) => s.result?.result === "Failed" && created(s) >= since).sort((a, b) => created(b) - created(a));
const failedTasks = (s: Session) => (tasksOf.get(s.id) ?? []).filter((t) => t.result?.result === "Failed");

const sessionLine = (s: Session) =>
  `${s.name}  ${s.sessionType}  ${s.creationTime}${s.endTime ? ` → ${s.endTime}` : ""}  ${(s.result!.message ?? "").trim()}`;
/** A failed task session as printed: its line and its failed and warning log records. */
const taskBlock = (t: Task) => [
  `  ✗ ${t.name}  ${(t.result!.message ?? "").trim()}`,
  ...logs
    .get(t.id)!
    .filter((r) => r.status === "Failed" || r.status === "Warning")
    .map((r) => `      ${r.startTime}  ${r.status}  ${r.title}`),
];

interface Printed {
  session: string;
  tasks: string[][];
}
/**
 * The report's body as sessions in the printed order (the program asks for newest first), each
 * with its task blocks (a task line and its log lines) sorted: one session's task sessions come
 * in the server's order, which the program does not choose. A line of no known shape throws.
 */
function parse(lines: string[]): Printed[] {
  const out: Printed[] = [];
  for (const line of lines) {
    if (line.startsWith("      ")) out.at(-1)!.tasks.at(-1)!.push(line);
    else if (line.startsWith("  ✗ ")) out.at(-1)!.tasks.push([line]);
    else if (!line.startsWith(" ")) out.push({ session: line, tasks: [] });
    else throw new Error(`unexpected line: ${line}`);
  }
  for (const p of out) p.tasks.sort((a, b) => a.join("\n").localeCompare(b.join("\n")));
  return out;
}
const expected = (list: Session[]): Printed[] =>
  parse(list.flatMap((s) => [sessionLine(s), ...failedTasks(s).flatMap(taskBlock)]));

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Runs the program and splits its report: the `since` it printed (checked: `hours` before a time
 * within the run), the body, the last line.
 */
async function report(args: string[], env: NodeJS.ProcessEnv = {}, hours = 24) {
  const before = Date.now();
  const { code, stdout, stderr } = await run(args, env);
  const after = Date.now();
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split("\n");
  const head = /^Failed sessions created since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) \(x-api-version (\S+)\)$/.exec(
    lines[0]!,
  );
  expect(head, lines[0]).not.toBeNull();
  const since = Date.parse(head![1]!);
  expect(since).toBeGreaterThanOrEqual(before - hours * HOUR);
  expect(since).toBeLessThanOrEqual(after - hours * HOUR);
  return { since, apiVersion: head![2], body: lines.slice(1, -1), last: lines.at(-1) };
}

describe("vbr-failed-tasks against the simulator", () => {
  it("the global setup started the simulator: a week of sessions, failed ones in the last day with failed and successful tasks", () => {
    expect(BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const day = failedSince(Date.now() - 24 * HOUR);
    // Enough to miss one: failed sessions of the last day, some with a successful task session
    // next to the failed one, some with more than one failed; and failed sessions before it.
    expect(day.length).toBeGreaterThanOrEqual(3);
    expect(day.some((s) => failedTasks(s).length < tasksOf.get(s.id)!.length)).toBe(true);
    expect(day.some((s) => failedTasks(s).length > 1)).toBe(true);
    expect(failedSince(0).length).toBeGreaterThan(day.length);
    // Every failed session has a failed task session, and each of those a failed log record.
    for (const s of failedSince(0)) expect(failedTasks(s).length).toBeGreaterThan(0);
    for (const t of [...logs.keys()]) expect(logs.get(t)!.some((r) => r.status === "Failed")).toBe(true);
  });

  it("prints each failed session of the last 24 h once, newest first, with all its failed task sessions and their failed log lines", async () => {
    const r = await report(["--base-url", BASE, "--username", USER, "--password", PASSWORD]);
    expect(r.apiVersion).toBe("1.3-rev1");
    const failed = failedSince(r.since);
    expect(parse(r.body)).toEqual(expected(failed));
    const tasks = failed.reduce((n, s) => n + failedTasks(s).length, 0);
    expect(r.last).toBe(`${plural(failed.length, "failed session")}, ${plural(tasks, "failed task session")}.`);
  });

  it("reads the environment, takes --hours, --limit and --api-version, tolerates pnpm's leading --", async () => {
    const env = { VBR_BASE_URL: BASE, VBR_USERNAME: USER, VBR_PASSWORD: PASSWORD };
    const six = await report(["--", "--hours", "6", "--api-version", "1.2-rev1"], env, 6);
    expect(six.apiVersion).toBe("1.2-rev1");
    const failed = failedSince(six.since);
    // The seed puts failed sessions both inside the 6 h and between 6 h and 24 h ago.
    expect(failed.length).toBeGreaterThan(0);
    expect(failedSince(six.since - 18 * HOUR).length).toBeGreaterThan(failed.length);
    expect(parse(six.body)).toEqual(expected(failed));
    const tasks = failed.reduce((n, s) => n + failedTasks(s).length, 0);
    expect(six.last).toBe(`${plural(failed.length, "failed session")}, ${plural(tasks, "failed task session")}.`);

    const two = await report(["--limit", "2"], env);
    const newest = failedSince(two.since).slice(0, 2);
    expect(newest.length).toBe(2);
    expect(parse(two.body)).toEqual(expected(newest));
    const newestTasks = newest.reduce((n, s) => n + failedTasks(s).length, 0);
    expect(two.last).toBe(`2 failed sessions, ${plural(newestTasks, "failed task session")}.`);
  });

  it("with --api-version 1.1-rev0 it lists the failed sessions only: task sessions need 1.2-rev1", async () => {
    const old = await report([
      "--base-url",
      BASE,
      "--username",
      USER,
      "--password",
      PASSWORD,
      "--api-version",
      "1.1-rev0",
    ]);
    expect(old.apiVersion).toBe("1.1-rev0");
    // The same sessions as 1.1-rev0 shows them (its session types: a backup job is a `Job`).
    const asOld = new Map(
      (
        await all<Session>(
          `/api/v1/sessions?resultFilter=Failed&createdAfterFilter=${new Date(old.since).toISOString()}`,
          { "x-api-version": "1.1-rev0" },
        )
      ).map((s) => [s.id, s]),
    );
    const failed = failedSince(old.since).map((s) => asOld.get(s.id)!);
    expect(failed.every(Boolean)).toBe(true);
    expect(old.body).toEqual(failed.map(sessionLine));
    expect(old.last).toBe(
      `${plural(failed.length, "failed session")} (task sessions need x-api-version 1.2-rev1 or later).`,
    );
  });

  it("--help prints the usage; missing or bad options are usage errors (exit 2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: vbr-failed-tasks");
    const missing = await run([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing --base-url (VBR_BASE_URL), --username (VBR_USERNAME), --password");
    const bad = await run(["--base-url", BASE, "--username", USER, "--password", PASSWORD, "--api-version", "v1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--api-version must look like 1.3-rev1");
  });

  it("wrong credentials are exit 1 with the reason, and the password is not printed", async () => {
    const { code, stderr } = await run(["--base-url", BASE, "--username", USER, "--password", "Wrong-pw"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`password grant for ${USER} failed with HTTP 401`);
    expect(stderr).not.toContain("Wrong-pw");
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
