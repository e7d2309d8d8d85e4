// The command line: `omniroute [--config FILE]` serves; `omniroute config ...` and `omniroute password reset` are commands.

export type CommandLine =
  | { kind: "serve"; configFile?: string }
  | { kind: "command"; args: string[] }
  | { kind: "invalid"; message: string };

export const USAGE = `Usage:
  omniroute [--config FILE]            start the gateway (FILE: a YAML configuration, as CONFIG_FILE)
  omniroute config check FILE          validate FILE and show what applying it would change
  omniroute config export              print the configuration as YAML (secrets as \${...} placeholders)
  omniroute config apply FILE [--dry-run]
                                       apply FILE to the data folder (DATA_DIR) of a stopped gateway
  omniroute password reset             set a new random dashboard password (the gateway must be stopped)
From a checkout: bun run omniroute -- <command>.`;

export function parseCommandLine(argv: string[]): CommandLine {
  if (argv.length && !argv[0]!.startsWith("-")) return { kind: "command", args: argv };
  if (argv[0] === "--help" || argv[0] === "-h") return { kind: "command", args: ["help"] };
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--config" && argv[i + 1]) configFile = argv[++i];
    else if (arg.startsWith("--config=") && arg.length > 9) configFile = arg.slice(9);
    else return { kind: "invalid", message: `Unknown argument "${arg}".\n${USAGE}` };
  }
  return { kind: "serve", configFile };
}
