// The transcription adapter for each speech-to-text API a provider may serve.
import type { TranscriptionApi } from "../types.ts";
import { assemblyaiTranscription } from "./assemblyai.ts";
import { deepgramTranscription } from "./deepgram.ts";
import { openaiTranscription } from "./openai.ts";
import type { TranscriptionAdapter } from "./types.ts";

export const TRANSCRIPTION_ADAPTERS: Record<TranscriptionApi, TranscriptionAdapter> = {
  openai: openaiTranscription,
  deepgram: deepgramTranscription,
  assemblyai: assemblyaiTranscription,
};

export type { AudioFormat, Transcript, TranscriptionAdapter, TranscriptionAnswer, TranscriptionRequest } from "./types.ts";
