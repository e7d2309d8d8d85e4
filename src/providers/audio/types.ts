// What a transcription adapter takes and gives: the client's audio and options, and a timed transcript or a pass-through body.
import type { AdapterResult, MediaUpstream } from "../media-call.ts";

/** The audio containers the endpoint accepts. */
export type AudioFormat = "mp3" | "wav" | "m4a" | "flac" | "ogg" | "webm";

export interface TranscriptionRequest {
  audio: Uint8Array<ArrayBuffer>;
  filename: string;
  format: AudioFormat;
  /** The MIME type of `format`, as upstreams that take raw audio want it in Content-Type. */
  mimeType: string;
  /** ISO-639-1 language of the audio, when the client knows it. */
  language?: string;
  prompt?: string;
  temperature?: number;
  responseFormat: "json" | "text" | "srt" | "verbose_json" | "vtt";
  /** The client's form as sent, for OpenAI-compatible upstreams (the model field is replaced). */
  form: FormData;
}

/** A word with its time in the audio, in seconds. */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
}

/** A stretch of speech with its time in the audio, in seconds (a subtitle cue, a verbose_json segment). */
export interface TimedSegment {
  text: string;
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  /** The language spoken, as the provider names it (an ISO code for Deepgram and AssemblyAI). */
  language?: string;
  /** Length of the audio in seconds. */
  duration?: number;
  words: TimedWord[];
  /** The provider's own segmentation (Deepgram utterances), when it gave one; else built from the words. */
  segments?: TimedSegment[];
}

export type TranscriptionAnswer =
  /** The upstream's answer in the format the client asked for, kept as it came. */
  | { kind: "openai"; body: string; contentType: string }
  /** A timed transcript from another API, rendered by the endpoint in the format the client asked for. */
  | { kind: "transcript"; transcript: Transcript; dropped: string[] };

export interface TranscriptionAdapter {
  transcribe(req: TranscriptionRequest, upstream: MediaUpstream): Promise<AdapterResult<TranscriptionAnswer>>;
}
