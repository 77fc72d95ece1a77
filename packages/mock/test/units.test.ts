// The small parts: content negotiation, Prefer, sl-violations, rebasing and upstream URLs.
import { describe, expect, it } from "vitest";
import { negotiate, withPreference } from "../src/negotiate.js";
import { dropXmlBodyFindings, formatViolation, parseViolations } from "../src/violations.js";
import { inVersion, rebase, splitUpstream, xmlTwins } from "../src/spec.js";
import { loadSpec } from "./helpers.js";

const OFFERS = ["application/xml", "application/json"];

describe("negotiate", () => {
  it.each([
    [undefined, "application/xml"],
    ["*/*", "application/xml"],
    ["application/json", "application/json"],
    ["application/xml, application/json", "application/xml"],
    ["application/json, application/xml", "application/json"],
    ["application/xml;q=0.5, application/json", "application/json"],
    ["application/*", "application/xml"],
    ["text/html", undefined],
    ["application/json;q=0, */*", "application/xml"],
  ])("Accept %s → %s", (accept, expected) => {
    expect(negotiate(accept, OFFERS)).toBe(expected);
  });
});

describe("withPreference", () => {
  it("adds or replaces one preference", () => {
    expect(withPreference(undefined, "dynamic", "false")).toBe("dynamic=false");
    expect(withPreference("code=404", "dynamic", "false")).toBe("code=404, dynamic=false");
    expect(withPreference("dynamic=true, example=x", "dynamic", "false")).toBe("example=x, dynamic=false");
  });
});

describe("violations", () => {
  const entry = (path: string[], message: string) => ({ location: path, severity: "Error", code: "type", message });
  it("parses the header into one violation each, once", () => {
    const header = JSON.stringify([
      entry(["response", "body", "State"], "must be string"),
      entry(["response", "body", "State"], "must be string"),
      entry(["request"], "Invalid security scheme used"),
    ]);
    const list = parseViolations(header);
    expect(list.map(formatViolation)).toEqual([
      "error response.body.State: must be string",
      "error request: Invalid security scheme used",
    ]);
  });

  it("keeps the complete entries of a truncated header and says so", () => {
    const full = JSON.stringify([entry(["response", "body", "A"], "x"), entry(["response", "body", "B"], "y")]);
    const list = parseViolations(`Too many violations! ${full.slice(0, full.length - 20)}`);
    expect(list[0]).toMatchObject({ location: "response.body.A", message: "x" });
    expect(list.at(-1)!.message).toMatch(/more violations/);
  });

  it("drops Prism's body findings on XML only", () => {
    const list = parseViolations(
      JSON.stringify([entry(["response", "body"], "must be object"), entry(["request", "query"], "bad")]),
    );
    expect(dropXmlBodyFindings(list, true, "response").map((v) => v.location)).toEqual(["request.query"]);
    expect(dropXmlBodyFindings(list, false, "response")).toHaveLength(2);
  });

  it("no header, no violations", () => {
    expect(parseViolations(undefined)).toEqual([]);
  });
});

describe("rebase", () => {
  it("puts EM under /api and Azure under /api/v1, the token endpoint under /api", () => {
    const em = rebase(loadSpec("enterprise-manager"));
    expect(em.basePath).toBe("/api");
    expect(Object.keys(em.doc.paths)).toContain("/api/sessionMngr/");
    expect(Object.keys(em.doc.paths)).toContain("/api/");
    const az = rebase(loadSpec("backup-for-azure"));
    expect(az.basePath).toBe("/api/v1");
    const paths = Object.keys(az.doc.paths);
    expect(paths).toContain("/api/oauth2/token");
    expect(paths).not.toContain("/api/v1/oauth2/token");
    // Every version of the server's enum is served; v1 lacks what came later.
    for (const v of ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v8.1"]) {
      expect(paths).toContain(`/api/${v}/jobSessions`);
      expect(paths).toContain(`/api/${v}/jobSessions/{sessionId}/stop`);
    }
    expect(paths).toContain("/api/v1/jobSessions/{sessionId}/protectedItems");
    expect(paths).toContain("/api/v1/jobSessions/{sessionId}/deletedItems");
    expect(paths).not.toContain("/api/v8/jobSessions/{sessionId}/checkedItems");
    expect(paths).toContain("/api/v8.1/jobSessions/{sessionId}/checkedItems");
    const stop = (v: string) => Object.keys(az.doc.paths[`/api/${v}/jobSessions/{sessionId}/stop`].post.responses);
    expect(stop("v1")).toContain("200");
    expect(stop("v1")).not.toContain("204");
    expect(stop("v2")).toContain("204");
    expect(stop("v2")).not.toContain("200");
    // With a version given (the proxy), only that version.
    const v8 = Object.keys(rebase(loadSpec("backup-for-azure"), { version: "v8" }).doc.paths);
    expect(v8.filter((p) => p !== "/api/oauth2/token").every((p) => p.startsWith("/api/v8/"))).toBe(true);
    expect(rebase(loadSpec("backup-for-azure"), { version: "v8" }).basePath).toBe("/api/v8");
  });

  it("inVersion reads x-since / x-until against the enum's order", () => {
    const order = ["v1", "v2", "v8", "v8.1"];
    expect(inVersion({}, "v1", order)).toBe(true);
    expect(inVersion({ "x-since": "v2" }, "v1", order)).toBe(false);
    expect(inVersion({ "x-since": "v2" }, "v8.1", order)).toBe(true);
    expect(inVersion({ "x-until": "v1" }, "v1", order)).toBe(true);
    expect(inVersion({ "x-until": "v1" }, "v2", order)).toBe(false);
    expect(inVersion({ "x-since": "v9" }, "v8.1", order)).toBe(false);
  });

  it("maps every EM XML example to its JSON twin", () => {
    const twins = xmlTwins(loadSpec("enterprise-manager"));
    expect(twins.size).toBeGreaterThan(10);
    for (const json of twins.values()) expect(() => JSON.parse(json) as unknown).not.toThrow();
  });
});

describe("splitUpstream", () => {
  const em = loadSpec("enterprise-manager");
  const az = loadSpec("backup-for-azure");
  it.each([
    [em, "https://em.corp:9398/api", "https://em.corp:9398", {}],
    [em, "https://gw.corp/veeam/api/", "https://gw.corp/veeam", {}],
    [az, "https://vbazure.corp/api/v1", "https://vbazure.corp", { version: "v1" }],
    [az, "https://vbazure.corp/api/v8.1", "https://vbazure.corp", { version: "v8.1" }],
  ])("%#: %s", (doc, upstream, target, vars) => {
    expect(splitUpstream(doc, upstream)).toEqual({ target, vars });
  });

  it("refuses an upstream without the base path", () => {
    expect(() => splitUpstream(em, "https://em.corp:9398")).toThrow(/must end with the API's base path \/api/);
    expect(() => splitUpstream(az, "https://vbazure.corp/api")).toThrow(/\/api\/\{version\}/);
    expect(() => splitUpstream(em, "em.corp")).toThrow(/not a URL/);
  });
});
