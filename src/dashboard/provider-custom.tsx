// Providers page partials for custom provider nodes and custom models (the same services as /api/provider-nodes and /api/provider-models).
/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { CustomModelInputSchema, addCustomModel, removeCustomModel } from "../providers/model-service.ts";
import { NodeInputSchema, createNode, deleteNodeById } from "../providers/node-service.ts";
import type { Services } from "../services.ts";
import type { FieldErrors } from "../../views/components/form.tsx";
import { CustomProviders } from "../../views/pages/providers.tsx";
import { CustomModels, ModelCount, NodeForm } from "../../views/partials/provider-custom.tsx";
import { optional, readForm, validateForm } from "./forms.ts";
import { customModelsOf, providersPageData, requireSpec, serviceFieldErrors } from "./provider-data.ts";

/** "Name: value" lines as a header map; a line without a colon is an error on the field. */
function parseHeaders(text: string | undefined, errors: FieldErrors): Record<string, string> | undefined {
  const lines = (text ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim() : "";
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name)) {
      errors.headers = `"${line.slice(0, 60)}" is not "Name: value".`;
      return undefined;
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function providerCustomPages(services: Services) {
  const modelsBlock = async (providerId: string, extra: { errors?: FieldErrors; values?: Record<string, string>; ok?: string } = {}) => {
    const spec = requireSpec(services, providerId);
    const models = await customModelsOf(services, spec.id);
    return (
      <>
        <CustomModels providerId={spec.id} alias={spec.alias} models={models} {...extra} />
        <ModelCount providerId={spec.id} count={spec.models.length + models.length} oob />
      </>
    );
  };

  return new Hono()
    .post("/partials/provider-nodes", async (c) => {
      const form = await readForm(c);
      const values = form.raw;
      const errors: FieldErrors = {};
      const headers = parseHeaders(form.get("headers"), errors);
      if (errors.headers) return c.html(<NodeForm errors={errors} values={values} />, 422);
      const parsed = validateForm(NodeInputSchema, {
        name: optional(form.get("name")) ?? "",
        prefix: optional(form.get("prefix")) ?? "",
        apiType: form.get("apiType"),
        baseUrl: optional(form.get("baseUrl")) ?? "",
        ...(headers ? { headers } : {}),
      });
      if (!parsed.ok) return c.html(<NodeForm errors={parsed.errors} values={values} />, 422);
      let created;
      try {
        created = await createNode(services, parsed.data);
      } catch (err) {
        return c.html(<NodeForm errors={serviceFieldErrors(err)} values={values} />, 422);
      }
      return c.html(
        <>
          <NodeForm ok={`Added "${created.name}": connect an account below, then call it as ${created.prefix}/<model>.`} />
          <CustomProviders entries={(await providersPageData(services)).custom} openId={created.prefix} oob />
        </>,
      );
    })
    .delete("/partials/provider-nodes/:id", async (c) => {
      await deleteNodeById(services, c.req.param("id"));
      return c.html(<CustomProviders entries={(await providersPageData(services)).custom} />);
    })

    .post("/partials/providers/:provider/models", async (c) => {
      const spec = requireSpec(services, c.req.param("provider"));
      const form = await readForm(c);
      const values = form.raw;
      const parsed = validateForm(CustomModelInputSchema, {
        provider: spec.id,
        modelId: optional(form.get("modelId")) ?? "",
        modelName: optional(form.get("modelName")),
        type: form.get("type") ?? "chat",
      });
      if (!parsed.ok) return c.html(await modelsBlock(spec.id, { errors: parsed.errors, values }), 422);
      try {
        await addCustomModel(services, parsed.data);
      } catch (err) {
        return c.html(await modelsBlock(spec.id, { errors: serviceFieldErrors(err), values }), 422);
      }
      return c.html(await modelsBlock(spec.id, { ok: `Added ${spec.alias}/${parsed.data.modelId}.` }));
    })
    .delete("/partials/providers/:provider/models", async (c) => {
      const spec = requireSpec(services, c.req.param("provider"));
      const model = c.req.query("model") ?? "";
      await removeCustomModel(services, spec.id, model);
      return c.html(await modelsBlock(spec.id, { ok: `Removed ${spec.alias}/${model}.` }));
    });
}
