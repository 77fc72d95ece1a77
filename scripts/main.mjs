// README command 1, after turbo has linted, bundled, generated and built: say what was made,
// then start the services (the mocks and the docs server), print one "ready" block of URLs
// and keep them running until Ctrl-C. With `--once` (or CI set) they stop right after that.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const rel = (p) => relative(root, p);
const kb = (p) => `${(statSync(p).size / 1024).toFixed(1)} kB`;

function list(dir, filter) {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter(filter)
        .map((f) => join(dir, f))
    : [];
}

// The registry and helpers of @veeam-sessions/spec (built by the turbo `build` task).
const specLib = join(root, "spec", "dist", "lib", "src", "index.js");
const types = list(join(root, "packages", "types", "generated"), (f) => f.endsWith(".ts"));
if (!existsSync(specLib) || types.length === 0) {
  console.error("Nothing was bundled or generated: run `npx -y pnpm@12.25.1 start` from the repository root.");
  process.exit(1);
}
const spec = await import(pathToFileURL(specLib).href);
const registry = spec.apis();
const bundles = registry.flatMap((a) => [join(spec.distDir, a.files.yaml), join(spec.distDir, a.files.json)]);

console.log("\nveeam-sessions: lint passed (Redocly + ESLint + tsc), then:");
console.log("  bundled specs:");
for (const f of bundles) {
  const doc = f.endsWith(".json") ? JSON.parse(readFileSync(f, "utf8")) : undefined;
  const ops = doc ? spec.operationsOf(doc).length : undefined;
  console.log(`    ${rel(f)}  ${kb(f)}${ops === undefined ? "" : `  ${ops} operations`}`);
}
console.log("  generated types:");
for (const f of types) console.log(`    ${rel(f)}  ${kb(f)}`);
console.log("  built packages:");
for (const pkg of list(join(root, "packages"), () => true)) {
  if (existsSync(join(pkg, "dist"))) console.log(`    ${rel(join(pkg, "dist"))}`);
}

// ---- Services -------------------------------------------------------------------------------
// Each starter returns a list of { name, url, note, stop }; add new ones to STARTERS.

/** The mocks of every API in the registry (packages/mock: the simulator where the API has one), each on its manifest's port, else a free one. */
async function startMockServices() {
  const dist = join(root, "packages", "mock", "dist", "index.js");
  if (!existsSync(dist)) throw new Error(`${rel(dist)} is missing: the build did not run`);
  const { startMock, DEFAULT_PORTS, API_TITLES, DEFAULT_USER } = await import(pathToFileURL(dist).href);
  user = DEFAULT_USER;
  const width = Math.max(...registry.map((a) => a.alias.length));
  const log = (e) =>
    console.log(`  ${spec.getApi(e.api).alias.padEnd(width)} ${e.method} ${e.url} → ${e.status} ${e.mediaType ?? "-"}`);
  const start = async (api) => {
    try {
      return { mock: await startMock({ api, port: DEFAULT_PORTS[api], onExchange: log }), note: "" };
    } catch (error) {
      if (error.code !== "EADDRINUSE") throw error;
      return {
        mock: await startMock({ api, port: 0, onExchange: log }),
        note: `, port ${DEFAULT_PORTS[api]} was taken`,
      };
    }
  };
  const started = await Promise.allSettled(registry.map((a) => start(a.slug)));
  const ok = started.filter((r) => r.status === "fulfilled").map((r) => r.value);
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    await Promise.all(ok.map(({ mock }) => mock.stop()));
    throw failed.reason;
  }
  return ok.map(({ mock, note }) => ({
    api: mock.api,
    name: `${API_TITLES[mock.api]} mock`,
    url: mock.url,
    note: `${mock.engine === "sim" ? `simulator, log on as ${DEFAULT_USER.username} / ${DEFAULT_USER.password}` : "Prism from the spec's examples"}, ready in ${(mock.startupMs / 1000).toFixed(1)} s${note}${tokenNote(mock)}`,
    stop: () => mock.stop(),
  }));
}

/** `; token: URL` for an API whose clients get OAuth2 tokens (from its manifest). */
function tokenNote(mock) {
  const { auth } = spec.getApi(mock.api);
  return auth.kind.startsWith("oauth2") && auth.tokenPath ? `; token: ${mock.origin}${auth.tokenPath}` : "";
}

/** The docs site (packages/docs/dist, built by the `docs` task) on 4000, else a free port. */
async function startDocsServer() {
  const { serveDocs } = await import(pathToFileURL(join(root, "packages", "docs", "scripts", "serve.mjs")).href);
  let server;
  let note = `Redoc reference of ${registry.length} APIs, offline`;
  try {
    server = await serveDocs({ port: 4000 });
  } catch (error) {
    if (error.code !== "EADDRINUSE") throw error;
    server = await serveDocs({ port: 0 });
    note += ", port 4000 was taken";
  }
  return [{ name: "Docs", url: server.url, note, stop: () => server.close() }];
}

const STARTERS = [startMockServices, startDocsServer];
/** Who logs on to the simulators (set by startMockServices). */
let user = { username: "", password: "" };

const services = [];
async function stopAll() {
  await Promise.allSettled(services.reverse().map((s) => s.stop()));
}
try {
  for (const starter of STARTERS) services.push(...(await starter()));
} catch (error) {
  console.error(`\nCould not start the services: ${error.message}`);
  await stopAll();
  process.exit(1);
}

const width = Math.max(...services.map((s) => s.name.length));
const once = process.argv.includes("--once") || !!process.env.CI;
console.log(`\nReady${once ? "" : " (Ctrl-C stops)"}:`);
for (const s of services) console.log(`  ${s.name.padEnd(width)}  ${s.url}  (${s.note})`);
for (const api of registry) {
  const mock = services.find((s) => s.api === api.slug);
  if (api.try && mock)
    console.log(
      `\n  Try: ${api.try
        .replaceAll("{url}", mock.url)
        .replaceAll("{origin}", new URL(mock.url).origin)
        .replaceAll("{user}", user.username)
        .replaceAll("{password}", user.password)}`,
    );
}
console.log("\nNext: README command 2 (`npx -y pnpm@12.25.1 install && npx -y pnpm@12.25.1 test`) runs every test.");

if (once) {
  await stopAll();
} else {
  console.log("Requests:");
  let stopping = false;
  const onSignal = async () => {
    if (stopping) process.exit(130);
    stopping = true;
    await stopAll();
    console.log("Stopped.");
    process.exit(0);
  };
  // A failed stop still ends the process, with the reason, not as an unhandled rejection.
  const stop = () =>
    void onSignal().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
