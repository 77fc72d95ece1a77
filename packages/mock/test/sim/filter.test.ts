// The query service's filter and sort semantics (src/sim/filter.ts), against Veeam's EM REST
// reference pages filter.md, query_comparison.md, query_and_or.md, query_grouping.md,
// optional_query_parameters.md, sortasc_sortdesc.md and get_query_backupjobsession.md.
import { describe, expect, it } from "vitest";
import { where } from "@veeam-sessions/client";
import {
  compileFilter,
  compileSort,
  FilterError,
  MAX_FILTER_LENGTH,
  MAX_NESTING,
  type FieldSpec,
} from "../../src/sim/filter.js";
import { createRandom } from "../../src/sim/random.js";

// The fields of `GET /query?type=BackupJobSession` (get_query_backupjobsession.md), plus TotalSize
// of BackupTaskSession (get_query_backuptasksession.md) for a number.
const FIELDS: readonly FieldSpec[] = [
  { name: "Uid", type: "string" },
  { name: "Name", type: "string" },
  { name: "JobType", type: "string", values: ["Backup", "BackupCopy", "ImmediateBackupCopy", "AgentBackup"] },
  { name: "JobName", type: "string" },
  { name: "CreationTime", type: "date" },
  { name: "EndTime", type: "date" },
  { name: "State", type: "string", values: ["Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped"] },
  { name: "Result", type: "string", values: ["None", "Success", "Warning", "Failed"] },
  { name: "IsRetry", type: "boolean" },
  { name: "TotalSize", type: "number" },
];

type Rec = Record<string, unknown>;
const getter =
  (r: Rec) =>
  (f: string): unknown =>
    r[f];

function matches(filter: string, r: Rec): boolean {
  return compileFilter(filter, FIELDS)(getter(r));
}

function failure(filter: string, fields: readonly FieldSpec[] = FIELDS): FilterError {
  try {
    compileFilter(filter, fields);
  } catch (e) {
    expect(e).toBeInstanceOf(FilterError);
    return e as FilterError;
  }
  throw new Error(`expected ${JSON.stringify(filter)} to fail`);
}

const SESSION: Rec = {
  Uid: "urn:veeam:BackupJobSession:88b395e2-81ff-439c-558c-188d97274c15",
  Name: "exch@2013-08-26 22:28:51",
  JobType: "Backup",
  JobName: "SQL Backup",
  CreationTime: "2025-08-15T07:30:00.389954Z",
  EndTime: "2025-08-15T07:45:01Z",
  State: "Stopped",
  Result: "Failed",
  IsRetry: false,
  TotalSize: 1048576,
};

