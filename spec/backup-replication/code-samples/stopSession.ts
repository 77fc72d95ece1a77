import { createBackupReplicationClient, unwrap } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
});
unwrap(
  await vbr.POST("/api/v1/sessions/{id}/stop", { params: { path: { id: "0f6c3f4e-2b7a-4d51-9c1e-8a3b5d7f9e21" } } }),
);
console.log("stopping");
