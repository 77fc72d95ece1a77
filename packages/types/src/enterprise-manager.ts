// Friendly names for the generated Enterprise Manager types. Each alias is the schema of the
// same name in spec/enterprise-manager, which is also the XML element name the server sends.
import type { components, operations, paths } from "../generated/enterprise-manager.js";

export type { components, operations, paths };
type Schemas = components["schemas"];

export type BackupJobSession = Schemas["BackupJobSession"];
export type BackupJobSessions = Schemas["BackupJobSessions"];
export type BackupTaskSession = Schemas["BackupTaskSession"];
export type BackupTaskSessions = Schemas["BackupTaskSessions"];
export type ReplicaJobSession = Schemas["ReplicaJobSession"];
export type ReplicaJobSessions = Schemas["ReplicaJobSessions"];
export type ReplicaTaskSession = Schemas["ReplicaTaskSession"];
export type ReplicaTaskSessions = Schemas["ReplicaTaskSessions"];
export type CdpReplicaJobSession = Schemas["CdpReplicaJobSession"];
export type CdpReplicaTaskSession = Schemas["CdpReplicaTaskSession"];
export type Link = Schemas["Link"];
export type EntityRef = Schemas["EntityRef"];
export type EntityReferences = Schemas["EntityReferences"];
export type QueryResult = Schemas["QueryResult"];
export type PagingInfo = Schemas["PagingInfo"];
export type Task = Schemas["Task"];
export type LogonSession = Schemas["LogonSession"];
export type EnterpriseManager = Schemas["EnterpriseManager"];
export type Error = Schemas["Error"];
export type JobSessionState = Schemas["JobSessionState"];
export type TaskSessionState = Schemas["TaskSessionState"];
export type SessionResult = Schemas["SessionResult"];
export type BackupJobSessionQueryFields = Schemas["BackupJobSessionQueryFields"];
export type ReplicaJobSessionQueryFields = Schemas["ReplicaJobSessionQueryFields"];
