// Types generated from the veeam-sessions OpenAPI documents, one namespace per API.
// Import a single API directly with "@veeam-sessions/types/enterprise-manager" or
// "@veeam-sessions/types/backup-for-azure".
export type * as EnterpriseManager from "./enterprise-manager.js";
export type * as BackupForAzure from "./backup-for-azure.js";

/** The APIs this package has types for (the bundled documents in @veeam-sessions/spec). */
export const apis = ["enterprise-manager", "backup-for-azure"] as const;
export type ApiName = (typeof apis)[number];
