// The page shell: head with the vendored assets, the navigation, a banner for the default password, and main.
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";

export interface LayoutProps {
  title: string;
  /** The nav entry to mark as current. */
  active?: string;
  /** Shown as a warning until the initial password is changed. */
  defaultPassword?: boolean;
  /** Pages behind the login show the navigation. */
  nav?: boolean;
  csrf?: string;
  children?: Child;
}

export const NAV: Array<{ href: string; label: string }> = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/providers", label: "Providers" },
  { href: "/dashboard/combos", label: "Combos" },
  { href: "/dashboard/keys", label: "API keys" },
  { href: "/dashboard/usage", label: "Usage" },
  { href: "/dashboard/costs", label: "Costs" },
  { href: "/dashboard/health", label: "Health" },
  { href: "/dashboard/settings", label: "Settings" },
  { href: "/dashboard/cli-tools", label: "CLI tools" },
  { href: "/dashboard/translator", label: "Translator" },
  { href: "/dashboard/system", label: "System" },
];

export function Layout(props: LayoutProps) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · OmniRoute`}</title>
          {props.csrf ? <meta name="csrf-token" content={props.csrf} /> : null}
          <link rel="stylesheet" href="/static/vendor/pico.min.css" />
          <link rel="stylesheet" href="/static/app.css" />
          <script src="/static/vendor/htmx.min.js" defer></script>
          <script src="/static/app.js" defer></script>
          <script src="/static/vendor/alpine.min.js" defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          {props.nav === false ? null : (
            <header class="container-fluid site-header">
              <nav aria-label="Main">
                <ul>
                  <li>
                    <a href="/dashboard" class="brand">
                      <strong>OmniRoute</strong>
                    </a>
                  </li>
                </ul>
                <ul class="nav-links">
                  {NAV.map((item) => (
                    <li>
                      <a href={item.href} aria-current={props.active === item.href ? "page" : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                  <li>
                    <form method="post" action="/logout" class="inline-form">
                      <button type="submit" class="secondary outline small">
                        Sign out
                      </button>
                    </form>
                  </li>
                </ul>
              </nav>
            </header>
          )}
          <main id="main" class="container">
            {props.defaultPassword ? (
              <article class="banner warning" role="alert">
                You are still using the initial password. <a href="/dashboard/settings#security">Change it now</a> — anyone who can reach
                this gateway could sign in.
              </article>
            ) : null}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