describe("the reference's own examples", () => {
  it("get_query_backupjobsession.md: failed sessions started in a window", () => {
    const f = 'Result==Failed;CreationTime>="2025-08-15T06:00:00Z";CreationTime<="2025-08-16T13:00:00Z"';
    expect(matches(f, SESSION)).toBe(true);
    expect(matches(f, { ...SESSION, Result: "Success" })).toBe(false);
    expect(matches(f, { ...SESSION, CreationTime: "2025-08-15T05:59:59.9999999Z" })).toBe(false);
    expect(matches(f, { ...SESSION, CreationTime: "2025-08-16T13:00:00Z" })).toBe(true);
    expect(matches(f, { ...SESSION, CreationTime: "2025-08-16T13:00:00.0000001Z" })).toBe(false);
  });

  it("get_query_backuptasksession.md: Result==Failed;VmDisplayName==dbserver01", () => {
    const fields: FieldSpec[] = [
      { name: "Result", type: "string", values: ["None", "Success", "Warning", "Failed"] },
      { name: "VmDisplayName", type: "string" },
    ];
    const p = compileFilter("Result==Failed;VmDisplayName==dbserver01", fields);
    expect(p(getter({ Result: "Failed", VmDisplayName: "dbserver01" }))).toBe(true);
    expect(p(getter({ Result: "Failed", VmDisplayName: "dbserver02" }))).toBe(false);
  });

  it('query_comparison.md: name=="Exchange Backup" (lower-case field name, quoted value with a space)', () => {
    expect(matches('name=="Exchange Backup"', { Name: "Exchange Backup" })).toBe(true);
    expect(matches('name=="Exchange Backup"', { Name: "ExchangeBackup" })).toBe(false);
  });

  it("query_comparison.md: values with a list compare by index (Failed > Success)", () => {
    expect(matches("Result>Success", { Result: "Failed" })).toBe(true);
    expect(matches("Result>Success", { Result: "Warning" })).toBe(true);
    expect(matches("Result>Success", { Result: "Success" })).toBe(false);
    expect(matches("Result<Warning", { Result: "Success" })).toBe(true);
    expect(matches("Result<Warning", { Result: "Failed" })).toBe(false);
    // By index, not alphabetically: "Failed" < "Success" as text.
    expect(matches("Result>=Warning", { Result: "Failed" })).toBe(true);
  });

  it("query_and_or.md / query_grouping.md: jobtype==backup, lower-case values, grouped terms", () => {
    const fields: FieldSpec[] = [
      { name: "JobType", type: "string", values: ["Backup", "Replica"] },
      { name: "Platform", type: "string", values: ["VMware", "HyperV"] },
      { name: "ScheduleConfigured", type: "boolean" },
    ];
    const and = compileFilter("jobtype==backup;platform==hyperv", fields);
    expect(and(getter({ JobType: "Backup", Platform: "HyperV" }))).toBe(true);
    expect(and(getter({ JobType: "Backup", Platform: "VMware" }))).toBe(false);
    const grouped = compileFilter(
      "(jobtype==replica;scheduleconfigured==false),(jobtype==backup;scheduleconfigured==true)",
      fields,
    );
    const rows: Array<[string, boolean, boolean]> = [
      ["Replica", false, true],
      ["Replica", true, false],
      ["Backup", true, true],
      ["Backup", false, false],
    ];
    for (const [JobType, ScheduleConfigured, expected] of rows) {
      expect(grouped(getter({ JobType, ScheduleConfigured })), `${JobType} ${ScheduleConfigured}`).toBe(expected);
    }
  });

  it('optional_query_parameters.md: Name==""Backup"" is the name "Backup" with its quotes', () => {
    expect(matches('Name==""Backup""', { Name: '"Backup"' })).toBe(true);
    expect(matches('Name==""Backup""', { Name: "Backup" })).toBe(false);
    expect(matches('Name=="Fileserver ""Backup"""', { Name: 'Fileserver "Backup"' })).toBe(true);
  });

  it("optional_query_parameters.md: spaces outside quotes are ignored", () => {
    expect(matches("JobName==SQL Backup", { JobName: "SQLBackup" })).toBe(true);
    expect(matches("JobName==SQL Backup", { JobName: "SQL Backup" })).toBe(false);
    expect(matches(' Job Name == "SQL Backup" ; Result == Failed ', SESSION)).toBe(true);
  });

  it("sortasc_sortdesc.md: sortDesc=name sorts by Name", () => {
    const rows = [{ Name: "b" }, { Name: "C" }, { Name: "a" }];
    const cmp = compileSort("name", true, FIELDS);
    expect(rows.sort((x, y) => cmp(getter(x), getter(y))).map((r) => r.Name)).toEqual(["C", "b", "a"]);
  });
});

describe("AND, OR, precedence, parentheses", () => {
  const fields: FieldSpec[] = ["A", "B", "C", "D"].map((name) => ({ name, type: "boolean" as const }));
  const bools = [false, true];
  const rows = bools.flatMap((A) => bools.flatMap((B) => bools.flatMap((C) => bools.map((D) => ({ A, B, C, D })))));
  const cases: Array<[string, (r: { A: boolean; B: boolean; C: boolean; D: boolean }) => boolean]> = [
    ["A==True", (r) => r.A],
    ["A==True;B==True", (r) => r.A && r.B],
    ["A==True,B==True", (r) => r.A || r.B],
    // query_and_or.md does not rank ';' against ','; AND binds tighter, as the client's Filter.or
    // writes `a;b,c;d` without parentheses (packages/client/src/query.ts).
    ["A==True;B==True,C==True", (r) => (r.A && r.B) || r.C],
    ["A==True,B==True;C==True", (r) => r.A || (r.B && r.C)],
    ["A==True;B==True,C==True;D==True", (r) => (r.A && r.B) || (r.C && r.D)],
    ["A==True,B==True;C==True,D==True", (r) => r.A || (r.B && r.C) || r.D],
    ["(A==True,B==True);C==True", (r) => (r.A || r.B) && r.C],
    ["A==True;(B==True,C==True)", (r) => r.A && (r.B || r.C)],
    ["(A==True,B==True);(C==True,D==True)", (r) => (r.A || r.B) && (r.C || r.D)],
    ["((A==True))", (r) => r.A],
    ["(A==True;(B==True,(C==True;D==True)))", (r) => r.A && (r.B || (r.C && r.D))],
    ["A==True;B==True;C==True;D==True", (r) => r.A && r.B && r.C && r.D],
    ["A==True,B==True,C==True,D==True", (r) => r.A || r.B || r.C || r.D],
    ["A!=True;B==False", (r) => !r.A && !r.B],
  ];
  it.each(cases)("%s: its truth table over 16 rows", (filter, expected) => {
    const p = compileFilter(filter, fields);
    for (const r of rows) expect(p(getter(r)), JSON.stringify(r)).toBe(expected(r));
  });
});

