// Tells a database that cannot take writes right now (disk full, I/O error, read-only file, PostgreSQL unreachable)
// from a statement it refuses, so writers can hold what they could not write and routes can answer 507/503, not 500.

export type StorageFault = "full" | "io" | "read_only" | "busy" | "closed" | "unreachable";

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

/**
 * PostgreSQL: Bun.SQL's own codes for a connection it could not open, lost or timed out on, and the server's SQLSTATEs
 * (`errno`) that say "the server", not "this row": class 08 (connection), 57P01-03 (shutting down, starting up), 53
 * (out of resources; 53100 is a full disk), 25006 (a read-only replica), 40001/40P01 (a conflict worth retrying).
 */
function postgresFault(code: unknown, sqlState: unknown): StorageFault | undefined {
  if (typeof code === "string" && /^ERR_POSTGRES_(CONNECTION_|.*TIMEOUT|TLS)/.test(code)) return "unreachable";
  if (typeof sqlState !== "string" || sqlState.length !== 5) return undefined;
  if (sqlState.startsWith("08") || ["57P01", "57P02", "57P03"].includes(sqlState)) return "unreachable";
  if (sqlState === "53100") return "full";
  if (sqlState.startsWith("53")) return "busy";
  if (sqlState === "25006") return "read_only";
  if (sqlState === "40001" || sqlState === "40P01") return "busy";
  return undefined;
}

/** The storage fault behind an error (its cause chain is followed: drizzle wraps driver errors), if it is one. */
export function storageFaultOf(err: unknown): StorageFault | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (typeof code === "string") {
      // Longest prefix first is not needed: no code above is a prefix of another's family.
      const hit = FAULT_OF_CODE.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
      if (hit) return hit[1];
    }
    if (e.name === "PostgresError") {
      const fault = postgresFault(code, errno);
      if (fault) return fault;
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
    case "unreachable":
      return `the database server${at} cannot be reached`;
    default: {
      const unreachable: never = fault;
      throw new Error(`unhandled storage fault ${unreachable}`);
    }
  }
}
