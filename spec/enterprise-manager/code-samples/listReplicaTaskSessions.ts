import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const tasks = unwrap(
  await em.GET("/replicaSessions/{ID}/replicaTaskSessions", {
    params: { path: { ID: "f5bf1a4b-c229-452e-a4e8-0354e1752b4e" }, query: { format: "Entity" } },
  }),
);
// Without format=Entity the server sends references ({ Refs }) instead.
if ("ReplicaTaskSessions" in tasks)
  for (const t of tasks.ReplicaTaskSessions) console.log(t.VmDisplayName, t.State, t.Result);