describe("operators per type", () => {
  const ops = ["==", "!=", "<", ">", "<=", ">="] as const;
  // For a record value below, equal to and above the literal: what each operator answers.
  const expected: Record<(typeof ops)[number], [boolean, boolean, boolean]> = {
    "==": [false, true, false],
    "!=": [true, false, true],
    "<": [true, false, false],
    ">": [false, false, true],
    "<=": [true, true, false],
    ">=": [false, true, true],
  };
  const types: Array<[string, string, [unknown, unknown, unknown]]> = [
    ["TotalSize", "100", [99, 100, 101]],
    ["TotalSize", "1e2", [99.5, 100, 100.5]],
    ["TotalSize", "-0.5", [-1, -0.5, 0]],
    ["JobName", "m", ["L", "M", "n"]],
    ["Result", "Warning", ["Success", "Warning", "Failed"]],
    ["State", "working", ["stopping", "WORKING", "Pausing"]],
    ["IsRetry", "True", [false, true, undefined]],
    [
      "CreationTime",
      "2025-08-15T06:00:00Z",
      ["2025-08-15T05:59:59.999Z", "2025-08-15T06:00:00.000000Z", "2025-08-15T06:00:00.0000001Z"],
    ],
    [
      "EndTime",
      "2025-08-15",
      [new Date("2025-08-14T23:59:59Z"), new Date("2025-08-15T00:00:00Z"), Date.UTC(2025, 7, 16)],
    ],
  ];
  for (const [field, literal, values] of types) {
    for (const op of ops) {
      it(`${field}${op}${literal}`, () => {
        const p = compileFilter(`${field}${op}${literal}`, FIELDS);
        values.forEach((v, i) => {
          if (v === undefined) return; // IsRetry has nothing above True
          expect(p(getter({ [field]: v })), `${JSON.stringify(v)} ${op} ${literal}`).toBe(expected[op][i]);
        });
      });
    }
  }

  it("booleans order False before True", () => {
    expect(matches("IsRetry>False", { IsRetry: true })).toBe(true);
    expect(matches("IsRetry<True", { IsRetry: false })).toBe(true);
    expect(matches("IsRetry>True", { IsRetry: true })).toBe(false);
  });

  it("reads record values of the field's type from text too (a recording holds text)", () => {
    expect(matches("TotalSize>10", { TotalSize: "11" })).toBe(true);
    expect(matches("TotalSize>10", { TotalSize: 11n })).toBe(true);
    expect(matches("IsRetry==true", { IsRetry: "True" })).toBe(true);
    expect(matches("CreationTime==2025-08-15T08:00:00Z", { CreationTime: "2025-08-15T10:00:00+02:00" })).toBe(true);
  });
});

describe("dates", () => {
  it.each([
    ["2025-08-15T06:00:00Z", "2025-08-15T06:00:00.000Z"],
    ["2025-08-15T06:00:00.5Z", "2025-08-15T06:00:00.500Z"],
    ["2025-08-15T06:00:00.389954Z", "2025-08-15T06:00:00.3899540Z"],
    ["2025-08-15T06:00:00", "2025-08-15T06:00:00Z"],
    ["2025-08-15T06:00", "2025-08-15T06:00:00Z"],
    ["2025-08-15", "2025-08-15T00:00:00Z"],
    ["2025-08-15t06:00:00z", "2025-08-15T06:00:00Z"],
    ['"2025-08-15 06:00:00"', "2025-08-15T06:00:00Z"],
    ["2025-08-15T06:00:00+00:00", "2025-08-15T06:00:00Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"],
    ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00Z"],
  ])("%s equals the record value %s", (literal, record) => {
    expect(matches(`CreationTime==${literal}`, { CreationTime: record })).toBe(true);
  });

  it("7 fraction digits compare exactly (the server writes up to 7)", () => {
    expect(matches("CreationTime<2025-08-15T06:00:00.0000001Z", { CreationTime: "2025-08-15T06:00:00Z" })).toBe(true);
    expect(matches("CreationTime>2025-08-15T06:00:00.1234567Z", { CreationTime: "2025-08-15T06:00:00.1234568Z" })).toBe(
      true,
    );
    expect(
      matches("CreationTime==2025-08-15T06:00:00.1234567Z", { CreationTime: "2025-08-15T06:00:00.1234568Z" }),
    ).toBe(false);
  });

  it.each([
    ["2025-08-15T06:00:00+02:00", "not a UTC date"],
    ["2025-02-29", "not a date"],
    ["2025-13-01", "not a date"],
    ["2025-08-15T24:00:00Z", "not a date"],
    ["2025-08-15T06:60:00Z", "not a date"],
    ["2025-08-15T06:00:00.12345678Z", "not a date"],
    ["yesterday", "not a date"],
    ["15/08/2025", "not a date"],
    ["0000-01-01", "not a date"],
  ])("%s is refused: %s", (literal, why) => {
    const e = failure(`CreationTime>=${literal.includes("/") ? `"${literal}"` : literal}`);
    expect(e.kind).toBe("value");
    expect(e.position).toBe("CreationTime>=".length);
    expect(e.message).toContain(why);
  });
});

