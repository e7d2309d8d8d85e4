// GET /static/*: the dashboard's CSS, JS and vendored libraries, from the checkout or from inside the binary.
import { Hono } from "hono";
import { shippedFile } from "../assets.ts";

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  map: "application/json",
};

export function staticRoutes() {
  return new Hono().get("/*", (c) => {
    const rel = c.req.path.replace(/^\/+/, "");
    if (rel.includes("..") || !rel.startsWith("static/")) return c.notFound();
    const file = shippedFile(rel);
    if (!file) return c.notFound();
    const ext = rel.slice(rel.lastIndexOf(".") + 1);
    return new Response(file, {
      headers: {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        // Vendored files change only with a new release; app files may change on upgrade.
        "cache-control": rel.startsWith("static/vendor/") ? "public, max-age=86400" : "no-cache",
      },
    });
  });
}
