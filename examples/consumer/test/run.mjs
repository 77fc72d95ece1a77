#!/usr/bin/env node
// The published shape, proven from outside the workspace: install the tarballs that
// `pnpm pack-all` wrote to dist-packages/ with plain npm into a temp folder, then
//   1. type-check src/report.ts (client + types) with tsc,
//   2. run the installed bins: veeam-mock and veeam-contract --version, a real validation of
//      the contract package's fixtures, and a veeam-mock server asked over HTTP,
//   3. run test/mock.test.ts (startMock() + the client) with vitest.
// Dependencies of the tarballs come from the npm registry (--prefer-offline uses npm's cache).
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const root = resolve(here, "..", "..");
const packed = join(root, "dist-packages");
const PACKAGES = ["spec", "types", "xml", "client", "mock", "contract"];
const results = [];

/** Run a command; resolve with its exit code and output (never rejects on a non-zero exit). */
function run(command, args, { cwd, onStdout } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      onStdout?.(out, child);
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, out, err }));
  });
}

async function step(name, body) {
  const started = Date.now();
  try {
    const detail = await body();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `: ${detail}` : ""}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function expectExit(result, code, what) {
  if (result.code !== code) {
    throw new Error(`${what}: exit ${result.code ?? result.signal}, expected ${code}\n${result.out}${result.err}`);
  }
}

const tarballs = existsSync(packed) ? readdirSync(packed).filter((f) => f.endsWith(".tgz")) : [];
const tarballOf = (name) => {
  const matches = tarballs.filter((f) => f.startsWith(`veeam-sessions-${name}-`)).sort();
  if (matches.length === 0) {
    console.error(`consumer: no tarball of @veeam-sessions/${name} in ${packed}: run \`npx -y pnpm@12.25.1 pack-all\``);
    process.exit(1);
  }
  return join(packed, matches.at(-1));
};

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "veeam-sessions-consumer-"));
writeFileSync(
  join(dir, "package.json"),
  JSON.stringify(
    {
      name: "consumer",
      private: true,
      type: "module",
      dependencies: Object.fromEntries(PACKAGES.map((name) => [`@veeam-sessions/${name}`, `file:${tarballOf(name)}`])),
      // The same versions the repository tests with.
      devDependencies: Object.fromEntries(
        ["typescript", "vitest", "@types/node"].map((name) => [name, rootManifest.devDependencies[name]]),
      ),
    },
    null,
    2,
  ),
);
cpSync(join(here, "src"), join(dir, "src"), { recursive: true });
cpSync(join(here, "test", "mock.test.ts"), join(dir, "test", "mock.test.ts"));
cpSync(join(here, "tsconfig.json"), join(dir, "tsconfig.json"));
console.log(`consumer: ${PACKAGES.length} tarballs from ${packed}, installed with npm in ${dir}`);

const bin = (name) => join(dir, "node_modules", ".bin", name);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

await step("npm install of the tarballs", async () => {
  const r = await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
  });
  expectExit(r, 0, "npm install");
  const installed = PACKAGES.map(
    (name) =>
      JSON.parse(readFileSync(join(dir, "node_modules", "@veeam-sessions", name, "package.json"), "utf8")).version,
  );
  return PACKAGES.map((name, i) => `${name}@${installed[i]}`).join(", ");
});

