import { createEnterpriseManagerClient } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
await em.logon();
// DELETE /logonSessions/{SessionId} for the client's own session.
await em.logout();
