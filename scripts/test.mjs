// README command 2 after install: every lint, test and publish check through turbo (cached),
// then one closing line that adds up the vitest results of every package, cached or not
// (turbo replays a cached task's log, so its counts are still there).
import { turbo as runTurbo } from "./turbo.mjs";

const started = Date.now();
// Three tasks at a time: the machines here have 2 cores, and each test task runs its own workers.
const args = ["run", "lint", "test", "check-packages", "consumer", "--concurrency=3", ...process.argv.slice(2)];
const turbo = runTurbo(args, "pipe");

let passed = 0;
let failed = 0;
let skipped = 0;
let rest = "";
// eslint-disable-next-line no-control-regex -- stripping the ANSI colour codes turbo and vitest print
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");
function count(line) {
  const m = /Tests\s+(.*)\(\d+\)\s*$/.exec(strip(line));
  if (!m) return;
  for (const [, n, what] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (what === "passed") passed += Number(n);
    else if (what === "failed") failed += Number(n);
    else skipped += Number(n);
  }
}
turbo.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  const lines = (rest + chunk.toString("utf8")).split("\n");
  rest = lines.pop() ?? "";
  lines.forEach(count);
});
turbo.on("close", (code) => {
  count(rest);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\nveeam-sessions, every package (${seconds} s) on ${process.version}:`);
  console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  if (code === 0 && passed === 0) {
    console.error("No test ran: something is wrong with the test setup.");
    process.exit(1);
  }
  process.exit(code ?? 1);
});
