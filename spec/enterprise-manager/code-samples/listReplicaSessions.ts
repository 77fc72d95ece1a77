import { createEnterpriseManagerClient } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const { data } = await em.GET("/replicaSessions", { params: { query: { format: "Entity" } } });
if (data && "ReplicaJobSessions" in data) {
  for (const s of data.ReplicaJobSessions) console.log(s.JobName, s.Result, s.FailureMessage ?? "");
}
