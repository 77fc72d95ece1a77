// `startMock({ emJsonCase: "camel" })` / `veeam-mock --em-json-case camel`: the mock answers JSON
// as Enterprise Manager 13 does (camelCase member names, from the one PascalCase spec), XML as
// before; the client hands back the spec's names either way.
import { toCamel } from "@veeam-sessions/spec/casing";
import { createEnterpriseManagerClient, type EnterpriseManagerClient } from "@veeam-sessions/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock, type MockServer } from "../src/index.js";
import { runInProcess } from "./cli-helpers.js";
import { first, loadSpec, operations } from "./helpers.js";

const doc = loadSpec("enterprise-manager");
const getBackupSession = operations(doc).find((o) => o.operationId === "getBackupSession")!;
const ID = "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6";

let mock: MockServer;
let em: EnterpriseManagerClient;
const raw: string[] = [];
beforeAll(async () => {
  mock = await startMock({ api: "enterprise-manager", engine: "prism", port: 0, emJsonCase: "camel" });
  em = createEnterpriseManagerClient({
    baseUrl: mock.url,
    auth: { username: "TECH\\svc", password: "secret-pw" },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      raw.push(await response.clone().text());
      return response;
    },
  });
});
afterAll(async () => {
  await em?.logout();
  await mock?.stop();
});

describe("veeam-mock --em-json-case camel", () => {
  it("answers JSON with EM 13's camelCase names, and the client reads the spec's names", async () => {
    raw.length = 0;
    const { data, response } = await em.GET("/backupSessions/{ID}", {
      params: { path: { ID }, query: { format: "Entity" } },
    });
    expect(response.headers.get("content-type")).toBe("application/json");
    const sent = JSON.parse(raw.at(-1)!) as Record<string, unknown>;
    expect(sent).toEqual(toCamel(first(getBackupSession.examples["application/json"])));
    expect(Object.keys(sent)).toEqual(expect.arrayContaining(["jobUid", "creationTimeUTC", "uid", "links"]));
    expect(sent).not.toHaveProperty("JobUid");
    expect(data).toEqual(first(getBackupSession.examples["application/json"]));
  });

  it("leaves XML as it is", async () => {
    const xml = createEnterpriseManagerClient({
      baseUrl: mock.url,
      auth: { username: "TECH\\svc", password: "secret-pw" },
      format: "xml",
    });
    const { data, response } = await xml.GET("/backupSessions/{ID}", {
      params: { path: { ID }, query: { format: "Entity" } },
    });
    expect(response.headers.get("content-type")).toBe("application/xml");
    expect(data).toEqual(first(getBackupSession.examples["application/json"]));
    await xml.logout();
  });

  it("refuses another value, as an option and as a flag (exit 2)", async () => {
    await expect(
      startMock({ api: "enterprise-manager", engine: "prism", port: 0, emJsonCase: "kebab" as "camel" }),
    ).rejects.toThrow(/emJsonCase must be "pascal" or "camel"/);
    const r = await runInProcess(["--em-json-case", "kebab"]);
    expect(r.code).toBe(2);
    expect(r.output).toContain('--em-json-case must be "pascal" or "camel", not "kebab"');
  });
});
