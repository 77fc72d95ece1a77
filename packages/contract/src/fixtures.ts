// Fixtures: NAME.meta.json + NAME.body.<xml|json>, as the client's recordTo() writes them; or a
// bare body file described by command-line flags. Finding them (directories recursively),
// pairing meta and body, and checking each against the contract.
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { isObject } from "./spec.js";
import { FileRefused, MAX_BODY_BYTES, MAX_META_BYTES, readBounded } from "./read.js";
import { isLookupError, type ContractValidator, type RecordedResponse, type ValidationResult } from "./validator.js";

/** What `NAME.meta.json` holds (other keys, such as a test's `expect`, are ignored). */
export interface FixtureMeta {
  api?: string;
  method?: string;
  path?: string;
  status?: number | string;
  mediaType?: string;
  operationId?: string;
}

export interface Fixture {
  /** The fixture's name: its path without `.meta.json` / `.body.<ext>`. */
  readonly name: string;
  /** Absent for a bare body described by flags. */
  readonly metaFile?: string;
  readonly bodyFile: string;
  /** For a bare body: the flags. */
  readonly meta?: FixtureMeta;
}

/** Something that keeps a fixture from being checked at all (exit 2). */
export interface FixtureProblem {
  readonly file: string;
  readonly message: string;
}

export interface FixtureResult {
  readonly fixture: Fixture;
  /** What the meta (or the flags) said. */
  readonly response: Omit<RecordedResponse, "body">;
  readonly result: ValidationResult;
}

export interface CheckReport {
  readonly results: FixtureResult[];
  readonly problems: FixtureProblem[];
}

const META = ".meta.json";
const BODY = /\.body\.[^./\\]+$/;

