// The Redocly plugin (redocly/veeam-plugin.mjs): `redocly lint` with veeam/xml-examples-valid and
// veeam/json-examples-valid on a small split spec (schemas and examples in their own files, so
// every `$ref` crosses files as in spec/), once with good examples only and in one copy per way
// an example can be wrong, all linted by one Redocly run.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const plugin = join(pkg, "redocly", "veeam-plugin.mjs");
// @redocly/cli is the spec package's (this package does not install a second copy).
const redocly = join(pkg, "..", "..", "spec", "node_modules", ".bin", "redocly");

const SPEC = `openapi: 3.1.0
info:
  title: Sessions
  version: "1"
  description: A small split spec for the veeam/* example rules.
  license:
    name: MIT
    identifier: MIT
servers:
  - url: https://{host}/api
    variables:
      host:
        default: em.invalid
security: []
tags:
  - name: Sessions
    description: Sessions.
paths:
  /sessions/{ID}:
    $ref: ./paths/sessions_{ID}.yaml
`;

const PATH = `get:
  operationId: getSession
  summary: Get a session
  description: Returns one session, as XML or JSON.
  tags: [Sessions]
  parameters:
    - name: ID
      in: path
      required: true
      schema:
        type: string
  responses:
    "200":
      description: The session.
      content:
        application/xml:
          schema:
            anyOf:
              - $ref: ../schemas/Session.yaml
              - $ref: ../schemas/SessionRef.yaml
          examples:
            entity:
              $ref: ../examples/Session.xml.yaml
            reference:
              $ref: ../examples/SessionRef.xml.yaml
        application/json:
          schema:
            anyOf:
              - $ref: ../schemas/Session.yaml
              - $ref: ../schemas/SessionRef.yaml
          examples:
            entity:
              $ref: ../examples/Session.json
            reference:
              value: { Type: SessionReference, Href: "https://em.invalid/api/sessions/1" }
    "404":
      description: No such session.
      content:
        application/problem+json:
          schema:
            $ref: ../schemas/Problem.yaml
          example: { status: 404, title: Not Found }
`;

const SCHEMAS: Record<string, string> = {
  "Session.yaml": `type: object
xml:
  name: Session
  namespace: urn:example:sessions
required: [Type, State, Progress]
properties:
  Type:
    type: string
    const: Session
    xml:
      attribute: true
  State:
    $ref: ./State.yaml
  Progress:
    type: integer
  Links:
    type: array
    xml:
      wrapped: true
    items:
      $ref: ./Link.yaml
`,
  "SessionRef.yaml": `type: object
xml:
  name: SessionRef
  namespace: urn:example:sessions
required: [Type, Href]
properties:
  Type:
    type: string
    pattern: Reference$
    xml:
      attribute: true
  Href:
    type: string
    format: uri
    xml:
      attribute: true
`,
  "State.yaml": `type: string
enum: [Working, Stopped]
`,
  "Link.yaml": `type: object
xml:
  name: Link
  namespace: urn:example:sessions
required: [Rel, Href]
properties:
  Rel:
    type: string
    xml:
      attribute: true
  Href:
    type: string
    format: uri
    xml:
      attribute: true
`,
  "Problem.yaml": `type: object
required: [status]
properties:
  status:
    type: integer
  title:
    type: string
`,
};

const GOOD_XML = `<Session xmlns="urn:example:sessions" Type="Session">
    <State>Stopped</State>
    <Progress>100</Progress>
    <Links><Link Rel="Up" Href="https://em.invalid/api/jobs/1"/></Links>
  </Session>`;
const GOOD_JSON = {
  Type: "Session",
  State: "Stopped",
  Progress: 100,
  Links: [{ Rel: "Up", Href: "https://em.invalid/api/jobs/1" }],
};

/** Writes the small split spec into `dir` (a fresh temporary folder by default), with these two examples. */
function project(xml: string, json: unknown, dir = mkdtempSync(join(tmpdir(), "veeam-lint-"))): string {
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  write("openapi.yaml", SPEC);
  write("paths/sessions_{ID}.yaml", PATH);
  for (const [name, text] of Object.entries(SCHEMAS)) write(`schemas/${name}`, text);
  write("examples/Session.xml.yaml", `summary: A session\nvalue: |-\n  ${xml.replace(/\n/g, "\n  ")}\n`);
  write(
    "examples/SessionRef.xml.yaml",
    `summary: A reference\nvalue: <SessionRef xmlns="urn:example:sessions" Type="SessionReference" Href="https://em.invalid/api/sessions/1"/>\n`,
  );
  write("examples/Session.json", `${JSON.stringify({ summary: "A session", value: json }, null, 2)}\n`);
  write(
    "redocly.yaml",
    `apis:\n  sessions:\n    root: ./openapi.yaml\nplugins:\n  - ${plugin}\nrules:\n  veeam/xml-examples-valid: error\n  veeam/json-examples-valid: error\n`,
  );
  return dir;
}

