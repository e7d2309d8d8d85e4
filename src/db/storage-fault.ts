// Tells a database that cannot take writes right now (disk full, I/O error, read-only file) from a statement it
// refuses, so writers can hold what they could not write and routes can answer 507/503 instead of a 500.

export type StorageFault = "full" | "io" | "read_only" | "busy" | "closed";

/** SQLite's primary result codes (extended ones start with these) that say "the storage", not "this row". */
const FAULT_OF_CODE: Array<[prefix: string, fault: StorageFault]> = [
  ["SQLITE_FULL", "full"],
  ["SQLITE_IOERR", "io"],
  ["SQLITE_CANTOPEN", "io"],
  ["SQLITE_NOLFS", "io"],
  ["SQLITE_PROTOCOL", "io"],
  ["SQLITE_READONLY", "read_only"],
  ["SQLITE_BUSY", "busy"],
  ["SQLITE_LOCKED", "busy"],
];

/** The storage fault behind an error (its cause chain is followed: drizzle wraps driver errors), if it is one. */
export function storageFaultOf(err: unknown): StorageFault | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      // Longest prefix first is not needed: no code above is a prefix of another's family.
      const hit = FAULT_OF_CODE.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
      if (hit) return hit[1];
    }
    if (e.message.includes("closed database")) return "closed";
  }
  return undefined;
}

/** What a person reads when a write failed for this reason; `dataDir` only where the reader may see paths. */
export function describeStorageFault(fault: StorageFault, dataDir?: string): string {
  const at = dataDir ? ` (${dataDir})` : "";
  switch (fault) {
    case "full":
      return `the disk holding the database${at} is full`;
    case "io":
      return `the disk holding the database${at} reported an I/O error`;
    case "read_only":
      return `the database${at} is read-only`;
    case "busy":
      return `the database${at} is locked by another process`;
    case "closed":
      return "the database is closed (the gateway is stopping)";
    default: {
      const unreachable: never = fault;
      throw new Error(`unhandled storage fault ${unreachable}`);
    }
  }
}
