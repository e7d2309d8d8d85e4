// Item and response ids in the shapes the Responses API uses (resp_…, msg_…, rs_…, fc_…, ctc_…).

function hex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let out = "";
  for (const b of buf) out += b.toString(16).padStart(2, "0");
  return out;
}

export type IdPrefix = "resp" | "msg" | "rs" | "fc" | "ctc" | "call";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${hex(24)}`;
}

/** A response id for the client: upstream ids of other formats get the `resp_` prefix. */
export function responseId(id: string | undefined): string {
  if (!id) return newId("resp");
  return id.startsWith("resp_") ? id : `resp_${id.replace(/[^A-Za-z0-9_-]/g, "")}`;
}
