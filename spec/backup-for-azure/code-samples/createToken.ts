import { createBackupForAzureClient } from "@veeam-sessions/client";

const az = createBackupForAzureClient({
  baseUrl: "https://vbazure.corp.internal/api/v1",
  auth: { username: process.env.AZ_USERNAME!, password: process.env.AZ_PASSWORD! },
});
// The client gets (and refreshes) tokens by itself; logon() gets one now.
await az.logon();
console.log(az.grants);
