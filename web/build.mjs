// Build the chat widget into dist/: bundle src/main.ts with esbuild, minify the CSS,
// copy the HTML page and write a default config.js (web/serve.py replaces it at run time).
import * as esbuild from "esbuild";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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

await copyFile(join(src, "index.html"), join(dist, "index.html"));
await writeFile(
  join(dist, "config.js"),
  "// Default runtime configuration; web/serve.py serves its own config.js instead.\n" +
    "window.PROA_CONFIG = window.PROA_CONFIG || {};\n",
);
// Stamp read by scripts/build_web.sh to skip builds when nothing changed.
await writeFile(join(dist, ".build-stamp"), new Date().toISOString() + "\n");
console.log("web: built into " + dist);
