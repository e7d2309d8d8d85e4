// POST /v1/audio/transcriptions: OpenAI's multipart request (file, model, ...), served by a speech-to-text provider.
import type { Context } from "hono";
import { GatewayError } from "../../canonical/errors.ts";
import { assertNever } from "../../canonical/response.ts";
import type { AppEnv } from "../../context.ts";
import {
  TRANSCRIPTION_ADAPTERS,
  type AudioFormat,
  type TranscriptionAnswer,
  type TranscriptionRequest,
} from "../../providers/audio/index.ts";
import { transcriptionApiOf } from "../../providers/media.ts";
import type { MediaBase, MediaCall, MediaKind, MediaReply } from "./serve.ts";
import { renderTranscript } from "./transcript-render.ts";

export const TRANSCRIPTION: MediaKind = {
  type: "audio",
  route: "POST /v1/audio/transcriptions",
  wants: 'a speech-to-text model such as "deepgram/nova-3" or "assemblyai/universal"',
};

/** OpenAI's own limit on the audio file. */
export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
/** Room for the form's other fields and boundaries on top of the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const SUPPORTED = "mp3, wav, m4a, flac, ogg, webm";
const BY_EXTENSION: Record<string, AudioFormat> = {
  mp3: "mp3",
  mpga: "mp3",
  mpeg: "mp3",
  wav: "wav",
  m4a: "m4a",
  flac: "flac",
  ogg: "ogg",
  oga: "ogg",
  webm: "webm",
};
const BY_TYPE: Record<string, AudioFormat> = {
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/vnd.wave": "wav",
  "audio/mp4": "m4a",
  "audio/m4a": "m4a",
  "audio/x-m4a": "m4a",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/ogg": "ogg",
  "application/ogg": "ogg",
  "audio/webm": "webm",
  "video/webm": "webm",
};
const MIME: Record<AudioFormat, string> = {
  mp3: "audio/mpeg",
  wav: "audio/wav",
  m4a: "audio/mp4",
  flac: "audio/flac",
  ogg: "audio/ogg",
  webm: "audio/webm",
};
const RESPONSE_FORMATS = ["json", "text", "srt", "verbose_json", "vtt"] as const;

const tooLarge = () =>
  new GatewayError(
    "payload_too_large",
    `The audio file is larger than ${MAX_AUDIO_BYTES / 1024 / 1024} MB; split it or compress it (for example to mp3).`,
    { param: "file", code: "file_too_large" },
  );

/** The request body, read up to the size cap (a larger one is refused before it is all in memory). */
async function readForm(c: Context<AppEnv>): Promise<{ form: FormData; fileType: string }> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new GatewayError("invalid_request", "Send the audio as multipart/form-data with a `file` field and a `model` field.", {
      param: "file",
      status: 415,
      code: "unsupported_media_type",
    });
  }
  const cap = MAX_AUDIO_BYTES + FORM_OVERHEAD_BYTES;
  if (Number(c.req.header("content-length")) > cap) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = c.req.raw.body?.getReader();
  for (let part = await reader?.read(); part && !part.done; part = await reader!.read()) {
    size += part.value.byteLength;
    if (size > cap) {
      await reader!.cancel();
      throw tooLarge();
    }
    chunks.push(part.value);
  }
  const whole = new Uint8Array(size);
  chunks.reduce((at, chunk) => (whole.set(chunk, at), at + chunk.byteLength), 0);
  try {
    const form = await new Response(whole, { headers: { "content-type": type } }).formData();
    return { form, fileType: filePartType(whole) };
  } catch {
    throw new GatewayError("invalid_request", "The multipart body could not be read; send it as multipart/form-data with a `file` field.", {
      param: "file",
    });
  }
}

/**
 * The Content-Type the client gave the `file` part. Bun's multipart parser (1.4) drops it and infers a type from
 * the file name, so a name without an extension would lose it: read it from the part's headers.
 */
