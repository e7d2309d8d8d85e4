// The Translator's Test bench: pick cases and format pairs, see which translations keep the key fields.
/** @jsxImportSource hono/jsx */
import { BENCH_CASES, type BenchResult } from "../../src/dashboard/translator-bench.ts";
import { FORMAT_IDS, FORMAT_LABELS } from "../../src/dashboard/translator-examples.ts";
import type { FormatId } from "../../src/formats/types.ts";
import { hx } from "../components/attrs.ts";
import { Badge } from "../components/card.tsx";
import { FormMessage, type FieldErrors } from "../components/form.tsx";

const SHORT: Record<FormatId, string> = { "openai-chat": "Chat", anthropic: "Anthropic", responses: "Responses", gemini: "Gemini" };

export interface BenchSelection {
  cases: string[];
  pairs: string[];
}

export const ALL_PAIRS = FORMAT_IDS.flatMap((from) => FORMAT_IDS.map((to) => `${from}>${to}`));
export const DEFAULT_SELECTION: BenchSelection = { cases: BENCH_CASES.map((c) => c.id), pairs: ALL_PAIRS };

export function BenchForm(props: { selection: BenchSelection; errors?: FieldErrors }) {
  const { selection, errors } = props;
  return (
    <form id="bench-form" {...hx({ post: "/dashboard/partials/translator/bench", target: "#bench", swap: "outerHTML" })}>
      <fieldset aria-describedby={errors?.cases ? "bench-cases-error" : undefined}>
        <legend>Cases</legend>
        <div class="check-grid">
          {BENCH_CASES.map((c) => (
            <label>
              <input type="checkbox" name="case" value={c.id} checked={selection.cases.includes(c.id)} /> {c.label}
            </label>
          ))}
        </div>
        {errors?.cases ? (
          <small id="bench-cases-error" class="field-error">
            {errors.cases}
          </small>
        ) : null}
      </fieldset>
      <fieldset aria-describedby={errors?.pairs ? "bench-pairs-error" : "bench-pairs-help"}>
        <legend>Format pairs</legend>
        <div class="table-wrap">
          <table class="pair-grid">
            <thead>
              <tr>
                <th scope="col">Client ↓ Upstream →</th>
                {FORMAT_IDS.map((to) => (
                  <th scope="col">{SHORT[to]}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {FORMAT_IDS.map((from) => (
                <tr>
                  <th scope="row">{SHORT[from]}</th>
                  {FORMAT_IDS.map((to) => (
                    <td>
                      <input
                        type="checkbox"
                        name="pair"
                        value={`${from}>${to}`}
                        checked={selection.pairs.includes(`${from}>${to}`)}
                        aria-label={`${FORMAT_LABELS[from]} to ${FORMAT_LABELS[to]}`}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {errors?.pairs ? (
          <small id="bench-pairs-error" class="field-error">
            {errors.pairs}
          </small>
        ) : (
          <small id="bench-pairs-help">
            Rows are the client's format, columns the upstream's; the diagonal re-encodes a format into itself.
          </small>
        )}
      </fieldset>
      <FormMessage error={errors?._form} />
      <button type="submit">Run the bench</button>
    </form>
  );
}

/** One row per format pair, one column per case; what failed and what was reported dropped are listed below. */
export function BenchTable({ results, ms }: { results: BenchResult[]; ms: number }) {
  const failed = results.filter((r) => !r.ok);
  const withDropped = results.filter((r) => r.dropped.length);
  const cases = BENCH_CASES.filter((c) => results.some((r) => r.caseId === c.id));
  const pairs = [...new Set(results.map((r) => `${r.from}>${r.to}`))];
  const cell = (pair: string, caseId: string) => results.find((r) => `${r.from}>${r.to}` === pair && r.caseId === caseId);
  return (
    <section id="bench-results" aria-labelledby="bench-results-title">
      <h3 id="bench-results-title">
        <Badge kind={failed.length ? "bad" : "ok"}>{failed.length ? `${failed.length} failed` : "all passed"}</Badge>{" "}
        {results.length - failed.length} of {results.length} translations kept the key fields{" "}
        <small class="muted">({ms.toFixed(1)} ms)</small>
      </h3>
      <p class="muted">
        Each case is sent as a client of the source format would send it, translated, then decoded again as the target format; roles
        (adjacent turns of one role count as one), text, tool names, tool call ids, max tokens, images, reasoning and the response format
        must arrive as sent. A field the target reported as dropped is not a failure: it is listed below.
      </p>
      <div class="table-wrap">
        <table class="bench-matrix">
          <thead>
            <tr>
              <th scope="col">Client → Upstream</th>
              {cases.map((c) => (
                <th scope="col">{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {pairs.map((pair) => {
              const [from, to] = pair.split(">") as [FormatId, FormatId];
              return (
                <tr>
                  <th scope="row">
                    {SHORT[from]} → {SHORT[to]}
                  </th>
                  {cases.map((c) => {
                    const r = cell(pair, c.id);
                    return <td>{r ? <Badge kind={r.ok ? "ok" : "bad"}>{r.ok ? "pass" : "fail"}</Badge> : null}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {failed.length ? (
        <>
          <h4>What differed</h4>
          <ul class="bench-notes">
            {failed.map((r) => (
              <li>
                <strong>{r.caseLabel}</strong>, {SHORT[r.from]} → {SHORT[r.to]}:
                <ul class="diff">
                  {r.differences.map((d) => (
                    <li>{d}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {withDropped.length ? (
        <details>
          <summary>Reported as dropped ({withDropped.length} translations)</summary>
          <ul class="bench-notes">
            {withDropped.map((r) => (
              <li>
                <strong>{r.caseLabel}</strong>, {SHORT[r.from]} → {SHORT[r.to]}:{" "}
                {r.dropped.map((d, i) => (
                  <>
                    {i ? ", " : ""}
                    <code>{d}</code>
                  </>
                ))}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export function Bench(props: { selection: BenchSelection; errors?: FieldErrors; results?: BenchResult[]; ms?: number }) {
  return (
    <div id="bench">
      <BenchForm selection={props.selection} errors={props.errors} />
      {props.results ? <BenchTable results={props.results} ms={props.ms ?? 0} /> : null}
    </div>
  );
}
