import { beforeEach, describe, expect, it } from "vitest";
import {
  createBackupForAzureClient,
  createEnterpriseManagerClient,
  paginate,
  query,
  where,
  type EnterpriseManagerClient,
} from "../../src/index.js";
import { AZ_PASSWORD, AZ_USER, bothServersForThisFile, EM_PASSWORD, EM_USER } from "../helpers/servers.js";
import { example, loadSpec } from "../helpers/spec.js";

const servers = bothServersForThisFile(25);
beforeEach(() => {
  servers.az.requests.length = 0;
  servers.em.requests.length = 0;
  servers.em.override = undefined;
});

describe("paginate (Azure offset/limit)", () => {
  const az1 = () =>
    createBackupForAzureClient({
      baseUrl: `${servers.az.url}/api/v1`,
      auth: { username: AZ_USER, password: AZ_PASSWORD },
    });

  it("walks 3 pages of 10, 10 and 5 and stops at totalCount", async () => {
    const ids: string[] = [];
    for await (const s of paginate(az1(), "/jobSessions", { pageSize: 10 })) ids.push(s.id);
    expect(ids).toEqual(servers.az.sessions.map((s) => s.id));
    const pages = servers.az.requests
      .filter((r) => r.url.startsWith("/api/v1/jobSessions"))
      .map((r) => new URL(r.url, "http://x").searchParams.get("Offset"));
    expect(pages).toEqual(["0", "10", "20"]);
  });

  it("passes filters and stops on an empty page", async () => {
    const seen: unknown[] = [];
    for await (const s of paginate(az1(), "/jobSessions", { query: { Status: ["Warning"], Limit: 10 } })) seen.push(s);
    expect(seen).toEqual([]);
    expect(servers.az.requests.filter((r) => r.url.startsWith("/api/v1/jobSessions"))).toHaveLength(1);
    expect(servers.az.requests.at(-1)!.url).toContain("Status=Warning");
  });

  it("stops when the signal aborts", async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    await expect(async () => {
      for await (const s of paginate(az1(), "/jobSessions", { pageSize: 10, signal: controller.signal })) {
        seen.push(s);
        if (seen.length === 10) controller.abort();
      }
    }).rejects.toThrow();
    expect(seen).toHaveLength(10);
  });
});

describe("query (EM query service)", () => {
  const doc = loadSpec("enterprise-manager");
  const session = (
    example(doc, "QueryResultEntities") as {
      Entities: { BackupJobSessions: { BackupJobSessions: Array<Record<string, unknown>> } };
    }
  ).Entities.BackupJobSessions.BackupJobSessions[0]!;

  function serveQuery(pages: number, perPage: (page: number) => number) {
    servers.em.override = (req, res) => {
      const url = new URL(req.url!, "http://x");
      if (url.pathname !== "/api/query" || !req.headers["x-restsvcsessionid"]) return false;
      const page = Number(url.searchParams.get("page"));
      const items = Array.from({ length: perPage(page) }, (_, i) => ({ ...session, Name: `p${page}-${i}` }));
      const body = {
        Entities: { BackupJobSessions: { BackupJobSessions: items } },
        PagingInfo: { PageNum: page, PageSize: 2, PagesCount: pages, Links: [] },
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      return true;
    };
  }
  const em1 = (): EnterpriseManagerClient =>
    createEnterpriseManagerClient({
      baseUrl: `${servers.em.url}/api`,
      auth: { username: EM_USER, password: EM_PASSWORD },
    });

  it("iterates entities over 3 pages with the filter and sort it was given", async () => {
    serveQuery(3, () => 2);
    const since = new Date("2024-01-01T00:00:00Z");
    const names: string[] = [];
    for await (const s of query(em1(), {
      type: "BackupJobSession",
      filter: where("Result").eq("Failed").and(where("CreationTime").gt(since)),
      sortDesc: "CreationTime",
      pageSize: 2,
    })) {
      names.push(s.Name);
    }
    expect(names).toEqual(["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"]);
    const calls = servers.em.requests
      .filter((r) => r.url.startsWith("/api/query"))
      .map((r) => new URL(r.url, "http://x").searchParams);
    expect(calls.map((q) => q.get("page"))).toEqual(["1", "2", "3"]);
    expect(calls[0]!.get("filter")).toBe("Result==Failed;CreationTime>2024-01-01T00:00:00.000Z");
    expect(calls[0]!.get("format")).toBe("Entities");
    expect(calls[0]!.get("sortDesc")).toBe("CreationTime");
  });

  it("stops on an empty page even if PagingInfo promises more", async () => {
    serveQuery(5, (page) => (page === 2 ? 0 : 2));
    const names: string[] = [];
    for await (const s of query(em1(), { type: "BackupJobSession" })) names.push(s.Name);
    expect(names).toEqual(["p1-0", "p1-1"]);
  });

  it("works in XML too: an empty query result yields nothing", async () => {
    const xml = createEnterpriseManagerClient({
      baseUrl: `${servers.em.url}/api`,
      auth: { username: EM_USER, password: EM_PASSWORD },
      format: "xml",
    });
    servers.em.override = (req, res) => {
      if (!req.url!.startsWith("/api/query")) return false;
      res.writeHead(200, { "content-type": "application/xml" }).end(example(doc, "QueryResultEmpty.xml") as string);
      return true;
    };
    const seen: unknown[] = [];
    for await (const s of query(xml, { type: "ReplicaJobSession" })) seen.push(s);
    expect(seen).toEqual([]);
  });
});
