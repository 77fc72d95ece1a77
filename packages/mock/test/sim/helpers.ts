// Talking to a simulator the way a client does, for any API of the registry: log on (session
// header or OAuth token, as the API's manifest says) and send authenticated requests.
import { getApi } from "@veeam-sessions/spec";
import { DEFAULT_USER, type MockServer } from "../../src/index.js";
import type { SimulatorProfile } from "../../src/sim/profile.js";

export function profileOf(mock: MockServer): SimulatorProfile {
  return getApi(mock.api).simulator as unknown as SimulatorProfile;
}

/**
 * The header naming the revision every request of the API carries (`x-api-version`), with
 * `revision` or the newest the profile lists; none for an API without revisions.
 */
export function revisionHeaders(mock: MockServer, revision?: string): Record<string, string> {
  const r = profileOf(mock).revisions;
  return r ? { [r.header]: revision ?? r.values.at(-1)! } : {};
}

/** Headers that authenticate as `user` (the default user): a logon or a token grant, and the API's revision header. */
export async function logOn(
  mock: MockServer,
  user = DEFAULT_USER,
  revision?: string,
): Promise<{ headers: Record<string, string>; response: Response; body: string }> {
  const auth = getApi(mock.api).auth;
  const version = revisionHeaders(mock, revision);
  const url = `${mock.origin}${auth.tokenPath}`;
  if (auth.kind === "session-header") {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}` },
    });
    const body = await response.text();
    return { headers: { [auth.header!.toLowerCase()]: response.headers.get(auth.header!) ?? "" }, response, body };
  }
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...version },
    body: new URLSearchParams({ grant_type: "password", username: user.username, password: user.password }),
  });
  const body = await response.text();
  const token = response.ok ? (JSON.parse(body) as { access_token: string }).access_token : "";
  return { headers: { authorization: `Bearer ${token}`, ...version }, response, body };
}

export async function getJson(mock: MockServer, path: string, headers: Record<string, string>) {
  const response = await fetch(`${mock.url}${path}`, { headers: { accept: "application/json", ...headers } });
  const text = await response.text();
  return { status: response.status, response, body: text ? (JSON.parse(text) as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