function errorText(e: unknown): string {
  if (e instanceof FileRefused) return e.message;
  if (isObject(e) && typeof e.code === "string") {
    const code = e.code;
    if (code === "ENOENT") return "no such file or directory";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    if (code === "EISDIR") return "is a directory";
    return `cannot be read (${code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** Walks `dir`; a subfolder that cannot be read is a problem and is skipped, the walk goes on. */
async function walk(dir: string, out: string[], problems: FixtureProblem[], depth = 0): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth >= 64) {
        problems.push({ file: full, message: "nested deeper than 64 folders: skipped" });
        continue;
      }
      try {
        await walk(full, out, problems, depth + 1);
      } catch (e) {
        problems.push({ file: full, message: `${errorText(e)}: folder skipped` });
      }
    } else if (entry.isFile() && (entry.name.endsWith(META) || BODY.test(entry.name))) out.push(full);
  }
}

function baseOf(file: string): string {
  return file.endsWith(META) ? file.slice(0, -META.length) : file.replace(BODY, "");
}

/**
 * Finds the fixtures under `paths` (files or directories, searched recursively). A body file
 * without its meta is a problem unless `bare` (the flags) describes it; a meta without a body
 * is always one.
 */
export async function collectFixtures(
  paths: readonly string[],
  bare?: FixtureMeta,
  cwd: string = process.cwd(),
): Promise<{ fixtures: Fixture[]; problems: FixtureProblem[] }> {
  const problems: FixtureProblem[] = [];
  const convention = new Set<string>();
  const explicitBare: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = (await stat(abs)).isDirectory();
    } catch (e) {
      problems.push({ file: abs, message: errorText(e) });
      continue;
    }
    if (isDir) {
      const files: string[] = [];
      try {
        await walk(abs, files, problems);
      } catch (e) {
        problems.push({ file: abs, message: errorText(e) });
      }
      for (const f of files) convention.add(f);
    } else if (abs.endsWith(META) || BODY.test(basename(abs))) {
      convention.add(abs);
      // The other half of a fixture named on the command line lives next to it.
      const base = baseOf(abs);
      try {
        for (const name of await readdir(dirname(abs))) {
          const sibling = join(dirname(abs), name);
          if (baseOf(sibling) === base && (name.endsWith(META) || BODY.test(name))) convention.add(sibling);
        }
      } catch {
        // reported when the file itself is read
      }
    } else {
      explicitBare.push(abs);
    }
  }

  const groups = new Map<string, { meta?: string; bodies: string[] }>();
  for (const f of [...convention].sort()) {
    const base = baseOf(f);
    const g = groups.get(base) ?? { bodies: [] };
    if (f.endsWith(META)) g.meta = f;
    else g.bodies.push(f);
    groups.set(base, g);
  }

  const fixtures: Fixture[] = [];
  const bareHint =
    "record it with recordTo() from @veeam-sessions/client, or describe it with --api, --method, --path (or --operation), --status and --media-type";
  for (const [base, g] of groups) {
    if (g.meta !== undefined) {
      if (g.bodies.length === 1) fixtures.push({ name: base, metaFile: g.meta, bodyFile: g.bodies[0]! });
      else if (g.bodies.length === 0)
        problems.push({
          file: g.meta,
          message: `no body next to it (${basename(base)}.body.xml or ${basename(base)}.body.json)`,
        });
      else
        problems.push({
          file: g.meta,
          message: `more than one body next to it (${g.bodies.map((b) => basename(b)).join(", ")})`,
        });
    } else {
      for (const body of g.bodies) {
        if (bare) fixtures.push({ name: base, bodyFile: body, meta: bare });
        else problems.push({ file: body, message: `no ${basename(base)}${META} next to it: ${bareHint}` });
      }
    }
  }
  for (const file of explicitBare) {
    if (bare) fixtures.push({ name: file, bodyFile: file, meta: bare });
    else problems.push({ file, message: `not a fixture (NAME.meta.json + NAME.body.xml|json): ${bareHint}` });
  }
  return { fixtures, problems };
}

/** The media type a bare body's extension implies. */
function mediaTypeFromExtension(file: string): string | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith(".xml")) return "application/xml";
  if (lower.endsWith(".json")) return "application/json";
  return undefined;
}

function readMeta(text: string): FixtureMeta | string {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!isObject(meta)) return "not a JSON object";
  for (const key of ["api", "method", "path", "mediaType", "operationId"] as const) {
    if (meta[key] !== undefined && typeof meta[key] !== "string") return `"${key}" must be a string`;
  }
  if (meta.status === undefined) return `lacks "status"`;
  if (typeof meta.status !== "number" && typeof meta.status !== "string") return `"status" must be a number`;
  if (meta.operationId === undefined && (meta.method === undefined || meta.path === undefined))
    return `needs "operationId", or "method" and "path"`;
  return meta;
}

export interface CheckOptions {
  /** Called after each fixture with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Files read at once. Default 16. */
  concurrency?: number;
  /** A body file larger than this is a problem, not read (checked before reading). Default 64 MiB. */
  maxBodyBytes?: number;
  /** The same for NAME.meta.json. Default 1 MiB. */
  maxMetaBytes?: number;
}

/**
 * Checks every fixture. Results keep the fixtures' order; a fixture that cannot be checked
 * (unreadable, bad meta, a response the contract does not have) is a problem instead.
 */
export async function checkFixtures(
  validator: ContractValidator,
  fixtures: readonly Fixture[],
  options: CheckOptions = {},
): Promise<CheckReport> {
  const slots = new Array<FixtureResult | FixtureProblem | undefined>(fixtures.length);
  let next = 0;
  let done = 0;
  async function one(fixture: Fixture): Promise<FixtureResult | FixtureProblem> {
    let meta: FixtureMeta;
    if (fixture.metaFile !== undefined) {
      let text: string;
      try {
        text = (await readBounded(fixture.metaFile, options.maxMetaBytes ?? MAX_META_BYTES)).toString("utf8");
      } catch (e) {
        return { file: fixture.metaFile, message: errorText(e) };
      }
      const m = readMeta(text);
      if (typeof m === "string") return { file: fixture.metaFile, message: m };
      meta = m;
    } else {
      meta = { ...fixture.meta, mediaType: fixture.meta?.mediaType ?? mediaTypeFromExtension(fixture.bodyFile) };
      if (meta.status === undefined) return { file: fixture.bodyFile, message: "no --status given" };
      if (meta.operationId === undefined && (meta.method === undefined || meta.path === undefined)) {
        return { file: fixture.bodyFile, message: "no --operation, or --method and --path, given" };
      }
    }
    let body: Buffer;
    try {
      body = await readBounded(fixture.bodyFile, options.maxBodyBytes ?? MAX_BODY_BYTES);
    } catch (e) {
      return { file: fixture.bodyFile, message: errorText(e) };
    }
    const response: Omit<RecordedResponse, "body"> = {
      ...(meta.api !== undefined ? { api: meta.api } : {}),
      ...(meta.operationId !== undefined ? { operationId: meta.operationId } : {}),
      ...(meta.method !== undefined ? { method: meta.method } : {}),
      ...(meta.path !== undefined ? { path: meta.path } : {}),
      status: meta.status!,
      ...(meta.mediaType !== undefined ? { mediaType: meta.mediaType } : {}),
    };
    const result = validator.validateResponse({ ...response, body });
    const lookup = result.errors.find(isLookupError);
    if (lookup) return { file: fixture.metaFile ?? fixture.bodyFile, message: lookup.message };
    return { fixture, response, result };
  }
  const total = fixtures.length;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 16, total)) }, async () => {
    while (next < total) {
      const i = next++;
      try {
        slots[i] = await one(fixtures[i]!);
      } catch (e) {
        // validateResponse does not throw; should anything else, it is this fixture's problem alone.
        slots[i] = { file: fixtures[i]!.bodyFile, message: `cannot be checked: ${errorText(e)}` };
      }
      done++;
      options.onProgress?.(done, total);
    }
  });
  await Promise.all(workers);
  const results: FixtureResult[] = [];
  const problems: FixtureProblem[] = [];
  for (const s of slots) {
    if (s === undefined) continue;
    if ("result" in s) results.push(s);
    else problems.push(s);
  }
  return { results, problems };
}

/** A path for messages: relative to `cwd` when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep) ? rel : file;
}
