// The sign-in page.
/** @jsxImportSource hono/jsx */
import { Field, FormMessage, type FieldErrors } from "../components/form.tsx";
import { Layout } from "../components/layout.tsx";

export function LoginPage(props: { next?: string; errors?: FieldErrors; error?: string; generatedPassword?: boolean }) {
  return (
    <Layout title="Sign in" nav={false}>
      <article class="login-card" style="max-width: 26rem; margin: 3rem auto;">
        <header>
          <h1>OmniRoute</h1>
          <p class="muted">Sign in to the dashboard.</p>
        </header>
        {props.generatedPassword ? (
          <p class="muted" data-testid="generated-password-hint">
            First sign-in: a random password was generated and printed once in the gateway's log (the line with "The dashboard password is";{" "}
            <code>docker logs</code> or <code>journalctl -u omniroute</code>). Change it after signing in.
          </p>
        ) : null}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next ?? "/dashboard"} />
          <Field name="password" label="Password" type="password" autocomplete="current-password" required errors={props.errors} />
          <FormMessage error={props.error} />
          <button type="submit">Sign in</button>
        </form>
      </article>
    </Layout>
  );
}
