// Backup for Microsoft Azure's paged lists: `{offset, limit, totalCount, results}`.
import type { operations } from "@veeam-sessions/types/backup-for-azure";
import type { BackupForAzureClient } from "./backup-for-azure.js";
import { unwrap } from "./core.js";

type JobSessionsQuery = NonNullable<operations["listJobSessions"]["parameters"]["query"]>;
type JobSession = operations["listJobSessions"]["responses"][200]["content"]["application/json"]["results"][number];

export interface PaginateOptions {
  query?: Omit<JobSessionsQuery, "Offset">;
  /** Items per request when `query.Limit` is not set (default 100). */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Every item of a paged list, request after request, until `totalCount` or an empty page. */
export async function* paginate(
  az: BackupForAzureClient,
  path: "/jobSessions",
  options: PaginateOptions = {},
): AsyncGenerator<JobSession> {
  const limit = options.query?.Limit ?? options.pageSize ?? 100;
  for (let offset = 0; ;) {
    options.signal?.throwIfAborted();
    const page = unwrap(
      await az.GET(path, {
        params: { query: { ...options.query, Offset: offset, Limit: limit } },
        signal: options.signal,
      }),
    );
    const results = page.results ?? [];
    if (results.length === 0) return;
    yield* results;
    offset += results.length;
    if (typeof page.totalCount === "number" && offset >= page.totalCount) return;
  }
}
