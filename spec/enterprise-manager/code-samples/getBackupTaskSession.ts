import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const task = unwrap(
  await em.GET("/backupTaskSessions/{ID}", {
    params: { path: { ID: "9d7f3c2a-1b4e-4f6a-8c5d-2e7b9a0c1d3f" }, query: { format: "Entity" } },
  }),
);
// Without format=Entity the server sends a reference (EntityRef) instead.
if ("JobSessionUid" in task) console.log(task.VmDisplayName, task.State, task.Result, task.TotalSize);
