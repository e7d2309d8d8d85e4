// PKCE (RFC 7636, S256) and the parsing of what a user pastes back after approving a login in the browser.

/** `bytes` random bytes as base64url without padding (a PKCE verifier or an OAuth state). */
export function randomUrlSafe(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

/** BASE64URL(SHA256(verifier)), the `code_challenge` for `code_challenge_method=S256`. */
export function challengeOf(verifier: string): string {
  return new Bun.CryptoHasher("sha256").update(verifier).digest("base64url");
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomUrlSafe(32);
  return { verifier, challenge: challengeOf(verifier) };
}

/**
 * A pasted authorization result: the full redirect URL (`...?code=..&state=..`), a query string, Anthropic's
 * `code#state` form, or the bare code. `error` is the provider's refusal when the URL carries one.
 */
export function parsePastedCode(input: string): { code?: string; state?: string; error?: string } {
  const value = input.trim();
  if (!value) return {};
  // http(s), and the custom schemes some providers redirect to (Kiro's kiro://…).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      const params =
        url.searchParams.has("code") || url.searchParams.has("error") ? url.searchParams : new URLSearchParams(url.hash.slice(1));
      return fromParams(params);
    } catch {
      return {};
    }
  }
  if (/(^|[?&])(code|error)=/.test(value)) return fromParams(new URLSearchParams(value.replace(/^\?/, "")));
  const hash = value.indexOf("#");
  if (hash >= 0) return { code: value.slice(0, hash) || undefined, state: value.slice(hash + 1) || undefined };
  return { code: value };
}

function fromParams(params: URLSearchParams): { code?: string; state?: string; error?: string } {
  const error = params.get("error");
  const description = params.get("error_description");
  return {
    code: params.get("code") ?? undefined,
    state: params.get("state") ?? undefined,
    ...(error ? { error: description ? `${error}: ${description}` : error } : {}),
  };
}
