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
  /** Member of a record holding its number, unique within the log: records added for children get new ones. */
  id?: string;
  /** The log operation's example (its key in the response's `examples`) for a result, where not the first. */
  examples?: Record<string, string>;
  /**
   * The records' texts (`member`) told for the session. The first rule whose `match` (a regular
   * expression; its named groups become placeholders) fits an example record's text rewrites it
   * to `text`: `{start}`, `{end}` (the session's times as the console writes them, `11/5/2021
   * 6:03:15 AM`, UTC), `{item}` (the processed item), `{failure}` (the failure message). `text`
   * may depend on the session's result; a record whose result has no text, or whose text needs
   * a value the session lacks (no `{end}` while it runs), is left out. `each: children`: for a
   * kind with children, one such record per child (its item, its result's status) in place of
   * the example's.
   */
  texts?: {
    member: string;
    rules: Array<{ match: string; text: string | Record<string, string>; each?: "children" }>;
  };
}

/**
 * Revisions picked by a request header (`x-api-version`): every request must name one of
 * `values` (oldest first). An operation marked `x-since` / `x-until` outside the revision is a
 * 404; members whose schema property is marked so are left out of the answer; `changes` say
 * what a range of revisions calls or spells otherwise.
 */
export interface RevisionsProfile {
  header: string;
  values: string[];
  changes?: Array<{
    /** The first and the last revision the change applies to (default: every one). */
    since?: string;
    until?: string;
    /** The schema (components.schemas name) whose members change. */
    schema: string;
    /** Member → the name it has in those revisions. */
    rename?: Record<string, string>;
    /** Member → (value → the value those revisions send). */
    values?: Record<string, Record<string, string>>;
  }>;
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
  /** Revisions asked for in a header (see `RevisionsProfile`). */
  revisions?: RevisionsProfile;
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
    /** An update sequence number: every change of any record gives it the next number. */
    usn?: string;
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
