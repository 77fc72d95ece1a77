import { describe, expectTypeOf, test } from "vitest";
import { createBackupForAzureClient, createEnterpriseManagerClient, where } from "../src/index.js";

const em = createEnterpriseManagerClient({ baseUrl: "https://em:9398/api", auth: { username: "u", password: "p" } });
const az = createBackupForAzureClient({ baseUrl: "https://vbaz/api/v1", auth: { username: "u", password: "p" } });

describe("client types", () => {
  test("data is the spec's type", async () => {
    const { data } = await em.GET("/replicaTaskSessions/{ID}", {
      params: { path: { ID: "x" }, query: { format: "Entity" } },
    });
    // An entity or, without format=Entity, a reference: narrowing picks the entity.
    // The known values, kept open for the ones Veeam adds (openapi-fetch's Readable<> maps the
    // open `string & {}` member oddly, openapi-ts/openapi-typescript#2765: compare, don't assign).
    if (data && "State" in data) {
      expectTypeOf<"InProgress" | "Pending" | "Completed">().toMatchTypeOf<typeof data.State>();
      expectTypeOf<Extract<typeof data.State, string>>().toEqualTypeOf<"InProgress" | "Pending" | "Completed">();
    }
    const page = await az.GET("/jobSessions");
    expectTypeOf(page.data!.results[0]!.executionDuration).toEqualTypeOf<string>();
  });

  test("a wrong path or a missing path parameter does not compile", () => {
    // @ts-expect-error: no such path
    void em.GET("/backupSession/{ID}", { params: { path: { ID: "x" } } });
    // @ts-expect-error: the path parameter ID is required
    void em.GET("/backupSessions/{ID}", { params: { path: {} } });
    // @ts-expect-error: init with the path parameter is required
    void em.GET("/backupSessions/{ID}");
    // @ts-expect-error: not an Azure path
    void az.GET("/replicaSessions");
  });

  test("where() is typed by field", () => {
    where("Result").eq("Failed");
    where("CreationTime").gt(new Date());
    // @ts-expect-error: not a Result value
    where("Result").eq("Broken");
    // @ts-expect-error: not a query field
    where("Color");
  });
});