describe("records without a value", () => {
  // A running session has no EndTime (veeam-api-notes.md): it matches only `!=`.
  const running = { ...SESSION, EndTime: undefined };
  it.each([
    ["EndTime==2025-08-15T07:45:01Z", false],
    ["EndTime!=2025-08-15T07:45:01Z", true],
    ["EndTime<2030-01-01", false],
    ["EndTime>2000-01-01", false],
    ["EndTime<=2030-01-01", false],
    ["EndTime>=2000-01-01", false],
  ])("%s → %s", (filter, expected) => {
    expect(matches(filter, running)).toBe(expected);
    expect(matches(filter, { ...running, EndTime: null })).toBe(expected);
  });

  it("a value of another type, or outside a field's list, reads as absent", () => {
    expect(matches("TotalSize>0", { TotalSize: "big" })).toBe(false);
    expect(matches("TotalSize!=0", { TotalSize: "big" })).toBe(true);
    expect(matches("CreationTime>2000-01-01", { CreationTime: new Date(Number.NaN) })).toBe(false);
    expect(matches("JobName==x", { JobName: 42 })).toBe(false);
    // A newer server's Result ("drift") has no place in the order.
    expect(matches("Result>None", { Result: "Cancelled" })).toBe(false);
    expect(matches("Result!=Failed", { Result: "Cancelled" })).toBe(true);
  });
});

describe("names and values without regard to case", () => {
  it.each(["JobName", "jobname", "JOBNAME", "jObNaMe"])("field %s", (field) => {
    expect(matches(`${field}=="SQL Backup"`, SESSION)).toBe(true);
  });

  it("calls the accessor with the schema's name", () => {
    const asked: string[] = [];
    compileFilter(
      "creationtime>2000-01-01;RESULT==failed",
      FIELDS,
    )((f) => {
      asked.push(f);
      return SESSION[f];
    });
    expect(asked).toEqual(["CreationTime", "Result"]);
  });

  it("enum values, free text and booleans", () => {
    expect(matches("Result==FAILED", SESSION)).toBe(true);
    expect(matches("State==stopped", SESSION)).toBe(true);
    expect(matches("JobName==sqlbackup", { JobName: "SQLBackup" })).toBe(true);
    expect(matches("Uid==URN:VEEAM:BACKUPJOBSESSION:88B395E2-81FF-439C-558C-188D97274C15", SESSION)).toBe(true);
    expect(matches("IsRetry==FALSE", SESSION)).toBe(true);
    expect(matches("IsRetry==fAlSe", SESSION)).toBe(true);
  });
});

describe("quoting", () => {
  it.each([
    ['JobName=="a;b,c(d)e==f<g>h!i"', "a;b,c(d)e==f<g>h!i"],
    ['JobName=="say \\"hi\\""', 'say "hi"'],
    ['JobName=="back\\\\slash"', "back\\slash"],
    ['JobName=="C:\\Backups"', "C:\\Backups"],
    ['JobName=="a""b"', 'a"b'],
    ['JobName==""', ""],
    ['JobName=="  two  spaces  "', "  two  spaces  "],
    ["JobName==dc-01.corp:9398/x@y", "dc-01.corp:9398/x@y"],
  ])("%s is the value %j", (filter, value) => {
    expect(matches(filter, { JobName: value })).toBe(true);
    expect(matches(filter, { JobName: `${value}x` })).toBe(false);
  });

  it("an empty quoted value matches only the empty string, also inside a group", () => {
    expect(matches('(JobName=="");Result==Failed', { JobName: "", Result: "Failed" })).toBe(true);
    expect(matches('JobName=="",JobName==x', { JobName: "x" })).toBe(true);
    expect(matches('JobName==""', { JobName: " " })).toBe(false);
  });
});

