// A write the database could not take, as the caller reads it: 507 for the API and the dashboard ("nothing was
// saved; free some space"), 503 in a client's own format; undefined for any other error.
import { GatewayError } from "../canonical/errors.ts";
import { describeStorageFault, storageFaultOf } from "../db/storage-fault.ts";
import { formatOfPath } from "../gateway/error-response.ts";

export function storageError(err: unknown, path: string, dataDir: string): GatewayError | undefined {
  if (err instanceof GatewayError) return undefined;
  const fault = storageFaultOf(err);
  if (!fault) return undefined;
  const format = formatOfPath(path);
  if (format === "management" || format === "html") {
    return new GatewayError(
      "unavailable",
      `This change was not saved: ${describeStorageFault(fault, dataDir)}. Nothing was changed; ${fault === "full" ? "free some space there" : "fix the storage"} and try again.`,
      { status: fault === "full" ? 507 : 503, code: fault === "full" ? "storage_full" : "storage_unavailable", cause: err },
    );
  }
  return new GatewayError(
    "unavailable",
    `The gateway cannot write to its database right now: ${describeStorageFault(fault)}. Try again later.`,
    {
      code: "storage_unavailable",
      retryAfter: 30,
      cause: err,
    },
  );
}
