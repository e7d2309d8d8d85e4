// OpenAI-compatible transcription (OpenAI, Groq, Mistral, ...): POST {base}/audio/transcriptions with the client's form, passed through.
import { accountBaseUrl, credentialHeaders } from "../upstream.ts";
import type { TranscriptionAdapter } from "./types.ts";
import { sendUpstream } from "../media-call.ts";

export const openaiTranscription: TranscriptionAdapter = {
  async transcribe(req, up) {
    const form = new FormData();
    for (const [name, value] of req.form) form.append(name, name === "model" ? up.model : value);
    // fetch sets the multipart Content-Type with its boundary.
    const sent = await sendUpstream(
      `${accountBaseUrl(up.spec, up.account)}/audio/transcriptions`,
      {
        method: "POST",
        headers: credentialHeaders(up.spec, up.account),
        body: form,
      },
      up,
    );
    if (!sent.ok) return sent;
    let body: string;
    try {
      body = await sent.response.text();
    } catch (err) {
      if (up.signal.aborted) throw err;
      return { ok: false, failure: { kind: "connection", status: 502, message: `${up.spec.name} cut the answer short` } };
    }
    return { ok: true, answer: { kind: "openai", body, contentType: sent.response.headers.get("content-type") ?? "application/json" } };
  },
};
