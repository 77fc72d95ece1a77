// The veeam-mock command: help, errors, start both mocks, print their URLs, log requests,
// and stop cleanly (Prism gone, ports free) on SIGINT and SIGTERM.
import { afterAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { canBind } from "./helpers.js";
import { runCli, runInProcess, type RunningCli } from "./cli-helpers.js";

const running: RunningCli[] = [];
const cli = (args: string[]) => {
  const r = runCli(args);
  running.push(r);
  return r;
};
afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill("SIGKILL");
});

describe("veeam-mock", () => {
  it("--help explains the usage, ports and flags", async () => {
    const r = await runInProcess(["--help"]);
    expect(r.code).toBe(0);
    for (const text of ["--api", "--port", "--host", "--dynamic", "4010", "4011", "proxy", "--upstream", "/api/v1"])
      expect(r.output).toContain(text);
  });

  it("an unknown api is a usage error (exit 2)", async () => {
    // As a process: the one usage error that checks the exit code and stderr of the CLI itself.
    const r = cli(["--api", "vb365"]);
    expect((await r.exited).code).toBe(2);
    expect(r.output()).toContain(
      'veeam-mock: unknown api "vb365": use enterprise-manager, backup-for-azure, backup-replication or all',
    );
    expect(r.output()).toContain("See veeam-mock --help.");
  });

  it("an unknown flag is a usage error (exit 2)", async () => {
    const r = await runInProcess(["--prot", "1"]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/Unknown option '--prot'/);
  });

  it("--sessions over the cap is a usage error naming the limit (exit 2), before anything is built", async () => {
    const r = await runInProcess(["--api", "em", "--port", "0", "--sessions", "1000000000"]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/--sessions.*a number of sessions from 0 to 100000/);
  });

  it("proxy needs --upstream", async () => {
    const r = await runInProcess(["proxy", "--api", "em"]);
    expect(r.code).toBe(2);
    expect(r.output).toContain("--upstream is required");
  });

  it("a port in use is reported (exit 1) before Prism starts", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    const r = await runInProcess(["--api", "enterprise-manager", "--port", String(port)]);
    expect(r.code).toBe(1);
    expect(r.output).toContain(`veeam-mock: port ${port} on 127.0.0.1 is in use`);
    blocker.close();
  });

  it("--api all --port 0: prints every base URL once ready, logs each request, stops on SIGINT", async () => {
    const r = cli(["--api", "all", "--port", "0", "--engine", "prism"]);
    await r.waitFor(/ready in [\d.]+ s/);
    const em = (await r.waitFor(/Enterprise Manager\s+(http:\/\/127\.0\.0\.1:\d+\/api) +\(Prism [\d.]+\)\n/))[1]!;
    const az = (
      await r.waitFor(
        /Backup for Microsoft Azure\s+(http:\/\/127\.0\.0\.1:\d+\/api\/v1)\s+\(token: (http:\/\/127\.0\.0\.1:\d+\/api\/oauth2\/token)\)/,
      )
    )[1]!;
    const vbr = (
      await r.waitFor(
        /Backup & Replication\s+(http:\/\/127\.0\.0\.1:\d+)\s+\(token: http:\/\/127\.0\.0\.1:\d+\/api\/oauth2\/token\)/,
      )
    )[1]!;
    const response = await fetch(`${em}/backupSessions`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(401);
    await r.waitFor(/em +GET \/api\/backupSessions → 401 application\/json \(\d+ ms\) {2}1 violation\n/);
    await r.waitFor(/✗ GET \/api\/backupSessions error request: Invalid security scheme used/); // printed just after the request line
    expect((await fetch(`${az}/jobSessions`, { headers: { authorization: "Bearer t" } })).status).toBe(200);
    await r.waitFor(/azure GET \/api\/v1\/jobSessions → 200 application\/json/);
    const vbrAnswer = await fetch(`${vbr}/api/v1/sessions`, {
      headers: { authorization: "Bearer t", "x-api-version": "1.3-rev1" },
    });
    expect(vbrAnswer.status).toBe(200);
    await r.waitFor(/vbr {3}GET \/api\/v1\/sessions → 200 application\/json/);

    r.child.kill("SIGINT");
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.output()).toMatch(/veeam-mock: stopped \(3 requests\)\./);
    for (const url of [em, az, vbr]) expect(await canBind(Number(new URL(url).port))).toBe(true);
  });

  it("SIGTERM stops it as cleanly; --quiet prints no request lines", async () => {
    const r = cli(["--api", "backup-for-azure", "--port", "0", "--quiet"]);
    const az = (await r.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/api\/v1/))[1]!;
    await fetch(`${az}/api/v1/jobSessions`);
    r.child.kill("SIGTERM");
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.output()).not.toContain("GET /api/v1/jobSessions");
    expect(await canBind(Number(new URL(az).port))).toBe(true);
  });
});

