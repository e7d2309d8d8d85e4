// One sync exchange: pull what changed in the cloud, decrypt it all (or apply nothing), resolve and apply, then push local changes.
import { z } from "zod";
import { log } from "../log.ts";
import type { SyncDeps } from "./kinds/types.ts";
import { applyPulled, type ApplyFailure } from "./apply.ts";
import { canonicalJson, type SyncKeys } from "./crypto.ts";
import { SYNC_KINDS, syncKind } from "./kinds/index.ts";
import { DOCUMENT_FORMAT, MAX_DOCUMENTS_PER_CALL, type PushDocument, type StoredDocument } from "./protocol.ts";
import { planPull, planPush, stampDeletions, type Device, type Envelope, type PulledDocument, type Snapshot } from "./reconcile.ts";
import { recordConflicts, type SyncState } from "./state.ts";
import { CloudSyncError, type CloudTransport } from "./transport.ts";

const EnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.string(),
  localId: z.string(),
  label: z.string(),
  updatedAt: z.number(),
  deleted: z.boolean(),
  device: z.object({ id: z.string(), name: z.string() }),
  payload: z.unknown(),
});

export interface ExchangeContext {
  services: SyncDeps;
  keys: SyncKeys;
  transport: CloudTransport;
  state: SyncState;
  me: Device;
  space: string;
  /** False once the database was replaced (an import) while the exchange awaited the cloud. */
  isCurrent(): boolean;
}

export interface ExchangeResult {
  pulled: number;
  applied: number;
  pushed: number;
  /** Documents another device wrote meanwhile: the exchange runs again. */
  rejected: number;
  failures: ApplyFailure[];
}

/** Every item here, keyed by its cloud document id. */
export async function takeSnapshot(services: SyncDeps, keys: SyncKeys): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  for (const kind of SYNC_KINDS) {
    for (const item of await kind.list(services)) {
      const id = keys.documentId(kind.kind, item.localId);
      const digest = item.payload === undefined ? undefined : keys.digest(canonicalJson(item.payload));
      snapshot.set(id, { ...item, kind: kind.kind, id, digest });
    }
  }
  return snapshot;
}

/** Every pulled document decrypted, or an error and nothing: a device with another passphrase must not apply or push anything. */
function openDocuments(keys: SyncKeys, docs: StoredDocument[], space: string): PulledDocument[] {
  const opened: PulledDocument[] = [];
  let unreadable = 0;
  for (const doc of docs) {
    try {
      const envelope = EnvelopeSchema.parse(JSON.parse(keys.open(doc, doc.ciphertext)));
      if (
        envelope.kind !== doc.kind ||
        envelope.deleted !== doc.deleted ||
        envelope.updatedAt !== doc.updatedAt ||
        keys.documentId(envelope.kind, envelope.localId) !== doc.id
      )
        throw new Error("envelope does not match");
      // Kinds a newer OmniRoute syncs are skipped here.
      if (syncKind(envelope.kind)) opened.push({ id: doc.id, rev: doc.rev, envelope: envelope as Envelope });
    } catch {
      unreadable++;
    }
  }
  if (unreadable) {
    const legacy = docs.filter((d) => !d.ciphertext.startsWith(`${DOCUMENT_FORMAT}.`)).length;
    if (legacy) {
      throw new CloudSyncError(
        `${legacy} document(s) in the cloud's space "${space}" were written by an OmniRoute older than this one. Nothing was applied or pushed; upgrade every device (and the cloud) to the same version.`,
      );
    }
    throw new CloudSyncError(
      `Cannot decrypt ${unreadable} of ${docs.length} document(s) in the cloud's space "${space}": this device's CLOUD_SYNC_KEY is not the passphrase they were written with. Nothing was applied or pushed; set the same CLOUD_SYNC_KEY as your other devices.`,
    );
  }
  return opened;
}

