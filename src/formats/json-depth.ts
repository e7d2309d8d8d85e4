// The one check every client body gets whatever its format: how deeply its arrays and objects nest.
// Walked with an explicit stack, so a body nested 100,000 levels deep costs a loop, not the call stack.

/** Google's protobuf parsers refuse messages nested deeper than 100; no request of any format needs more. */
export const MAX_JSON_DEPTH = 100;

/** True when `value` nests arrays/objects more than `max` levels deep (the body itself is level 1). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > max) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === "object" && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const child = record[key];
        if (typeof child === "object" && child !== null) {
          nodes.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
