import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const session = unwrap(
  await em.GET("/backupSessions/{ID}", {
    params: { path: { ID: "a057c2c3-f3bd-4ab4-9fb7-24058cccb4f6" }, query: { format: "Entity" } },
  }),
);
if ("JobName" in session) console.log(session.JobName, session.State, session.Result, session.EndTimeUTC ?? "running");
