// Bundles every API listed in ../redocly.yaml into spec/dist/<api>.yaml and .json:
// one self-contained document each, components kept (the form generators prefer).
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const specDir = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(specDir);
const config = parse(readFileSync(join(root, "redocly.yaml"), "utf8"));
const redocly = join(specDir, "node_modules", ".bin", "redocly");
const dist = join(specDir, "dist");
mkdirSync(dist, { recursive: true });

const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
for (const api of Object.keys(config.apis)) {
  for (const ext of ["yaml", "json"]) {
    const out = join(dist, `${api}.${ext}`);
    execFileSync(redocly, ["bundle", api, "--config", join(root, "redocly.yaml"), "--output", out, "--ext", ext], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    console.log(`bundled ${api} -> ${relative(root, out)} (${statSync(out).size} bytes)`);
  }
}
