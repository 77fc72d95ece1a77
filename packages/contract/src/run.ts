// The CLI's core, without a process: `veeam-contract validate [options] <file|dir>...`.
// Writes through `io` and returns the exit status (0 all valid, 1 a body breaks the contract or,
// with --strict, drifts from it, 2 usage error), so tests drive it in-process.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  checkFixtures,
  collectFixtures,
  displayPath,
  type FixtureMeta,
  type FixtureProblem,
  type FixtureResult,
} from "./fixtures.js";
import { printable } from "./reporting.js";
import { createValidator, type ContractError, type ContractValidator, type ValidatorOptions } from "./validator.js";
import { apis, findApi } from "@veeam-sessions/spec";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress is shown only then). */
  readonly stderrIsTTY?: boolean;
  readonly cwd?: string;
}

export interface RunOptions {
  /** A validator to use instead of one over the bundled specs (tests). */
  validator?: ContractValidator;
  /** Fixture count above which progress is shown on a TTY. Default 200. */
  progressThreshold?: number;
}

export const USAGE = `Usage: veeam-contract validate [options] <file|dir>...

Checks recorded Veeam API responses against the veeam-sessions contract (the bundled OpenAPI
specs of Enterprise Manager and Backup for Microsoft Azure). JSON bodies are validated with
ajv; XML bodies are decoded with the spec's xml rules (root element and namespace checked),
then validated the same way. Enterprise Manager JSON is read in either casing: the schema's
names (EM 12 and earlier) or their camelCase (EM 13).

A body that breaks the contract (a wrong type, a missing required member, a bad format) FAILs.
Drift is a warning, not a failure: a value an enum does not list, open enums too (Veeam adds
job types, states and results release by release), a member, XML element or attribute no
schema declares, or XML children out of the XSD sequence. Such a body passes with WARN and its
warnings; --strict makes warnings fail the run. An Enterprise Manager JSON member in the other
casing than the rest of its body (JobName among camelCase members) FAILs.

A fixture is NAME.meta.json ({"api", "method", "path", "status", "mediaType", "operationId"?})
plus NAME.body.xml or NAME.body.json, as recordTo() from @veeam-sessions/client writes them.
Directories are searched recursively.

Options:
  --json                  print a machine-readable report on stdout instead of lines
  -q, --quiet             print failures, warnings and the summary only
  --strict                exit 1 on warnings (drift) too
  --xml-unknown <mode>    ignore (default: warn about XML elements and attributes the schema
                          does not describe) or error: fail them, and stray text too
  -h, --help              show this help
  --version               print the version

A body file without NAME.meta.json is described with flags:
  --api <name>            ${apis()
    .map((a) => `${a.slug} (${a.alias})`)
    .join(" | ")}; optional with --operation
  --operation <id>        the operationId, instead of --method and --path
  --method <verb>         GET, POST, ...
  --path <path>           /replicaSessions/{ID} (or a concrete path)
  --status <code>         the HTTP status
  --media-type <type>     the Content-Type; default from the extension (.xml, .json)

Output: one line per fixture (PASS, WARN or FAIL), then \`N passed, N failed, N warnings\`
(passed counts bodies with warnings; N warnings counts the warnings).

Exit status: 0 every body is valid (warnings allowed unless --strict); 1 a body breaks the
contract, or --strict and there are warnings; 2 usage error: a bad option, an unreadable
file, a fixture without its meta or body, an api, operation, status or media type the
contract does not have.

Examples:
  veeam-contract validate fixtures/
  veeam-contract validate --strict recordings/
  veeam-contract validate --operation getBackupSession --status 200 session.xml
`;

/**
 * Short names every veeam-sessions CLI accepts for `--api` (veeam-mock takes the same ones): the
 * `alias` of each API in the registry of @veeam-sessions/spec (spec/<api>/api.yaml).
 */
export const API_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(apis().map((a) => [a.alias, a.slug]));

/** The API a `--api` value names (slug or alias, any case); anything else is kept for the validator to judge. */
export function apiName(value: string): string {
  return findApi(value)?.slug ?? value.toLowerCase();
}

/** This package's version (run.ts sits in src/ or dist/, package.json one level up). */
function version(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

const MAX_REASONS = 5;

function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, " ");
}

/**
 * The one place lines are printed: file names and values from files (a meta's media type, a
 * member name, a decoder's message quoting the body) go out with their control characters
 * escaped, so a file named "x\nPASS y" cannot forge a line and ESC cannot drive the terminal.
 */
function line(text: string): string {
  return `${printable(text)}\n`;
}

/**
 * The --json report with what JSON.stringify leaves raw escaped too (DEL, C1 controls, line
 * separators, bidirectional overrides): inside strings, the only place they can occur, `\uXXXX`
 * is the same value, so the report reads the same and prints safely.
 */
function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function reasons(list: readonly ContractError[]): string {
  const shown = list.slice(0, MAX_REASONS).map(reason);
  if (list.length > MAX_REASONS) shown.push(`and ${list.length - MAX_REASONS} more`);
  return shown.join("; ");
}

function reason(e: ContractError): string {
  return `${oneLine(e.message)} (${e.keyword})`;
}

function label(r: FixtureResult): string {
  const t = r.result.target;
  if (!t) return "";
  return `${t.operationId ?? `${t.method} ${t.path}`} ${r.response.status} ${r.response.mediaType ?? ""}`.trim();
}

