// What a provider is, as data: the catalog and custom provider nodes both produce ProviderSpec.
import type { FormatId } from "../formats/types.ts";

export type ModelType = "chat" | "embedding" | "image" | "audio";

export interface CatalogModel {
  id: string;
  name: string;
  type: ModelType;
}

/** How the credential travels: `Authorization: Bearer`, Anthropic's `x-api-key`, Google's `x-goog-api-key`. */
export type AuthHeader = "bearer" | "x-api-key" | "x-goog-api-key";

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
}
