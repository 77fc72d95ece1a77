// Runs turbo with the environment every root script needs, set in one place: no telemetry
// from turbo or Redocly, no update notices, the Node version in the cache key.
// `node scripts/turbo.mjs run lint` = `turbo run lint`.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../node_modules/.bin/turbo", import.meta.url));

export const TURBO_ENV = {
  TURBO_TELEMETRY_DISABLED: "1",
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  // In the env of the test tasks: a run on another Node version (.ci/run's Node 26 pass) misses the cache
  // and really runs instead of replaying the Node 22 pass.
  VEEAM_SESSIONS_NODE_VERSION: process.version,
};

/** Starts turbo with `args`; `stdout` "inherit" or "pipe". */
export function turbo(args, stdout = "inherit") {
  return spawn(bin, args, { env: { ...process.env, ...TURBO_ENV }, stdio: ["ignore", stdout, "inherit"] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  turbo(process.argv.slice(2)).on("close", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
