// Deterministic generator of a ReplicaTaskSessions document (formatted like the real server's
// output: 3/4-space indentation, `<Reason />`, xmlns:xsd/xsi) and its JSON twin.

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATES = ["Stopped", "Starting", "Stopping", "Working", "Pausing", "Resuming", "Completed"] as const;
const RESULTS = ["None", "Success", "Warning", "Failed"] as const;
const REASONS = [
  "Processing finished with warnings",
  "Error: Failed to open VDDK disk [datastore1] vm/vm.vmdk (is read-only mode - 'true') & retry",
  "Task failed because <snapshot> could not be created",
  "  leading and trailing spaces  ",
];

interface LinkValue {
  Href: string;
  Name: string;
  Type: string;
  Rel: string;
}

export interface SessionValue {
  Href: string;
  Type: string;
  Name: string;
  UID: string;
  VmDisplayName: string;
  Links: LinkValue[];
  JobSessionUid: string;
  CreationTimeUTC: string;
  EndTimeUTC: string;
  State: string;
  Result: string;
  Reason: string | null;
  TotalSize: number;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function generate(
  count: number,
  seed = 42,
): { xml: string; json: string; value: { ReplicaTaskSessions: SessionValue[] } } {
  const rnd = prng(seed);
  const hex = (n: number): string => {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(rnd() * 16)];
    return s;
  };
  const uuid = (): string => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  const host = "enterprise06.tech.local";
  const base = `https://${host}:9398/api`;
  const pad = (n: number): string => String(n).padStart(2, "0");
  const time = (t: number): string => {
    const d = new Date(t);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(Math.floor(rnd() * 100))}Z`;
  };
  const items: SessionValue[] = [];
  const parts: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>\r\n',
    '<ReplicaTaskSessions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.veeam.com/ent/v1.0">\r\n',
  ];
  let t0 = Date.UTC(2021, 10, 3, 21, 0, 0);
  for (let i = 0; i < count; i++) {
    const id = uuid();
    const jobId = uuid();
    const vm = `ubuntu${Math.floor(rnd() * 1000)}`;
    t0 += Math.floor(rnd() * 600_000);
    const created = time(t0);
    const ended = time(t0 + Math.floor(rnd() * 3_600_000));
    const links: LinkValue[] = [
      { Href: `${base}/backupServers/${uuid()}`, Name: host, Type: "BackupServerReference", Rel: "Up" },
      {
        Href: `${base}/replicaSessions/${jobId}`,
        Name: `Replication Job ${1 + Math.floor(rnd() * 50)}@${created.slice(0, 19).replace("T", " ")}`,
        Type: "ReplicaJobSessionReference",
        Rel: "Up",
      },
    ];
    if (rnd() < 0.3)
      links.push({
        Href: `${base}/vmRestorePoints/${uuid()}`,
        Name: `${vm}@${created.slice(0, 10)}`,
        Type: "VmRestorePointReference",
        Rel: "Related",
      });
    const result = RESULTS[Math.floor(rnd() * RESULTS.length)]!;
    const item: SessionValue = {
      Href: `${base}/replicaTaskSessions/${id}?format=Entity`,
      Type: "ReplicaTaskSession",
      Name: `${vm}@${created.slice(0, 19).replace("T", " ")}`,
      UID: `urn:veeam:ReplicaTaskSession:${id}`,
      VmDisplayName: vm,
      Links: links,
      JobSessionUid: `urn:veeam:ReplicaJobSession:${jobId}`,
      CreationTimeUTC: created,
      EndTimeUTC: ended,
      State: STATES[Math.floor(rnd() * STATES.length)]!,
      Result: result,
      Reason: result === "Success" || rnd() < 0.5 ? null : REASONS[Math.floor(rnd() * REASONS.length)]!,
      TotalSize: Math.floor(rnd() * 2 ** 40),
    };
    items.push(item);
    parts.push(
      `   <ReplicaTaskSession Href="${escapeXml(item.Href)}" Type="${item.Type}" Name="${escapeXml(item.Name)}" UID="${item.UID}" VmDisplayName="${escapeXml(item.VmDisplayName)}">\r\n`,
      "       <Links>\r\n",
      ...links.map(
        (l) =>
          `           <Link Href="${escapeXml(l.Href)}" Name="${escapeXml(l.Name)}" Type="${l.Type}" Rel="${l.Rel}" />\r\n`,
      ),
      "       </Links>\r\n",
      `       <JobSessionUid>${item.JobSessionUid}</JobSessionUid>\r\n`,
      `       <CreationTimeUTC>${item.CreationTimeUTC}</CreationTimeUTC>\r\n`,
      `       <EndTimeUTC>${item.EndTimeUTC}</EndTimeUTC>\r\n`,
      `       <State>${item.State}</State>\r\n`,
      `       <Result>${item.Result}</Result>\r\n`,
      item.Reason === null ? "       <Reason />\r\n" : `       <Reason>${escapeXml(item.Reason)}</Reason>\r\n`,
      `       <TotalSize>${item.TotalSize}</TotalSize>\r\n`,
      "   </ReplicaTaskSession>\r\n",
    );
  }
  parts.push("</ReplicaTaskSessions>\r\n");
  const value = { ReplicaTaskSessions: items };
  return { xml: parts.join(""), json: JSON.stringify(value), value };
}