function filePartType(body: Uint8Array): string {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const at = bytes.indexOf('; name="file"');
  if (at < 0) return "";
  const head = bytes.subarray(at, at + 1024).toString("latin1");
  const end = head.indexOf("\r\n\r\n");
  return /\r\ncontent-type:\s*([^\r\n]+)/i.exec(end < 0 ? head : head.slice(0, end))?.[1]?.trim() ?? "";
}

function audioFormat(file: File, partType: string): AudioFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  const type = (partType || file.type).split(";")[0]!.trim().toLowerCase();
  const format = (extension && BY_EXTENSION[extension]) || BY_TYPE[type];
  if (format) return format;
  throw new GatewayError(
    "invalid_request",
    `Unsupported audio format for "${file.name}"${type ? ` (${type})` : ""}. Supported formats: ${SUPPORTED}.`,
    { param: "file", code: "unsupported_audio_format" },
  );
}

function optionalText(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  if (v === null || v === "") return undefined;
  if (typeof v !== "string") throw new GatewayError("invalid_request", `\`${name}\` must be a text field.`, { param: name });
  return v;
}

export interface ParsedTranscription {
  model: string;
  request: TranscriptionRequest;
  /** verbose_json lists words only when timestamp_granularities[] asks for them, as OpenAI does. */
  wantsWords: boolean;
}

export async function parseTranscriptionForm(c: Context<AppEnv>): Promise<ParsedTranscription> {
  const { form, fileType } = await readForm(c);
  const file = form.get("file");
  if (!(file instanceof File))
    throw new GatewayError("invalid_request", 'The `file` field is missing: attach the audio as a file part named "file".', {
      param: "file",
    });
  if (file.size === 0) throw new GatewayError("invalid_request", "The audio file is empty.", { param: "file" });
  if (file.size > MAX_AUDIO_BYTES) throw tooLarge();
  const format = audioFormat(file, fileType);
  const model = optionalText(form, "model");
  if (!model) throw new GatewayError("invalid_request", 'The request must name a model (such as "deepgram/nova-3").', { param: "model" });
  const responseFormat = optionalText(form, "response_format") ?? "json";
  if (!(RESPONSE_FORMATS as readonly string[]).includes(responseFormat)) {
    throw new GatewayError("invalid_request", `\`response_format\` must be one of ${RESPONSE_FORMATS.join(", ")}.`, {
      param: "response_format",
    });
  }
  const temperatureText = optionalText(form, "temperature");
  const temperature = temperatureText === undefined ? undefined : Number(temperatureText);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 1)) {
    throw new GatewayError("invalid_request", "`temperature` must be a number from 0 to 1.", { param: "temperature" });
  }
  const granularities = [...form.getAll("timestamp_granularities[]"), ...form.getAll("timestamp_granularities")];
  return {
    model,
    wantsWords: granularities.includes("word"),
    request: {
      audio: new Uint8Array(await file.arrayBuffer()),
      filename: file.name,
      format,
      mimeType: MIME[format],
      language: optionalText(form, "language"),
      prompt: optionalText(form, "prompt"),
      temperature,
      responseFormat: responseFormat as TranscriptionRequest["responseFormat"],
      form,
    },
  };
}

function reply(parsed: ParsedTranscription, answer: TranscriptionAnswer): MediaReply {
  switch (answer.kind) {
    case "openai":
      return { response: new Response(answer.body, { headers: { "content-type": answer.contentType } }) };
    case "transcript":
      // Speech-to-text is priced per minute of audio, not per token: the usage row carries no tokens.
      return { response: renderTranscript(answer.transcript, parsed.request.responseFormat, parsed.wantsWords), dropped: answer.dropped };
    default:
      return assertNever(answer, "transcription answer");
  }
}

export function transcriptionCall(parsed: ParsedTranscription, base: Omit<MediaBase, "model">): MediaCall<TranscriptionAnswer> {
  return {
    ...base,
    model: parsed.model,
    kind: TRANSCRIPTION,
    serves: (spec) => transcriptionApiOf(spec) !== undefined,
    estimate: () => 0,
    send: (upstream) => TRANSCRIPTION_ADAPTERS[transcriptionApiOf(upstream.spec)!].transcribe(parsed.request, upstream),
    reply: (answer) => reply(parsed, answer),
  };
}
