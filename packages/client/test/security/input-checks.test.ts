// Issue 21, item 7.5: a body that is not valid UTF-8 is kind "malformed" (as the XML codec says
// of bytes), never text with U+FFFD in place of the bad bytes; a header value with CR or LF
// from the caller is kind "usage" and nothing is sent, not a TypeError reported as "network".
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createBackupForAzureClient,
  createBackupReplicationClient,
  createEnterpriseManagerClient,
  recordTo,
} from "../../src/index.js";
import { emClient, emLogon, json, rejection, thrown, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();

const em = (extra: object = {}) => emClient(s, extra);
const az = () =>
  createBackupForAzureClient({ baseUrl: `${s.home.url}/api/v1`, auth: { username: "u", password: "Az-Secret-p4ss" } });
const vbr = (extra: object = {}) =>
  createBackupReplicationClient({ baseUrl: s.home.url, auth: { username: "u", password: "Vbr-pw!" }, ...extra });

/** `text` with the bytes of `bad` (not UTF-8) in place of `@`. */
function withBadBytes(text: string, bad: number[]): Buffer {
  const [before, after] = text.split("@");
  return Buffer.concat([Buffer.from(before!), Buffer.from(bad), Buffer.from(after!)]);
}

// A lone continuation byte, a truncated sequence, an overlong "/", a UTF-16 surrogate.
const BAD = [[0x80], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80]];

describe("invalid UTF-8 in a body is kind malformed", () => {
  for (const bad of BAD) {
    const hex = bad.map((b) => b.toString(16)).join(" ");

    it(`a JSON success body with ${hex}`, async () => {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        res.writeHead(200, { "content-type": "application/json" }).end(withBadBytes('{"Refs":[{"Name":"a@b"}]}', bad));
      };
      const error = await rejection(em().GET("/replicaSessions"));
      expect(error.kind).toBe("malformed");
      expect(error.status).toBe(200);
      expect(error.message).toContain("UTF-8");
    });

    it(`an XML success body with ${hex}`, async () => {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        const xml =
          '<?xml version="1.0" encoding="utf-8"?><EntityReferences xmlns="http://www.veeam.com/ent/v1.0"><Ref Name="a@b" Type="ReplicaSessionReference" Href="http://h/api/replicaSessions/1" UID="urn:veeam:ReplicaJobSession:1"/></EntityReferences>';
        res.writeHead(200, { "content-type": "application/xml" }).end(withBadBytes(xml, bad));
      };
      const error = await rejection(em({ format: "xml" }).GET("/replicaSessions"));
      expect(error.kind).toBe("malformed");
      expect(error.message).toContain("UTF-8");
    });

    it(`an error body with ${hex}`, async () => {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(withBadBytes('{"Message":"no @ here","StatusCode":404}', bad));
      };
      const error = await rejection(em().GET("/replicaSessions"));
      expect(error.kind).toBe("malformed");
      expect(error.status).toBe(404);
      expect(error.message).toContain("UTF-8");
    });

    it(`a token answer with ${hex}`, async () => {
      s.home.handle = (_req, res) => {
        const text = JSON.stringify(tokenAnswer(1)).replace("access-1", "access-@");
        res.writeHead(200, { "content-type": "application/json" }).end(withBadBytes(text, bad));
      };
      const error = await rejection(az().logon());
      expect(error.kind).toBe("malformed");
      expect(error.operationId).toBe("createToken");
      expect(error.message).toContain("UTF-8");
    });
  }

  it("an EM logon answer with invalid UTF-8", async () => {
    s.home.handle = (_req, res) => {
      res
        .writeHead(201, { "content-type": "application/json", "x-restsvcsessionid": "abcd" })
        .end(withBadBytes('{"SessionId":"@"}', [0xff]));
    };
    expect((await rejection(em().logon())).kind).toBe("malformed");
  });

  it("recordTo writes no fixture for it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-sec-utf8-"));
    try {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        res.writeHead(200, { "content-type": "application/json" }).end(withBadBytes('{"Refs":["@"]}', [0xfe]));
      };
      const error = await rejection(em({ middleware: [recordTo(dir)] }).GET("/replicaSessions"));
      expect(error.kind).toBe("malformed");
      expect(readdirSync(dir).filter((f) => f.startsWith("listReplicaSessions"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("valid UTF-8 (a BOM, accents, a character above U+FFFF) is read as before", async () => {
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"Refs":[{"Name":"Sauvegarde é 😀"}]}')]));
    };
    expect((await em().GET("/replicaSessions")).data).toEqual({ Refs: [{ Name: "Sauvegarde é 😀" }] });
  });
});

describe("a CR or LF in a caller's header is kind usage", () => {
  const answer = () => {
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      if (req.url === "/api/oauth2/token") return json(res, 200, tokenAnswer(1));
      json(res, 200, { Refs: [], data: [], pagination: { total: 0 } });
    };
  };

  for (const value of ["a\r\nX-Injected: 1", "a\nb", "a\rb", "trailing\r\n", "\r\nleading"]) {
    it(`a call's headers: ${JSON.stringify(value)}`, async () => {
      answer();
      const error = await rejection(em().GET("/replicaSessions", { headers: { "X-Trace": value } }));
      expect(error.kind).toBe("usage");
      expect(error.message).toContain("X-Trace");
      expect(s.home.seen).toEqual([]);
    });
  }

  it("a call's params.header (Backup & Replication's x-api-version)", async () => {
    answer();
    const error = await rejection(
      vbr().GET("/api/v1/sessions", { params: { header: { "x-api-version": "1.3-rev1\r\nX-Injected: 1" } } }),
    );
    expect(error.kind).toBe("usage");
    expect(s.home.seen).toEqual([]);
  });

  it("the client's headers option: refused when the client is made", () => {
    answer();
    const error = thrown(() => em({ headers: { "X-Tenant": "a\r\nX-Injected: 1" } }));
    expect(error.kind).toBe("usage");
    expect(error.message).toContain("X-Tenant");
    expect(thrown(() => vbr({ headers: { "X-Tenant": "a\nb" } })).kind).toBe("usage");
    expect(s.home.seen).toEqual([]);
  });

  it("an EM session id given by the caller: refused when the client is made", () => {
    const error = thrown(() =>
      createEnterpriseManagerClient({ baseUrl: `${s.home.url}/api`, auth: { sessionId: "abc\r\nX-Injected: 1" } }),
    );
    expect(error.kind).toBe("usage");
    expect(error.message).not.toContain("abc");
  });

  it("an invalid header name is kind usage too", async () => {
    answer();
    const error = await rejection(em().GET("/replicaSessions", { headers: { "X Trace": "1" } }));
    expect(error.kind).toBe("usage");
    expect(s.home.seen).toEqual([]);
  });

  it("an ordinary header is sent", async () => {
    answer();
    await em().GET("/replicaSessions", { headers: { "X-Trace": "abc 123" } });
    expect(s.home.seen.at(-1)!.headers["x-trace"]).toBe("abc 123");
  });
});
