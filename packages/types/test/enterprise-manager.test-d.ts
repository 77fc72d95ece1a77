import { describe, expectTypeOf, test } from "vitest";
import type { EnterpriseManager } from "../generated/index.js";
import type {
  BackupJobSession,
  Error as EmError,
  QueryResult,
  ReplicaJobSession,
  ReplicaTaskSession,
  operations,
  paths,
} from "../generated/enterprise-manager.js";

describe("Enterprise Manager generated types", () => {
  test("State, Result and JobType are the known unions, kept open for values Veeam adds", () => {
    expectTypeOf<ReplicaJobSession["State"]>().toEqualTypeOf<
      "Starting" | "Stopping" | "Working" | "Pausing" | "Resuming" | "Stopped" | (string & {})
    >();
    expectTypeOf<ReplicaJobSession["Result"]>().toEqualTypeOf<
      "None" | "Success" | "Warning" | "Failed" | (string & {})
    >();
    expectTypeOf<ReplicaJobSession["JobType"]>().toEqualTypeOf<"Replica" | (string & {})>();
    expectTypeOf<BackupJobSession["JobType"]>().toEqualTypeOf<
      | "Backup"
      | "BackupCopy"
      | "ImmediateBackupCopy"
      | "ImmediateBackupCopyWorker"
      | "AgentBackup"
      | "AgentManagement"
      | "NasBackup"
      | (string & {})
    >();
    expectTypeOf<ReplicaTaskSession["State"]>().toEqualTypeOf<"InProgress" | "Pending" | "Completed" | (string & {})>();
  });

  test("open enums: a new value type-checks, the known literals stay in the union, and it is not just string", () => {
    expectTypeOf<"SureBackup">().toMatchTypeOf<BackupJobSession["JobType"]>();
    expectTypeOf<42>().not.toMatchTypeOf<BackupJobSession["JobType"]>();
    expectTypeOf<BackupJobSession["JobType"]>().not.toEqualTypeOf<string>();
    // The literals survive beside `string & {}` (a plain `| string` would swallow them).
    expectTypeOf<Extract<BackupJobSession["JobType"], "Backup" | "NasBackup">>().toEqualTypeOf<
      "Backup" | "NasBackup"
    >();
    // `Type` is a const (the discriminator), never opened.
    expectTypeOf<BackupJobSession["Type"]>().toEqualTypeOf<"BackupJobSession">();
  });

  test("enums only requests use stay closed (the stop action); query fields are case-insensitive strings", () => {
    type Action = operations["stopBackupSession"]["parameters"]["query"]["action"];
    expectTypeOf<Action>().toEqualTypeOf<"stop">();
    // The server reads sort and type values without regard to case, so they are patterns, not enums.
    type Sort = NonNullable<NonNullable<operations["querySessions"]["parameters"]["query"]>["sortAsc"]>;
    expectTypeOf<Sort>().toEqualTypeOf<string>();
  });

  test("a path parameter is required", () => {
    type Params = operations["getReplicaSession"]["parameters"];
    expectTypeOf<Params["path"]>().toEqualTypeOf<{ ID: string }>();
    // the query parameter `format` stays optional
    expectTypeOf<{ path: { ID: string } }>().toMatchTypeOf<Pick<Params, "path">>();
    expectTypeOf<{ path: Record<string, never> }>().not.toMatchTypeOf<Pick<Params, "path">>();
  });

  test("running sessions may lack EndTimeUTC; empty values are nullable", () => {
    expectTypeOf<BackupJobSession>().toHaveProperty("EndTimeUTC");
    expectTypeOf<{ EndTimeUTC?: string }>().toMatchTypeOf<Pick<BackupJobSession, "EndTimeUTC">>();
    expectTypeOf<ReplicaTaskSession["Reason"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<EmError["StackTrace"]>().toEqualTypeOf<string | null>();
  });

  test("query results double-nest collections", () => {
    type Entities = NonNullable<QueryResult["Entities"]>;
    expectTypeOf<NonNullable<Entities["BackupJobSessions"]>["BackupJobSessions"]>().toEqualTypeOf<BackupJobSession[]>();
  });

  test("responses carry both media types with the same schema", () => {
    type Content = paths["/replicaSessions/{ID}/replicaTaskSessions"]["get"]["responses"][200]["content"];
    expectTypeOf<Content["application/xml"]>().toEqualTypeOf<Content["application/json"]>();
    // format=Entity gives the collection; without it, references.
    expectTypeOf<EnterpriseManager.ReplicaTaskSessions | EnterpriseManager.EntityReferences>().toEqualTypeOf<
      Content["application/json"]
    >();
  });

  test("the logon answer has the session header", () => {
    type Headers = operations["logOn"]["responses"][201]["headers"];
    expectTypeOf<Headers["X-RestSvcSessionId"]>().toEqualTypeOf<string>();
  });
});
