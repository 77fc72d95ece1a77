// The Redocly plugin (redocly/veeam-plugin.mjs): `redocly lint` with veeam/xml-examples-valid and
// veeam/json-examples-valid on a small split spec (schemas and examples in their own files, so
// every `$ref` crosses files as in spec/), once with good examples only and once with one bad
// XML and one bad JSON example.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

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

function project(xml: string, json: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "veeam-lint-"));
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

describe("veeam/xml-examples-valid and veeam/json-examples-valid", () => {
  it("stay silent on good examples (inline, $ref'd, `example` and `examples`)", () => {
    const r = lint(project(GOOD_XML, GOOD_JSON));
    expect(problems(r.out), r.out).toEqual([]);
    expect(r.status, r.out).toBe(0);
  });

  it("report a bad XML example and a bad JSON example, each where it is", () => {
    const dir = project(GOOD_XML.replace("<State>Stopped</State>", "<State>Done</State>"), {
      ...GOOD_JSON,
      Progress: "100",
    });
    const r = lint(dir);
    expect(r.status).toBe(1);
    const found = problems(r.out);
    expect(found, r.out).toHaveLength(2);
    expect(r.out).toMatch(
      /examples\/Session\.xml\.yaml:\n\s+2:\d+\s+error\s+veeam\/xml-examples-valid\s+XML example "entity" \(application\/xml\), decoded, does not conform to the schema \(checked as Session, the closest alternative\): \/State must be one of "Working", "Stopped"; got "Done" \(enum\)\./,
    );
    expect(r.out).toMatch(
      /examples\/Session\.json:\n\s+\d+:\d+\s+error\s+veeam\/json-examples-valid\s+JSON example "entity" \(application\/json\) does not conform to the schema \(checked as Session, the closest alternative\): \/Progress must be of type integer; got "100" \(type\)\./,
    );
  });

  it("report XML that does not decode: wrong namespace, malformed, a DOCTYPE, an example that is no string", () => {
    const cases: Array<[string, RegExp]> = [
      [
        GOOD_XML.replace('xmlns="urn:example:sessions"', 'xmlns="urn:other"'),
        /does not decode against the schema: UNEXPECTED_ROOT/,
      ],
      [GOOD_XML.replace("</State>", "</Stat>"), /does not decode against the schema: MALFORMED/],
      [`<!DOCTYPE Session>\n${GOOD_XML}`, /does not decode against the schema: DOCTYPE_FORBIDDEN/],
    ];
    for (const [xml, message] of cases) {
      const r = lint(project(xml, GOOD_JSON));
      expect(problems(r.out), r.out).toHaveLength(1);
      expect(r.out).toMatch(message);
    }
    const dir = project(GOOD_XML, GOOD_JSON);
    writeFileSync(join(dir, "examples", "Session.xml.yaml"), "summary: Not a string\nvalue:\n  Type: Session\n");
    expect(lint(dir).out).toMatch(
      /XML example "entity" \(application\/xml\) must be a string holding the XML document\./,
    );
  });

  it("report a bad inline `example` of a +json media type", () => {
    const dir = project(GOOD_XML, GOOD_JSON);
    writeFileSync(
      join(dir, "paths", "sessions_{ID}.yaml"),
      PATH.replace("example: { status: 404, title: Not Found }", "example: { title: Not Found }"),
    );
    const r = lint(dir);
    expect(problems(r.out), r.out).toEqual([
      expect.stringMatching(
        /veeam\/json-examples-valid\s+JSON example "example" \(application\/problem\+json\) does not conform to the schema: the value lacks the required property "status" \(required\)\./,
      ),
    ]);
  });

  it("report an XML element the schema does not name, or one out of the schema's order; with `unknown: error`, as a decode failure", () => {
    const swapped = project(
      GOOD_XML.replace("<State>Stopped</State>", "").replace("</Progress>", "</Progress><State>Stopped</State>"),
      GOOD_JSON,
    );
    expect(problems(lint(swapped).out)).toEqual([
      expect.stringMatching(
        /has the element <State> after <Progress>, against the schema's order \(in the root, line 3/,
      ),
    ]);
    const dir = project(GOOD_XML.replace("<Progress>", "<Colour>blue</Colour><Progress>"), GOOD_JSON);
    expect(problems(lint(dir).out)).toEqual([
      expect.stringMatching(/has the element Colour, which the schema does not name \(in the root, line 3/),
    ]);
    writeFileSync(
      join(dir, "redocly.yaml"),
      `apis:\n  sessions:\n    root: ./openapi.yaml\nplugins:\n  - ${plugin}\nrules:\n  veeam/xml-examples-valid:\n    severity: error\n    unknown: error\n`,
    );
    expect(lint(dir).out).toMatch(/UNKNOWN_NODE: unexpected element \{urn:example:sessions\}Colour/);
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
