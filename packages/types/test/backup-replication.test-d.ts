import { describe, expectTypeOf, test } from "vitest";
import type { BackupReplication } from "../generated/index.js";
import type {
  AntivirusTaskSessionModel,
  BackupTaskSessionModel,
  ESessionResult,
  ESessionType,
  SessionModel,
  TaskSessionModel,
  TokenLoginSpec,
  operations,
} from "../generated/backup-replication.js";

describe("Veeam Backup & Replication generated types", () => {
  test("session type, state and result are open: known values and any string", () => {
    expectTypeOf<"BackupJob">().toMatchTypeOf<ESessionType>();
    expectTypeOf<"SomethingNewIn14">().toMatchTypeOf<ESessionType>();
    expectTypeOf<"Failed">().toMatchTypeOf<ESessionResult>();
    expectTypeOf<SessionModel["result"]>().toEqualTypeOf<BackupReplication.SessionResultModel | undefined>();
  });

  test("a session has id, name, type, state, creation time and usn; endTime may be missing or null", () => {
    expectTypeOf<SessionModel["id"]>().toEqualTypeOf<string>();
    expectTypeOf<SessionModel["usn"]>().toEqualTypeOf<number>();
    expectTypeOf<SessionModel["endTime"]>().toEqualTypeOf<string | null | undefined>();
  });

  test("a task session is a union narrowed by type", () => {
    const narrow = (t: TaskSessionModel) => {
      if (t.type === "Antivirus") {
        expectTypeOf(t).toMatchTypeOf<AntivirusTaskSessionModel>();
        return t.scanResult;
      }
      if (t.type === "Backup") {
        expectTypeOf(t).toMatchTypeOf<BackupTaskSessionModel>();
        return t.result?.result;
      }
      return t.name;
    };
    expectTypeOf(narrow).returns.toMatchTypeOf<string | undefined>();
    expectTypeOf<BackupTaskSessionModel["id"]>().toEqualTypeOf<string>();
  });

  test("the token request is one of three grants; the list filters are typed", () => {
    expectTypeOf<{ grant_type: "password"; username: string; password: string }>().toMatchTypeOf<TokenLoginSpec>();
    expectTypeOf<{ grant_type: "client_credentials" }>().not.toMatchTypeOf<TokenLoginSpec>();
    type Query = NonNullable<operations["listSessions"]["parameters"]["query"]>;
    expectTypeOf<Query["skip"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<"CreationTime">().toMatchTypeOf<NonNullable<Query["orderColumn"]>>();
    expectTypeOf<"Sideways">().not.toMatchTypeOf<NonNullable<Query["orderColumn"]>>();
    type Header = operations["listSessions"]["parameters"]["header"];
    expectTypeOf<Header["x-api-version"]>().toEqualTypeOf<string>();
  });
});
