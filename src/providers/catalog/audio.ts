// Catalog entries for speech-to-text providers (Deepgram, AssemblyAI); they serve no chat endpoint.
import type { ProviderSpec } from "../types.ts";

export const AUDIO_PROVIDERS: ProviderSpec[] = [
  {
    id: "deepgram",
    alias: "deepgram",
    name: "Deepgram",
    // Placeholder: chat is not served. Transcription is `POST <base>/v1/listen?model=...`.
    format: "openai-chat",
    authType: "api-key",
    // Placeholder too: Deepgram expects `Authorization: Token <key>`, which AuthHeader cannot say yet;
    // the transcription adapter must set it.
    authHeader: "bearer",
    baseUrl: "https://api.deepgram.com",
    tier: "api-key",
    docsUrl: "https://console.deepgram.com",
    models: [
      { id: "nova-3", name: "Nova-3", type: "audio" },
      { id: "nova-2", name: "Nova-2", type: "audio" },
    ],
  },
  {
    id: "assemblyai",
    alias: "assemblyai",
    name: "AssemblyAI",
    // Placeholder: chat is not served. Transcription is upload + `POST <base>/v2/transcript` + polling.
    format: "openai-chat",
    authType: "api-key",
    // Placeholder too: AssemblyAI expects the bare key in `Authorization` (no scheme); the adapter must set it.
    authHeader: "bearer",
    baseUrl: "https://api.assemblyai.com",
    tier: "api-key",
    docsUrl: "https://www.assemblyai.com/dashboard",
    models: [
      // `universal` is the documented `speech_model` value for the default pre-recorded model;
      // the newer ids go in `speech_models` (unverified which the account accepts).
      { id: "universal", name: "Universal", type: "audio" },
      { id: "universal-3-pro", name: "Universal-3 Pro", type: "audio" },
      { id: "universal-2", name: "Universal-2", type: "audio" },
      { id: "slam-1", name: "Slam-1", type: "audio" },
    ],
  },
];
