import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const data = unwrap(
  await em.GET("/logonSessions/{SessionId}", {
    params: { path: { SessionId: "5496707f-c814-47ce-8d6d-110aa03cec03" } },
  }),
);
console.log(data);
