// What a provider is, as data: the catalog and custom provider nodes both produce ProviderSpec.
import type { FormatId } from "../formats/types.ts";
import type { Billing, ModelPrice } from "./price.ts";

export type ModelType = "chat" | "embedding" | "image" | "audio";

export interface CatalogModel {
  id: string;
  name: string;
  type: ModelType;
  /**
   * false: the model cannot think and its API refuses reasoning parameters (e.g. OpenAI's 400 on
   * `reasoning_effort` for gpt-4o), so a translated request's reasoning settings are left out and reported.
   * Unset: unknown, passed on.
   */
  reasoning?: false;
  /**
   * The most output tokens the model can write (its documented limit). A translated stream whose client set
   * none (Codex, Gemini CLI) asks for this much, so a long answer is not cut at a guessed default. Unset: unknown.
   */
  maxOutputTokens?: number;
  /**
   * Other names users call this model by (the user guide's `gc/gemini-3-flash` for Google's
   * `gemini-3-flash-preview`): routed to this id, and shown under it in usage and prices.
   */
  aliases?: string[];
  /** USD per 1M tokens: set on every built-in model (see PricedModel), never on a custom node's. */
  price?: ModelPrice;
}

/** A built-in model: its price sits beside it, so a model added without one does not compile. */
export interface PricedModel extends CatalogModel {
  price: ModelPrice;
}

/**
 * How the credential travels: `Authorization: Bearer <key>`, Anthropic's `x-api-key`, Google's `x-goog-api-key`,
 * Deepgram's `Authorization: Token <key>` ("token"), or the bare key in `Authorization` as AssemblyAI takes it ("raw").
 */
export type AuthHeader = "bearer" | "x-api-key" | "x-goog-api-key" | "token" | "raw";

/** The API a provider serves embeddings with: OpenAI's `/embeddings`, or Gemini's `:batchEmbedContents`. */
export type EmbeddingsApi = "openai" | "gemini";
/** The API a provider serves image generation with: OpenAI's `/images/generations`, or Fireworks' FLUX workflows. */
export type ImagesApi = "openai" | "fireworks";
/** The API a provider serves speech-to-text with: OpenAI's `/audio/transcriptions`, Deepgram's `/v1/listen`, AssemblyAI's upload + poll. */
export type TranscriptionApi = "openai" | "deepgram" | "assemblyai";

/** The non-chat APIs a provider serves, where its chat format does not say it ("none": not served). */
export interface MediaApis {
  embeddings?: EmbeddingsApi | "none";
  images?: ImagesApi | "none";
  transcription?: TranscriptionApi | "none";
}

export type AuthType = "api-key" | "oauth" | "none";

/** The groups the user guide shows providers in. */
export type ProviderTier = "subscription" | "api-key" | "cheap" | "free";

export interface ProviderSpec {
  /** Stable id (`deepseek`, `claude`), accepted wherever a provider is named. */
  id: string;
  /** The model-name prefix (`ds`, `cc`), also accepted wherever a provider is named. */
  alias: string;
  name: string;
  /** The wire format of its chat endpoint. */
  format: FormatId;
  authType: AuthType;
  authHeader: AuthHeader;
  /** Base URL as the format's official SDK takes it (OpenAI: ends in /v1 or the provider's equivalent). */
  baseUrl: string;
  tier: ProviderTier;
  /** Extra headers every upstream call carries (e.g. `anthropic-version`). */
  headers?: Record<string, string>;
  models: CatalogModel[];
  /** Where the user gets a key or signs up. */
  docsUrl?: string;
  /** Non-chat APIs that differ from what `format` implies (see src/providers/media.ts). */
  media?: MediaApis;
  /** How it bills: set on every built-in provider (see CatalogEntry), never on a custom node. */
  billing?: Billing;
}

/**
 * A built-in provider: how it bills and every model's price are part of its entry (the default price table,
 * src/usage/pricing-defaults.ts, is read from them). Custom provider nodes are plain ProviderSpecs without prices.
 */
export interface CatalogEntry extends ProviderSpec {
  billing: Billing;
  models: PricedModel[];
}
