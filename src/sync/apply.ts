// Applies pulled documents here through each kind's writes (deletions first, children last), then refreshes the caches once.
import { GatewayError } from "../canonical/errors.ts";
import type { SyncDeps } from "./kinds/types.ts";
import { KIND_ORDER, SYNC_KINDS, syncKind, type SyncKind } from "./kinds/index.ts";
import type { PullAction } from "./reconcile.ts";
import type { LedgerEntry } from "./state.ts";

export interface ApplyFailure {
  /** The rev of the document that could not be applied: pulled again next time. */
  rev: number;
  message: string;
}

export interface ApplyResult {
  applied: string[];
  failures: ApplyFailure[];
}

function describe(err: unknown): string {
  if (err instanceof GatewayError || err instanceof Error) return err.message;
  return String(err);
}

/** Runs the actions; each success writes its ledger entry, each failure is reported and leaves the ledger as it was. */
export async function applyPulled(services: SyncDeps, actions: PullAction[], ledger: Record<string, LedgerEntry>): Promise<ApplyResult> {
  const removals = actions.filter((a) => a.type === "remove").sort((a, b) => KIND_ORDER[b.kind] - KIND_ORDER[a.kind]);
  const upserts = actions
    .filter((a) => a.type === "upsert")
    .sort((a, b) => KIND_ORDER[a.doc.envelope.kind] - KIND_ORDER[b.doc.envelope.kind] || a.doc.rev - b.doc.rev);
  const touched = new Set<SyncKind>();
  const result: ApplyResult = { applied: [], failures: [] };

  for (const a of [...removals, ...upserts]) {
    const kindName = a.type === "remove" ? a.kind : a.doc.envelope.kind;
    const kind = syncKind(kindName);
    if (!kind) continue;
    try {
      if (a.type === "remove") {
        await kind.remove(services, a.localId);
        if (a.ledger) ledger[a.docId] = a.ledger;
        result.applied.push(a.docId);
      } else {
        await kind.upsert(services, a.doc.envelope.localId, a.doc.envelope.payload);
        ledger[a.doc.id] = a.ledger;
        result.applied.push(a.doc.id);
      }
      touched.add(kind);
    } catch (err) {
      const what = a.type === "remove" ? `deleting ${kindName} ${a.localId}` : `${kindName} "${a.doc.envelope.label}"`;
      result.failures.push({ rev: a.type === "remove" ? a.rev : a.doc.rev, message: `${what}: ${describe(err)}` });
    }
  }
  for (const kind of SYNC_KINDS) if (touched.has(kind)) await kind.reload(services);
  // Answers cached under the old providers or combos are not replayed.
  if (touched.size) services.cache.clear();
  return result;
}
