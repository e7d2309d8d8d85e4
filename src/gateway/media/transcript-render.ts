// A timed transcript in OpenAI's transcription response formats: json, text, srt, verbose_json, vtt.
import { assertNever } from "../../canonical/response.ts";
import { segmentsFromWords } from "../../providers/audio/cues.ts";
import type { TimedSegment, Transcript, TranscriptionRequest } from "../../providers/audio/types.ts";

const TEXT = "text/plain; charset=utf-8";

/** The provider's segments, else cues built from its word timings, else one cue over the whole audio. */
function segmentsOf(t: Transcript): TimedSegment[] {
  if (t.segments?.length) return t.segments;
  if (t.words.length) return segmentsFromWords(t.words);
  return t.text ? [{ text: t.text, start: 0, end: t.duration ?? 0 }] : [];
}

/** 3723.5 -> "01:02:03,500" (SRT) or "01:02:03.500" (WebVTT). */
export function timestamp(seconds: number, separator: "," | "."): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

export function toSrt(t: Transcript): string {
  return segmentsOf(t)
    .map((s, i) => `${i + 1}\n${timestamp(s.start, ",")} --> ${timestamp(s.end, ",")}\n${s.text.trim()}\n\n`)
    .join("");
}

export function toVtt(t: Transcript): string {
  return `WEBVTT\n\n${segmentsOf(t)
    .map((s) => `${timestamp(s.start, ".")} --> ${timestamp(s.end, ".")}\n${s.text.trim()}\n\n`)
    .join("")}`;
}

/** OpenAI bills transcription by the second and says so in `usage`. */
function usageOf(t: Transcript) {
  return t.duration === undefined ? {} : { usage: { type: "duration", seconds: Math.ceil(t.duration) } };
}

/**
 * verbose_json as OpenAI's Whisper answers it. The fields only Whisper computes (token ids, avg_logprob,
 * compression_ratio, no_speech_prob, temperature) are not given by other providers and are sent as 0 / [].
 */
export function toVerboseJson(t: Transcript, words: boolean) {
  return {
    task: "transcribe",
    language: t.language ?? "",
    duration: t.duration ?? segmentsOf(t).at(-1)?.end ?? 0,
    text: t.text,
    segments: segmentsOf(t).map((s, id) => ({
      id,
      seek: 0,
      start: s.start,
      end: s.end,
      text: s.text,
      tokens: [],
      temperature: 0,
      avg_logprob: 0,
      compression_ratio: 0,
      no_speech_prob: 0,
    })),
    ...(words ? { words: t.words.map((w) => ({ word: w.word, start: w.start, end: w.end })) } : {}),
    ...usageOf(t),
  };
}

export function renderTranscript(t: Transcript, format: TranscriptionRequest["responseFormat"], words: boolean): Response {
  switch (format) {
    case "json":
      return Response.json({ text: t.text, ...usageOf(t) });
    case "verbose_json":
      return Response.json(toVerboseJson(t, words));
    case "text":
      return new Response(`${t.text}\n`, { headers: { "content-type": TEXT } });
    case "srt":
      return new Response(toSrt(t), { headers: { "content-type": TEXT } });
    case "vtt":
      return new Response(toVtt(t), { headers: { "content-type": TEXT } });
    default:
      return assertNever(format, "transcription response format");
  }
}
