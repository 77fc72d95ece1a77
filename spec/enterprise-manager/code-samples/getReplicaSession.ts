import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const session = unwrap(
  await em.GET("/replicaSessions/{ID}", {
    params: { path: { ID: "0bcf5a1e-866c-4b40-8bc3-ce64753b9a6b" }, query: { format: "Entity" } },
  }),
);
if ("JobName" in session) console.log(session.JobName, session.State, session.Result, session.Progress);
