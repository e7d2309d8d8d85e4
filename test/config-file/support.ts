// A configuration file with every section, pointed at fake upstreams: the guide's combo and alias, keys from the environment.
import { startOpenAIUpstream } from "../fakes/openai-upstream.ts";
import type { FakeUpstream } from "../fakes/scenario.ts";

export interface ConfigFixture {
  /** The custom node `local` (the guide's "Local vLLM") answers here. */
  local: FakeUpstream;
  /** The DeepSeek connection answers here. */
  deepseek: FakeUpstream;
  /** The variables the file reads. */
  env: Record<string, string>;
  yaml: string;
  close(): Promise<void>;
}

export const CI_KEY = "sk-omni-ci-from-the-environment-0001";
export const DS_KEY = "sk-deepseek-from-the-environment";
export const LOCAL_TOKEN = "local-node-token-from-env";

/** Every section of the file; `premium-coding` is the guide's combo, `claude-sonnet-*` its wildcard alias. */
export function fullConfigYaml(urls: { local: string; deepseek: string }): string {
  return `# The guide's use case "maximize the subscription, cheap backup", on two fake upstreams.
prune: false
nodes:
  - name: Local vLLM
    prefix: local
    apiType: openai
    baseUrl: ${urls.local}/v1
    headers:
      X-Api-Token: \${LOCAL_TOKEN}
      X-Team: research
models:
  - provider: local
    modelId: qwen3-coder
    modelName: Qwen3 Coder
    type: chat
providers:
  - provider: local
    name: local vllm
    apiKey: \${LOCAL_API_KEY}
    priority: 1
  - provider: ds
    name: deepseek main
    apiKey: \${DS_API_KEY}
    baseUrl: ${urls.deepseek}/v1
    priority: \${DS_PRIORITY:-2}
    limits: { rpm: 600 }
combos:
  - name: premium-coding
    strategy: priority
    models:
      - ds/deepseek-chat
      - local/qwen3-coder
  - name: free-forever
    strategy: weighted
    models:
      - model: local/qwen3-coder
        weight: 3
      - premium-coding
settings:
  requireApiKey: true
  wildcardAliases:
    - pattern: claude-sonnet-*
      target: local/qwen3-coder
  fallbackChains:
    - name: production-fallback
      models: [ds/deepseek-chat, local/qwen3-coder]
resilience:
  defaults:
    failureThreshold: 4
  limits:
    maxConcurrent: 20
pricing:
  local:
    qwen3-coder: { input: 0.1, output: 0.2 }
proxy:
  noProxy: [internal.example]
  keys:
    ci: { type: none }
keys:
  - name: ci
    key: \${CI_KEY}
    budget: { limit: 50, period: monthly }
  - name: ops
    key: \${OPS_KEY}
    scopes: [manage]
`;
}

export async function startConfigFixture(): Promise<ConfigFixture> {
  const local = startOpenAIUpstream({ kind: "text", text: "from the local node" });
  const deepseek = startOpenAIUpstream({ kind: "text", text: "from deepseek" });
  const env = {
    CI_KEY,
    OPS_KEY: "sk-omni-ops-from-the-environment-02",
    DS_API_KEY: DS_KEY,
    LOCAL_TOKEN,
    LOCAL_API_KEY: "local-api-key-from-env",
  };
  return {
    local,
    deepseek,
    env,
    yaml: fullConfigYaml({ local: local.url, deepseek: deepseek.url }),
    async close() {
      await Promise.all([local.close(), deepseek.close()]);
    },
  };
}

/** A chat call as a client makes it: answer text, the model that served it, the status. */
export async function chat(baseUrl: string, model: string, key?: string) {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  const body = (await res.json()) as { choices?: Array<{ message: { content: string } }>; error?: { message: string } };
  return {
    status: res.status,
    text: body.choices?.[0]?.message.content,
    error: body.error?.message,
    servedBy: res.headers.get("x-omniroute-model"),
  };
}
