// A card with a heading, and a badge for states (closed/open/half_open, ok/warn/bad).
/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

export function Card(props: { title: string; id?: string; children?: Child; attrs?: Record<string, string> }) {
  return (
    <article id={props.id} {...(props.attrs ?? {})}>
      <header>
        <h2 style="font-size:1.1rem;margin:0">{props.title}</h2>
      </header>
      {props.children}
    </article>
  );
}

export function Badge(props: { kind: string; children?: Child }) {
  return <span class={`badge ${props.kind}`}>{props.children}</span>;
}

/** Money with cents, small amounts with more digits so a $0.0004 call is not shown as $0.00. */
export function usd(value: number): string {
  if (value === 0) return "$0.00";
  return value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

export function formatNumber(n: number): string {
  return n.toLocaleString("en-US");
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
