// Fake speech-to-text upstreams on real ports in their own wire formats: Deepgram's /v1/listen, AssemblyAI's upload+poll.
import { startMediaFake, type MediaFake, type MediaScenarioSource } from "./media-fake.ts";

/** What both fakes "hear": two sentences, with word times in seconds. */
export const SPOKEN = [
  { word: "hello", punctuated: "Hello", start: 0.1, end: 0.4 },
  { word: "world", punctuated: "world.", start: 0.5, end: 0.9 },
  { word: "this", punctuated: "This", start: 2.2, end: 2.4 },
  { word: "is", punctuated: "is", start: 2.45, end: 2.55 },
  { word: "a", punctuated: "a", start: 2.6, end: 2.65 },
  { word: "test", punctuated: "test.", start: 2.7, end: 3.1 },
];
export const SPOKEN_TEXT = "Hello world. This is a test.";

export function startDeepgramUpstream(initial: MediaScenarioSource = { kind: "ok" }): MediaFake {
  const error = (status: number, message: string, headers?: Record<string, string>) =>
    Response.json(
      {
        err_code: status === 401 ? "INVALID_AUTH" : status === 429 ? "TOO_MANY_REQUESTS" : "Bad Request",
        err_msg: message,
        request_id: crypto.randomUUID(),
      },
      { status, headers },
    );
  return startMediaFake((scenario, req) => {
    const url = new URL(req.path, "http://fake");
    if (req.method !== "POST" || url.pathname !== "/v1/listen") return error(404, `Not found: ${url.pathname}`);
    if (!/^Token \S+$/.test(req.headers.authorization ?? "")) return error(401, "Invalid credentials.");
    if (scenario.kind === "error") return error(scenario.status, scenario.message, scenario.headers);
    if (!req.headers["content-type"]?.startsWith("audio/") || req.bytes.length === 0)
      return error(400, "Bad Request: failed to process audio: corrupt or unsupported data");
    const words = SPOKEN.map((w) => ({ word: w.word, start: w.start, end: w.end, confidence: 0.99, punctuated_word: w.punctuated }));
    const utterances =
      url.searchParams.get("utterances") === "true"
        ? [
            {
              start: 0.1,
              end: 0.9,
              confidence: 0.99,
              channel: 0,
              transcript: "Hello world.",
              words: words.slice(0, 2),
              id: crypto.randomUUID(),
            },
            {
              start: 2.2,
              end: 3.1,
              confidence: 0.99,
              channel: 0,
              transcript: "This is a test.",
              words: words.slice(2),
              id: crypto.randomUUID(),
            },
          ]
        : undefined;
    return Response.json({
      metadata: {
        transaction_key: "deprecated",
        request_id: crypto.randomUUID(),
        sha256: "0",
        created: new Date().toISOString(),
        duration: 3.5,
        channels: 1,
        models: [url.searchParams.get("model")],
      },
      results: {
        channels: [
          {
            alternatives: [{ transcript: SPOKEN_TEXT, confidence: 0.99, words }],
            ...(url.searchParams.get("detect_language") === "true" ? { detected_language: "en", language_confidence: 0.98 } : {}),
          },
        ],
        ...(utterances ? { utterances } : {}),
      },
    });
  }, initial);
}

export interface AssemblyFake extends MediaFake {
  /** Polls that answer "processing" before the transcript completes. */
  pollsBeforeDone: number;
  /** When set, transcripts end in `status: "error"` with this message. */
  jobError?: string;
  /** Transcripts created, by id, with the params they were created with and how often they were polled. */
  transcripts: Map<string, { params: any; polls: number }>;
}

export function startAssemblyAIUpstream(initial: MediaScenarioSource = { kind: "ok" }): AssemblyFake {
  const error = (status: number, message: string, headers?: Record<string, string>) =>
    Response.json({ error: message }, { status, headers });
  const transcripts = new Map<string, { params: any; polls: number }>();
  const uploads = new Set<string>();
  const fake = startMediaFake((scenario, req, self) => {
    if (!req.headers.authorization || req.headers.authorization.includes(" ")) return error(401, "Invalid API key");
    if (scenario.kind === "error") return error(scenario.status, scenario.message, scenario.headers);
    if (req.method === "POST" && req.path === "/v2/upload") {
      if (req.bytes.length === 0) return error(400, "Upload is empty");
      const id = crypto.randomUUID();
      uploads.add(id);
      return Response.json({ upload_url: `${self.url}/uploads/${id}` });
    }
    if (req.method === "POST" && req.path === "/v2/transcript") {
      const params = req.body ?? {};
      if (!uploads.has(String(params.audio_url).split("/").pop()!)) return error(400, "Download error, unable to download the audio_url");
      const id = crypto.randomUUID();
      transcripts.set(id, { params, polls: 0 });
      return Response.json({ id, status: "queued", audio_url: params.audio_url, speech_models: params.speech_models });
    }
    const poll = /^\/v2\/transcript\/([^/]+)$/.exec(req.path);
    if (req.method === "GET" && poll) {
      const job = transcripts.get(poll[1]!);
      if (!job) return error(404, "Transcript not found");
      job.polls++;
      if (job.polls <= assembly.pollsBeforeDone) return Response.json({ id: poll[1], status: "processing" });
      if (assembly.jobError) return Response.json({ id: poll[1], status: "error", error: assembly.jobError });
      return Response.json({
        id: poll[1],
        status: "completed",
        text: SPOKEN_TEXT,
        language_code: job.params.language_code ?? "en_us",
        audio_duration: 3.5,
        words: SPOKEN.map((w) => ({
          text: w.punctuated,
          start: Math.round(w.start * 1000),
          end: Math.round(w.end * 1000),
          confidence: 0.98,
          speaker: null,
        })),
        speech_models: job.params.speech_models,
      });
    }
    return error(404, `Not found: ${req.method} ${req.path}`);
  }, initial);
  const assembly: AssemblyFake = Object.assign(fake, { pollsBeforeDone: 0, transcripts });
  return assembly;
}
