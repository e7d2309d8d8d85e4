// POST /v1/audio/transcriptions end to end: the openai SDK with a WAV -> gateway -> fake Deepgram and AssemblyAI.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI, { toFile } from "openai";
import { POLL } from "../../src/providers/audio/assemblyai.ts";
import { SPOKEN_TEXT, startAssemblyAIUpstream, startDeepgramUpstream, type AssemblyFake } from "../fakes/audio-upstream.ts";
import type { MediaFake } from "../fakes/media-fake.ts";
import { startGateway, type TestGateway } from "../support/gateway.ts";
import { bearer, connect, lastRow, rows, sdk, wavFile } from "./media-support.ts";

let gw: TestGateway;
let deepgram: MediaFake;
let assembly: AssemblyFake;
let client: OpenAI;
const wav = wavFile();

beforeAll(async () => {
  gw = await startGateway();
  deepgram = startDeepgramUpstream();
  assembly = startAssemblyAIUpstream();
  await connect(gw, "deepgram", deepgram.url, "dg-a");
  await connect(gw, "assemblyai", assembly.url, "aai-key");
  client = await sdk(gw);
  // The real schedule starts at 500 ms and grows to 5 s; the fake answers at once.
  POLL.firstMs = 20;
  POLL.maxMs = 40;
});
afterAll(async () => {
  await gw.close();
  await Promise.all([deepgram.close(), assembly.close()]);
});
beforeEach(() => {
  gw.services.health.cooldowns.reset();
  gw.services.health.breakers.reset();
  for (const f of [deepgram, assembly]) {
    f.requests.length = 0;
    f.setScenario({ kind: "ok" });
  }
  assembly.pollsBeforeDone = 0;
  assembly.jobError = undefined;
  assembly.transcripts.clear();
});

const file = (name = "hello.wav", type = "audio/wav", bytes: Uint8Array<ArrayBuffer> = wav) => toFile(bytes, name, { type });

/** A raw multipart POST, for what the SDK will not send. */
async function postForm(fields: Record<string, string | Blob | [Blob, string]>, key?: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) form.append(k, v[0], v[1]);
    else form.append(k, v);
  }
  return fetch(`${gw.url}/v1/audio/transcriptions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key ?? (await gw.adminKey())}` },
    body: form,
  });
}

describe("Deepgram: POST /v1/listen with the raw audio", () => {
  test("json through the SDK: the text; Token auth, the audio's bytes and type, the model in the query; usage row", async () => {
    const res = await client.audio.transcriptions.create({ file: await file(), model: "deepgram/nova-3" });
    expect(res.text).toBe(SPOKEN_TEXT);
    expect(res.usage).toEqual({ type: "duration", seconds: 4 });
    const sent = deepgram.requests[0]!;
    const url = new URL(sent.path, "http://x");
    expect(url.pathname).toBe("/v1/listen");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      model: "nova-3",
      smart_format: "true",
      utterances: "true",
      detect_language: "true",
    });
    expect(sent.headers.authorization).toBe("Token dg-a");
    expect(sent.headers["content-type"]).toBe("audio/wav");
    expect(Buffer.from(sent.bytes).equals(Buffer.from(wav))).toBe(true);
    expect(await lastRow(gw)).toMatchObject({
      endpoint: "audio.transcriptions",
      provider: "deepgram",
      modelServed: "nova-3",
      status: 200,
      costUsd: 0,
    });
  });

  test("verbose_json: language, duration, segments from Deepgram's utterances, words when asked", async () => {
    const res = await client.audio.transcriptions.create({
      file: await file(),
      model: "deepgram/nova-3",
      response_format: "verbose_json",
      timestamp_granularities: ["word", "segment"],
      language: "en",
    });
    expect(res).toMatchObject({ task: "transcribe", language: "en", duration: 3.5, text: SPOKEN_TEXT });
    expect(res.segments!.map((s) => [s.id, s.start, s.end, s.text])).toEqual([
      [0, 0.1, 0.9, "Hello world."],
      [1, 2.2, 3.1, "This is a test."],
    ]);
    expect(res.words!.slice(0, 2)).toEqual([
      { word: "Hello", start: 0.1, end: 0.4 },
      { word: "world.", start: 0.5, end: 0.9 },
    ]);
    expect(new URL(deepgram.requests[0]!.path, "http://x").searchParams.get("language")).toBe("en");
  });

  test("srt and vtt cue timing comes from the provider's timestamps", async () => {
    const srt = await client.audio.transcriptions.create({ file: await file(), model: "deepgram/nova-3", response_format: "srt" });
    expect(srt).toBe("1\n00:00:00,100 --> 00:00:00,900\nHello world.\n\n2\n00:00:02,200 --> 00:00:03,100\nThis is a test.\n\n");
    const vtt = await client.audio.transcriptions.create({ file: await file(), model: "deepgram/nova-3", response_format: "vtt" });
    expect(vtt).toBe("WEBVTT\n\n00:00:00.100 --> 00:00:00.900\nHello world.\n\n00:00:02.200 --> 00:00:03.100\nThis is a test.\n\n");
  });

  test("prompt and temperature, which Deepgram cannot take, are reported dropped", async () => {
    const res = await postForm({
      file: [new Blob([wav], { type: "audio/wav" }), "a.wav"],
      model: "deepgram/nova-3",
      prompt: "names: Ada",
      temperature: "0.2",
      response_format: "text",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`${SPOKEN_TEXT}\n`);
    expect(res.headers.get("x-omniroute-dropped")).toBe("prompt,temperature");
  });

  test("a 429 on the first account fails over to the second", async () => {
    const second = await connect(gw, "deepgram", deepgram.url, "dg-b");
    try {
      deepgram.setScenario((req) =>
        bearer(req) === "dg-a"
          ? { kind: "error", status: 429, message: "Too many requests", headers: { "retry-after": "15" } }
          : { kind: "ok" },
      );
      const res = await client.audio.transcriptions.create({ file: await file(), model: "deepgram/nova-3" });
      expect(res.text).toBe(SPOKEN_TEXT);
      expect(deepgram.requests.map(bearer)).toEqual(["dg-a", "dg-b"]);
      expect(await lastRow(gw)).toMatchObject({ endpoint: "audio.transcriptions", attempt: 2, connectionId: second, status: 200 });
    } finally {
      await gw.api(`/api/providers/${second}`, { method: "DELETE" });
    }
  });

  test("a Deepgram 401 in its own error shape reaches the client with Deepgram's words", async () => {
    deepgram.setScenario({ kind: "error", status: 401, message: "Invalid credentials." });
    const err = await client.audio.transcriptions.create({ file: await file(), model: "deepgram/nova-3" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.message).toContain("Invalid credentials.");
  });
});

