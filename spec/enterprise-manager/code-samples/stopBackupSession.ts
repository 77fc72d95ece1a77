import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const task = unwrap(
  await em.POST("/backupSessions/{ID}", {
    params: { path: { ID: "5b1d2f0e-7c61-4a0e-9a52-3c0f6b1e8d21" }, query: { action: "stop" } },
  }),
);
// Poll the task until it is Finished.
const finished = unwrap(await em.GET("/tasks/{ID}", { params: { path: { ID: task.TaskId } } }));
console.log(finished.State, finished.Result?.Success);
