// Catalog entries for speech-to-text providers (Deepgram, AssemblyAI); they serve no chat endpoint.
// They bill per minute of audio, not per token: per-1M-token prices are meaningless for transcription, so these
// stay 0 until audio is priced per minute.
import { ZERO_PRICE } from "../price.ts";
import type { CatalogEntry } from "../types.ts";

export const AUDIO_PROVIDERS: CatalogEntry[] = [
  {
    id: "deepgram",
    alias: "deepgram",
    name: "Deepgram",
    // Placeholder: chat is not served. Transcription is `POST <base>/v1/listen?model=...` (src/providers/audio/deepgram.ts).
    format: "openai-chat",
    authType: "api-key",
    // `Authorization: Token <key>`.
    authHeader: "token",
    baseUrl: "https://api.deepgram.com",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://console.deepgram.com",
    media: { embeddings: "none", images: "none", transcription: "deepgram" },
    models: [
      { id: "nova-3", name: "Nova-3", type: "audio", price: ZERO_PRICE },
      { id: "nova-2", name: "Nova-2", type: "audio", price: ZERO_PRICE },
    ],
  },
  {
    id: "assemblyai",
    alias: "assemblyai",
    name: "AssemblyAI",
    // Placeholder: chat is not served. Transcription is upload + `POST <base>/v2/transcript` + polling
    // (src/providers/audio/assemblyai.ts).
    format: "openai-chat",
    authType: "api-key",
    // The bare key in `Authorization`, no scheme.
    authHeader: "raw",
    baseUrl: "https://api.assemblyai.com",
    tier: "api-key",
    billing: "metered",
    docsUrl: "https://www.assemblyai.com/dashboard",
    media: { embeddings: "none", images: "none", transcription: "assemblyai" },
    models: [
      // Sent as `speech_models: [<id>]`, the current form of the field (the older single `speech_model` is not used).
      // `universal` and `slam-1` are older ids: unverified that `speech_models` still accepts them.
      { id: "universal", name: "Universal", type: "audio", price: ZERO_PRICE },
      { id: "universal-3-pro", name: "Universal-3 Pro", type: "audio", price: ZERO_PRICE },
      { id: "universal-2", name: "Universal-2", type: "audio", price: ZERO_PRICE },
      { id: "slam-1", name: "Slam-1", type: "audio", price: ZERO_PRICE },
    ],
  },
];
