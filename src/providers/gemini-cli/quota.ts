// Gemini CLI quota: the free tier's daily and monthly request windows (counted locally), and Code Assist's 429s read.
//
// Numbers: gemini-cli docs/resources/quota-and-pricing.md, "Google account / Gemini Code Assist (Individual):
// 1,000 requests per user per day" (plus 60 per minute); the monthly 180K is the user guide's figure (Google
// announced "180,000 code completions per month" for Code Assist for individuals; no chat-request monthly
// limit is documented). Code Assist has no usage headers, so both windows are counted per account here.
//
// A 429 is read as gemini-cli's packages/core/src/utils/googleQuotaErrors.ts (classifyGoogleError) reads it:
// google.rpc.ErrorInfo reason QUOTA_EXHAUSTED from cloudcode-pa.googleapis.com, or a QuotaFailure violation
// whose quotaId names a day (PerDay / Daily), is the daily quota used up (terminal); RATE_LIMIT_EXCEEDED and
// per-minute ids are short rate limits; google.rpc.RetryInfo.retryDelay ("34.07s", "900ms") says how long.
import { declareLocalQuota, localWindowEnd, type QuotaWindow } from "../../accounts/quota.ts";
import { GEMINI_CLI_PROVIDER } from "./google-oauth.ts";

export const GEMINI_CLI_DAILY_REQUESTS = 1_000;
export const GEMINI_CLI_MONTHLY_REQUESTS = 180_000;

declareLocalQuota(GEMINI_CLI_PROVIDER, [
  { name: "daily", limit: GEMINI_CLI_DAILY_REQUESTS, unit: "requests" },
  { name: "monthly", limit: GEMINI_CLI_MONTHLY_REQUESTS, unit: "requests" },
]);

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
const QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure";

interface Detail {
  "@type"?: unknown;
  reason?: unknown;
  retryDelay?: unknown;
  violations?: { quotaId?: unknown }[];
}

export interface QuotaVerdict {
  /** Seconds the upstream asked to wait (RetryInfo), when it said. */
  retryAfterSeconds?: number;
  /** The daily window is used up: set for a terminal quota error. */
  daily?: QuotaWindow;
}

function seconds(duration: unknown): number | undefined {
  if (typeof duration !== "string") return undefined;
  const ms = /^([0-9.]+)ms$/.exec(duration);
  if (ms) return Number(ms[1]) / 1000;
  const s = /^([0-9.]+)s$/.exec(duration);
  return s ? Number(s[1]) : undefined;
}

/** What a Code Assist 429 body says: how long to wait, and whether the day's quota is gone. */
export function readQuotaError(body: string, now = Date.now()): QuotaVerdict {
  let details: Detail[] = [];
  try {
    const parsed = JSON.parse(body) as unknown;
    const root = Array.isArray(parsed) ? parsed[0] : parsed;
    const list = (root as { error?: { details?: unknown } } | null)?.error?.details;
    if (Array.isArray(list)) details = list.filter((d): d is Detail => typeof d === "object" && d !== null);
  } catch {
    return {};
  }
  const retry = details.find((d) => d["@type"] === RETRY_INFO);
  const info = details.find((d) => d["@type"] === ERROR_INFO);
  const failure = details.find((d) => d["@type"] === QUOTA_FAILURE);
  const retryAfterSeconds = seconds(retry?.retryDelay);
  const perDay = (failure?.violations ?? []).some((v) => typeof v.quotaId === "string" && /PerDay|Daily/.test(v.quotaId));
  const terminal = perDay || info?.reason === "QUOTA_EXHAUSTED";
  if (!terminal) return retryAfterSeconds !== undefined ? { retryAfterSeconds } : {};
  const resetsAt = retryAfterSeconds !== undefined ? now + Math.ceil(retryAfterSeconds * 1000) : localWindowEnd("daily", now);
  return {
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    daily: { name: "daily", unit: "requests", limit: GEMINI_CLI_DAILY_REQUESTS, exhausted: true, resetsAt },
  };
}
