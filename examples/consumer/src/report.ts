// Type-checked with tsc against the installed packages: the client's functions and the types'
// aliases must resolve through their published `exports`.
import { createEnterpriseManagerClient, query, where, VeeamApiError } from "@veeam-sessions/client";
import type { EnterpriseManager } from "@veeam-sessions/types";

type Session = EnterpriseManager.BackupJobSession;

export function line(session: Session): string {
  return `${session.JobName}: ${session.Result} (${session.CreationTimeUTC})`;
}

export async function failedSessions(baseUrl: string, username: string, password: string): Promise<string[]> {
  const em = createEnterpriseManagerClient({ baseUrl, auth: { username, password } });
  try {
    const lines: string[] = [];
    for await (const session of query(em, { type: "BackupJobSession", filter: where("Result").eq("Failed") })) {
      lines.push(line(session));
    }
    return lines;
  } catch (error) {
    if (error instanceof VeeamApiError) return [`${error.kind}: ${error.message}`];
    throw error;
  } finally {
    await em.logout();
  }
}
