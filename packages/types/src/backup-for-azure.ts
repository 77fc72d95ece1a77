// Friendly names for the generated Backup for Microsoft Azure types.
import type { components, operations, paths } from "../generated/backup-for-azure.js";

export type { components, operations, paths };
type Schemas = components["schemas"];

export type JobSession = Schemas["JobSession"];
export type JobSessionsPage = Schemas["JobSessionsPage"];
export type JobSessionLog = Schemas["JobSessionLog"];
export type JobStatus = Schemas["JobStatus"];
export type JobSessionType = Schemas["JobSessionType"];
export type TokenRequest = Schemas["TokenRequest"];
export type TokenResponse = Schemas["TokenResponse"];
export type ProblemDetails = Schemas["ProblemDetails"];
