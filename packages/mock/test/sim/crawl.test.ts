// The contract guard over a crawl of every operation of every API (every version of a versioned
// API), in every media type it offers and, where the API has two JSON casings, in both: each
// answer must have a status the operation documents, and the guard must find no violation.
// The crawl is generated from the document and the API's simulator profile, not written per API.
import { afterAll, describe, expect, it } from "vitest";
import { apis, getApi, HTTP_METHODS, type Json } from "@veeam-sessions/spec";
import { DEFAULT_USER, startMock, type MockServer } from "../../src/index.js";
import { inVersion, loadSpec, rebase, type ApiName } from "../../src/spec.js";
import { logOn, profileOf, revisionHeaders } from "./helpers.js";

const simulated = apis().filter((a) => a.simulator);
const mocks: MockServer[] = [];
afterAll(() => Promise.all(mocks.map((m) => m.stop())));

interface Step {
  method: string;
  template: string;
  operationId: string;
  documented: string[];
  mediaTypes: string[];
  query: Json[];
  op: Json;
}

function steps(api: ApiName): Step[] {
  const { doc } = rebase(loadSpec(api));
  const out: Step[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const responses = op.responses as Record<string, Json>;
      const success = Object.keys(responses).find((s) => s.startsWith("2"))!;
      const content = (
        responses[success]!.$ref
          ? ((doc.components as Json).responses as Json)[(responses[success]!.$ref as string).split("/").pop()!]
          : responses[success]!
      ) as Json;
      out.push({
        method: method.toUpperCase(),
        template,
        operationId: op.operationId as string,
        documented: Object.keys(responses),
        mediaTypes: Object.keys((content.content ?? {}) as Json).filter((t) => /xml|json/.test(t)),
        query: ((op.parameters ?? []) as Json[]).filter((p) => p.in === "query"),
        op,
      });
    }
  }
  // Reads first; then actions (stop), then the task they made; the logoff and the revoke last.
  const profile = getApi(api).simulator as Json;
  const auth = (profile.auth ?? {}) as Json;
  const tasks = (profile.tasks ?? {}) as Json;
  const rank = (s: Step) =>
    s.operationId === auth.logoff || s.operationId === auth.revoke
      ? 4
      : s.operationId === tasks.delete
        ? 3
        : Object.values(tasks).includes(s.operationId)
          ? 2
          : s.method === "GET"
            ? 0
            : 1;
  return out.sort((a, b) => rank(a) - rank(b));
}

