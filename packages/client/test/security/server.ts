// A programmable HTTP server on 127.0.0.1 (port 0) for the security scenarios: each test sets
// `handle` to answer as a hostile or broken server would; every request is kept.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { createEnterpriseManagerClient, VeeamApiError } from "../../src/index.js";

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Probe {
  url: string;
  origin: string;
  host: string;
  seen: Seen[];
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  close(): Promise<void>;
}

export async function probe(): Promise<Probe> {
  const state: Probe = {
    url: "",
    origin: "",
    host: "",
    seen: [],
    handle: (_req, res) => void res.writeHead(404).end(),
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      state.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      state.handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.host = `127.0.0.1:${port}`;
  state.origin = `http://${state.host}`;
  state.url = state.origin;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Two servers for the file: `home` is the configured origin, `elsewhere` another origin (another port). */
export function twoServers(): { home: Probe; elsewhere: Probe } {
  const s = {} as { home: Probe; elsewhere: Probe };
  beforeAll(async () => {
    [s.home, s.elsewhere] = await Promise.all([probe(), probe()]);
  });
  afterAll(() => Promise.all([s.home.close(), s.elsewhere.close()]));
  beforeEach(() => {
    for (const p of [s.home, s.elsewhere]) {
      p.seen.length = 0;
      p.handle = (_req, res) => void res.writeHead(404).end();
    }
  });
  return s;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const EM_LOGON = JSON.stringify({ Href: "http://x/api/logonSessions/44cfbdbe-5a95-4156-8867-91f069b7c2cc" });
export const SESSION_ID = Buffer.from("44cfbdbe-5a95-4156-8867-91f069b7c2cc").toString("base64");

/** Answers an EM logon (any credentials) with SESSION_ID; false for any other request. */
export function emLogon(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url!.startsWith("/api/sessionMngr/")) return false;
  res.writeHead(201, { "content-type": "application/json", "x-restsvcsessionid": SESSION_ID }).end(EM_LOGON);
  return true;
}

export function tokenAnswer(n: number, expiresIn: unknown = 3600): Record<string, unknown> {
  return {
    access_token: `access-${n}-eyJhbGciOiJIUzI1NiJ9`,
    refresh_token: `refresh-${n}-r3fr3sh`,
    token_type: "bearer",
    expires_in: expiresIn,
  };
}

/** The error a call rejects with, which must be a VeeamApiError. */
export async function rejection(promise: Promise<unknown>): Promise<VeeamApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VeeamApiError);
  return error as VeeamApiError;
}

/** An Enterprise Manager client of the home server, with the password the scenarios look for. */
export function emClient(s: { home: Probe }, extra: object = {}) {
  return createEnterpriseManagerClient({
    baseUrl: `${s.home.url}/api`,
    auth: { username: "u", password: "Pa55-w0rd!secret" },
    ...extra,
  });
}

/** The error a call throws at once, which must be a VeeamApiError. */
export function thrown(create: () => unknown): VeeamApiError {
  let error: unknown;
  try {
    create();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(VeeamApiError);
  return error as VeeamApiError;
}
