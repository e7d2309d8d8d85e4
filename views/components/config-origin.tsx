// The mark on an object the configuration file declared, and the note on its edit form: the file wins at its next apply.
/** @jsxImportSource hono/jsx */
import { Badge } from "./card.tsx";

const WHY =
  "Declared in the configuration file (CONFIG_FILE): edits made here are replaced the next time the file is applied (restart, SIGHUP or POST /api/config/apply).";

export function FromConfigFile() {
  return (
    <span title={WHY}>
      <Badge kind="file">from config file</Badge>
    </span>
  );
}

export function ConfigFileWins() {
  return (
    <p class="note config-file-note" role="note">
      <small>
        <FromConfigFile /> {WHY} Change the file to keep a change.
      </small>
    </p>
  );
}
