// The Combos page and its partials: create, edit, delete and test a combo (the same services as /api/combos).
/** @jsxImportSource hono/jsx */
import { Hono, type Context } from "hono";
import { testCombo } from "../gateway/combo-test.ts";
import { listModels } from "../gateway/models.ts";
import { comboView, createCombo, requireCombo, updateComboById } from "../routing/combo-service.ts";
import { ComboInputSchema, type ComboInput } from "../routing/combos.ts";
import type { Services } from "../services.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import { CombosPage } from "../../views/pages/combos.tsx";
import { ComboForm, ComboList, ComboTestOutcome, ModelOptions, type ComboFormValues } from "../../views/partials/combos.tsx";
import { comboFormValues, placeErrors, readComboForm } from "./combo-form.ts";
import { readForm, validateForm } from "./forms.ts";
import { configFileMarks } from "./config-origin.ts";
import { serviceFieldErrors } from "./provider-data.ts";

export function comboPages(services: Services) {
  const defaultStrategy = () => services.settings.get().comboDefaults.strategy;
  const list = async () => {
    const marks = await configFileMarks(services);
    return services.combos.list().map((combo) => ({ ...comboView(combo), fromConfigFile: marks("combo", combo.id) }));
  };
  const editing = async (combo: { id: string; name: string }) => ({
    id: combo.id,
    name: combo.name,
    fromConfigFile: (await configFileMarks(services))("combo", combo.id),
  });

  /** Validates the posted form and saves it with `save`; a refusal re-renders the form with the errors in place (422). */
  const submit = async (
    c: Context,
    editing: { id: string; name: string } | undefined,
    save: (input: ComboInput) => Promise<{ name: string }>,
  ) => {
    const form = await readForm(c);
    const { input, values, errors } = readComboForm(form, defaultStrategy());
    const refuse = (errs: FieldErrors, v: ComboFormValues = values) => {
      const placed = placeErrors(v, errs);
      return c.html(<ComboForm editing={editing} values={placed.values} errors={placed.errors} defaultStrategy={defaultStrategy()} />, 422);
    };
    if (Object.keys(errors).length) return refuse(errors);
    const parsed = validateForm(ComboInputSchema, input);
    if (!parsed.ok) return refuse(parsed.errors);
    let saved;
    try {
      saved = await save(parsed.data);
    } catch (err) {
      return refuse(serviceFieldErrors(err));
    }
    return c.html(
      <>
        <ComboForm ok={`Saved "${saved.name}". Call it as the model name, or press Test.`} defaultStrategy={defaultStrategy()} />
        <ComboList combos={await list()} oob />
      </>,
    );
  };

  return new Hono()
    .get("/combos", async (c) =>
      c.html(<CombosPage combos={await list()} defaultStrategy={defaultStrategy()} defaultPassword={services.password.isDefault()} />),
    )
    .get("/partials/combos/models", async (c) => {
      const models = await listModels(services);
      return c.html(<ModelOptions models={models.map((m) => ({ id: m.id, owner: m.owned_by }))} />);
    })
    .get("/partials/combos/new", (c) => c.html(<ComboForm defaultStrategy={defaultStrategy()} />))
    .post("/partials/combos", (c) => submit(c, undefined, (input) => createCombo(services, input)))
    .get("/partials/combos/:id/edit", async (c) => {
      const combo = requireCombo(services, c.req.param("id"));
      return c.html(
        <ComboForm editing={await editing(combo)} values={comboFormValues(combo)} defaultStrategy={defaultStrategy()} autofocus />,
      );
    })
    .put("/partials/combos/:id", async (c) => {
      const combo = requireCombo(services, c.req.param("id"));
      return submit(c, await editing(combo), (input) => updateComboById(services, combo.id, input));
    })
    .delete("/partials/combos/:id", async (c) => {
      await services.combos.remove(c.req.param("id"));
      return c.html(<ComboList combos={await list()} />);
    })
    .post("/partials/combos/:id/test", async (c) => {
      const combo = requireCombo(services, c.req.param("id"));
      return c.html(<ComboTestOutcome result={await testCombo(services, combo.name, c.req.raw.signal)} />);
    });
}
