// Deepgram pre-recorded transcription: POST {base}/v1/listen?model=... with the raw audio, `Authorization: Token <key>`.
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import { badAnswer, isRecord, readJson, sendUpstream } from "../media-call.ts";
import type { TimedSegment, TimedWord, TranscriptionAdapter } from "./types.ts";

function listenUrl(base: string, model: string, language: string | undefined): string {
  const root = base.endsWith("/v1") ? base : `${base}/v1`;
  const query = new URLSearchParams({ model, smart_format: "true", utterances: "true" });
  // Without a language Deepgram assumes English; OpenAI's endpoint detects it, so ask Deepgram to as well.
  if (language) query.set("language", language);
  else query.set("detect_language", "true");
  return `${root}/listen?${query}`;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function wordsOf(raw: unknown): TimedWord[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((w): TimedWord[] => {
    if (!isRecord(w)) return [];
    const word = typeof w.punctuated_word === "string" ? w.punctuated_word : typeof w.word === "string" ? w.word : undefined;
    const start = num(w.start);
    const end = num(w.end);
    return word !== undefined && start !== undefined && end !== undefined ? [{ word, start, end }] : [];
  });
}

function utterancesOf(raw: unknown): TimedSegment[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.flatMap((u): TimedSegment[] => {
    if (!isRecord(u) || typeof u.transcript !== "string") return [];
    const start = num(u.start);
    const end = num(u.end);
    return start !== undefined && end !== undefined ? [{ text: u.transcript, start, end }] : [];
  });
}

export const deepgramTranscription: TranscriptionAdapter = {
  async transcribe(req, up) {
    const sent = await sendUpstream(
      listenUrl(accountBaseUrl(up.spec, up.account), up.model, req.language),
      {
        method: "POST",
        headers: { "content-type": req.mimeType, accept: "application/json", ...credentialHeaders(up.spec, up.account) },
        body: req.audio,
      },
      up,
    );
    if (!sent.ok) return sent;
    const read = await readJson(sent.response, up.spec.name, up.signal);
    if (!read.ok) return read;
    const body = read.body;
    const results = isRecord(body) && isRecord(body.results) ? body.results : undefined;
    const channel = results && Array.isArray(results.channels) && isRecord(results.channels[0]) ? results.channels[0] : undefined;
    const best = channel && Array.isArray(channel.alternatives) && isRecord(channel.alternatives[0]) ? channel.alternatives[0] : undefined;
    if (!channel || !best || typeof best.transcript !== "string")
      return { ok: false, failure: badAnswer(up.spec.name, "without results.channels[0].alternatives[0].transcript") };
    const metadata = isRecord(body) && isRecord(body.metadata) ? body.metadata : {};
    const language = typeof channel.detected_language === "string" ? channel.detected_language : req.language;
    // Deepgram has no free-text prompt (its `keyterm` is a list of terms) and no sampling temperature.
    const dropped = [req.prompt !== undefined && "prompt", req.temperature !== undefined && "temperature"].filter(
      (d): d is string => typeof d === "string",
    );
    return {
      ok: true,
      answer: {
        kind: "transcript",
        transcript: {
          text: best.transcript,
          language,
          duration: num(metadata.duration),
          words: wordsOf(best.words),
          segments: utterancesOf(results?.utterances),
        },
        dropped,
      },
    };
  },
};
