// AssemblyAI transcription: upload the audio (POST /v2/upload), create a transcript (POST /v2/transcript), poll it until done.
import type { Failure } from "../../accounts/failure.ts";
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import { badAnswer, isRecord, readJson, sendUpstream, type MediaUpstream } from "../media-call.ts";
import type { TimedWord, Transcript, TranscriptionAdapter } from "./types.ts";

/** Polling: first look after this long, then each wait grows by half, up to the cap. */
export const POLL = { firstMs: 500, growth: 1.5, maxMs: 5_000 };
/** The models that take a free-text `prompt`. */
const PROMPTED_MODELS = new Set(["universal-3-pro"]);

type Step<T> = { ok: true; value: T } | { ok: false; failure: Failure };

function tooSlow(up: MediaUpstream, what: string): Failure {
  const s = up.timeoutMs < 10_000 ? (up.timeoutMs / 1000).toFixed(1) : String(Math.round(up.timeoutMs / 1000));
  return { kind: "timeout", status: 504, message: `${what} not done within ${s} s (the provider's timeout)` };
}

/** One JSON call; `deadline` bounds the whole job, not just this call. */
async function call(
  up: MediaUpstream,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: BodyInit },
  deadline: number,
): Promise<Step<Record<string, unknown>>> {
  const left = deadline - Date.now();
  if (left <= 0) return { ok: false, failure: tooSlow(up, "the transcript was") };
  const headers = { accept: "application/json", ...credentialHeaders(up.spec, up.account), ...init.headers };
  const sent = await sendUpstream(url, { ...init, headers }, { signal: up.signal, timeoutMs: left, fetch: up.fetch });
  if (!sent.ok) return sent;
  const read = await readJson(sent.response, up.spec.name, up.signal);
  if (!read.ok) return read;
  return isRecord(read.body)
    ? { ok: true, value: read.body }
    : { ok: false, failure: badAnswer(up.spec.name, "with a body that is not a JSON object") };
}

/** Waits `ms`, or throws as soon as the client leaves. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
  });
}

function transcriptOf(t: Record<string, unknown>, language: string | undefined): Transcript {
  const words = Array.isArray(t.words)
    ? t.words.flatMap((w): TimedWord[] =>
        isRecord(w) && typeof w.text === "string" && typeof w.start === "number" && typeof w.end === "number"
          ? [{ word: w.text, start: w.start / 1000, end: w.end / 1000 }] // milliseconds on the wire
          : [],
      )
    : [];
  return {
    text: typeof t.text === "string" ? t.text : "",
    language: typeof t.language_code === "string" ? t.language_code : language,
    duration: typeof t.audio_duration === "number" ? t.audio_duration : undefined,
    words,
  };
}

/** A transcript that ended in `status: "error"`: bad audio is the client's to fix; anything else may work elsewhere. */
function jobFailure(message: string): Failure {
  const server = /internal|server error|timed? ?out|unavailable|try again/i.test(message);
  return { kind: server ? "server" : "client", status: server ? 502 : 400, message: `the transcript failed: ${message}` };
}

export const assemblyaiTranscription: TranscriptionAdapter = {
  async transcribe(req, up) {
    const root = accountBaseUrl(up.spec, up.account).replace(/\/v2$/, "");
    const deadline = Date.now() + up.timeoutMs;

    const upload = await call(
      up,
      `${root}/v2/upload`,
      { method: "POST", headers: { "content-type": "application/octet-stream" }, body: req.audio },
      deadline,
    );
    if (!upload.ok) return upload;
    if (typeof upload.value.upload_url !== "string")
      return { ok: false, failure: badAnswer(up.spec.name, "to the upload without an `upload_url`") };

    const prompted = req.prompt !== undefined && PROMPTED_MODELS.has(up.model);
    const params = {
      audio_url: upload.value.upload_url,
      speech_models: [up.model],
      ...(req.language ? { language_code: req.language } : { language_detection: true }),
      punctuate: true,
      format_text: true,
      ...(prompted ? { prompt: req.prompt } : {}),
    };
    const created = await call(
      up,
      `${root}/v2/transcript`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) },
      deadline,
    );
    if (!created.ok) return created;
    const id = created.value.id;
    if (typeof id !== "string") return { ok: false, failure: badAnswer(up.spec.name, "to the new transcript without an `id`") };

    let state = created.value;
    let wait = POLL.firstMs;
    while (state.status !== "completed") {
      if (state.status === "error")
        return { ok: false, failure: jobFailure(typeof state.error === "string" ? state.error : "no reason given") };
      if (Date.now() + wait >= deadline) return { ok: false, failure: tooSlow(up, `transcript ${id} was`) };
      await pause(wait, up.signal);
      wait = Math.min(POLL.maxMs, wait * POLL.growth);
      const polled = await call(up, `${root}/v2/transcript/${encodeURIComponent(id)}`, { method: "GET" }, deadline);
      if (!polled.ok) return polled;
      state = polled.value;
    }
    const dropped = [req.prompt !== undefined && !prompted && "prompt", req.temperature !== undefined && "temperature"].filter(
      (d): d is string => typeof d === "string",
    );
    return { ok: true, answer: { kind: "transcript", transcript: transcriptOf(state, req.language), dropped } };
  },
};
