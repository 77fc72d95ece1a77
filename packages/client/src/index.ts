export {
  createEnterpriseManagerClient,
  SESSION_HEADER,
  type EnterpriseManagerClient,
  type EnterpriseManagerClientOptions,
} from "./enterprise-manager.js";
export {
  createBackupForAzureClient,
  tokenUrlFor,
  type BackupForAzureClient,
  type BackupForAzureClientOptions,
} from "./backup-for-azure.js";
export {
  createBackupReplicationClient,
  VBR_API_VERSION,
  VBR_VERSION_HEADER,
  type BackupReplicationClient,
  type BackupReplicationClientOptions,
  type BackupReplicationPaths,
  type VbrPagedPath,
  type VbrPagedItem,
  type VbrPaginateOptions,
} from "./backup-replication.js";
export { VeeamApiError, type VeeamErrorKind } from "./errors.js";
export { unwrap, errorOf, type ApiName, type CommonClientOptions } from "./core.js";
export { where, query, Filter, type QueryField, type QueryFields, type QueryOptions, type QueryType } from "./query.js";
export { paginate, type PaginateOptions, type PagedPath, type PageItem } from "./paginate.js";
export { recordTo, type RecordOptions, type RecordedFixture } from "./record.js";
