import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const data = unwrap(
  await em.GET("/restoreSessions/{ID}", { params: { path: { ID: "6b872a71-51e8-437a-8d45-5c6494b92f3f" } } }),
);
if ("State" in data) console.log(data.Name, data.State, data.EndTimeUTC ?? "running");
else console.log(data.Type, data.Href);
