// What one built-in provider brings: its catalog entries (with prices), and the code data cannot say (adapter, login).
import type { ProviderAdapter } from "./adapters/types.ts";
import type { OAuthFlow } from "./oauth/types.ts";
import type { CatalogEntry } from "./types.ts";

/**
 * A provider with code exports one from its folder's index.ts (src/providers/<name>/); a group of pure-data
 * providers (an OpenAI-compatible API is one catalog entry) is one too, without adapter or login.
 * src/providers/builtin.ts lists them all; the catalog, the adapters and the login flows are read from that list.
 */
export interface ProviderModule<A extends ProviderAdapter = ProviderAdapter> {
  entries: readonly CatalogEntry[];
  /** Makes the adapter of its entries, once per gateway: whatever state it keeps is that gateway's alone. */
  createAdapter?: () => A;
  /** How an account logs in (OAuth); its `provider` is the id of one of the entries. */
  flow?: OAuthFlow;
}
