import { describe, expect, it } from "vitest";
import { where } from "../../src/index.js";

describe("where(): EM filter expressions", () => {
  it("writes each operator", () => {
    expect(String(where("Result").eq("Failed"))).toBe("Result==Failed");
    expect(String(where("State").ne("Stopped"))).toBe("State!=Stopped");
    // Progress is not a query field (get_query_backupjobsession.md lists 12, issue 24 E5): CreationTime is.
    expect(String(where("CreationTime").lt("2025-06-15"))).toBe("CreationTime<2025-06-15");
    expect(String(where("CreationTime").le("2025-06-15"))).toBe("CreationTime<=2025-06-15");
    expect(String(where("CreationTime").gt("2025-06-15"))).toBe("CreationTime>2025-06-15");
    expect(String(where("CreationTime").ge("2025-06-15"))).toBe("CreationTime>=2025-06-15");
  });

  it("joins with ; (AND) and , (OR), grouping an OR inside an AND", () => {
    const failedOrWarning = where("Result").eq("Failed").or(where("Result").eq("Warning"));
    expect(String(failedOrWarning)).toBe("Result==Failed,Result==Warning");
    expect(String(where("JobType").eq("Backup").and(failedOrWarning))).toBe(
      "JobType==Backup;(Result==Failed,Result==Warning)",
    );
    const andThenOr = where("JobType").eq("Backup").and(where("IsRetry").eq(true)).or(where("State").eq("Working"));
    expect(String(andThenOr)).toBe("JobType==Backup;IsRetry==True,State==Working");
  });

  it("writes dates as UTC ISO strings and quotes values that would end the expression", () => {
    expect(String(where("EndTime").le(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))))).toBe(
      "EndTime<=2024-01-02T03:04:05.000Z",
    );
    expect(String(where("JobName").eq("Backup Job 1"))).toBe('JobName=="Backup Job 1"');
    expect(String(where("JobName").eq('a;b,c"d\\e'))).toBe('JobName=="a;b,c\\"d\\\\e"');
    expect(String(where("Name").eq(""))).toBe('Name==""');
  });
});
