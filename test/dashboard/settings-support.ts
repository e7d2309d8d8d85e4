// Shared by the Settings page tests: a page as the signed-in user sees it, a form post as htmx sends it.
import type { TestGateway } from "../support/gateway.ts";

export function settingsPage(gw: TestGateway, cookie: string, path = "/dashboard/settings") {
  return fetch(`${gw.url}${path}`, { headers: { cookie } });
}

/** A form post as htmx sends it: same origin, form-encoded. */
export function sendSettingsForm(gw: TestGateway, cookie: string, path: string, fields: Array<[string, string]>, method = "POST") {
  const body = new URLSearchParams(fields);
  return fetch(`${gw.url}/dashboard/partials/settings/${path}`, {
    method,
    headers: { cookie, origin: gw.url, "hx-request": "true" },
    body,
  });
}