async function pullAll(ctx: ExchangeContext): Promise<StoredDocument[]> {
  const docs: StoredDocument[] = [];
  let since = ctx.state.lastPulledRev;
  for (let first = true; ; first = false) {
    const page = await ctx.transport.pull(since);
    if (!ctx.isCurrent()) throw new CloudSyncError("The database was replaced during sync; it runs again at the next interval.");
    if (first && page.rev < ctx.state.lastPulledRev) {
      // The cloud lost (or reset) its copy: start over and offer it everything again.
      log.warn(
        `cloud sync: the cloud's space "${ctx.space}" is at rev ${page.rev}, below the ${ctx.state.lastPulledRev} this device pulled; sending everything again`,
      );
      ctx.state.ledger = {};
      ctx.state.lastPulledRev = 0;
      since = 0;
      continue;
    }
    docs.push(...page.documents);
    if (!page.more || !page.documents.length) return docs;
    since = page.documents.at(-1)!.rev;
  }
}

export async function exchange(ctx: ExchangeContext): Promise<ExchangeResult> {
  const { services, keys, state, me } = ctx;
  // Deletions get their time before the cloud is asked, so one made while it was down keeps the time it was made.
  stampDeletions(await takeSnapshot(services, keys), state.ledger, Date.now());
  const stored = await pullAll(ctx);
  const pulled = openDocuments(keys, stored, ctx.space);
  const now = Date.now();

  let snapshot = await takeSnapshot(services, keys);
  stampDeletions(snapshot, state.ledger, now);
  const plan = planPull({ docs: pulled, snapshot, ledger: state.ledger, me, now, digestOf: (p) => keys.digest(canonicalJson(p)) });
  Object.assign(state.ledger, plan.ledger);
  if (plan.refused.length) {
    log.warn(
      `cloud sync: refused ${plan.refused.length} pulled document(s) older than the version this device has (a replayed or rolled-back copy): ` +
        `${plan.refused.map((r) => `${r.kind} ${r.localId}`).join(", ")}; this device's version is sent again`,
    );
  }
  const applied = await applyPulled(services, plan.actions, state.ledger);
  recordConflicts(state, plan.conflicts);
  const pulledTo = stored.reduce((max, d) => Math.max(max, d.rev), state.lastPulledRev);
  const failedAt = Math.min(...applied.failures.map((f) => f.rev));
  state.lastPulledRev = Math.max(state.lastPulledRev, applied.failures.length ? Math.min(pulledTo, failedAt - 1) : pulledTo);
  state.lastPullAt = now;

  // What was applied is recorded as it reads here now, so it is not sent back.
  snapshot = await takeSnapshot(services, keys);
  for (const id of applied.applied) {
    const entry = state.ledger[id];
    const digest = snapshot.get(id)?.digest;
    if (entry && !entry.deleted && digest !== undefined) entry.digest = digest;
  }

  const items = planPush(snapshot, state.ledger, now);
  let pushed = 0;
  let rejected = 0;
  for (let i = 0; i < items.length; i += MAX_DOCUMENTS_PER_CALL) {
    const batch = items.slice(i, i + MAX_DOCUMENTS_PER_CALL);
    const documents: PushDocument[] = batch.map((item) => {
      const envelope: Envelope = {
        v: 1,
        kind: item.kind,
        localId: item.localId,
        label: item.label,
        updatedAt: item.updatedAt,
        deleted: item.deleted,
        device: me,
        payload: item.payload,
      };
      const binding = { kind: item.kind, id: item.id, updatedAt: item.updatedAt, deleted: item.deleted };
      return { ...binding, baseRev: item.baseRev, ciphertext: keys.seal(binding, JSON.stringify(envelope)) };
    });
    const answer = await ctx.transport.push(documents);
    if (!ctx.isCurrent()) throw new CloudSyncError("The database was replaced during sync; it runs again at the next interval.");
    const byId = new Map(batch.map((item) => [item.id, item]));
    for (const { id, rev } of answer.accepted) {
      const item = byId.get(id);
      if (!item) continue;
      state.ledger[id] = {
        kind: item.kind,
        localId: item.localId,
        rev,
        digest: item.digest,
        deleted: item.deleted,
        updatedAt: item.updatedAt,
      };
      pushed++;
    }
    rejected += answer.rejected.length;
    if (answer.accepted.length) state.lastPushAt = Date.now();
  }
  return { pulled: pulled.length, applied: applied.applied.length, pushed, rejected, failures: applied.failures };
}
