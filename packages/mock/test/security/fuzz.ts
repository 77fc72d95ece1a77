// A seeded raw-socket fuzz of a mock's HTTP front (Prism's engine and the simulator): random
// request lines, targets, headers, framings and bodies, sent as bytes, so that a request no
// client library would send still reaches the server. The same seed sends the same requests.
import net from "node:net";
import { createRandom } from "../../src/sim/random.js";

/** The simulator's seeded PRNG (mulberry32), so a failure reproduces. */
export const prng = (seed: number) => createRandom(seed).next;

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get"];
const PIECES = [
  "%",
  "%E0%A4%A",
  "%zz",
  "%00",
  "%C0%AF",
  "%FF",
  "%2F",
  "%25",
  "..",
  "/",
  "//",
  "?",
  "&",
  "=",
  "#",
  "+",
  ";",
  "~",
  "é",
  "{ID}",
  "00000000-0000-0000-0000-000000000000",
  "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6",
  "39",
  "-1",
  "9".repeat(40),
  "$filter",
  "format=Entity",
  "Offset=-5",
  "Limit=abc",
  "Status=Error",
  "type=BackupJobSession",
  "filter=Result==Failed",
];
const SEGMENTS = [
  "backupSessions",
  "replicaSessions",
  "query",
  "sessionMngr",
  "logonSessions",
  "jobSessions",
  "log",
  "stop",
  "oauth2",
  "token",
  "v1",
  "api",
  "backupTaskSessions",
  "agentBackupSessions",
  "sessions",
  "taskSessions",
  "logs",
  "",
];
const CONTENT_TYPES = [
  "application/x-www-form-urlencoded",
  "application/json",
  "application/xml",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
  "*/*",
];
const ACCEPTS = [
  "application/json",
  "application/xml",
  "*/*",
  "text/html",
  "application/problem+json",
  "",
  "application/json;q=0",
];
const BODIES = [
  "",
  "%",
  "grant_type=Password&Username=%&Password=x",
  "grant_type=Refresh_token&refresh_token=%E0%A4%A",
  "{",
  '{"a":',
  "<",
  "<a>",
  "null",
  "[]",
  '{"__proto__":{"x":1}}',
  "\u0000\u0001",
  "x".repeat(5000),
];

/**
 * A raw request; `incomplete` when its Content-Length promises more than it sends. `auth`: header
 * lines that log on (a session id, a bearer token), sent with half the requests so that they
 * reach the operations behind the logon too. `known`: paths of the API (under `base`) that a
 * third of the requests start from, so that they reach its operations.
 */
export function randomRequest(
  rnd: () => number,
  base: string,
  auth: readonly string[] = [],
  known: readonly string[] = [],
): { raw: string; incomplete: boolean } {
  const method = pick(rnd, METHODS);
  let path = base;
  const parts = Math.floor(rnd() * 4);
  if (known.length && rnd() < 0.35) path += pick(rnd, known);
  else path += `/${pick(rnd, SEGMENTS)}`;
  for (let i = 0; i < parts; i++) if (rnd() < 0.4) path += `/${rnd() < 0.6 ? pick(rnd, SEGMENTS) : pick(rnd, PIECES)}`;
  if (rnd() < 0.5) {
    const q = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(rnd, PIECES)).join(rnd() < 0.5 ? "&" : "=");
    path += `?${q}`;
  }
  // Targets no URL parser reads (`//[`, an absolute form with a bad host) or odd forms.
  if (rnd() < 0.05) path = pick(rnd, ["*", "", "http://127.0.0.1:1/x", "%", "//[", "http://[x/api", `${base}//[`]);
  const headers: string[] = ["Host: 127.0.0.1", "Connection: close"];
  const accept = pick(rnd, ACCEPTS);
  if (accept) headers.push(`Accept: ${accept}`);
  if (auth.length && rnd() < 0.5) headers.push(...auth);
  else if (rnd() < 0.5) headers.push(`X-RestSvcSessionId: ${pick(rnd, ["x", "%", "NDRjZmJk", "", "=="])}`);
  if (rnd() < 0.5) headers.push(`Authorization: ${pick(rnd, ["Bearer x", "Basic %", "Basic dTpw", "", "Bearer"])}`);
  if (rnd() < 0.2)
    headers.push(`Prefer: ${pick(rnd, ["code=404", "code=abc", "example=zzz", "dynamic=true", "code=999"])}`);
  if (rnd() < 0.1) headers.push(`X-Junk: ${"\u00ff".repeat(Math.floor(rnd() * 10))}`);
  let body = "";
  if (rnd() < 0.5) {
    body = pick(rnd, BODIES);
    const ct = pick(rnd, CONTENT_TYPES);
    if (ct) headers.push(`Content-Type: ${ct}`);
  }
  const framing = rnd();
  if (framing < 0.05 && body)
    headers.push(`Content-Length: ${body.length + 5}`); // lies: more than sent
  else if (framing < 0.1) headers.push("Transfer-Encoding: chunked");
  else headers.push(`Content-Length: ${Buffer.byteLength(body, "latin1")}`);
  const chunked = headers.includes("Transfer-Encoding: chunked");
  const payload = chunked ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
  return {
    raw: `${method} ${path} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n${payload}`,
    incomplete: framing < 0.05 && body !== "",
  };
}

/** Sends raw bytes; resolves with the answer's status code, or why there was none. */
export function send(
  port: number,
  { raw, incomplete }: { raw: string; incomplete: boolean },
): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    const done = (why: string) => {
      socket.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve(m ? Number(m[1]) : why);
    };
    // Generous: the machine may be busy; silence this long means no answer.
    socket.setTimeout(20_000, () => done("no answer within 20 s"));
    socket.on("data", (c: Buffer) => {
      text += c.toString("latin1");
      if (/^HTTP\/1\.[01] \d{3}/.test(text)) done("");
    });
    socket.on("error", (e) => done(`socket error ${e.message}`));
    socket.on("close", () => done("closed without an answer"));
    // An incomplete request is cut short by the client (as a dropped connection would be):
    // the mock may close without an answer, but must stay up.
    if (incomplete) socket.end(Buffer.from(raw, "latin1"));
    else socket.write(Buffer.from(raw, "latin1"));
  });
}
