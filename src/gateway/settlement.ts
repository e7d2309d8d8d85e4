// "The request is over": the one place that frees the account's slot, writes the usage row, settles the budget
// reservation once that row is committed and tells the layers around the pipeline (cache, idempotency). Whatever path a
// request takes, once.
import { GatewayError } from "../canonical/errors.ts";
import type { FinishReason, Usage } from "../canonical/usage.ts";
import type { AccountSlot } from "../accounts/limits.ts";
import { NO_RESERVATION, type Reservation } from "../usage/budgets.ts";
import type { UsageRecorder } from "../usage/recorder.ts";
import type { Candidate } from "./candidates.ts";
import { NO_OBSERVER, type RequestWatch } from "./observer.ts";

/** How a request ended, as its usage row tells it. */
export interface Outcome {
  status: number;
  errorClass?: string;
  usage?: Partial<Usage>;
  /** ms from the request's arrival to the first byte of the answer. */
  ttftMs?: number;
  /** Why the answer ended, where the gateway decoded it (translated answers; the fast path never decodes one). */
  finishReason?: FinishReason;
}

/** What every row of one request shares, known when it arrives. */
export interface RequestRow {
  requestId: string;
  keyId: string | null;
  endpoint: string;
  modelRequested: string;
  stream: boolean;
  /** Wall-clock time of arrival. */
  receivedAt: number;
  /** performance.now() at arrival, for the latency. */
  startedAt: number;
}

export class Settlement {
  /** Upstream calls made so far (the row's attempt number). */
  calls = 0;
  /** The candidate called last: the row names its provider, account and model. */
  candidate: Candidate | undefined;
  /** The provider the request was last refused by, when no candidate was called. */
  provider: string | undefined;
  private reservation: Reservation | undefined;
  private readonly onFinish: Array<() => void> = [];
  private slot: AccountSlot | undefined;
  private done = false;

  constructor(
    private readonly usage: Pick<UsageRecorder, "record" | "written">,
    private readonly row: RequestRow,
    private readonly onComplete?: (status: number) => void,
    /** Whoever watches the request (traces): told how it ended, once. */
    private readonly watch: RequestWatch = NO_OBSERVER.request({ ...row, model: row.modelRequested }),
  ) {}

  get finished(): boolean {
    return this.done;
  }

  /** ms since the request arrived. */
  elapsedMs(): number {
    return performance.now() - this.row.startedAt;
  }

  /** The budget reservation this request holds until it is over (and its row committed). */
  holdReservation(reservation: Reservation): void {
    if (reservation !== NO_RESERVATION) this.reservation = reservation;
  }

  /** A call starts on `candidate`, holding `slot` until it fails or the request is over. */
  calling(candidate: Candidate, slot: AccountSlot): void {
    this.calls++;
    this.candidate = candidate;
    this.slot = slot;
  }

  /** Run `fn` once the request is over (after its row is recorded). */
  whenFinished(fn: () => void): void {
    if (this.done) fn();
    else this.onFinish.push(fn);
  }

  /** The call failed and the request goes on: its slot is free for others now. */
  releaseSlot(): void {
    this.slot?.release();
    this.slot = undefined;
  }

  /** Settle everything, once; later calls are ignored (a stream's end and an error racing it, say). */
  finish(outcome: Outcome): void {
    if (this.done) return;
    this.done = true;
    this.releaseSlot();
    const c = this.candidate;
    const cost = this.usage.record({
      requestId: this.row.requestId,
      keyId: this.row.keyId,
      endpoint: this.row.endpoint,
      modelRequested: this.row.modelRequested,
      stream: this.row.stream,
      startedAt: this.row.receivedAt,
      latencyMs: this.elapsedMs(),
      attempt: Math.max(1, this.calls),
      provider: c?.target.provider.id ?? this.provider,
      connectionId: c?.account.id,
      modelServed: c?.target.model,
      combo: c?.target.combo,
      ...outcome,
    });
    // The spend is counted here at once; the hold is given back once the row is in the tables, so an instance that
    // reads them (PostgreSQL) never sees the call neither held nor spent.
    const reservation = this.reservation;
    this.reservation = undefined;
    if (reservation && cost > 0) void this.usage.written().then(() => reservation.settle());
    else reservation?.release();
    this.onComplete?.(outcome.status);
    this.watch.end(outcome, c, this.calls);
    for (const fn of this.onFinish) fn();
  }
}

/** The row an error ends a request with: its status and class, a client that left as 499. */
export function errorOutcome(err: unknown, signal?: AbortSignal): Outcome {
  if (signal?.aborted && !(err instanceof GatewayError)) return { status: 499, errorClass: "client_closed" };
  if (err instanceof GatewayError) return { status: err.status, errorClass: err.code ?? err.kind };
  return { status: 500, errorClass: "internal" };
}
