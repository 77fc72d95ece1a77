// Scenario 3, second half: whatever ends Prism, the mock says why, starts it again (bounded)
// and answers; when it cannot, the CLI exits non-zero.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { startMock } from "../../src/index.js";
import { runCli } from "../cli-helpers.js";

const until = async (check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("Prism dies", () => {
  it("killed with SIGKILL: the mock logs why, restarts it and answers again", { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const mock = await startMock({
      api: "enterprise-manager",
      engine: "prism",
      port: 0,
      onPrismTrouble: (l) => lines.push(l),
      startTimeoutMs: 90_000,
    });
    try {
      const before = mock.prism!.pid;
      process.kill(before, "SIGKILL");
      await until(() => mock.prism!.restarts === 1, 90_000);
      expect(mock.prism!.pid).not.toBe(before);
      expect(lines.join("\n")).toContain(`Prism (pid ${before}) killed by SIGKILL`);
      expect(lines.join("\n")).toMatch(/Prism is running again \(pid \d+/);
      const r = await fetch(`${mock.url}/`, { headers: { accept: "application/json" } });
      expect(r.status).toBe(200);
    } finally {
      await mock.stop();
    }
  });

  it("the CLI exits non-zero when Prism cannot be started again", async () => {
    const r = runCli(["--api", "em", "--engine", "prism", "--port", "0", "--quiet", "--start-timeout", "120"]);
    try {
      await r.waitFor(/Enterprise Manager\s+http:\/\/127\.0\.0\.1:\d+\/api/, 150_000);
      // The CLI's Prism child, and the temporary spec it serves.
      const prism = readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .find((p) => {
          try {
            const stat = readFileSync(`/proc/${p}/stat`, "utf8");
            return (
              stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] === String(r.child.pid) &&
              readFileSync(`/proc/${p}/cmdline`, "utf8").includes("prism-child.mjs")
            );
          } catch {
            return false;
          }
        });
      expect(prism).toBeDefined();
      const args = readFileSync(`/proc/${prism}/cmdline`, "utf8").split("\0");
      const spec = args.find((a) => /veeam-mock-[^/]+\/[^/]+\.json$/.test(a))!;
      expect(spec).toBeDefined();
      rmSync(dirname(spec), { recursive: true, force: true }); // so no restart can succeed
      process.kill(Number(prism), "SIGKILL");
      const { code } = await r.exited;
      expect(code).toBe(1);
      expect(r.output()).toContain("killed by SIGKILL");
      expect(r.output()).toMatch(/restarting Prism \(1\/3/);
      expect(r.output()).toMatch(/giving up: .*3 restarts within 60 s/);
    } finally {
      r.child.kill("SIGKILL");
    }
  }, 240_000);
});
