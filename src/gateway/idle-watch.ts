// An answer that goes silent after its headers is given up: one timer per answer, re-armed only when it fires early.

/** The upstream sent its headers, then nothing for too long. */
export class UpstreamIdleError extends Error {
  override name = "UpstreamIdleError";
  constructor(readonly idleMs: number) {
    super(`the upstream sent nothing for ${Math.round(idleMs / 1000)} s`);
  }
}

export interface IdleWatch {
  /** Something arrived: the silence starts again now. */
  touch(): void;
  stop(): void;
}

/**
 * Calls `onIdle` once nothing has been `touch`ed for `idleMs`. A touch only notes the time (no timer per chunk);
 * the one timer, when it fires early, re-arms for what is left of the quiet period.
 */
export function watchIdle(idleMs: number, onIdle: () => void): IdleWatch {
  let last = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const quiet = performance.now() - last;
    if (quiet >= idleMs) {
      timer = undefined;
      onIdle();
    } else {
      timer = setTimeout(check, idleMs - quiet);
    }
  };
  timer = setTimeout(check, idleMs);
  return {
    touch() {
      last = performance.now();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
