// /api/auth: sign in (throttled), sign out, status, change password.
import { Hono } from "hono";
import { z } from "zod";
import { changePassword, signIn, signOut } from "../auth/login.ts";
import { hasSession } from "../auth/manage-auth.ts";
import type { Services } from "../services.ts";
import { validate } from "./validate.ts";

export const PasswordChangeSchema = z.object({
  current: z.string().min(1, "is required"),
  next: z.string().min(8, "must be at least 8 characters").max(1000),
});

export function authRoutes(services: Services) {
  return new Hono()
    .post("/login", validate("json", z.object({ password: z.string().min(1).max(1000) })), async (c) => {
      await signIn(c, services, c.req.valid("json").password);
      return c.json({ ok: true, defaultPassword: services.password.isDefault() });
    })
    .post("/logout", async (c) => {
      await signOut(c, services);
      return c.json({ ok: true });
    })
    .get("/status", async (c) =>
      c.json({
        authenticated: await hasSession(c, services),
        requireLogin: services.settings.get().requireLogin,
        defaultPassword: services.password.isDefault(),
        /** The password is still the random one printed in the log at first start. */
        generatedPassword: services.password.isGenerated(),
      }),
    )
    .post("/password", validate("json", PasswordChangeSchema), async (c) => {
      const { current, next } = c.req.valid("json");
      await changePassword(c, services, current, next);
      return c.json({ ok: true });
    });
}
