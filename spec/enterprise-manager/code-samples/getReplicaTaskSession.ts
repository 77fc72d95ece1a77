import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const task = unwrap(
  await em.GET("/replicaTaskSessions/{ID}", {
    params: { path: { ID: "c20dae03-4f75-4191-ae81-862f4b7988ca" }, query: { format: "Entity" } },
  }),
);
// Without format=Entity the server sends a reference (EntityRef) instead.
if ("JobSessionUid" in task) console.log(task.VmDisplayName, task.Result, task.TotalSize);