const ready = results.every((r) => r.ok);
if (ready) {
  await step("tsc: src/report.ts and test/mock.test.ts type-check against client + types", async () => {
    expectExit(await run(bin("tsc"), ["-p", "tsconfig.json"], { cwd: dir }), 0, "tsc");
  });

  for (const name of ["veeam-mock", "veeam-contract"]) {
    await step(`${name} --version and --help`, async () => {
      const version = await run(bin(name), ["--version"], { cwd: dir });
      expectExit(version, 0, `${name} --version`);
      const help = await run(bin(name), ["--help"], { cwd: dir });
      expectExit(help, 0, `${name} --help`);
      if (!/usage/i.test(help.out)) throw new Error(`${name} --help prints no usage:\n${help.out}`);
      return version.out.trim();
    });
  }

  await step(
    "veeam-contract validate: the recorded fixtures pass (exit 0), the invalid ones fail (exit 1)",
    async () => {
      const fixtures = join(root, "packages", "contract", "fixtures");
      const valid = await run(
        bin("veeam-contract"),
        ["validate", "-q", join(fixtures, "enterprise-manager"), join(fixtures, "backup-for-azure")],
        { cwd: dir },
      );
      expectExit(valid, 0, "validate (valid fixtures)");
      const invalid = await run(bin("veeam-contract"), ["validate", "-q", join(fixtures, "invalid")], { cwd: dir });
      expectExit(invalid, 1, "validate (invalid fixtures)");
      return `${valid.out.trim().split("\n").at(-1)}; ${invalid.out.trim().split("\n").at(-1)}`;
    },
  );

  await step("veeam-mock --api em --port 0: answers GET /api/ (the entry point) over HTTP", async () => {
    let url;
    let asked;
    const served = run(bin("veeam-mock"), ["--api", "em", "--port", "0", "--quiet"], {
      cwd: dir,
      onStdout: (out, child) => {
        const match = /http:\/\/127\.0\.0\.1:\d+\/api\b/.exec(out);
        if (!match || url) return;
        url = match[0];
        asked = fetch(`${url}/`, { headers: { Accept: "application/xml" } })
          .then(async (response) => ({
            status: response.status,
            type: response.headers.get("content-type"),
            body: await response.text(),
          }))
          .finally(() => child.kill("SIGTERM"));
      },
    });
    const exited = await served;
    if (!url) throw new Error(`veeam-mock printed no URL (exit ${exited.code}):\n${exited.out}${exited.err}`);
    const answer = await asked;
    if (answer.status !== 200 || !answer.body.includes("<EnterpriseManager")) {
      throw new Error(`GET ${url}/: ${answer.status} ${answer.type}\n${answer.body.slice(0, 200)}`);
    }
    if (exited.code !== 0 && exited.signal !== "SIGTERM")
      throw new Error(`veeam-mock exited ${exited.code} on SIGTERM`);
    return `GET ${url}/ → ${answer.status} ${answer.type}`;
  });

  await step(
    "without Prism (an optional peer, not installed): --engine prism and proxy print the install hint",
    async () => {
      if (existsSync(join(dir, "node_modules", "@stoplight", "prism-cli")))
        throw new Error(
          "npm installed @stoplight/prism-cli: it must stay an optional peer (~55 MB users of the simulator never need)",
        );
      const hint = /^veeam-mock: Prism is not installed .*npm install --save-dev @stoplight\/prism-cli@\S+\n$/;
      for (const args of [
        ["--api", "em", "--engine", "prism", "--port", "0"],
        ["proxy", "--api", "em", "--upstream", "http://127.0.0.1:9/api", "--port", "0"],
      ]) {
        const r = await run(bin("veeam-mock"), args, { cwd: dir });
        expectExit(r, 1, `veeam-mock ${args.join(" ")}`);
        if (!hint.test(r.err))
          throw new Error(`veeam-mock ${args.join(" ")}: not the one-line install hint:\n${r.err}`);
      }
      return "one line each, exit 1";
    },
  );

  await step("vitest: startMock() and the client", async () => {
    const r = await run(bin("vitest"), ["run", "--reporter=default"], { cwd: dir });
    process.stdout.write(r.out.replace(/^/gm, "    "));
    expectExit(r, 0, "vitest run");
  });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`consumer: ${results.length - failed} of ${results.length} steps passed`);
if (failed === 0) rmSync(dir, { recursive: true, force: true });
else console.log(`consumer: kept ${dir} for a look`);
process.exit(failed === 0 ? 0 : 1);