describe.each(simulated.map((a) => a.slug as ApiName))("simulator crawl: %s", (api) => {
  const casings = (loadSpec(api)["x-veeam-json-casing"] as string[] | undefined) ?? ["pascal"];
  it.each(casings)(
    "every operation, every media type, JSON casing %s: documented statuses, no violation",
    async (casing) => {
      const found: string[] = [];
      const mock = await startMock({
        api,
        port: 0,
        guard: true,
        sessions: 40,
        stopMs: 0,
        emJsonCase: casing === "camel" ? "camel" : "pascal",
        onViolation: (e) => found.push(`${e.method} ${e.url}: ${e.violations.map((v) => v.message).join("; ")}`),
      });
      mocks.push(mock);
      const profile = profileOf(mock);
      // A running session of each kind that can be stopped, so that stop has something to stop.
      for (const [kind, k] of Object.entries(profile.kinds)) if (k.stop) mock.sessions.add(kind, { running: true });
      const idFor = new Map<string, string>();
      for (const [kind, k] of Object.entries(profile.kinds)) {
        const records = mock.sessions.list(kind);
        // A running one, so that stop has something to stop.
        const body = records.find((b) => profile.members.ended && b[profile.members.ended] === undefined) ?? records[0];
        const id = body && (typeof body.id === "string" ? body.id : String(body.Href).split("?")[0]!.split("/").pop()!);
        for (const op of [k.get, k.stop, k.log]) if (op && id) idFor.set(op, id);
        if (k.parent?.list) {
          const parent = mock.sessions.list(k.parent.kind)[0];
          const pid =
            parent &&
            (typeof parent.id === "string" ? parent.id : String(parent.Href).split("?")[0]!.split("/").pop()!);
          if (pid) idFor.set(k.parent.list, pid);
        }
      }
      const problems: string[] = [];
      let requests = 0;
      // An API with revisions (a header such as x-api-version): each operation in every revision that has it.
      const revisions = profile.revisions?.values ?? [undefined];
      for (const step of steps(api)) {
        for (const [mediaType, revision] of (step.mediaTypes.length ? step.mediaTypes : ["*/*"]).flatMap((m) =>
          revisions
            .filter((r) => r === undefined || inVersion(step.op, r, profile.revisions!.values))
            .map((r) => [m, r] as const),
        )) {
          const { headers, body: logonBody } = await logOn(mock, DEFAULT_USER, revision);
          // The logon session's own id, the last task made: ids the answers gave.
          const sessionId = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(logonBody)?.[0] ?? "1";
          const path = step.template.replace(/\{([^}]+)\}/g, () =>
            encodeURIComponent(
              idFor.get(step.operationId) ??
                (step.operationId === profile.auth?.logoff || step.operationId === profile.auth?.get
                  ? sessionId
                  : (idFor.get("task") ?? "1")),
            ),
          );
          const query = new URLSearchParams();
          for (const p of step.query)
            if (p.required) {
              const schema = (p.schema ?? {}) as Json;
              const value = schema.default ?? (schema.enum as unknown[] | undefined)?.[0] ?? "x";
              query.set(String(p.name), typeof value === "string" ? value : JSON.stringify(value));
            }
          if (step.operationId === profile.query?.operation)
            query.set("type", Object.values(profile.kinds).find((k) => k.query)!.query!);
          const url = `${mock.origin}${path}${query.size ? `?${query.toString()}` : ""}`;
          const isToken = step.operationId === profile.auth?.token || step.operationId === profile.auth?.logon;
          const init: RequestInit = {
            method: step.method,
            headers: { accept: mediaType, ...(isToken ? revisionHeaders(mock, revision) : headers) },
          };
          if (step.operationId === profile.auth?.token) {
            init.headers = { ...init.headers, "content-type": "application/x-www-form-urlencoded" };
            init.body = new URLSearchParams({ grant_type: "password", ...DEFAULT_USER }).toString();
          } else if (step.operationId === profile.auth?.logon) {
            init.headers = {
              ...init.headers,
              authorization: `Basic ${Buffer.from(`${DEFAULT_USER.username}:${DEFAULT_USER.password}`).toString("base64")}`,
            };
          } else if (step.method === "POST" && !Object.values(profile.kinds).some((k) => k.stop === step.operationId)) {
            init.headers = { ...init.headers, "content-type": "application/json" };
            init.body = "{}";
          }
          const response = await fetch(url, init);
          const text = await response.text();
          requests++;
          const taskId = /"TaskId"\s*:\s*"([^"]+)"|<TaskId>([^<]+)</i.exec(text);
          if (taskId) idFor.set("task", taskId[1] ?? taskId[2]!);
          const status = String(response.status);
          if (!step.documented.includes(status) && !step.documented.includes("default"))
            problems.push(`${step.method} ${url} (${mediaType}): ${status} is not documented: ${text.slice(0, 200)}`);
          if (response.headers.get("x-veeam-mock-violations"))
            problems.push(`${step.method} ${url} (${mediaType}): out of contract`);
          if (/^2/.test(status) === false && step.method === "GET")
            problems.push(`${step.method} ${url} (${mediaType}): ${status} ${text.slice(0, 200)}`);
        }
      }
      expect(problems).toEqual([]);
      expect(found).toEqual([]);
      expect(mock.violations()).toBe(0);
      expect(requests).toBeGreaterThan(steps(api).length - 1);
    },
  );
});
