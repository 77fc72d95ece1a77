import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
const data = unwrap(await em.GET("/cdpReplicaSessions", { params: { query: { format: "Entity" } } }));
if ("CdpReplicaSessions" in data) console.log(data.CdpReplicaSessions.length, "sessions");
else console.log(data.Refs?.map((r) => r.Name));
