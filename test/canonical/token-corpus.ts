// Realistic prompt texts (chat turns, code, JSON tool schemas, CJK, logs) the token estimator is calibrated and tested against.

export type CorpusSample = { kind: "chat" | "code" | "tools" | "cjk" | "log"; text: string };

const CHAT = [
  "You are Claude Code, Anthropic's official CLI for Claude. You are an interactive CLI tool that helps users with software engineering tasks. Use the instructions below and the tools available to you to assist the user.",
  "IMPORTANT: Assist with defensive security tasks only. Refuse to create, modify, or improve code that may be used maliciously. Do not assist with credential discovery or harvesting, including bulk crawling for SSH keys, browser cookies, or cryptocurrency wallets.",
  "Can you look at why the integration tests fail on CI but pass locally? The error says `ECONNREFUSED 127.0.0.1:5432` and I've already checked that the postgres service is defined in the workflow file.",
  "Sure! The most likely cause is that the job starts before PostgreSQL accepts connections. GitHub Actions starts service containers in parallel with your steps, so add a health check:\n\n```yaml\nservices:\n  postgres:\n    image: postgres:16\n    options: >-\n      --health-cmd pg_isready\n      --health-interval 10s\n```\n\nThen the runner waits until `pg_isready` succeeds.",
  "That worked, thanks. Now the migrations run twice when two jobs start at the same time. What's the cleanest way to make sure only one of them migrates? We're on Node 22 with drizzle-orm 0.45.",
  "Take an advisory lock around the migration: `SELECT pg_advisory_lock(42)` before and `pg_advisory_unlock(42)` after. The second job blocks until the first one finishes, then sees that every migration is already applied and does nothing. Keep the lock on one reserved connection, not the pool, or the unlock may run on another session.",
  "Please summarize the changes in this pull request in three bullet points for the release notes, and mention the breaking change to the configuration file format (the `routes` key is now called `combos`).",
  "- Combos replace routes: rename `routes:` to `combos:` in config.yaml (the old key is rejected with a message saying so).\n- Usage pages answer in under 100 ms over ten million rows, from daily and hourly rollups.\n- Streams are never buffered; the first byte reaches the client as soon as the upstream sends it.",
];

const CODE = [
  `export async function proxyChat(deps: PipelineDeps, req: CanonicalRequest, client: ClientInfo): Promise<Response> {
  const targets = deps.router.resolve(req.model);
  if (targets.length === 0) throw new GatewayError("model_not_found", \`Model "\${req.model}" is not configured.\`);
  const hold = await deps.budgets.reserve(client.keyId, estimateCost(req, targets[0]!));
  try {
    for await (const candidate of candidates(deps, targets)) {
      const outcome = await attemptUpstream(deps, candidate, req);
      if (outcome.kind === "answer") return respond(deps, outcome, req);
      if (outcome.kind === "client-fault") break;
    }
  } finally {
    hold.release();
  }
  throw exhausted(targets);
}`,
  `import json
import logging
from dataclasses import dataclass, field
from typing import Optional

logger = logging.getLogger(__name__)


@dataclass
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 0.5
    retry_on: tuple[int, ...] = (429, 500, 502, 503)
    history: list[dict] = field(default_factory=list)

    def should_retry(self, status: int, attempt: int) -> bool:
        if attempt >= self.attempts:
            logger.warning("giving up after %d attempts (last status %d)", attempt, status)
            return False
        return status in self.retry_on


def load_config(path: str) -> Optional[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None
`,
  `<div class="grid">
  <article>
    <header><strong>Requests today</strong></header>
    <p hx-get="/dashboard/partials/usage?range=24h" hx-trigger="load, every 10s">{{ total }}</p>
  </article>
</div>
<style>
  .grid article { min-height: 8rem; padding: 1rem 1.25rem; border-radius: 0.5rem; }
</style>`,
  `SELECT model, provider, count(*) AS requests, sum(input_tokens) AS input, sum(output_tokens) AS output,
       sum(cost_usd) AS cost
FROM usage_daily
WHERE day >= '2026-11-01' AND day < '2026-12-01' AND key_id = ?
GROUP BY model, provider
ORDER BY cost DESC
LIMIT 50;`,
];

