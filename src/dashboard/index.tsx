// The dashboard: /login, /logout, /static and the pages under /dashboard (session required unless login is off).
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../canonical/errors.ts";
import { hasSession } from "../auth/manage-auth.ts";
import { signIn, signOut } from "../auth/login.ts";
import type { Services } from "../services.ts";
import type { AppEnv } from "../context.ts";
import { LoginPage } from "../../views/pages/login.tsx";
import { readForm } from "./forms.ts";
import { corePages } from "./pages.tsx";
import { cliToolPages } from "./cli-tools.tsx";
import { comboPages } from "./combos.tsx";
import { costPages } from "./costs.tsx";
import { providerPages } from "./providers.tsx";
import { settingsPages } from "./settings.tsx";
import { systemPages } from "./system.tsx";
import { translatorPages } from "./translator.tsx";
import { usagePages } from "./usage.tsx";

/** Every page module: each owns its page and its partials under /dashboard. */
const PAGE_MODULES = [
  corePages,
  providerPages,
  comboPages,
  usagePages,
  costPages,
  settingsPages,
  cliToolPages,
  translatorPages,
  systemPages,
];
import { requireDashboardSession } from "./session.ts";
import { staticRoutes } from "./static.ts";

/** Only same-site paths may be a post-login destination (no open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-/.?=&%]*$/.test(next) ? next : "/dashboard";
}

export function mountDashboard(app: Hono<AppEnv>, services: Services) {
  app.route("/static", staticRoutes());
  app.get("/", async (c) => c.redirect(!services.settings.get().requireLogin || (await hasSession(c, services)) ? "/dashboard" : "/login"));
  app.get("/login", async (c) => {
    if (await hasSession(c, services)) return c.redirect(safeNext(c.req.query("next")));
    return c.html(<LoginPage next={safeNext(c.req.query("next"))} generatedPassword={services.password.isGenerated()} />);
  });
  app.post("/login", async (c) => {
    const form = await readForm(c);
    const next = safeNext(form.get("next"));
    const password = z.string().min(1).max(1000).safeParse(form.get("password"));
    const generatedPassword = services.password.isGenerated();
    if (!password.success)
      return c.html(<LoginPage next={next} errors={{ password: "Enter the password" }} generatedPassword={generatedPassword} />, 422);
    try {
      await signIn(c, services, password.data);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      if (err.retryAfter) c.header("retry-after", String(err.retryAfter));
      return c.html(<LoginPage next={next} error={err.message} generatedPassword={generatedPassword} />, err.status as 401 | 429);
    }
    return c.redirect(next, 303);
  });
  app.post("/logout", async (c) => {
    await signOut(c, services);
    return c.redirect("/login", 303);
  });

  const dashboard = new Hono();
  dashboard.use("*", requireDashboardSession(services));
  for (const pages of PAGE_MODULES) dashboard.route("/", pages(services));
  app.route("/dashboard", dashboard);
}