describe("what the client's where() writes parses to what it means", () => {
  const record = {
    ...SESSION,
    JobName: 'Nightly "SQL"; (prod), C:\\dumps',
    CreationTime: "2025-08-15T07:30:00.389954Z",
  };
  const f = (filter: { toString(): string }) => compileFilter(String(filter), FIELDS)(getter(record));

  it("literal strings the client produces", () => {
    // Pinned so a change to formatValue shows up here as well as in the client's tests.
    expect(String(where("JobName").eq("SQL Backup"))).toBe('JobName=="SQL Backup"');
    expect(String(where("IsRetry").eq(true))).toBe("IsRetry==True");
    expect(String(where("CreationTime").gt(new Date("2025-08-15T06:00:00Z")))).toBe(
      "CreationTime>2025-08-15T06:00:00.000Z",
    );
    expect(String(where("JobName").eq('a"b\\c'))).toBe('JobName=="a\\"b\\\\c"');
  });

  it("each operator on each kind of value", () => {
    expect(f(where("JobName").eq(record.JobName))).toBe(true);
    expect(f(where("JobName").ne(record.JobName))).toBe(false);
    expect(f(where("JobName").eq(""))).toBe(false);
    expect(f(where("JobName").ne(""))).toBe(true);
    expect(f(where("Result").eq("Failed"))).toBe(true);
    expect(f(where("Result").gt("Success"))).toBe(true);
    expect(f(where("State").eq("Stopped"))).toBe(true);
    expect(f(where("IsRetry").eq(false))).toBe(true);
    expect(f(where("IsRetry").eq(true))).toBe(false);
    expect(f(where("CreationTime").gt(new Date("2025-08-15T07:30:00.389Z")))).toBe(true);
    expect(f(where("CreationTime").ge(new Date("2025-08-15T07:30:00.390Z")))).toBe(false);
    expect(f(where("CreationTime").lt(new Date("2025-08-15T07:30:00.390Z")))).toBe(true);
    expect(f(where("CreationTime").le(new Date("2025-08-15T07:30:00.389Z")))).toBe(false);
  });

  it("and/or compositions keep their meaning", () => {
    const yes = where("Result").eq("Failed");
    const no = where("Result").eq("Success");
    expect(f(yes.and(no))).toBe(false);
    expect(f(yes.or(no))).toBe(true);
    expect(f(no.or(yes).and(yes))).toBe(true);
    expect(f(no.or(no).and(yes))).toBe(false);
    // `(no,yes);no` — the parentheses the client adds are what keeps this false.
    expect(f(no.or(yes).and(no))).toBe(false);
    expect(f(yes.and(no).or(yes.and(yes)))).toBe(true);
    expect(f(where("JobName").eq(record.JobName).and(where("IsRetry").ne(true)))).toBe(true);
  });
});

