// Copies the browser libraries the dashboard serves (htmx, Alpine, Pico) from node_modules into static/vendor/.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const FILES: Array<[string, string]> = [
  ["node_modules/htmx.org/dist/htmx.min.js", "static/vendor/htmx.min.js"],
  ["node_modules/htmx.org/dist/ext/hx-sse.min.js", "static/vendor/hx-sse.min.js"],
  ["node_modules/alpinejs/dist/cdn.min.js", "static/vendor/alpine.min.js"],
  ["node_modules/@picocss/pico/css/pico.min.css", "static/vendor/pico.min.css"],
];

mkdirSync(join(ROOT, "static/vendor"), { recursive: true });
for (const [from, to] of FILES) copyFileSync(join(ROOT, from), join(ROOT, to));
