// Issue 21, item 6: validateResponse never throws for a hostile body; it returns a failure. A
// body nested thousands deep, megabytes of one string, bytes that are not UTF-8, a body that is
// not the media type it claims, a parsed body that is cyclic or throws: each is a result with
// errors, and the messages stay short.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createValidator, type ContractValidator, type RecordedResponse } from "../../src/index.js";
import { show } from "../../src/reporting.js";

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), "utf8");
const SESSION_XML = fixture("enterprise-manager/xml/seed-002-backup-session.body.xml");
const SESSION_JSON = fixture("enterprise-manager/json/seed-002-backup-session.body.json");

let v: ContractValidator;
beforeAll(async () => {
  v = await createValidator();
});

const getBackupSession = (over: Partial<RecordedResponse>): RecordedResponse => ({
  api: "enterprise-manager",
  method: "GET",
  path: "/backupSessions/{ID}",
  status: 200,
  mediaType: "application/json",
  ...over,
});

/** validateResponse, failing the test (not crashing it) when it throws. */
function check(r: RecordedResponse) {
  let result;
  expect(() => (result = v.validateResponse(r))).not.toThrow();
  return result!;
}

const nested = (depth: number, open: string, inner: string, close: string) =>
  open.repeat(depth) + inner + close.repeat(depth);

/** The one error of a body nested too deeply. */
const TOO_DEEP = {
  keyword: "json",
  code: "DEPTH_LIMIT",
  message: "the body is nested deeper than 256 levels of arrays and objects",
  instancePath: "",
};

describe("validateResponse and deep nesting", () => {
  it("a 10 KB JSON body of arrays nested 5,000 deep is one error, not a stack overflow", () => {
    const body = nested(5000, "[", "1", "]");
    expect(body.length).toBeLessThan(11_000);
    for (const b of [body, Buffer.from(body)]) {
      const r = check(getBackupSession({ body: b }));
      expect(r.valid).toBe(false);
      expect(r.errors).toEqual([expect.objectContaining(TOO_DEEP)]);
      expect(r.target?.operationId).toBe("getBackupSession");
    }
  });

  it("objects nested 5,000 deep, at the top or under a member, are the same one error", () => {
    const deep = nested(5000, '{"a":', "1", "}");
    for (const body of [
      deep,
      `{"Links":${deep}}`,
      `{"Type":"BackupJobSession","Name":[${nested(5000, "[", "", "]")}]}`,
    ]) {
      const r = check(getBackupSession({ body }));
      expect(r.errors).toEqual([expect.objectContaining(TOO_DEEP)]);
    }
  });

  it("a parsed body nested 100,000 deep, or cyclic, is one error too", () => {
    const deep = JSON.parse(nested(100_000, "[", "", "]")) as unknown;
    const cyclic: Record<string, unknown> = { Type: "BackupJobSession" };
    cyclic.Links = [cyclic];
    for (const body of [deep, cyclic]) {
      const r = check(getBackupSession({ body }));
      expect(r.errors).toEqual([expect.objectContaining(TOO_DEEP)]);
    }
  });

  it("json.maxDepth sets the limit; a valid body is not affected by it", async () => {
    const shallow = await createValidator({ json: { maxDepth: 3 } });
    const r = shallow.validateResponse(getBackupSession({ body: nested(4, "[", "", "]") }));
    expect(r.errors).toEqual([
      expect.objectContaining({ ...TOO_DEEP, message: expect.stringContaining("deeper than 3 levels") as string }),
    ]);
    expect(shallow.validateResponse(getBackupSession({ body: SESSION_JSON })).valid).toBe(true);
  });

  it("an XML body nested 5,000 deep is the codec's DEPTH_LIMIT; with the limit raised, still a result", async () => {
    const open = SESSION_XML.indexOf(">", SESSION_XML.indexOf("<BackupJobSession")) + 1;
    const body = SESSION_XML.slice(0, open) + nested(5000, "<a>", "", "</a>") + SESSION_XML.slice(open);
    const r = check(getBackupSession({ mediaType: "application/xml", body }));
    expect(r.errors).toEqual([expect.objectContaining({ keyword: "xml", code: "DEPTH_LIMIT" })]);
    const raised = await createValidator({ xml: { maxDepth: 1_000_000 } });
    const deeper = SESSION_XML.slice(0, open) + nested(100_000, "<a>", "", "</a>") + SESSION_XML.slice(open);
    expect(() =>
      raised.validateResponse(getBackupSession({ mediaType: "application/xml", body: deeper })),
    ).not.toThrow();
  });
});