describe("AssemblyAI: upload, transcript, poll", () => {
  test("text through the SDK; raw-key auth; upload bytes, speech model and language as sent; polled until done", async () => {
    assembly.pollsBeforeDone = 2;
    const text = await client.audio.transcriptions.create({
      file: await file("talk.mp3", "audio/mpeg"),
      model: "assemblyai/universal",
      response_format: "text",
      language: "en",
    });
    expect(text).toBe(`${SPOKEN_TEXT}\n`);
    const [upload, create, ...polls] = assembly.requests;
    expect(upload).toMatchObject({ method: "POST", path: "/v2/upload" });
    expect(upload!.headers.authorization).toBe("aai-key");
    expect(Buffer.from(upload!.bytes).equals(Buffer.from(wav))).toBe(true);
    expect(create!.path).toBe("/v2/transcript");
    expect(create!.body).toEqual({
      audio_url: expect.stringContaining("/uploads/"),
      speech_models: ["universal"],
      language_code: "en",
      punctuate: true,
      format_text: true,
    });
    expect(polls.map((p) => p.method)).toEqual(["GET", "GET", "GET"]);
    expect(await lastRow(gw)).toMatchObject({
      endpoint: "audio.transcriptions",
      provider: "assemblyai",
      modelServed: "universal",
      status: 200,
    });
  });

  test("srt cues are built from the word timings (milliseconds on the wire); no language: detection is asked for", async () => {
    const srt = await client.audio.transcriptions.create({
      file: await file(),
      model: "assemblyai/universal-3-pro",
      response_format: "srt",
      prompt: "a greeting",
    });
    expect(srt).toBe("1\n00:00:00,100 --> 00:00:00,900\nHello world.\n\n2\n00:00:02,200 --> 00:00:03,100\nThis is a test.\n\n");
    expect(assembly.requests[1]!.body).toMatchObject({
      language_detection: true,
      prompt: "a greeting",
      speech_models: ["universal-3-pro"],
    });
    const verbose = await client.audio.transcriptions.create({
      file: await file(),
      model: "assemblyai/universal",
      response_format: "verbose_json",
    });
    expect(verbose).toMatchObject({ language: "en_us", duration: 3.5, text: SPOKEN_TEXT });
    expect(verbose.segments).toHaveLength(2);
    expect(verbose.words).toBeUndefined();
  });

  test("a transcript that ends in error is a 400 naming AssemblyAI's reason", async () => {
    assembly.jobError = "Transcoding failed. File does not appear to contain audio.";
    const res = await postForm({ file: [new Blob([wav], { type: "audio/wav" }), "a.wav"], model: "assemblyai/universal" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("File does not appear to contain audio");
  });

  test("a transcript not done within the profile's timeout is a 504 that names it", async () => {
    assembly.pollsBeforeDone = 1_000_000;
    await gw.api("/api/resilience", { method: "PATCH", body: { providers: { assemblyai: { timeoutMs: 300 } } } });
    try {
      const res = await postForm({ file: [new Blob([wav], { type: "audio/wav" }), "a.wav"], model: "assemblyai/universal" });
      expect(res.status).toBe(504);
      expect((await res.json()).error.message).toContain("not done within");
    } finally {
      await gw.api("/api/resilience", { method: "PATCH", body: { providers: { assemblyai: null } } });
    }
  });

  test("a client that leaves stops the polling; the usage row says 499", async () => {
    assembly.pollsBeforeDone = 1_000_000;
    const leave = new AbortController();
    const pending = client.audio.transcriptions
      .create({ file: await file(), model: "assemblyai/universal" }, { signal: leave.signal })
      .catch((e) => e);
    while (![...assembly.transcripts.values()].some((t) => t.polls >= 2)) await Bun.sleep(10);
    leave.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await Bun.sleep(50);
    const polled = assembly.requests.length;
    await Bun.sleep(300); // polls come every 40 ms here: several would have been made
    expect(assembly.requests.length).toBe(polled);
    expect((await rows(gw)).find((r) => r.endpoint === "audio.transcriptions" && r.status === 499)).toMatchObject({
      provider: "assemblyai",
      errorClass: "client_closed",
    });
  });
});

describe("budget and bad input", () => {
  test("a spent budget stops the call before any upstream is called", async () => {
    const created = (await (await gw.api("/api/keys", { body: { name: "audio-budget" } })).json()) as { id: string; key: string };
    await gw.api("/api/usage/budget", { body: { keyId: created.id, limit: 1, period: "monthly" } });
    gw.services.budgets.spend(created.id, 1.5, Date.now()); // spent elsewhere (transcription itself is priced at 0 per token)
    const res = await postForm({ file: [new Blob([wav], { type: "audio/wav" }), "a.wav"], model: "deepgram/nova-3" }, created.key);
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("budget_exceeded");
    expect(deepgram.requests).toHaveLength(0);
  });

  test("missing file, unsupported format, empty file, missing model, bad response_format, a chat model: 400", async () => {
    const cases: Array<[Record<string, string | [Blob, string]>, string, string]> = [
      [{ model: "deepgram/nova-3" }, "file", "`file` field is missing"],
      [
        { file: [new Blob([wav], { type: "audio/aiff" }), "song.aiff"], model: "deepgram/nova-3" },
        "file",
        "Supported formats: mp3, wav, m4a, flac, ogg, webm",
      ],
      [{ file: [new Blob([], { type: "audio/wav" }), "empty.wav"], model: "deepgram/nova-3" }, "file", "empty"],
      [{ file: [new Blob([wav], { type: "audio/wav" }), "a.wav"] }, "model", "must name a model"],
      [
        { file: [new Blob([wav], { type: "audio/wav" }), "a.wav"], model: "deepgram/nova-3", response_format: "diarized_json" },
        "response_format",
        "json, text, srt, verbose_json, vtt",
      ],
      [{ file: [new Blob([wav], { type: "audio/wav" }), "a.wav"], model: "openai/gpt-4o" }, "model", '"openai/gpt-4o" is a chat model'],
    ];
    for (const [fields, param, words] of cases) {
      const res = await postForm(fields);
      const body = await res.json();
      expect({ param, status: res.status, message: body.error.message.includes(words) }).toEqual({ param, status: 400, message: true });
      expect(body.error.param).toBe(param);
    }
    expect(deepgram.requests).toHaveLength(0);
  });

  test("the audio format is taken from the type when the name has no extension", async () => {
    const res = await postForm({ file: [new Blob([wav], { type: "audio/ogg" }), "recording"], model: "deepgram/nova-3" });
    expect(res.status).toBe(200);
    expect(deepgram.requests[0]!.headers["content-type"]).toBe("audio/ogg");
  });

  test("a file over 25 MB is a 413", async () => {
    const big = new Uint8Array(25 * 1024 * 1024 + 1);
    const res = await postForm({ file: [new Blob([big], { type: "audio/wav" }), "long.wav"], model: "deepgram/nova-3" });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toContain("25 MB");
    expect(deepgram.requests).toHaveLength(0);
  });

  test("not multipart: a 415 that says how to send it", async () => {
    const res = await fetch(`${gw.url}/v1/audio/transcriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${await gw.adminKey()}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toContain("multipart/form-data");
  });
});
