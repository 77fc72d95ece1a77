import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const task = unwrap(
  await em.GET("/cdpReplicaTaskSessions/{ID}", {
    params: { path: { ID: "2ec4d35f-b5d8-4cb3-9d11-12e1d5792625" }, query: { format: "Entity" } },
  }),
);
// Without format=Entity the server sends a reference (EntityRef) instead.
if ("PolicySessionUid" in task) console.log(task.VmDisplayName, task.State, task.EndTimeUTC ?? "in progress");