describe("validateResponse and other hostile bodies", () => {
  it("a parsed body whose getter throws is a failure of that body", () => {
    const body = {
      get Type(): string {
        throw new Error("boom");
      },
    };
    const r = check(getBackupSession({ body }));
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([
      expect.objectContaining({ keyword: "body", message: "the body could not be checked: Error: boom" }),
    ]);
    expect(r.target?.operationId).toBe("getBackupSession");
  });

  it("a response field of the wrong type is a lookup error, not a TypeError", () => {
    const cases: Array<[Partial<RecordedResponse>, string, string]> = [
      [{ mediaType: 42 as unknown as string }, "media-type", '"mediaType" must be a string; got 42'],
      [{ path: 5 as unknown as string }, "operation", '"path" must be a string; got 5'],
      [{ method: null as unknown as string }, "operation", '"method" must be a string; got null'],
      [{ api: [] as unknown as string }, "api", '"api" must be a string; got []'],
    ];
    for (const [over, keyword, message] of cases) {
      const r = check(getBackupSession({ body: SESSION_JSON, ...over }));
      expect(r.errors).toEqual([expect.objectContaining({ keyword, message })]);
    }
  });

  it("a member name or value of megabytes is quoted in at most 80 characters", () => {
    const name = `\u001b[2J${"k".repeat(5_000_000)}`;
    const session = JSON.parse(SESSION_JSON) as Record<string, unknown>;
    const r = check(getBackupSession({ body: JSON.stringify({ ...session, [name]: 1 }) }));
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual([expect.objectContaining({ keyword: "additionalProperties" })]);
    expect(r.warnings[0]!.message).toMatch(
      /^the body has the property "\\u001b\[2Jkkk+…, which the schema does not declare$/,
    );
    expect(r.warnings[0]!.message.length).toBeLessThan(150);

    const state = check(getBackupSession({ body: JSON.stringify({ ...session, State: 7, Name: [name] }) }));
    expect(state.valid).toBe(false);
    for (const e of state.errors) expect(e.message.length).toBeLessThan(200);
    const xml = check(
      getBackupSession({
        mediaType: "application/xml",
        body: SESSION_XML.replace(/Href="[^"]*"/, `Href="${"h".repeat(5_000_000)}"`),
      }),
    );
    for (const e of xml.errors) expect(e.message.length).toBeLessThan(200);
  });

  it("bytes that are not UTF-8 are one error, JSON and XML", () => {
    const bad = Buffer.from([0xff, 0xfe, 0x80]);
    const json = check(getBackupSession({ body: Buffer.concat([Buffer.from('{"Name":"'), bad, Buffer.from('"}')]) }));
    expect(json.errors).toEqual([
      expect.objectContaining({ keyword: "json", message: "the body is not JSON: not valid UTF-8" }),
    ]);
    const open = SESSION_XML.indexOf("<JobName>") + "<JobName>".length;
    const xmlBody = Buffer.concat([Buffer.from(SESSION_XML.slice(0, open)), bad, Buffer.from(SESSION_XML.slice(open))]);
    const xml = check(getBackupSession({ mediaType: "application/xml", body: xmlBody }));
    expect(xml.errors).toEqual([expect.objectContaining({ keyword: "xml", code: "INVALID_ENCODING" })]);
  });

  it("a body that is not the media type it claims is one error; an unknown media type a lookup error", () => {
    const xmlAsJson = check(getBackupSession({ body: SESSION_XML }));
    expect(xmlAsJson.errors).toEqual([expect.objectContaining({ keyword: "json" })]);
    const jsonAsXml = check(getBackupSession({ mediaType: "application/xml", body: SESSION_JSON }));
    expect(jsonAsXml.errors).toEqual([expect.objectContaining({ keyword: "xml", code: "MALFORMED" })]);
    const parsedAsXml = check(getBackupSession({ mediaType: "application/xml", body: { Type: "BackupJobSession" } }));
    expect(parsedAsXml.errors).toEqual([expect.objectContaining({ keyword: "body" })]);
    for (const mediaType of ["text/html", "", "application/json\u001b[2J", "*/*; q=0"]) {
      const r = check(getBackupSession({ mediaType, body: SESSION_JSON }));
      expect(r.valid).toBe(false);
      expect(r.errors).toEqual([expect.objectContaining({ keyword: "media-type" })]);
    }
  });
});

