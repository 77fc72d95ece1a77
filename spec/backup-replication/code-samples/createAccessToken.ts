import { createBackupReplicationClient } from "@veeam-sessions/client";

const vbr = createBackupReplicationClient({
  baseUrl: "https://vbr.corp.internal:9419",
  auth: { username: process.env.VBR_USERNAME!, password: process.env.VBR_PASSWORD! },
  // Every request carries x-api-version; 1.3-rev1 (VBR 13.0.1) unless you say otherwise.
  apiVersion: "1.2-rev1",
});
// The client gets (and refreshes) tokens by itself; logon() gets one now.
await vbr.logon();
console.log(vbr.grants);
