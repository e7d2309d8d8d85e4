// Combos: named fallback chains of models, listed with Test/Edit/Delete, and the form that creates or edits one.
/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { COMBO_STRATEGIES } from "../../src/settings/schema.ts";
import { hx } from "../components/attrs.ts";
import { Layout } from "../components/layout.tsx";
import { ComboForm, ComboList, MODEL_OPTIONS_ID, type ComboRow } from "../partials/combos.tsx";

/** Page styles (static text, no user data). */
const COMBO_STYLES = `
ul.combos { padding:0; }
ul.combos > li { list-style:none; border:1px solid var(--pico-muted-border-color); border-radius:var(--pico-border-radius); padding:.5rem .75rem; margin-bottom:.75rem; }
.combo-head { margin-bottom:.25rem; }
.combo-name { font-weight:700; }
ol.combo-members { margin:0 0 .5rem; }
ol.combo-members li { margin:0; list-style:decimal; }
.actions { display:flex; flex-wrap:wrap; gap:.35rem; align-items:center; }
.actions button { margin:0; width:auto; }
button.danger { border-color: var(--omni-bad); color: var(--omni-bad); }
.test-result { margin-top:.5rem; }
.test-result p { margin-bottom:.25rem; }
blockquote.answer { margin:.25rem 0; padding:.25rem .75rem; white-space:pre-wrap; }
pre.test-error { white-space:pre-wrap; color:var(--omni-bad); font-size:.8rem; padding:.5rem; margin:.25rem 0; }
ol.combo-editor { padding-left:0; }
ol.combo-editor .pos { min-width:1.5rem; color:var(--pico-muted-color); }
ol.combo-editor > li { list-style:none; display:flex; flex-wrap:wrap; align-items:center; gap:.35rem .75rem; padding:.25rem 0; border-bottom:1px solid var(--pico-muted-border-color); }
ol.combo-editor .model { word-break:break-all; }
ol.combo-editor .weight { display:flex; align-items:center; gap:.35rem; margin:0; }
ol.combo-editor .weight input { width:6rem; margin:0; padding:.25rem .5rem; height:auto; }
ol.combo-editor .row-actions { display:flex; gap:.25rem; margin-left:auto; }
ol.combo-editor .row-actions button { margin:0; width:auto; }
ol.combo-editor .field-error { flex-basis:100%; }
.pick { display:flex; gap:.35rem; }
.pick input { margin:0; }
.pick button { margin:0; width:auto; }
`;

export function CombosPage(props: { combos: ComboRow[]; defaultStrategy: (typeof COMBO_STRATEGIES)[number]; defaultPassword: boolean }) {
  return (
    <Layout title="Combos" active="/dashboard/combos" defaultPassword={props.defaultPassword}>
      <style>{raw(COMBO_STYLES)}</style>
      <hgroup>
        <h1>Combos</h1>
        <p>A combo is a model name of your own: the gateway tries its models by the strategy you choose and falls back when one fails.</p>
      </hgroup>
      <section aria-labelledby="combo-list-title">
        <h2 id="combo-list-title">Your combos</h2>
        <ComboList combos={props.combos} />
      </section>
      <section aria-labelledby="combo-form-title">
        <ComboForm defaultStrategy={props.defaultStrategy} />
      </section>
      <div {...hx({ get: "/dashboard/partials/combos/models", trigger: "load", swap: "outerHTML" })}>
        <datalist id={MODEL_OPTIONS_ID}></datalist>
      </div>
    </Layout>
  );
}