describe("validateResponse and bodies with many findings", () => {
  // ajv gathers errors in time quadratic in their number (it copies the list to append a called
  // schema's errors): 16,000 failing items took 35 s, so these 100,000 would never end.
  const REFS = JSON.parse(fixture("enterprise-manager/json/backup-session-references.body.json")) as {
    Refs: Array<Record<string, unknown>>;
  };
  const listBackupSessions = (refs: unknown[]): RecordedResponse =>
    getBackupSession({ path: "/backupSessions", body: JSON.stringify({ ...REFS, Refs: refs }) });

  it("100,000 items that drift: valid, one warning each", () => {
    const ref = { ...REFS.Refs[0], Colour: "blue" };
    // In the schema's casing: left to guess, the casing with fewer unknown members would win.
    const r = check({ ...listBackupSessions(Array.from({ length: 100_000 }, () => ref)), casing: "pascal" });
    expect(r.valid).toBe(true);
    expect(r.warnings).toHaveLength(100_000);
    expect(r.warnings[99_999]).toMatchObject({ keyword: "additionalProperties", instancePath: "/Refs/99999" });
  });

  it("100,000 items that break the contract: invalid, with the first error", () => {
    const r = check(listBackupSessions(Array.from({ length: 100_000 }, () => ({}))));
    expect(r.valid).toBe(false);
    expect(r.errors[0]).toMatchObject({ keyword: "required", message: '/Refs/0 lacks the required property "Type"' });
    expect(r.errors.length).toBeLessThan(10);
  });

  it("a body of up to 5,000 values still gets all its errors", () => {
    const r = check(listBackupSessions(Array.from({ length: 1_000 }, () => ({}))));
    expect(r.errors).toHaveLength(2_000);
    expect(r.errors.at(-1)).toMatchObject({ message: '/Refs/999 lacks the required property "Href"' });
  });
});

describe("show(): a value for a message", () => {
  it("writes JSON as JSON.stringify does, cut at 80 characters", () => {
    const values: unknown[] = [
      "Done",
      42,
      -0,
      1.5,
      NaN,
      null,
      true,
      [1, "a", null, undefined, () => 1],
      { a: 1, b: undefined, c: [{}], d: "x\ny" },
      new Date(0),
      "é \u2028 \ud83d\ude00",
    ];
    for (const value of values) expect(show(value)).toBe(JSON.stringify(value));
    const long = { Links: Array.from({ length: 100 }, (_, i) => ({ Href: `https://em/api/${i}` })) };
    expect(show(long)).toBe(`${JSON.stringify(long).slice(0, 77)}…`);
    expect(show(undefined)).toBe("undefined");
  });

  it("never throws, and reads no more of a value than it prints", () => {
    const deep = JSON.parse(nested(100_000, "[", "", "]")) as unknown;
    expect(show(deep)).toBe(`${"[".repeat(77)}…`);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toMatch(/^\{"self":\{"self":.*…$/);
    expect(show(10n)).toBe("10");
    expect(
      show({
        toJSON: () => {
          throw new Error("no");
        },
      }),
    ).toBe("[object Object]");
    expect(show("s".repeat(60_000_000))).toBe(`"${"s".repeat(76)}…`);
    // Not half of a surrogate pair before the ellipsis.
    expect(show(`${"a".repeat(75)}\ud83d\ude00${"b".repeat(10)}`)).toBe(`"${"a".repeat(75)}…`);
  });
});