const TOOLS = [
  {
    name: "Read",
    description:
      "Reads a file from the local filesystem. You can access any file directly by using this tool. The file_path parameter must be an absolute path, not a relative path. By default, it reads up to 2000 lines starting from the beginning of the file.",
    input_schema: {
      type: "object",
      properties: {
        file_path: { type: "string", description: "The absolute path to the file to read" },
        offset: {
          type: "number",
          description: "The line number to start reading from. Only provide if the file is too large to read at once",
        },
        limit: { type: "number", description: "The number of lines to read. Only provide if the file is too large to read at once." },
      },
      required: ["file_path"],
      additionalProperties: false,
      $schema: "http://json-schema.org/draft-07/schema#",
    },
  },
  {
    name: "Edit",
    description: "Performs exact string replacements in files. The edit will FAIL if `old_string` is not unique in the file.",
    input_schema: {
      type: "object",
      properties: {
        file_path: { type: "string", description: "The absolute path to the file to modify" },
        old_string: { type: "string", description: "The text to replace" },
        new_string: { type: "string", description: "The text to replace it with (must be different from old_string)" },
        replace_all: { type: "boolean", default: false, description: "Replace all occurences of old_string (default false)" },
      },
      required: ["file_path", "old_string", "new_string"],
      additionalProperties: false,
    },
  },
  {
    name: "Bash",
    description:
      "Executes a given bash command in a persistent shell session with optional timeout, ensuring proper handling and security measures.",
    input_schema: {
      type: "object",
      properties: {
        command: { type: "string", description: "The command to execute" },
        timeout: { type: "number", description: "Optional timeout in milliseconds (max 600000)" },
        description: { type: "string", description: "Clear, concise description of what this command does in 5-10 words." },
        run_in_background: { type: "boolean", description: "Set to true to run this command in the background." },
      },
      required: ["command"],
    },
  },
  {
    name: "get_weather",
    description: "Get the current weather in a given location",
    parameters: {
      type: "object",
      properties: {
        location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      },
      required: ["location"],
    },
  },
];

const CJK = [
  "请帮我检查一下这段代码为什么在生产环境中会内存泄漏。我们使用的是 Node.js 22，服务每隔几个小时就会因为内存不足而重启。日志里没有明显的错误，但是堆快照显示有大量未释放的闭包。",
  "这个网关把每个请求转发给当前最合适的服务商账号：根据模型名称、组合、账号的健康状况、配额、速率限制和价格来选择。客户端不会察觉到回答来自另一个服务商。",
  "このリポジトリのテストを実行すると、データベースの接続がタイムアウトします。ローカルでは問題なく動作しますが、CI ではいつも失敗します。原因として考えられることを教えてください。",
  "ストリームはバッファされず、上流から届いたバイトはそのままクライアントへ送られます。使用量は別の読み手が数えます。",
  "이 함수는 사용자의 요청을 받아서 적절한 공급자에게 전달합니다. 오류가 발생하면 다음 후보로 넘어가고, 모든 후보가 실패하면 클라이언트의 형식으로 오류를 반환합니다.",
];

const LOG = [
  `2026-12-07T03:41:12.402Z INFO  request id=0193a2f1-7c4e-7b21-9d0e-5f3a8c2e1b44 method=POST path=/v1/messages status=200 model=claude-sonnet-4-5 provider=anthropic ms=1834 input=15234 output=812
2026-12-07T03:41:13.019Z WARN  upstream 429 provider=openai account=team-2 retry_after=12s cooldown_until=2026-12-07T03:41:25.019Z
TypeError: Cannot read properties of undefined (reading 'choices')
    at decodeResponse (/app/src/formats/openai-chat/response.ts:41:27)
    at async attemptUpstream (/app/src/gateway/attempt.ts:150:19)
    at async proxyChat (/app/src/gateway/pipeline.ts:136:22)`,
];

export const TOKEN_CORPUS: CorpusSample[] = [
  ...CHAT.map((text) => ({ kind: "chat" as const, text })),
  ...CODE.map((text) => ({ kind: "code" as const, text })),
  ...TOOLS.map((tool) => ({ kind: "tools" as const, text: JSON.stringify(tool) })),
  ...CJK.map((text) => ({ kind: "cjk" as const, text })),
  ...LOG.map((text) => ({ kind: "log" as const, text })),
];
