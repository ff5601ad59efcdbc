// Build the chat widget into dist/: bundle src/main.ts with esbuild, minify the CSS,
// write the HTML page with its text filled in and a default config.js (web/serve.py
// replaces it at run time).
import * as esbuild from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { frenchSpaces, widgetWording } from "./wording-source.mjs";

const root = dirname(fileURLToPath(import.meta.url));
const src = join(root, "src");
const dist = join(root, "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: join(src, "main.ts"), styles: join(src, "styles.css") },
  outdir: dist,
  bundle: true,
  minify: true,
  // No source maps in the production build (they publish the sources);
  // PROA_WEB_SOURCEMAP=1 adds them for debugging.
  sourcemap: process.env.PROA_WEB_SOURCEMAP === "1" ? "linked" : false,
  format: "iife",
  target: "es2020",
  legalComments: "eof",
  logLevel: "warning",
});

await writeFile(join(dist, "index.html"), fillPage(await readFile(join(src, "index.html"), "utf8"), await widgetWording()));
await writeFile(
  join(dist, "config.js"),
  "// Default runtime configuration; web/serve.py serves its own config.js instead.\n" +
    "window.PROA_CONFIG = window.PROA_CONFIG || {};\n",
);
// Stamp read by scripts/build_web.sh to skip builds when nothing changed.
await writeFile(join(dist, ".build-stamp"), new Date().toISOString() + "\n");
console.log("web: built into " + dist);

// The page's text: each {{dotted.key}} of src/index.html becomes that sentence of the
// widget's wording, with the widget's typography and HTML-escaped (an unknown key fails
// the build). No-break spaces are written &nbsp; so that they show in the source. The
// template's comments (for its developers) are left out.
function fillPage(page, wording) {
  return page.replace(/<!--[\s\S]*?-->\n?/g, "").replace(/\{\{([A-Za-z0-9_.]+)\}\}/g, (_, key) => {
    const sentence = key.split(".").reduce((group, part) => group?.[part], wording);
    if (typeof sentence !== "string") throw new Error(`src/index.html: {{${key}}} is no sentence of the widget's wording`);
    return frenchSpaces(sentence)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/\u00a0/g, "&nbsp;");
  });
}