describe("errors", () => {
  it.each([
    ["", "syntax", 0, "Invalid filter: it is empty"],
    ["   ", "syntax", 0, "Invalid filter: it is empty"],
    [
      "Result==Failed;",
      "syntax",
      15,
      "Invalid filter at offset 15: expected a comparison such as Result==Failed, found the end of the filter",
    ],
    [
      ";Result==Failed",
      "syntax",
      0,
      "Invalid filter at offset 0: expected a comparison such as Result==Failed, found ';'",
    ],
    [
      "Result==Failed,,State==Stopped",
      "syntax",
      15,
      "Invalid filter at offset 15: expected a comparison such as Result==Failed, found ','",
    ],
    ["()", "syntax", 1, "Invalid filter at offset 1: expected a comparison such as Result==Failed, found ')'"],
    ["(Result==Failed", "syntax", 15, "Invalid filter at offset 15: '(' at offset 0 is not closed"],
    ["((Result==Failed)", "syntax", 17, "Invalid filter at offset 17: '(' at offset 0 is not closed"],
    ["Result==Failed)", "syntax", 14, "Invalid filter at offset 14: ')' without a matching '('"],
    ["(Result==Failed<x)", "syntax", 15, "Invalid filter at offset 15: expected ';', ',' or ')', found '<'"],
    // Spaces outside quotes are dropped (optional_query_parameters.md): a missing ';' joins two terms.
    [
      "Result==Failed State==Stopped",
      "value",
      8,
      "Invalid filter at offset 8: Result==FailedState: not one of None, Success, Warning, Failed",
    ],
    [
      "Result==Failed=",
      "syntax",
      14,
      "Invalid filter at offset 14: expected ';', ',' or the end of the filter, found '='",
    ],
    [
      'JobName=="a"b',
      "syntax",
      12,
      "Invalid filter at offset 12: expected ';', ',' or the end of the filter, found 'b'",
    ],
    [
      "Result==Failed(",
      "syntax",
      14,
      "Invalid filter at offset 14: expected ';', ',' or the end of the filter, found '('",
    ],
    [
      "Result=Failed",
      "syntax",
      6,
      "Invalid filter at offset 6: expected a comparison operator (==, !=, <, >, <=, >=) after Result, found '='",
    ],
    [
      "Result",
      "syntax",
      6,
      "Invalid filter at offset 6: expected a comparison operator (==, !=, <, >, <=, >=) after Result, found the end of the filter",
    ],
    [
      "Result=<Failed",
      "syntax",
      6,
      "Invalid filter at offset 6: expected a comparison operator (==, !=, <, >, <=, >=) after Result, found '='",
    ],
    [
      "Result!Failed",
      "syntax",
      6,
      "Invalid filter at offset 6: expected a comparison operator (==, !=, <, >, <=, >=) after Result, found '!'",
    ],
    ["Result==", "syntax", 8, "Invalid filter at offset 8: expected a value for Result, found the end of the filter"],
    ["Result==;State==Stopped", "syntax", 8, "Invalid filter at offset 8: expected a value for Result, found ';'"],
    ["Result===Failed", "syntax", 8, "Invalid filter at offset 8: expected a value for Result, found '='"],
    ['JobName=="SQL', "syntax", 9, "Invalid filter at offset 9: the quoted value is not closed"],
    ['JobName=="a\\"', "syntax", 9, "Invalid filter at offset 9: the quoted value is not closed"],
    [
      'JobName==ab"c"',
      "syntax",
      11,
      "Invalid filter at offset 11: a quote inside the value of JobName that starts at offset 9; quote the whole value",
    ],
    ["==Failed", "syntax", 0, "Invalid filter at offset 0: expected a comparison such as Result==Failed, found '='"],
    [
      '"Result"==Failed',
      "syntax",
      0,
      "Invalid filter at offset 0: expected a comparison such as Result==Failed, found '\"'",
    ],
    [
      "Outcome==Failed",
      "field",
      0,
      "Invalid filter at offset 0: unknown field 'Outcome'; fields: Uid, Name, JobType, JobName, CreationTime, EndTime, State, Result, IsRetry, TotalSize",
    ],
    [
      "Result==Failed;(  Reason==x)",
      "field",
      18,
      "Invalid filter at offset 18: unknown field 'Reason'; fields: Uid, Name, JobType, JobName, CreationTime, EndTime, State, Result, IsRetry, TotalSize",
    ],
    [
      "Result==Sucess",
      "value",
      8,
      "Invalid filter at offset 8: Result==Sucess: not one of None, Success, Warning, Failed",
    ],
    ["TotalSize>big", "value", 10, "Invalid filter at offset 10: TotalSize>big: not a number"],
    ["TotalSize>0x10", "value", 10, "Invalid filter at offset 10: TotalSize>0x10: not a number"],
    ["TotalSize>Infinity", "value", 10, "Invalid filter at offset 10: TotalSize>Infinity: not a number"],
    ["TotalSize>1e999", "value", 10, "Invalid filter at offset 10: TotalSize>1e999: not a number"],
    ['TotalSize>""', "value", 10, "Invalid filter at offset 10: TotalSize>: not a number"],
    ["IsRetry==yes", "value", 9, "Invalid filter at offset 9: IsRetry==yes: not True or False"],
    ["IsRetry==1", "value", 9, "Invalid filter at offset 9: IsRetry==1: not True or False"],
    [
      "CreationTime>now",
      "value",
      13,
      "Invalid filter at offset 13: CreationTime>now: not a date; write UTC ISO 8601 such as 2025-08-15T06:00:00Z",
    ],
    [
      "CreationTime>2025-08-15T06:00:00-05:00",
      "value",
      13,
      "Invalid filter at offset 13: CreationTime>2025-08-15T06:00:00-05:00: not a UTC date; the field accepts only UTC values (ending in Z)",
    ],
  ] as const)("%j → %s at %d", (filter, kind, position, message) => {
    const e = failure(filter);
    expect(e.kind).toBe(kind);
    expect(e.position).toBe(position);
    expect(e.message).toBe(message);
    expect(e.name).toBe("FilterError");
  });

  it(`refuses a filter longer than ${MAX_FILTER_LENGTH} characters, and accepts one of exactly that`, () => {
    const term = "JobName==x;";
    const long = term.repeat(Math.ceil(MAX_FILTER_LENGTH / term.length)).slice(0, MAX_FILTER_LENGTH + 1);
    const e = failure(long);
    expect(e.kind).toBe("syntax");
    expect(e.message).toBe(
      `Invalid filter: it is ${MAX_FILTER_LENGTH + 1} characters long, more than the 4096 allowed`,
    );
    const exact = `JobName=="${"x".repeat(MAX_FILTER_LENGTH - 11)}"`;
    expect(exact).toHaveLength(MAX_FILTER_LENGTH);
    expect(matches(exact, { JobName: "x".repeat(MAX_FILTER_LENGTH - 11) })).toBe(true);
  });

  it(`refuses parentheses nested deeper than ${MAX_NESTING}, and accepts ${MAX_NESTING}`, () => {
    const nest = (n: number) => `${"(".repeat(n)}Result==Failed${")".repeat(n)}`;
    expect(matches(nest(MAX_NESTING), SESSION)).toBe(true);
    const e = failure(nest(MAX_NESTING + 1));
    expect(e.kind).toBe("syntax");
    expect(e.position).toBe(MAX_NESTING);
    expect(e.message).toBe(`Invalid filter at offset ${MAX_NESTING}: parentheses nested deeper than 32`);
    // Deep but in sequence is fine: the limit is on nesting, not on the number of groups.
    expect(matches(Array.from({ length: 200 }, () => "(Result==Failed)").join(";"), SESSION)).toBe(true);
    // 2,000 opening parentheses: an error, not a stack overflow.
    expect(failure("(".repeat(2000)).kind).toBe("syntax");
  });

  it("echoes at most 64 characters of a value or name", () => {
    const e = failure(`${"Z".repeat(500)}==1`);
    expect(e.kind).toBe("field");
    expect(e.message.length).toBeLessThan(250);
    expect(e.message).toContain(`'${"Z".repeat(61)}...'`);
  });

  it("a query type without fields names none", () => {
    expect(failure("Result==Failed", []).message).toBe(
      "Invalid filter at offset 0: unknown field 'Result'; this query type has no such fields",
    );
  });
});

