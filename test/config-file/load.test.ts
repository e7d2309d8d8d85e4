// Reading a configuration file: placeholders, typed values, and every problem named by section, item, field and line.
import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config-file/load.ts";
import { ConfigFileError, type ConfigProblem } from "../../src/config-file/problems.ts";

function problems(text: string, env: Record<string, string> = {}): ConfigProblem[] {
  try {
    parseConfig(text, "test.yaml", env);
  } catch (err) {
    if (err instanceof ConfigFileError) return err.problems;
    throw err;
  }
  throw new Error("the file was accepted");
}

describe("placeholders", () => {
  test("${VAR}, ${VAR:-default} and $${ for a literal; a whole placeholder becomes a number or boolean only where the schema wants one", () => {
    const { config } = parseConfig(
      [
        "providers:",
        "  - provider: ds",
        "    name: main",
        "    apiKey: ${NUMERIC_KEY}",
        "    priority: ${PRIORITY}",
        "    isActive: ${ACTIVE:-true}",
        "settings:",
        "  systemPrompt: Reply in $${LANG} for ${TEAM:-everyone}",
        "combos:",
        "  - name: c",
        "    models: [{ model: ds/deepseek-chat, weight: '${WEIGHT}' }]",
      ].join("\n"),
      "test.yaml",
      { NUMERIC_KEY: "1234567890", PRIORITY: "3", WEIGHT: "2.5" },
    );
    expect(config.providers![0]).toEqual({ provider: "ds", name: "main", apiKey: "1234567890", priority: 3, isActive: true });
    expect(config.settings!.systemPrompt).toBe("Reply in ${LANG} for everyone");
    expect(config.combos![0]!.models).toEqual([{ model: "ds/deepseek-chat", weight: 2.5 }]);
  });

  test("an empty file declares nothing", () => {
    expect(parseConfig("# nothing yet\n", "test.yaml", {}).config).toEqual({});
  });
});

describe("problems", () => {
  test("every problem at once, in file order, each with its section, item, field and line", () => {
    const text = [
      "nodes:", // 1
      "  - name: Local", // 2
      "    prefix: local", // 3
      "    apiType: grpc", // 4
      "    baseUrl: http://localhost:8000/v1", // 5
      "providers:", // 6
      "  - provider: ds", // 7
      "    name: main", // 8
      "    apiKey: ${DS_KEY}", // 9
      "    colour: blue", // 10
      "combos:", // 11
      "  - name: fast", // 12
      "    strategy: fastest", // 13
      "    models: [ds/deepseek-chat]", // 14
      "  - name: FAST", // 15
      "    models: [ds/deepseek-chat]", // 16
      "keys:", // 17
      "  - name: ci", // 18
      "    key: sk-written-in-the-file-0000", // 19
      "settings:", // 20
      "  thinkingBudget: ${BUDGET}", // 21
      "  bogus: ${ALSO_MISSING:-x}", // 22
      "routes: []", // 23
      "pricing:", // 24
      "  openai: { gpt-4o: { input: cheap, output: 1 } }", // 25
    ].join("\n");
    const found = problems(text, { BUDGET: "lots" });
    expect(found.map((p) => [p.line, p.section, p.item, p.field])).toEqual([
      [4, "nodes", '"local"', "apiType"],
      [9, "providers", '"main"', "apiKey"],
      [10, "providers", '"main"', "colour"],
      [13, "combos", '"fast"', "strategy"],
      [15, "combos", '"FAST"', undefined],
      [19, "keys", '"ci"', "key"],
      [21, "settings", undefined, "thinkingBudget"],
      [22, "settings", undefined, "bogus"],
      [23, "routes", undefined, undefined],
      [25, "pricing", undefined, "openai.gpt-4o.input"],
    ]);
    const byLine = new Map(found.map((p) => [p.line, p.message]));
    expect(byLine.get(9)).toBe("the environment variable DS_KEY is not set (write ${DS_KEY:-default} to give a default)");
    expect(byLine.get(10)).toBe("unknown field");
    expect(byLine.get(13)).toContain('(got "fastest")');
    expect(byLine.get(15)).toContain("declared twice (items 1 and 2)");
    expect(byLine.get(19)).toContain("a secret is never written in the file");
    expect(byLine.get(21)).toContain('(got "lots" from ${BUDGET})');
    expect(byLine.get(23)).toStartWith("unknown section");
  });

  test("the message names the file and every problem", () => {
    try {
      parseConfig(
        "combos:\n  - name: a\n    strategy: fastest\n    models: [x/y]\nkeys:\n  - name: ci\n    key: ${NOPE}\n",
        "/etc/omniroute.yaml",
        {},
      );
      throw new Error("accepted");
    } catch (err) {
      expect((err as Error).message).toBe(
        [
          "Configuration file /etc/omniroute.yaml has 2 problems; nothing was applied:",
          '  line 3: combos "a" strategy: Invalid option: expected one of "priority"|"round-robin"|"random"|"weighted"|"least-used"|"cost-optimized" (got "fastest")',
          '  line 7: keys "ci" key: the environment variable NOPE is not set (write ${NOPE:-default} to give a default)',
        ].join("\n"),
      );
    }
  });

  test("a YAML syntax error says where; a malformed placeholder is named; a list is not a configuration", () => {
    expect(problems("combos:\n  - name: a\n    models: [x/y\nkeys: []\n")[0]).toMatchObject({
      line: 3,
      message: expect.stringContaining("not valid YAML"),
    });
    expect(problems("settings:\n  systemPrompt: hello ${not a name}\n")[0]).toMatchObject({
      line: 2,
      section: "settings",
      field: "systemPrompt",
      message: expect.stringContaining('"${not a name}" is not a placeholder'),
    });
    expect(problems("- a\n- b\n")[0]!.message).toContain("top level is a mapping");
  });
});
