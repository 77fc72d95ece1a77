// Issue 21, item 7.2: forms of a secret the first redaction missed. The bare base64 of
// `user:password` (the password's own base64 appears in it only when "user:" is a multiple of 3
// bytes long), a secret inside any base64 text at any alignment, XML numeric character
// references (`&#80;`, `&#x50;`) and JSON escapes (`\/`, `\u0050`), in part or throughout.
// Each is checked in an error message (a text/plain error body is quoted in the message), in
// the error's raw body, and in a recording.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createBackupForAzureClient,
  createEnterpriseManagerClient,
  recordTo,
  unwrap,
  VeeamApiError,
} from "../../src/index.js";
import { emLogon, json, tokenAnswer, twoServers } from "./server.js";

const s = twoServers();
const PASSWORD = "Pa55/w0rd!secret";
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** The secret written with numeric character references and JSON escapes, in part or throughout. */
function escapedForms(secret: string): string[] {
  const chars = [...secret];
  const dec = (c: string) => `&#${c.codePointAt(0)};`;
  const hex = (c: string) => `&#x${c.codePointAt(0)!.toString(16)};`;
  const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return [
    dec(chars[0]!) + chars.slice(1).join(""), // &#80;a55/…
    hex(chars[0]!) + chars.slice(1).join(""), // &#x50;a55/…
    `&#X${chars[0]!.codePointAt(0)!.toString(16).toUpperCase()};${chars.slice(1).join("")}`,
    `&#0000${chars[0]!.codePointAt(0)};${chars.slice(1).join("")}`,
    chars.map(dec).join(""),
    chars.map(hex).join(""),
    secret.replace(/\//g, "\\/"), // Pa55\/w0rd!secret
    chars.map(u).join(""),
    chars.map((c) => u(c).toUpperCase().replace("\\U", "\\u")).join(""),
    u(chars[0]!) + chars.slice(1).join("").replace(/\//g, "\\/"),
  ];
}

/** Base64 texts with the secret at each of the three byte alignments, and the bare Basic credential. */
function base64Forms(username: string, secret: string): string[] {
  return [
    b64(`${username}:${secret}`),
    b64(`${username}:${secret}`).replace(/=+$/, ""),
    b64(`${secret}","x":1}`),
    b64(`{"p":"${secret}","x":1}`),
    b64(`a{"p":"${secret}","x":1}`),
    b64(`ab{"p":"${secret}","x":1}`),
    Buffer.from(`ab{"p":"${secret}"}`).toString("base64url"),
  ];
}

/** Every run of base64 characters in `text`, decoded (both alphabets). */
function decodedRuns(text: string): string[] {
  return (text.match(/[A-Za-z0-9+/_-]{4,}={0,2}/g) ?? []).map((run) =>
    Buffer.from(run.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1"),
  );
}

function everything(error: VeeamApiError): string {
  return [error.message, error.url, error.raw, JSON.stringify(error.body)].join("\n");
}

const em = (username: string, extra: object = {}) =>
  createEnterpriseManagerClient({ baseUrl: `${s.home.url}/api`, auth: { username, password: PASSWORD }, ...extra });

/** The error of a GET answered 400 text/plain with `text` (quoted in the message). */
async function errorFor(username: string, text: string): Promise<VeeamApiError> {
  s.home.handle = (req, res) => {
    if (emLogon(req, res)) return;
    res.writeHead(400, { "content-type": "text/plain" }).end(text);
  };
  const c = em(username);
  const error = await Promise.resolve()
    .then(async () => unwrap(await c.GET("/replicaSessions")))
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(VeeamApiError);
  expect((error as VeeamApiError).message).toContain("[redacted]");
  return error as VeeamApiError;
}

describe("redaction of base64 at any alignment", () => {
  // "u:" (2 bytes), "ab:" (3), "svc:" (4), "abcd:" (5): the password starts at every alignment.
  for (const username of ["u", "ab", "svc", "abcd"]) {
    it(`EM user ${JSON.stringify(username)}: the bare base64 of user:password is redacted in the message and raw body`, async () => {
      for (const form of base64Forms(username, PASSWORD)) {
        const error = await errorFor(username, `echo ${form} end`);
        const text = everything(error);
        expect(text).not.toContain(form);
        for (const decoded of decodedRuns(text)) expect(decoded).not.toContain(PASSWORD);
      }
    });
  }

  it("Azure: a token inside a base64 text, at each alignment, in an error body", async () => {
    const token = tokenAnswer(1).access_token as string;
    const forms = [0, 1, 2].map((n) => b64(`${"x".repeat(n)}{"access_token":"${token}"}`));
    s.home.handle = (req, res) => {
      if (req.url === "/api/oauth2/token") return json(res, 200, tokenAnswer(1));
      json(res, 400, { type: "about:blank", title: "Bad", status: 400, detail: `token ${forms.join(" ")}` });
    };
    const c = createBackupForAzureClient({
      baseUrl: `${s.home.url}/api/v1`,
      auth: { username: "u", password: "Az-Secret-p4ss" },
    });
    const error = (await Promise.resolve()
      .then(async () => unwrap(await c.GET("/jobSessions")))
      .catch((e: unknown) => e)) as VeeamApiError;
    expect(error).toBeInstanceOf(VeeamApiError);
    const text = everything(error);
    expect(error.message).toContain("[redacted]");
    for (const form of forms) expect(text).not.toContain(form);
    for (const decoded of decodedRuns(text)) expect(decoded).not.toContain(token);
  });
});

describe("redaction of character references and JSON escapes", () => {
  for (const form of escapedForms(PASSWORD)) {
    it(`EM: ${form.slice(0, 40)}… is redacted in the message and raw body`, async () => {
      const error = await errorFor("u", `bad password ${form} given`);
      const text = everything(error);
      expect(text).not.toContain(form);
      expect(error.message).toContain("bad password [redacted] given");
    });
  }
});

describe("redaction in a recording", () => {
  it("XML: the password as character references, and the bare Basic credential", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-sec-forms-"));
    const forms = [...escapedForms(PASSWORD).filter((f) => f.startsWith("&")), ...base64Forms("svc", PASSWORD)];
    try {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        const text = `<?xml version="1.0" encoding="utf-8"?><Error xmlns="http://www.veeam.com/ent/v1.0"><Message>${forms.join(" | ")}</Message><StatusCode>400</StatusCode></Error>`;
        res.writeHead(400, { "content-type": "application/xml" }).end(text);
      };
      await em("svc", { format: "xml", middleware: [recordTo(dir)] }).GET("/replicaSessions");
      const bodies = recorded(dir);
      expect(bodies).toContain("[redacted]");
      for (const form of forms) expect(bodies).not.toContain(form);
      for (const decoded of decodedRuns(bodies)) expect(decoded).not.toContain(PASSWORD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("JSON: the password with \\/ and \\uXXXX escapes, and the bare Basic credential", async () => {
    const dir = mkdtempSync(join(tmpdir(), "veeam-sec-forms-"));
    const forms = [...escapedForms(PASSWORD).filter((f) => f.includes("\\")), ...base64Forms("u", PASSWORD)];
    try {
      s.home.handle = (req, res) => {
        if (emLogon(req, res)) return;
        // Written by hand: JSON.stringify would turn the backslashes of the escapes into \\.
        const text = `{"Message":"${forms.join(" | ")}","StatusCode":400}`;
        res.writeHead(400, { "content-type": "application/json" }).end(text);
      };
      await em("u", { middleware: [recordTo(dir)] }).GET("/replicaSessions");
      const bodies = recorded(dir);
      expect(bodies).toContain("[redacted]");
      for (const form of forms) expect(bodies).not.toContain(form);
      for (const decoded of decodedRuns(bodies)) expect(decoded).not.toContain(PASSWORD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function recorded(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.includes(".body."))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}
