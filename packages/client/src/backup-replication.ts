// Veeam Backup & Replication REST API: OAuth2 password grant → bearer token (refreshed before
// it expires, renewed once on a 401), the mandatory x-api-version header on every request, JSON
// `Error` bodies, and skip/limit paging.
import type { Client } from "openapi-fetch";
import type { paths } from "@veeam-sessions/types/backup-replication";
import { createCore, credentialMiddleware, Secrets, transport, unwrap, type CommonClientOptions } from "./core.js";
import { OAuth2Tokens } from "./oauth.js";

/** The newest revision the spec describes; sent unless `apiVersion` says otherwise. */
export const VBR_API_VERSION = "1.3-rev1";
export const VBR_VERSION_HEADER = "x-api-version";
const TOKEN_PATH = "/api/oauth2/token";
const LOGOUT_PATH = "/api/oauth2/logout";

/**
 * The spec's paths with `x-api-version` made optional in the types: the client sends it on
 * every request, so calls need not repeat it (they still may, to override it once).
 */
type VersionOptional<Op> = Op extends { parameters: { header: infer H } }
  ? Omit<Op, "parameters"> & { parameters: Omit<Op["parameters"], "header"> & { header?: Partial<H> } }
  : Op;
export type BackupReplicationPaths = {
  [P in keyof paths]: { [M in keyof paths[P]]: VersionOptional<paths[P][M]> };
};

export interface BackupReplicationClientOptions extends CommonClientOptions {
  /** The server's REST root, without `/api/v1`: `https://vbr.corp:9419`. */
  baseUrl: string;
  auth: { username: string; password: string };
  /** `x-api-version` sent with every request (token requests included). Default `1.3-rev1`. */
  apiVersion?: string;
  /** Refresh this long before the access token expires. Default 60 s (tokens live 15 min). */
  refreshSkewMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** Lists that page with `skip`/`limit` and answer `{data, pagination}`. */
export type VbrPagedPath = "/api/v1/sessions" | "/api/v1/taskSessions" | "/api/v1/sessions/{id}/taskSessions";
type ListOp<P extends VbrPagedPath> = paths[P]["get"];
export type VbrPagedItem<P extends VbrPagedPath> =
  ListOp<P>["responses"][200]["content"]["application/json"]["data"][number];

export interface VbrPaginateOptions<P extends VbrPagedPath> {
  /** Filters and sorting; `skip` is the paginator's. `limit` is the page size. */
  query?: Omit<NonNullable<ListOp<P>["parameters"]["query"]>, "skip">;
  /** The path parameters (`{ id }` of the session for `/api/v1/sessions/{id}/taskSessions`). */
  path?: P extends "/api/v1/sessions/{id}/taskSessions" ? { id: string } : never;
  /** Items per request when `query.limit` is not set (default 200, Veeam's default from 1.3). */
  pageSize?: number;
  signal?: AbortSignal;
}

export type BackupReplicationClient = Client<BackupReplicationPaths> & {
  /** Gets a token now (the client otherwise does so before its first call). */
  logon(): Promise<void>;
  /** Ends the logon session (POST /api/oauth2/logout). */
  logout(): Promise<void>;
  /** Token grants so far, by kind. */
  readonly grants: { password: number; refresh: number };
  /** The `x-api-version` this client sends. */
  readonly apiVersion: string;
  /** Every item of a paged list, request after request, until `pagination.total` or an empty page. */
  paginate<P extends VbrPagedPath>(path: P, options?: VbrPaginateOptions<P>): AsyncGenerator<VbrPagedItem<P>>;
};

/** A typed client for the session part of the Veeam Backup & Replication REST API. */
export function createBackupReplicationClient(options: BackupReplicationClientOptions): BackupReplicationClient {
  const apiVersion = options.apiVersion ?? VBR_API_VERSION;
  if (!/^\d+\.\d+-rev\d+$/.test(apiVersion))
    throw new TypeError(
      `apiVersion must look like 1.3-rev1 (<version>-rev<revision>), not ${JSON.stringify(apiVersion)}`,
    );
  const root = options.baseUrl.replace(/\/+$/, "");
  const secrets = new Secrets();
  const fetch = transport(options);
  const versionHeader = { [VBR_VERSION_HEADER]: apiVersion };
  const tokens = new OAuth2Tokens(
    {
      tokenUrl: root + TOKEN_PATH,
      passwordForm: (username, password) => ({ grant_type: "password", username, password }),
      refreshForm: (refresh_token) => ({ grant_type: "refresh_token", refresh_token }),
      headers: versionHeader,
      logout: { method: "POST", url: root + LOGOUT_PATH, operationId: "logOut" },
      tokenOperationId: "createAccessToken",
    },
    options,
    fetch,
    secrets,
    options.now ?? Date.now,
  );
  const client = createCore<BackupReplicationPaths>(
    {
      ...options,
      baseUrl: root,
      headers: { ...versionHeader, ...(options.headers as Record<string, string> | undefined) },
    },
    fetch,
    { api: "backup-replication", secrets },
    [
      credentialMiddleware({
        skip: (schemaPath, method) => schemaPath === TOKEN_PATH && method === "POST",
        current: () => tokens.current(),
        renew: (failed) => tokens.renew(failed),
        apply: (request, token) => request.headers.set("Authorization", `Bearer ${token}`),
        secrets,
      }),
    ],
    "application/json",
  );

  async function* paginate<P extends VbrPagedPath>(
    path: P,
    opts: VbrPaginateOptions<P> = {},
  ): AsyncGenerator<VbrPagedItem<P>> {
    const query = (opts.query ?? {}) as Record<string, unknown>;
    const limit = (query.limit as number | undefined) ?? opts.pageSize ?? 200;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`page size must be a positive integer, not ${limit}`);
    const get = client.GET as unknown as (
      path: string,
      init: unknown,
    ) => Promise<{ data?: { data?: VbrPagedItem<P>[]; pagination?: { total?: number } }; response: Response }>;
    for (let skip = 0; ;) {
      opts.signal?.throwIfAborted();
      const page = unwrap(
        await get(path, { params: { path: opts.path, query: { ...query, skip, limit } }, signal: opts.signal }),
      );
      const items = page.data ?? [];
      if (items.length === 0) return;
      yield* items;
      skip += items.length;
      const total = page.pagination?.total;
      if (typeof total === "number" && skip >= total) return;
    }
  }

  return Object.defineProperties(client, {
    logon: { value: async () => void (await tokens.current()) },
    logout: { value: () => tokens.logout() },
    grants: { get: () => ({ ...tokens.grants }) },
    apiVersion: { value: apiVersion },
    paginate: { value: paginate },
  }) as BackupReplicationClient;
}
