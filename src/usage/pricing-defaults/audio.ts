// Default pricing for speech-to-text providers (Deepgram, AssemblyAI): billed per minute of audio, not per token.
import { ZERO_PRICE, type ProviderPricing } from "./types.ts";

// Per-1M-token prices are meaningless for transcription; these stay 0 until audio is priced per minute.
export const AUDIO_PRICING: Record<string, ProviderPricing> = {
  deepgram: {
    billing: "metered",
    models: {
      "nova-3": ZERO_PRICE,
      "nova-2": ZERO_PRICE,
    },
  },
  assemblyai: {
    billing: "metered",
    models: {
      "universal": ZERO_PRICE,
      "universal-3-pro": ZERO_PRICE,
      "universal-2": ZERO_PRICE,
      "slam-1": ZERO_PRICE,
    },
  },
};
