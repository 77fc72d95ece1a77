// The CLI's core (collectFixtures + checkFixtures) over every fixture in fixtures/: valid ones
// pass; each negative fixture fails for the one reason its meta names (`expect.reason`: an
// error keyword or an XmlError code).
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { toCamel } from "@veeam-sessions/spec/casing";
import { createXmlCodec } from "@veeam-sessions/xml";
import { beforeAll, describe, expect, it } from "vitest";
import { seedsOrSkip } from "./seeds.js";
import {
  checkFixtures,
  collectFixtures,
  createValidator,
  type CheckReport,
  type ContractValidator,
  type FixtureResult,
} from "../src/index.js";

const root = fileURLToPath(new URL("../fixtures/", import.meta.url));
const rel = (file: string) => relative(root, file).replaceAll("\\", "/");

interface Expect {
  valid: boolean;
  /** Invalid ones: the error keyword or XmlError code. */
  reason?: string;
  /** Drift: the keyword of each warning. */
  warnings?: string[];
  why: string;
}

let v: ContractValidator;
let report: CheckReport;
const metaOf = (r: FixtureResult) =>
  JSON.parse(readFileSync(r.fixture.metaFile!, "utf8")) as Record<string, unknown> & { expect?: Expect };

beforeAll(async () => {
  v = await createValidator();
  const { fixtures, problems } = await collectFixtures([root]);
  expect(problems).toEqual([]);
  report = await checkFixtures(v, fixtures);
});

