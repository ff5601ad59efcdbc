// Ship the widget's wording at build time: ../knowledge/wording/widget.yml (and the
// sentences it borrows from other sections, wording-source.mjs) -> src/generated/wording.ts
// (a typed `as const` object; web/src/wording.ts fills its {named} fields). Run by
// scripts/build_web.sh before the bundle. Writes the file only when it changes; with CI
// set, a file out of date with the catalogue is an error (commit the regenerated file).
// `--out DIR` writes DIR/wording.ts instead (tests/web/test_wording_generated.py).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WordingError, widgetWording } from "./wording-source.mjs";

const root = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex >= 0 ? process.argv[outIndex + 1] : join(root, "src", "generated");
const target = join(outDir, "wording.ts");

let data;
try {
  data = await widgetWording();
} catch (error) {
  if (!(error instanceof WordingError)) throw error;
  console.error(`gen-wording: knowledge/wording/${error.message}`);
  process.exit(1);
}

const generated =
  "// Generated from knowledge/wording/widget.yml (and the sentences it borrows, see\n" +
  "// web/wording-source.mjs) by web/gen-wording.mjs (js-yaml).\n" +
  "// Do not edit: change the catalogue, then run scripts/build_web.sh.\n" +
  `export const WORDING = ${JSON.stringify(data, null, 2)} as const;\n\n` +
  "export type Wording = typeof WORDING;\n";

let current = null;
try {
  current = await readFile(target, "utf8");
} catch {
  current = null;
}
if (current !== generated) {
  const ci = !["", "0", "false", "no"].includes((process.env.CI ?? "").trim().toLowerCase());
  if (ci && outIndex < 0) {
    console.error(
      `gen-wording: ${target} is out of date with knowledge/wording/: run scripts/build_web.sh and commit it`,
    );
    process.exit(1);
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(target, generated);
  console.log("gen-wording: wrote " + target);
}