function lint(
  dir: string,
  command: string[] = ["lint", "--config", "redocly.yaml", "--format", "stylish"],
): { status: number | null; out: string } {
  expect(existsSync(redocly), `${redocly} is missing: install the workspace`).toBe(true);
  const r = spawnSync(redocly, command, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const problems = (out: string) => out.split("\n").filter((l) => /\s(error|warning)\s+veeam\//.test(l));

/**
 * The cases below are projects side by side in one folder, linted by one `redocly lint` (one API
 * each in a shared redocly.yaml, the rule options per API): each Redocly process takes seconds
 * to start. Its stylish output names each file (`<case>/examples/Session.json:`) above that
 * file's problems; `report(name)` is that case's part, as its own `redocly lint` would print it.
 */
const CASES: Record<string, { xml: string; json: unknown; edit?: (dir: string) => void; rules?: string }> = {
  good: { xml: GOOD_XML, json: GOOD_JSON },
  bad: {
    xml: GOOD_XML.replace("<State>Stopped</State>", "<State>Done</State>"),
    json: { ...GOOD_JSON, Progress: "100" },
  },
  namespace: { xml: GOOD_XML.replace('xmlns="urn:example:sessions"', 'xmlns="urn:other"'), json: GOOD_JSON },
  malformed: { xml: GOOD_XML.replace("</State>", "</Stat>"), json: GOOD_JSON },
  doctype: { xml: `<!DOCTYPE Session>\n${GOOD_XML}`, json: GOOD_JSON },
  notString: {
    xml: GOOD_XML,
    json: GOOD_JSON,
    edit: (dir) =>
      writeFileSync(join(dir, "examples", "Session.xml.yaml"), "summary: Not a string\nvalue:\n  Type: Session\n"),
  },
  inline: {
    xml: GOOD_XML,
    json: GOOD_JSON,
    edit: (dir) =>
      writeFileSync(
        join(dir, "paths", "sessions_{ID}.yaml"),
        PATH.replace("example: { status: 404, title: Not Found }", "example: { title: Not Found }"),
      ),
  },
  swapped: {
    xml: GOOD_XML.replace("<State>Stopped</State>", "").replace("</Progress>", "</Progress><State>Stopped</State>"),
    json: GOOD_JSON,
  },
  unknownOff: { xml: GOOD_XML.replace("<Progress>", "<Colour>blue</Colour><Progress>"), json: GOOD_JSON },
  unknownOn: {
    xml: GOOD_XML.replace("<Progress>", "<Colour>blue</Colour><Progress>"),
    json: GOOD_JSON,
    rules:
      "veeam/xml-examples-valid:\n        severity: error\n        unknown: error\n      veeam/json-examples-valid: error\n",
  },
};

let all: { status: number | null; out: string };
function report(name: string): string {
  const parts: string[] = [];
  let mine = false;
  for (const line of all.out.split("\n")) {
    if (/^\S.*:$/.test(line)) mine = line.startsWith(`${name}/`);
    else if (line.trim() === "") mine = false; // a blank line ends a file's part
    if (mine) parts.push(line.startsWith(`${name}/`) ? line.slice(name.length + 1) : line);
  }
  return parts.join("\n");
}

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), "veeam-lint-"));
  const apis: string[] = [];
  for (const [name, c] of Object.entries(CASES)) {
    const dir = project(c.xml, c.json, join(root, name));
    c.edit?.(dir);
    const rules = c.rules ?? "veeam/xml-examples-valid: error\n      veeam/json-examples-valid: error\n";
    apis.push(`  ${name}:\n    root: ./${name}/openapi.yaml\n    rules:\n      ${rules}`);
  }
  writeFileSync(join(root, "redocly.yaml"), `apis:\n${apis.join("")}plugins:\n  - ${plugin}\n`);
  all = lint(root);
  // Every case was linted (one "validating" line each), and a case with an error makes the run fail.
  for (const name of Object.keys(CASES)) expect(all.out, all.out).toContain(`validating ${name}/openapi.yaml`);
  expect(all.status, all.out).toBe(1);
});