describe("compileSort", () => {
  const sorted = (field: string, descending: boolean, rows: Rec[], pick = field) => {
    const cmp = compileSort(field, descending, FIELDS);
    return [...rows].sort((a, b) => cmp(getter(a), getter(b))).map((r) => r[pick]);
  };

  it("dates, by instant (7 fraction digits), records without one first when ascending", () => {
    const rows = [
      { EndTime: "2025-08-15T06:00:00.0000002Z" },
      { EndTime: undefined },
      { EndTime: "2025-08-15T06:00:00.0000001Z" },
      { EndTime: new Date("2025-08-14T00:00:00Z") },
      { EndTime: "2025-08-15T09:00:00+02:00" },
    ];
    expect(sorted("endtime", false, rows, "EndTime")).toEqual([
      undefined,
      new Date("2025-08-14T00:00:00Z"),
      "2025-08-15T06:00:00.0000001Z",
      "2025-08-15T06:00:00.0000002Z",
      "2025-08-15T09:00:00+02:00",
    ]);
    expect(sorted("EndTime", true, rows)).toEqual([
      "2025-08-15T09:00:00+02:00",
      "2025-08-15T06:00:00.0000002Z",
      "2025-08-15T06:00:00.0000001Z",
      new Date("2025-08-14T00:00:00Z"),
      undefined,
    ]);
  });

  it("numbers numerically, not as text", () => {
    const rows = [{ TotalSize: 10 }, { TotalSize: 9 }, { TotalSize: 100 }];
    expect(sorted("TotalSize", false, rows)).toEqual([9, 10, 100]);
    expect(sorted("TOTALSIZE", true, rows, "TotalSize")).toEqual([100, 10, 9]);
  });

  it("values with a list by index (query_comparison.md), free text without regard to case", () => {
    const results = [{ Result: "Failed" }, { Result: "Success" }, { Result: "warning" }, { Result: "None" }];
    expect(sorted("Result", false, results)).toEqual(["None", "Success", "warning", "Failed"]);
    const names = [{ JobName: "b" }, { JobName: "A" }, { JobName: "c" }];
    expect(sorted("JobName", false, names)).toEqual(["A", "b", "c"]);
  });

  it("booleans False first; equal keys compare 0 (the engine's stable sort keeps their order)", () => {
    const cmp = compileSort("IsRetry", true, FIELDS);
    expect(cmp(getter({ IsRetry: false }), getter({ IsRetry: true }))).toBe(1);
    expect(cmp(getter({ IsRetry: true }), getter({ IsRetry: true }))).toBe(0);
    expect(Object.is(compileSort("JobName", true, FIELDS)(getter({ JobName: "a" }), getter({ JobName: "A" })), 0)).toBe(
      true,
    );
    expect(cmp(getter({}), getter({}))).toBe(0);
  });

  it.each([
    ["Outcome", false, "Invalid sortAsc: unknown sort field 'Outcome'; fields: "],
    ["Outcome", true, "Invalid sortDesc: unknown sort field 'Outcome'; fields: "],
    ["", false, "Invalid sortAsc: no sort field given; fields: "],
    ["CreationTime;JobName", false, "Invalid sortAsc: unknown sort field 'CreationTime;JobName'; fields: "],
  ])("%j (descending %s) is a field error", (field, descending, message) => {
    let error: unknown;
    try {
      compileSort(field, descending, FIELDS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterError);
    expect((error as FilterError).kind).toBe("field");
    expect((error as FilterError).message).toBe(`${message}${FIELDS.map((f) => f.name).join(", ")}`);
  });
});

describe("random input (seeded)", () => {
  // The simulator's seeded PRNG, so a failure reproduces.
  const prng = (seed: number) => createRandom(seed).next;

  it("2,000 strings from the grammar's alphabet: a predicate or a FilterError, never anything else", () => {
    const random = prng(0x5eed);
    const pieces = [
      ...';,()=!<>"\\ \t-:.TZ0123456789eE+xy',
      "==",
      "!=",
      "<=",
      ">=",
      '""',
      '\\"',
      "Result",
      "result",
      "JobName",
      "CreationTime",
      "IsRetry",
      "TotalSize",
      "Failed",
      "True",
      "2025-08-15T06:00:00Z",
      "2025-08-15T06:00:00.1234567Z",
      "1e3",
      "Bogus",
    ];
    const counts = { ok: 0, syntax: 0, field: 0, value: 0 };
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 24);
      let text = "";
      for (let k = 0; k < length; k++) text += pieces[Math.floor(random() * pieces.length)];
      let p: ((get: (f: string) => unknown) => boolean) | undefined;
      try {
        p = compileFilter(text, FIELDS);
      } catch (e) {
        expect(e, JSON.stringify(text)).toBeInstanceOf(FilterError);
        const fe = e as FilterError;
        counts[fe.kind]++;
        expect(fe.message, JSON.stringify(text)).toMatch(/^Invalid filter/);
        if (fe.position !== undefined) {
          expect(fe.position).toBeGreaterThanOrEqual(0);
          expect(fe.position).toBeLessThanOrEqual(text.length);
        }
        continue;
      }
      counts.ok++;
      for (const r of [SESSION, {}, { Result: 42, CreationTime: {}, IsRetry: "maybe", TotalSize: Symbol("x") }]) {
        expect(typeof p(getter(r))).toBe("boolean");
      }
    }
    // The alphabet reaches every outcome, so this is not only a test of the error path.
    for (const [outcome, count] of Object.entries(counts)) expect(count, outcome).toBeGreaterThan(0);
  });

  it("2,000 well-formed filters: the predicate agrees with a direct evaluation", () => {
    const random = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    type Expr = { text: string; kind: "term" | "and" | "or"; eval: (r: Rec) => boolean };
    const terms: Array<() => Expr> = [
      () => {
        const v = pick(["None", "Success", "Warning", "Failed"]);
        const order = ["None", "Success", "Warning", "Failed"];
        const op = pick(["==", "!=", "<", ">=", ">", "<="] as const);
        const cmp = (r: Rec) => order.indexOf(r.Result as string) - order.indexOf(v);
        const ev = {
          "==": (c: number) => c === 0,
          "!=": (c: number) => c !== 0,
          "<": (c: number) => c < 0,
          ">": (c: number) => c > 0,
          "<=": (c: number) => c <= 0,
          ">=": (c: number) => c >= 0,
        }[op];
        return { text: `Result${op}${v.toLowerCase()}`, kind: "term", eval: (r) => ev(cmp(r)) };
      },
      () => {
        const n = Math.floor(random() * 4);
        return { text: `TotalSize>${n}`, kind: "term", eval: (r) => (r.TotalSize as number) > n };
      },
      () => {
        const b = random() < 0.5;
        return { text: `IsRetry==${b ? "TRUE" : "false"}`, kind: "term", eval: (r) => r.IsRetry === b };
      },
    ];
    const build = (depth: number): Expr => {
      if (depth === 0 || random() < 0.3) return pick(terms)();
      const kind = random() < 0.5 ? "and" : "or";
      const parts = Array.from({ length: 2 + Math.floor(random() * 2) }, () => build(depth - 1));
      // Parenthesise only where precedence needs it (an OR inside an AND), sometimes anyway.
      const text = parts
        .map((p) =>
          (kind === "and" && p.kind === "or") || (p.kind !== "term" && random() < 0.2) ? `(${p.text})` : p.text,
        )
        .join(kind === "and" ? ";" : ",");
      const ev = kind === "and" ? (r: Rec) => parts.every((p) => p.eval(r)) : (r: Rec) => parts.some((p) => p.eval(r));
      return { text, kind, eval: ev };
    };
    const records: Rec[] = [];
    for (const Result of ["None", "Success", "Warning", "Failed"])
      for (const TotalSize of [0, 2, 5])
        for (const IsRetry of [false, true]) records.push({ Result, TotalSize, IsRetry });
    for (let n = 0; n < 2000; n++) {
      const e = build(4);
      const p = compileFilter(e.text, FIELDS);
      for (const r of records) expect(p(getter(r)), `${e.text} on ${JSON.stringify(r)}`).toBe(e.eval(r));
    }
  });
});
