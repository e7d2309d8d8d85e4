// Reads a recorded Gemini upstream request: systemInstruction, functionDeclarations, functionCall / functionResponse parts, inlineData.
import { type Inspector } from "./types.ts";

const parts = (body: any, role: string): Array<{ part: any; turn: number }> =>
  (body?.contents ?? []).flatMap((c: any, turn: number) =>
    (c.role ?? "user") === role ? (c.parts ?? []).map((part: any) => ({ part, turn })) : [],
  );

const declarations = (body: any): any[] => (body?.tools ?? []).flatMap((t: any) => t?.functionDeclarations ?? []);

export const geminiInspector: Inspector = {
  format: "gemini",
  streamed: (req) => req.path.includes(":streamGenerateContent"),
  system: (body) => (body?.systemInstruction?.parts ?? []).map((p: any) => p.text ?? "").join(""),
  userText: (body) =>
    parts(body, "user")
      .map(({ part }) => part.text ?? "")
      .join(""),
  toolNames: (body) => declarations(body).map((d) => d?.name),
  toolSchema: (body, name) => {
    const d = declarations(body).find((x) => x?.name === name);
    return d?.parametersJsonSchema ?? d?.parameters;
  },
  calls: (body) =>
    parts(body, "model")
      .filter(({ part }) => part.functionCall)
      .map(({ part }) => ({ id: part.functionCall.id, name: part.functionCall.name, args: part.functionCall.args })),
  results: (body) =>
    parts(body, "user")
      .filter(({ part }) => part.functionResponse)
      .map(({ part, turn }) => ({
        callId: part.functionResponse.id,
        name: part.functionResponse.name,
        content: JSON.stringify(part.functionResponse.response ?? null),
        turn,
      })),
  images: (body) =>
    parts(body, "user")
      .filter(({ part }) => part.inlineData)
      .map(({ part }) => ({ mediaType: part.inlineData.mimeType, data: part.inlineData.data })),
  // Gemini links a functionResponse to its functionCall by name, and by id when both carry one.
  maxTokens: (body) => body?.generationConfig?.maxOutputTokens,
  thinkingSignatures: (body) =>
    parts(body, "model")
      .filter(({ part }) => typeof part.thoughtSignature === "string")
      .map(({ part }) => part.thoughtSignature),
  thinkingRequested: (body) => body?.generationConfig?.thinkingConfig?.includeThoughts === true,
  linked: (call, result) => call.name === result.name && (!call.id || !result.callId || call.id === result.callId),
  // Gemini: the functionResponses answering one model turn go in one content.
  groupsParallelResults: true,
};
