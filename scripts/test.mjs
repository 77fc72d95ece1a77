// README command 2 after install: every lint, test and publish check through turbo (cached),
// then one closing line that adds up the vitest results of every package, cached or not
// (turbo replays a cached task's log, so its counts are still there).
//
// The order is chosen, not left to turbo (which starts ready tasks in graph order and would start
// the two longest suites last, issue 22): first everything is built once; then the two longest
// suites (mock, docs) start at once beside the rest (lint, the other tests, the publish checks);
// the mock and docs lint and publish checks come last. The later turbo runs take `--only`: what
// they depend on is built, so no two runs ever write the same files.
import { turbo as runTurbo } from "./turbo.mjs";

const started = Date.now();
const extra = process.argv.slice(2);
const LONGEST = ["@veeam-sessions/mock", "@veeam-sessions/docs"];
const only = (filters) => ["--only", ...filters.map((f) => `--filter=${f}`)];

const build = ["run", "bundle", "generate", "build", "pack", "docs", "--concurrency=3"];
const longest = ["run", "test", ...only(LONGEST), "--concurrency=2"];
const rest = [
  "run",
  ...["format:check", "lint:root", "lint", "test", "check-packages", "consumer"],
  ...only(LONGEST.map((name) => `!${name}`)),
  "--concurrency=2",
];
const last = ["run", "lint", "check-packages", ...only(LONGEST), "--concurrency=2"];

let passed = 0;
let failed = 0;
let skipped = 0;
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

/** Runs turbo with `args`; its output goes out whole lines at a time (two runs may be printing). */
function run(args) {
  return new Promise((resolve) => {
    const child = runTurbo([...args, ...extra], "pipe");
    let rest = "";
    child.stdout.on("data", (chunk) => {
      const lines = (rest + chunk.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      if (lines.length > 0) process.stdout.write(lines.join("\n") + "\n");
      lines.forEach(count);
    });
    child.on("close", (code) => {
      if (rest) process.stdout.write(rest + "\n");
      count(rest);
      resolve(code ?? 1);
    });
  });
}

let code = await run(build);
if (code === 0) {
  const codes = await Promise.all([run(longest), run(rest).then((c) => (c === 0 ? run(last) : c))]);
  code = codes.find((c) => c !== 0) ?? 0;
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nveeam-sessions, every package (${seconds} s) on ${process.version}:`);
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
if (code === 0 && passed === 0) {
  console.error("No test ran: something is wrong with the test setup.");
  process.exit(1);
}
process.exit(code);
