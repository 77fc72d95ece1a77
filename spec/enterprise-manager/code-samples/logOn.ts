import { createEnterpriseManagerClient } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
// The client logs on by itself on the first call; logon() does it now.
// It keeps X-RestSvcSessionId and logs on again once if the session expires.
await em.logon();
console.log(`logged on (${em.logons} logon)`);