describe("veeam-mock, the simulator (default engine)", () => {
  it("says what it simulates and who logs on; --user, --guard and faults apply; a logon works", async () => {
    const r = cli([
      "--api",
      "em",
      "--port",
      "0",
      "--guard",
      "--user",
      "ops:s3cret",
      "--sessions",
      "20",
      "--latency",
      "5",
    ]);
    // --sessions counts sessions; their task sessions are counted apart.
    const banner =
      /Enterprise Manager\s+(http:\/\/127\.0\.0\.1:\d+\/api) +\(simulator, 20 sessions, \d+ task sessions\)/;
    const em = (await r.waitFor(banner))[1]!;
    await r.waitFor(/Log on as ops\./);
    const refused = await fetch(`${em}/sessionMngr/?v=latest`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("veeam:veeam").toString("base64")}` },
    });
    expect(refused.status).toBe(401);
    const logon = await fetch(`${em}/sessionMngr/?v=latest`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("ops:s3cret").toString("base64")}` },
    });
    expect(logon.status).toBe(201);
    const token = logon.headers.get("x-restsvcsessionid")!;
    const list = await fetch(`${em}/backupSessions`, { headers: { "x-restsvcsessionid": token } });
    expect(list.status).toBe(200);
    expect(list.headers.get("x-veeam-mock-violations")).toBeNull();
    await r.waitFor(/GET \/api\/backupSessions → 200 application\/xml/);
    r.child.kill("SIGINT");
    expect(await r.exited).toEqual({ code: 0, signal: null });
  });

  it("refuses Prism's flags for the simulator and the simulator's for Prism (exit 2)", async () => {
    for (const [args, message] of [
      [["--dynamic"], "--dynamic is for --engine prism"],
      [["--engine", "prism", "--seed", "2"], "--seed is for the simulator (--engine sim)"],
      [["--engine", "fast"], '--engine must be "sim" or "prism", not "fast"'],
      [["--error-rate", "1.5"], "--error-rate 1.5 is not a share from 0 to 1"],
      [["--user", "nopassword"], "--user nopassword is not NAME:PASSWORD"],
    ] as const) {
      const r = await runInProcess([...args]);
      expect(r.code).toBe(2);
      expect(r.output).toContain(message);
    }
  });
});

describe.runIf(process.platform === "linux")("no orphans", () => {
  it("Prism exits with the CLI, even one killed with SIGKILL, and removes the temporary spec", async () => {
    const r = cli(["--api", "em", "--port", "0", "--quiet", "--engine", "prism"]);
    await r.waitFor(/ready in/);
    const { execFileSync } = await import("node:child_process");
    const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(r.child.pid)], { encoding: "utf8" })
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(children.length).toBeGreaterThan(0);
    const args = execFileSync("ps", ["-o", "args=", "-p", children.join(",")], { encoding: "utf8" });
    const doc = /(\S*veeam-mock-[^/\s]+)\/enterprise-manager\.json/.exec(args)?.[1];
    expect(doc && existsSync(doc)).toBe(true);
    r.child.kill("SIGKILL");
    await r.exited;
    const alive = () =>
      children.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
    // Prism is a grandchild (no exit event reaches this process): look until it is gone; the
    // test's own timeout is the only bound, so a slow machine cannot fail it.
    while (alive().length) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive()).toEqual([]);
    expect(existsSync(doc!)).toBe(false); // the temporary spec went with Prism
  });
});
