// Issue 23, item 5: from each real and reference fixture, one-change mutants (./mutants.ts); the
// contract must flag every one, as an error or as a warning the original body does not have.
// Enterprise Manager's JSON bodies are mutated as they are (PascalCase, EM 12) and re-cased to
// camelCase (EM 13). The flagged/total per class is printed for the closing note.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toCamel } from "@veeam-sessions/spec/casing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  collectFixtures,
  createValidator,
  type ContractValidator,
  type FixtureMeta,
  type ValidationResult,
} from "../src/index.js";
import { CLASSES, jsonMutants, xmlMutants, type Mutant, type MutantClass } from "./mutants.js";

const root = fileURLToPath(new URL("../fixtures/", import.meta.url));
const REAL = ["enterprise-manager", "backup-for-azure", "backup-replication"];

interface Case {
  name: string;
  meta: FixtureMeta;
  body: string;
  casing?: "camel" | "pascal";
}

let v: ContractValidator;
const cases: Case[] = [];

beforeAll(async () => {
  v = await createValidator();
  const { fixtures } = await collectFixtures(REAL.map((d) => `${root}${d}`));
  for (const f of fixtures) {
    const meta = JSON.parse(readFileSync(f.metaFile!, "utf8")) as FixtureMeta;
    const body = readFileSync(f.bodyFile, "utf8");
    const name = f.bodyFile.slice(root.length);
    if (meta.api === "enterprise-manager" && f.bodyFile.endsWith(".json")) {
      cases.push({ name, meta, body, casing: "pascal" });
      cases.push({
        name: `${name} (camelCase)`,
        meta,
        body: JSON.stringify(toCamel(JSON.parse(body))),
        casing: "camel",
      });
    } else cases.push({ name, meta, body });
  }
});

const check = (c: Case, body: string): ValidationResult =>
  v.validateResponse({ ...c.meta, status: c.meta.status!, body, ...(c.casing ? { casing: c.casing } : {}) });

const key = (w: ValidationResult["warnings"][number]) => `${w.keyword} ${w.code ?? ""} ${w.instancePath} ${w.message}`;

function mutantsOf(c: Case, result: ValidationResult): Mutant[] {
  const doc = v.document(c.meta.api!) as Record<string, unknown>;
  const at = result.target!.specLocation.replace(/^#\//, "").split("/");
  let schema: unknown = doc;
  for (const raw of at) schema = (schema as Record<string, unknown>)[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  if (c.name.endsWith(".xml")) return xmlMutants(doc, schema, c.body);
  return jsonMutants(doc, schema, c.body, c.meta.api === "enterprise-manager" ? c.casing! : "own");
}

describe("one-change mutants of the real and reference fixtures", () => {
  it("the originals are valid", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const failing = cases.filter((c) => !check(c, c.body).valid).map((c) => c.name);
    expect(failing).toEqual([]);
  });

  it("every mutant is flagged: an error, or a warning its original does not have", async () => {
    const tally = new Map<MutantClass, { flagged: number; total: number }>(
      CLASSES.map((cls) => [cls, { flagged: 0, total: 0 }]),
    );
    const missed: string[] = [];
    for (const c of cases) {
      const original = check(c, c.body);
      const before = new Map<string, number>();
      for (const w of original.warnings) before.set(key(w), (before.get(key(w)) ?? 0) + 1);
      for (const m of mutantsOf(c, original)) {
        const r = check(c, m.body);
        const seen = new Map(before);
        const fresh = r.warnings.some((w) => {
          const n = seen.get(key(w)) ?? 0;
          seen.set(key(w), n - 1);
          return n <= 0;
        });
        const t = tally.get(m.cls)!;
        t.total++;
        if (!r.valid || fresh) t.flagged++;
        else missed.push(`${m.cls}: ${c.name}: ${m.what}`);
      }
    }
    const total = [...tally.values()].reduce((a, t) => ({ flagged: a.flagged + t.flagged, total: a.total + t.total }), {
      flagged: 0,
      total: 0,
    });
    console.log(
      [
        "| mutation class | flagged / total |",
        "|---|---:|",
        ...[...tally].map(([cls, t]) => `| ${cls} | ${t.flagged} / ${t.total} |`),
        `| all | ${total.flagged} / ${total.total} |`,
      ].join("\n"),
    );
    for (const [cls, t] of tally) expect(t.total, `mutants of class ${cls}`).toBeGreaterThan(0);
    if (process.env.MUTANTS_MISSED)
      (await import("node:fs")).writeFileSync(process.env.MUTANTS_MISSED, missed.join("\n"));
    expect(missed.slice(0, 40)).toEqual([]);
    expect(total.flagged).toBe(total.total);
  });
});
