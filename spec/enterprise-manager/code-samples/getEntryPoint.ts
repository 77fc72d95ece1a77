import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
// GET / needs no logon.
const entry = unwrap(await em.GET("/"));
console.log(entry.SupportedVersions?.SupportedVersions.map((v) => v.Name));