describe("veeam/xml-examples-valid and veeam/json-examples-valid", () => {
  it("stay silent on good examples (inline, $ref'd, `example` and `examples`)", () => {
    // Nothing at all for the good case, from any rule: what exit code 0 of its own run says.
    expect(report("good"), all.out).toBe("");
  });

  it("report a bad XML example and a bad JSON example, each where it is", () => {
    const out = report("bad");
    const found = problems(out);
    expect(found, all.out).toHaveLength(2);
    expect(found.every((l) => /\serror\s/.test(l))).toBe(true);
    expect(out).toMatch(
      /examples\/Session\.xml\.yaml:\n\s+2:\d+\s+error\s+veeam\/xml-examples-valid\s+XML example "entity" \(application\/xml\), decoded, does not conform to the schema \(checked as Session, the closest alternative\): \/State must be one of "Working", "Stopped"; got "Done" \(enum\)\./,
    );
    expect(out).toMatch(
      /examples\/Session\.json:\n\s+\d+:\d+\s+error\s+veeam\/json-examples-valid\s+JSON example "entity" \(application\/json\) does not conform to the schema \(checked as Session, the closest alternative\): \/Progress must be of type integer; got "100" \(type\)\./,
    );
  });

  it("report XML that does not decode: wrong namespace, malformed, a DOCTYPE, an example that is no string", () => {
    const cases: Array<[string, RegExp]> = [
      ["namespace", /does not decode against the schema: UNEXPECTED_ROOT/],
      ["malformed", /does not decode against the schema: MALFORMED/],
      ["doctype", /does not decode against the schema: DOCTYPE_FORBIDDEN/],
    ];
    for (const [name, message] of cases) {
      const out = report(name);
      expect(problems(out), all.out).toHaveLength(1);
      expect(out).toMatch(message);
    }
    expect(report("notString")).toMatch(
      /XML example "entity" \(application\/xml\) must be a string holding the XML document\./,
    );
  });

  it("report a bad inline `example` of a +json media type", () => {
    expect(problems(report("inline")), all.out).toEqual([
      expect.stringMatching(
        /veeam\/json-examples-valid\s+JSON example "example" \(application\/problem\+json\) does not conform to the schema: the value lacks the required property "status" \(required\)\./,
      ),
    ]);
  });

  it("report an XML element the schema does not name, or one out of the schema's order; with `unknown: error`, as a decode failure", () => {
    expect(problems(report("swapped")), all.out).toEqual([
      expect.stringMatching(
        /has the element <State> after <Progress>, against the schema's order \(in the root, line 3/,
      ),
    ]);
    expect(problems(report("unknownOff")), all.out).toEqual([
      expect.stringMatching(/has the element Colour, which the schema does not name \(in the root, line 3/),
    ]);
    expect(report("unknownOn")).toMatch(/UNKNOWN_NODE: unexpected element \{urn:example:sessions\}Colour/);
  });

  it("without the built contract package: `redocly bundle` still works, and both rules fail instead of passing", () => {
    // The plugin alone, with ajv but no built @veeam-sessions/contract to import (a fresh clone before `build`).
    const alone = mkdtempSync(join(tmpdir(), "veeam-plugin-"));
    mkdirSync(join(alone, "node_modules"));
    copyFileSync(plugin, join(alone, "veeam-plugin.mjs"));
    for (const dep of ["ajv", "ajv-formats"])
      symlinkSync(realpathSync(join(pkg, "node_modules", dep)), join(alone, "node_modules", dep), "dir");
    const dir = project(GOOD_XML, GOOD_JSON);
    writeFileSync(
      join(dir, "redocly.yaml"),
      `apis:\n  sessions:\n    root: ./openapi.yaml\nplugins:\n  - ${join(alone, "veeam-plugin.mjs")}\nrules:\n  veeam/xml-examples-valid: error\n  veeam/json-examples-valid: error\n`,
    );
    const bundled = lint(dir, [
      "bundle",
      "sessions",
      "--config",
      "redocly.yaml",
      "--output",
      join(dir, "bundled.json"),
      "--ext",
      "json",
    ]);
    expect(bundled.status, bundled.out).toBe(0);
    expect(existsSync(join(dir, "bundled.json"))).toBe(true);
    const r = lint(dir);
    expect(r.status).toBe(1);
    expect(problems(r.out), r.out).toEqual([
      expect.stringMatching(
        /veeam\/xml-examples-valid\s+Cannot check examples: @veeam-sessions\/contract is not built/,
      ),
      expect.stringMatching(
        /veeam\/json-examples-valid\s+Cannot check examples: @veeam-sessions\/contract is not built/,
      ),
    ]);
  });
});
