import { createEnterpriseManagerClient, unwrap } from "@veeam-sessions/client";

const em = createEnterpriseManagerClient({
  baseUrl: "https://enterprise-manager.corp.internal:9398/api",
  auth: { username: process.env.EM_USERNAME!, password: process.env.EM_PASSWORD! },
  format: "json", // or "xml": the same typed data
});
// Entities without `format` (get_systemsessions.md): `<Sessions Type="SystemSession">` items.
const data = unwrap(await em.GET("/systemSessions"));
if ("Refs" in data) console.log(data.Refs?.map((r) => r.Name));
else console.log(data.Sessions?.length ?? 0, "sessions");
