import { describe, expectTypeOf, test } from "vitest";
import type { BackupForAzure } from "../generated/index.js";
import type { JobSession, JobStatus, JobSessionType, TokenRequest, operations } from "../generated/backup-for-azure.js";

describe("Backup for Microsoft Azure generated types", () => {
  test("the token request is a union told apart by grant_type", () => {
    type Grants = TokenRequest["grant_type"];
    expectTypeOf<"Password">().toMatchTypeOf<Grants>();
    expectTypeOf<"Refresh_token">().toMatchTypeOf<Grants>();
    expectTypeOf<"Sideways">().not.toMatchTypeOf<Grants>();
    type Body = NonNullable<operations["createToken"]["requestBody"]>["content"];
    expectTypeOf<keyof Body>().toEqualTypeOf<"application/x-www-form-urlencoded">();
  });

  test("a running session may have no stop time; id, status and duration are required", () => {
    expectTypeOf<JobSession["executionStopTime"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<JobSession["id"]>().toEqualTypeOf<string>();
    expectTypeOf<JobSession["executionDuration"]>().toEqualTypeOf<string>();
    expectTypeOf<JobSession["status"]>().toEqualTypeOf<JobStatus>();
  });

  test("status lists the known values without Failed and, like session type, stays open", () => {
    expectTypeOf<"Error">().toMatchTypeOf<JobStatus>();
    expectTypeOf<JobStatus>().not.toEqualTypeOf<string>();
    expectTypeOf<"Failed">().toMatchTypeOf<JobStatus>();
    expectTypeOf<1>().not.toMatchTypeOf<JobStatus>();
    expectTypeOf<"BackupRetention">().toMatchTypeOf<JobSessionType>();
    expectTypeOf<"SomethingNewInV9">().toMatchTypeOf<JobSessionType>();
  });

  test("list filters are typed arrays; the path parameter is required", () => {
    type Query = NonNullable<operations["listJobSessions"]["parameters"]["query"]>;
    expectTypeOf<Query["Status"]>().toEqualTypeOf<JobStatus[] | undefined>();
    expectTypeOf<operations["getJobSession"]["parameters"]["path"]>().toEqualTypeOf<{ sessionId: string }>();
    expectTypeOf<BackupForAzure.JobSessionsPage["results"]>().toEqualTypeOf<JobSession[]>();
  });

  test("stop and log off answer 204 without a body", () => {
    // openapi-typescript writes `content?: never`, which reads as undefined.
    expectTypeOf<operations["stopJobSession"]["responses"][204]["content"]>().toEqualTypeOf<undefined>();
    expectTypeOf<operations["revokeToken"]["responses"][204]["content"]>().toEqualTypeOf<undefined>();
  });
});
