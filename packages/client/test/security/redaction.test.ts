// Scenario 7: a server that echoes secrets back, in any encoding, never gets them into an
// error's message, url, raw or body, nor into a recording; short passwords included.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createBackupForAzureClient, createEnterpriseManagerClient, recordTo, unwrap } from "../../src/index.js";
import { emLogon, SESSION_ID, twoServers } from "./server.js";

const s = twoServers();
const GUID = "44cfbdbe-5a95-4156-8867-91f069b7c2cc";

function encodings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ p: secret }).toString().slice(2),
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    json,
    json.replace(/[<>&'+]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
  ];
}

function everything(error: unknown): string {
  const e = error as Record<string, unknown>;
  return [e.message, e.url, e.raw, JSON.stringify(e.body)].join("\n");
}

describe("redaction", () => {
  it("EM: the session id and logon id echoed in an XML error body, in every encoding", async () => {
    const echoes = [...encodings(SESSION_ID), ...encodings(GUID)];
    s.home.handle = (req, res) => {
      if (emLogon(req, res)) return;
      const text = `<?xml version="1.0" encoding="utf-8"?><Error xmlns="http://www.veeam.com/ent/v1.0"><Message>Session ${echoes.join(" | ")} is invalid</Message><StatusCode>400</StatusCode></Error>`;
      res.writeHead(400, { "content-type": "application/xml" }).end(text);
    };
    const c = createEnterpriseManagerClient({
      baseUrl: `${s.home.url}/api`,
      auth: { username: "u", password: "Pa55-w0rd!secret" },
      format: "xml",
    });
    const error = await Promise.resolve()
      .then(async () => unwrap(await c.GET("/replicaSessions")))
      .catch((e: unknown) => e);
    const text = everything(error);
    for (const form of echoes) expect(text).not.toContain(form);
    expect(text).toContain("[redacted]");
  });

  for (const password of ['Az-Secret p4ss&=+/é"<x>', "pw"]) {
    it(`Azure: the password ${password.length < 4 ? "(short) " : ""}echoed form-encoded, URL-encoded, base64 and JSON-escaped`, async () => {
      s.home.handle = (_req, res, body) => {
        const echo = [body, ...encodings(password)].join(" ; ");
        const text = JSON.stringify({
          type: "about:blank",
          title: "Bad grant",
          status: 400,
          detail: `got ${echo}`,
          raw: echo,
        });
        res.writeHead(400, { "content-type": "application/problem+json" }).end(text);
      };
      const c = createBackupForAzureClient({ baseUrl: `${s.home.url}/api/v1`, auth: { username: "u", password } });
      const error = await c.logon().catch((e: unknown) => e);
      const text = everything(error);
      expect((error as { raw?: string }).raw).toContain("grant_type=Password");
      for (const form of encodings(password)) {
        // A short form is redacted as a word; it may still occur inside longer words.
        if (form.length >= 4) expect(text).not.toContain(form);
        else expect(text).not.toMatch(new RegExp(`(?<![A-Za-z0-9])${form}(?![A-Za-z0-9])`));
      }
    });
  }

  it("a recording scrubs the echoed secret in every encoding", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-sec-record-"));
    try {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        const text = JSON.stringify({ Message: `session ${encodings(SESSION_ID).join(" ")}`, StatusCode: 400 });
        res.writeHead(400, { "content-type": "application/json" }).end(text);
      };
      const c = createEnterpriseManagerClient({
        baseUrl: `${s.home.url}/api`,
        auth: { username: "u", password: "Pa55-w0rd!secret" },
        middleware: [recordTo(dir)],
      });
      await c.GET("/replicaSessions");
      const bodies = readdirSync(dir)
        .filter((f) => f.includes(".body."))
        .map((f) => readFileSync(join(dir, f), "utf8"))
        .join("\n");
      expect(bodies).toContain("[redacted]");
      for (const form of encodings(SESSION_ID)) expect(bodies).not.toContain(form);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
