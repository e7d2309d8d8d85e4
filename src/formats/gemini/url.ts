// The Gemini upstream URL: {base}/v1beta/models/{model}:generateContent or :streamGenerateContent?alt=sse.

/**
 * Base as the @google/genai SDK takes it ("https://generativelanguage.googleapis.com"), with or without
 * a trailing slash. A base that already ends in an API version (/v1beta, /v1alpha, /v1) keeps it;
 * otherwise v1beta, the version that has every field this module sends (thinkingConfig,
 * parametersJsonSchema, responseJsonSchema).
 */
export function geminiUpstreamUrl(baseUrl: string, model: string, stream: boolean): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  const base = /\/v1(alpha|beta)?$/.test(trimmed) ? trimmed : `${trimmed}/v1beta`;
  // Each segment is escaped but slashes stay, as @google/genai sends them (gateway ids like "provider/model").
  const id = model
    .replace(/^models\//, "")
    .split("/")
    .map(encodeURIComponent)
    .join("/");
  return `${base}/models/${id}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`;
}