describe("fixtures", () => {
  it("are all checkable: every meta has its body and names a response the contract has", () => {
    expect(report.problems).toEqual([]);
    expect(report.results.length).toBeGreaterThanOrEqual(140);
  });

  it("valid ones pass", () => {
    const valid = report.results.filter((r) => !rel(r.fixture.bodyFile).startsWith("invalid/"));
    const failures = valid
      .filter((r) => !r.result.valid)
      .map((r) => `${rel(r.fixture.bodyFile)}: ${r.result.errors.map((e) => e.message).join("; ")}`);
    expect(failures).toEqual([]);
    // Real and reference bodies are clean: warnings only where a body comes from another
    // version, each listed in fixtures/README.md (issue 23, item 3).
    const drifting = valid
      .filter((r) => !rel(r.fixture.bodyFile).startsWith("drift/") && r.result.warnings.length > 0)
      .map((r) => `${rel(r.fixture.bodyFile)}: ${r.result.warnings.map((e) => e.code).join(", ")}`);
    expect(drifting).toEqual(["backup-for-azure/job-sessions-page-later-version.body.json: UNLISTED_VALUE"]);
    const readme = readFileSync(`${root}README.md`, "utf8");
    for (const line of drifting) expect(readme).toContain(`\`${line.slice(0, line.indexOf(".body."))}\``);
    const count = (dir: string, ext: string) =>
      valid.filter((r) => rel(r.fixture.bodyFile).startsWith(dir) && r.fixture.bodyFile.endsWith(ext)).length;
    // The counts the fixtures README gives.
    expect([
      count("enterprise-manager/xml/", ".xml"),
      count("enterprise-manager/json/", ".json"),
      count("backup-for-azure/", ".json"),
      count("backup-replication/", ".json"),
    ]).toEqual([51, 51, 8, 15]);
  });

  const reasons = ["const", "required", "xml-namespace", "xml-root", "MALFORMED", "DOCTYPE_FORBIDDEN", "type"];

  it(`negative ones each fail for the one reason they name (at least ${reasons.join(", ")})`, () => {
    const invalid = report.results.filter((r) => rel(r.fixture.bodyFile).startsWith("invalid/"));
    expect(invalid.length).toBe(16);
    const seen = new Set<string>();
    for (const r of invalid) {
      const expected = metaOf(r).expect;
      const name = rel(r.fixture.bodyFile);
      expect(expected, `${name} records why it is invalid`).toMatchObject({
        valid: false,
        reason: expect.any(String),
        why: expect.any(String),
      });
      expect(r.result.valid, name).toBe(false);
      expect(r.result.errors.length, name).toBeGreaterThan(0);
      for (const e of r.result.errors) expect([e.keyword, e.code], `${name}: ${e.message}`).toContain(expected!.reason);
      seen.add(expected!.reason!);
    }
    expect([...seen]).toEqual(expect.arrayContaining(reasons));
    const kinds = invalid.map((r) => r.fixture.bodyFile.slice(r.fixture.bodyFile.lastIndexOf(".") + 1));
    expect([kinds.filter((k) => k === "xml").length, kinds.filter((k) => k === "json").length]).toEqual([8, 8]);
  });

  it("drift ones are valid, each with exactly the warnings they name", () => {
    const drift = report.results.filter((r) => rel(r.fixture.bodyFile).startsWith("drift/"));
    expect(drift.length).toBe(5);
    for (const r of drift) {
      const expected = metaOf(r).expect;
      const name = rel(r.fixture.bodyFile);
      expect(expected, name).toMatchObject({ valid: true, warnings: expect.any(Array), why: expect.any(String) });
      expect(r.result.errors, name).toEqual([]);
      expect(
        r.result.warnings.map((w) => w.keyword),
        name,
      ).toEqual(expected!.warnings);
    }
  });

  it("EM JSON ones re-cased to camelCase (EM 13) pass with 0 errors and 0 warnings, read as camel", () => {
    const em = report.results.filter((r) => rel(r.fixture.bodyFile).startsWith("enterprise-manager/json/"));
    expect(em.length).toBe(51);
    for (const r of em) {
      expect(r.result.casing, rel(r.fixture.bodyFile)).toBe("pascal");
      const camel = toCamel(JSON.parse(readFileSync(r.fixture.bodyFile, "utf8")));
      const result = v.validateResponse({ ...r.response, body: camel });
      expect([result.errors, result.warnings, result.casing], rel(r.fixture.bodyFile)).toEqual([[], [], "camel"]);
    }
  });

  it("metas hold what the client's recorder writes (plus `expect` for negative ones)", () => {
    for (const r of report.results) {
      const meta = metaOf(r);
      const keys = Object.keys(meta).filter((k) => k !== "expect");
      expect(keys, rel(r.fixture.metaFile!)).toEqual(["api", "method", "path", "status", "mediaType", "operationId"]);
      expect(r.result.target?.operationId).toBe(meta.operationId);
    }
  });

  it("every XML fixture decodes to its JSON twin", () => {
    const xml = report.results.filter((r) => rel(r.fixture.bodyFile).startsWith("enterprise-manager/xml/"));
    let twins = 0;
    for (const r of xml) {
      const twin = report.results.find(
        (j) =>
          rel(j.fixture.bodyFile) ===
          rel(r.fixture.bodyFile)
            .replace("/xml/", "/json/")
            .replace(/\.xml$/, ".json"),
      );
      if (!twin) continue;
      twins++;
      const doc = v.document("enterprise-manager") as Record<string, unknown>;
      const schema = r.result
        .target!.specLocation.slice(2)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], doc) as object;
      const decoded = createXmlCodec(doc).decode(readFileSync(r.fixture.bodyFile), schema);
      const json = JSON.parse(readFileSync(twin.fixture.bodyFile, "utf8")) as unknown;
      expect(isDeepStrictEqual(decoded, json), rel(r.fixture.bodyFile)).toBe(true);
    }
    expect(twins).toBe(48);
  });

  it("keeps the seed bodies verbatim (seeds 000-003 XML; 004 with the page's U+00A0 indentation made spaces)", (ctx) => {
    const SEEDS = seedsOrSkip(ctx);
    const seeds: Array<[string, string, string]> = [
      ["000_2e627e934c1db92a.txt", "ReplicaJobSession", "seed-000-replica-session"],
      ["001_eb72a36fdbecd332.txt", "ReplicaTaskSessions", "seed-001-replica-task-sessions"],
      ["002_a8caef8668bb2599.txt", "BackupJobSession", "seed-002-backup-session"],
      ["003_3e6492074b76f294.txt", "CdpReplicaTaskSession", "seed-003-cdp-replica-task-session"],
    ];
    for (const [file, rootName, name] of seeds) {
      const page = readFileSync(new URL(file, SEEDS), "utf8");
      const start = page.includes("<?xml") ? page.indexOf("<?xml") : page.indexOf(`<${rootName}`);
      const body = page.slice(start, page.indexOf(`</${rootName}>`, start) + rootName.length + 3);
      expect(readFileSync(new URL(`enterprise-manager/xml/${name}.body.xml`, `file://${root}`), "utf8"), name).toBe(
        body,
      );
    }
    const page = readFileSync(new URL("004_45f3cab3c98b65aa.txt", SEEDS), "utf8");
    const start = page.indexOf("{", page.indexOf("Response Body:", page.indexOf("Example")));
    const seedBody = page.slice(start, page.indexOf("\n}", start) + 2).replace(/\u00a0/g, " ");
    expect(readFileSync(new URL("backup-for-azure/seed-004-job-session.body.json", `file://${root}`), "utf8")).toBe(
      `${seedBody
        .split("\n")
        .filter((l) => l.trim() !== "")
        .join("\n")}\n`,
    );
  });

  it("are each listed in fixtures/README.md", () => {
    const readme = readFileSync(new URL("README.md", `file://${root}`), "utf8");
    const names = new Set(report.results.map((r) => rel(r.fixture.name)));
    // The EM table names an XML fixture and its JSON twin once: `NAME` for `enterprise-manager/{xml,json}/NAME`.
    const missing = [...names].filter(
      (n) =>
        !readme.includes(`\`${n}\``) &&
        !readme.includes(`| \`${n.replace(/^enterprise-manager\/(xml|json)\//, "")}\` |`),
    );
    expect(missing).toEqual([]);
  });
});
