import { createBackupForAzureClient } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
await az.logon();
// DELETE /api/oauth2/token: the token endpoint has no version segment.
await az.logout();