function jsonReport(results: readonly FixtureResult[], problems: readonly FixtureProblem[], cwd: string): unknown {
  return {
    passed: results.filter((r) => r.result.valid).length,
    failed: results.filter((r) => !r.result.valid).length,
    warnings: results.reduce((n, r) => n + r.result.warnings.length, 0),
    problems: problems.map((p) => ({ file: displayPath(p.file, cwd), message: p.message })),
    fixtures: results.map((r) => ({
      name: displayPath(r.fixture.name, cwd),
      ...(r.fixture.metaFile ? { meta: displayPath(r.fixture.metaFile, cwd) } : {}),
      body: displayPath(r.fixture.bodyFile, cwd),
      ...r.response,
      valid: r.result.valid,
      ...(r.result.target ? { target: r.result.target } : {}),
      ...(r.result.closest ? { closest: r.result.closest } : {}),
      ...(r.result.casing ? { casing: r.result.casing } : {}),
      errors: r.result.errors,
      warnings: r.result.warnings,
    })),
  };
}

export async function run(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const usageError = (message: string): number => {
    io.stderr(`${line(`veeam-contract: ${message}`)}Run \`veeam-contract --help\` for usage.\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        strict: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
        "xml-unknown": { type: "string" },
        api: { type: "string" },
        operation: { type: "string" },
        method: { type: "string" },
        path: { type: "string" },
        status: { type: "string" },
        "media-type": { type: "string" },
      },
    });
  } catch (e) {
    return usageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout(`veeam-contract ${version()}\n`);
    return 0;
  }
  const [command, ...targets] = positionals;
  if (command === undefined) return usageError("no command given (the command is `validate`)");
  if (command !== "validate") return usageError(`unknown command "${command}" (the command is \`validate\`)`);
  if (targets.length === 0) return usageError("no file or directory given");
  const unknown = values["xml-unknown"];
  if (unknown !== undefined && unknown !== "ignore" && unknown !== "error")
    return usageError(`--xml-unknown must be "ignore" or "error", not "${unknown}"`);
  if (values.status !== undefined && !/^\d{3}$/.test(values.status))
    return usageError(`--status must be an HTTP status code, not "${values.status}"`);
  const flags: FixtureMeta = {
    ...(values.api !== undefined ? { api: apiName(values.api) } : {}),
    ...(values.operation !== undefined ? { operationId: values.operation } : {}),
    ...(values.method !== undefined ? { method: values.method } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values.status !== undefined ? { status: Number(values.status) } : {}),
    ...(values["media-type"] !== undefined ? { mediaType: values["media-type"] } : {}),
  };
  const bare = Object.keys(flags).length > 0 ? flags : undefined;

  let validator = options.validator;
  if (validator === undefined) {
    const validatorOptions: ValidatorOptions = unknown === "error" ? { xml: { unknown: "error" } } : {};
    try {
      validator = await createValidator(validatorOptions);
    } catch (e) {
      io.stderr(line(`veeam-contract: cannot load the specs: ${e instanceof Error ? e.message : String(e)}`));
      return 2;
    }
  }

  const { fixtures, problems } = await collectFixtures(targets, bare, cwd);
  if (fixtures.length === 0 && problems.length === 0)
    problems.push({ file: targets.join(", "), message: "no fixtures found (NAME.meta.json + NAME.body.xml|json)" });

  const progress = io.stderrIsTTY === true && fixtures.length > (options.progressThreshold ?? 200);
  const report = await checkFixtures(validator, fixtures, {
    onProgress: progress
      ? (done, total) => {
          if (done % 50 === 0 || done === total)
            io.stderr(`\rveeam-contract: ${done}/${total} checked${done === total ? "\x1b[K\r\x1b[K" : ""}`);
        }
      : undefined,
  });
  const allProblems = [...problems, ...report.problems];
  const passed = report.results.filter((r) => r.result.valid).length;
  const failed = report.results.length - passed;
  const warnings = report.results.reduce((n, r) => n + r.result.warnings.length, 0);

  for (const p of allProblems) io.stderr(line(`veeam-contract: ${displayPath(p.file, cwd)}: ${oneLine(p.message)}`));
  if (values.json) {
    io.stdout(`${safeJson(jsonReport(report.results, allProblems, cwd))}\n`);
  } else {
    for (const r of report.results) {
      const file = displayPath(r.fixture.bodyFile, cwd);
      const casing = r.result.casing === "camel" ? ", camelCase JSON" : "";
      if (r.result.valid) {
        if (r.result.warnings.length > 0)
          io.stdout(line(`WARN ${file} (${label(r)}${casing}): ${reasons(r.result.warnings)}`));
        else if (!values.quiet) io.stdout(line(`PASS ${file} (${label(r)}${casing})`));
        continue;
      }
      const as = r.result.closest ? ` as ${r.result.closest}` : "";
      io.stdout(line(`FAIL ${file} (${label(r)}${as}${casing}): ${reasons(r.result.errors)}`));
    }
    io.stdout(`${passed} passed, ${failed} failed, ${warnings} warnings\n`);
  }
  if (allProblems.length > 0) return 2;
  return failed > 0 || (values.strict === true && warnings > 0) ? 1 : 0;
}
