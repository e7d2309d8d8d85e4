// Base URLs people enter (custom nodes, connections): http(s), and never with a user or password in them.
import { z } from "zod";

/** An http(s) URL without `user:password@`: credentials go in a header, where they are sealed at rest and never echoed. */
export const baseUrlSchema = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(2000)
  .refine((url) => {
    const u = URL.parse(url);
    return !u || (!u.username && !u.password);
  }, "must not carry a user or password (user:password@): send them as a header (e.g. Authorization) instead, which is kept sealed");

/** A URL as shown to people: any user or password written into it (a row from before they were refused) is left out. */
export function withoutCredentials(url: string): string {
  const u = URL.parse(url);
  if (!u || (!u.username && !u.password)) return url;
  u.username = "";
  u.password = "";
  return url.endsWith("/") ? u.toString() : u.toString().replace(/\/$/, "");
}
