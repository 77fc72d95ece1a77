// The shape of spec/<api>/simulator.yaml (inlined into the registry by the bundle): how the
// simulator plays an API, in the document's own names (operationIds, schemas, members).
export interface KindProfile {
  list?: string;
  get?: string;
  stop?: string;
  /** Pages style: the operation answering a session's log. */
  log?: string;
  /** References style: the /query type (its fields are the schema `<query>QueryFields`). */
  query?: string;
  /** Weight among the top-level kinds when the dataset is generated. */
  share?: number;
  /**
   * Children: the member with the parent's UID (its id where it has none), the operation listing
   * them, how many per parent, and members copied from the parent.
   */
  parent?: { kind: string; member: string; list?: string; count?: [number, number]; inherit?: string[] };
  /** Names of the jobs (policies) sessions run for; `member`/`uid` override members.job/jobUid ("none": no job member). */
  job?: { names: string[]; suffix?: string; member?: string; uid?: string };
  /** Members set on every record of the kind. */
  set?: Record<string, unknown>;
  /** Pages style: session types (value → display name), the member holding it and its display name. */
  types?: Record<string, string>;
  typeMember?: string;
  typeName?: string;
  /** Member roles of this kind where they differ from the profile's `members`. */
  members?: SimulatorProfile["members"];
  /** Filters of this kind's lists where they differ from the profile's `filters` (same parameter: this one). */
  filters?: SimulatorProfile["filters"];
  /** Order columns of this kind's lists (column → member), instead of `paging.sort.columns`. */
  columns?: Record<string, string>;
}

/** How a log operation (`kinds.*.log`) fills in its documented example for a session. */
export interface LogProfile {
  /** The member holding the records (`log`). */
  items: string;
  /** Members of a record set to a time between the session's start and end (`logTime`). */
  times: string[];
  /** Member of the log set to the number of records listed (`totalRecords`). */
  total?: string;
  /** Member of the log set to the session's id (`jobSessionId`). */
  session?: string;
  /** Member of the last record that tells how the session went (`status`). */
  status?: string;
  /**
   * The value of `status`: the session's `state` member, or a map from the session's
   * `result` member's value to the record's value (no entry: the example's value stays).
   */
  statusOf?: "state" | Record<string, string>;
  /** The example lists records newest first: times run backwards and `status` goes on the first record. */
  newestFirst?: boolean;
}

export interface SimulatorProfile {
  style: "references" | "pages";
  ids: "guid" | "counter";
  /** Error bodies: the member that gets the message, and the one that gets the HTTP status (where the API has one). */
  errors: { message: string; status?: string };
  /** JSON answers carry `null` for every absent member the schema lets be null (a .NET server's JSON). */
  jsonNulls?: boolean;
  auth?: {
    logon?: string;
    logoff?: string;
    get?: string;
    list?: string;
    user?: string;
    sessionId?: string;
    token?: string;
    revoke?: string;
  };
  kinds: Record<string, KindProfile>;
  /** Member roles; a member may be a path (`result.result`). */
  members: {
    created?: string;
    ended?: string;
    state?: string;
    result?: string;
    progress?: string;
    failure?: string;
    item?: string;
    job?: string;
    jobUid?: string;
    duration?: string;
  };
  /** Member values per phase; a list means: the first value the member's schema allows. */
  phases: Record<"running" | "stopping" | "finished" | "stopped", Record<string, unknown>>;
  results: Record<string, number>;
  failures?: string[];
  /** Query field → member, where the names differ. */
  fields?: Record<string, string>;
  query?: { operation: string; result: string };
  /** Tasks: their operations, schema and the `State` of a running and of a finished one. */
  tasks?: { get?: string; list?: string; delete?: string; schema: string; running: string; finished: string };
  /**
   * Pages style: the offset and limit parameters, the page body (a template: `$items`, `$total`,
   * `$count`, `$offset`, `$limit`, `$self` are replaced), and the order parameters with the
   * column → member they accept (default order: newest first).
   */
  paging?: {
    offset: string;
    limit: string;
    defaultLimit?: number;
    body: Record<string, unknown>;
    /**
     * `ascending`: the parameter that asks for ascending order; `defaultAscending`: the order of
     * a column asked for without it (default true).
     */
    sort?: { column: string; ascending: string; defaultAscending?: boolean; columns: Record<string, string> };
  };
  /** What the log operations fill in (default: Backup for Azure's `log`, `logTime` … ). */
  logs?: LogProfile;
  /** Query parameters that filter a page: the member they test and how (`like`: `*` wildcards). */
  filters?: Record<string, { member: string; op: "in" | "ge" | "le" | "eq" | "like" }>;
}

export function profileOf(simulator: Record<string, unknown> | undefined, api: string): SimulatorProfile {
  if (!simulator) throw new Error(`${api} has no simulator profile (spec/${api}/simulator.yaml): use --engine prism`);
  const p = simulator as unknown as SimulatorProfile;
  if (p.style !== "references" && p.style !== "pages")
    throw new Error(`spec/${api}/simulator.yaml: style must be "references" or "pages"`);
  return p;
}
