// Ship the widget's section of the French wording catalogue at build time:
// ../knowledge/wording/widget.yml -> src/generated/wording.ts (a typed `as const` object;
// web/src/wording.ts fills its {named} fields). Run by scripts/build_web.sh before the
// bundle. Writes the file only when it changes; with CI set, a file out of date with the
// catalogue is an error (commit the regenerated file). `--out DIR` writes DIR/wording.ts
// instead (tests/web/test_wording_generated.py).
import { load } from "js-yaml";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const source = join(root, "..", "knowledge", "wording", "widget.yml");
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex >= 0 ? process.argv[outIndex + 1] : join(root, "src", "generated");
const target = join(outDir, "wording.ts");

// The shape of knowledge/schema/wording.schema.json (the Python tests validate the file
// against it); checked here too so that a bad entry fails the build, not the page.
const KEY = /^[A-Za-z0-9_.-]+$/;
// The widget fills {name} fields only (no str.format escapes nor format specs).
const BRACES = /[{}]/g;
const FIELD = /\{[A-Za-z_][A-Za-z0-9_]*\}/g;

function fail(message) {
  console.error(`gen-wording: ${source}: ${message}`);
  process.exit(1);
}

function checkSentence(text, where) {
  if ((text.match(BRACES) ?? []).length !== 2 * (text.match(FIELD) ?? []).length) {
    fail(`${where}: only {name} fields may use braces`);
  }
}

function checkEntry(value, where) {
  if (typeof value === "string") {
    checkSentence(value, where);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item !== "string") fail(`${where}[${i}] is not a sentence`);
      checkSentence(item, `${where}[${i}]`);
    });
  } else if (value !== null && typeof value === "object" && Object.keys(value).length > 0) {
    checkGroup(value, where);
  } else {
    fail(`${where} is not a sentence, a list of sentences nor a group`);
  }
}

function checkGroup(group, where) {
  for (const [key, value] of Object.entries(group)) {
    if (!KEY.test(key)) fail(`key ${JSON.stringify(key)} of ${where} is not a wording key`);
    checkEntry(value, where === "" ? key : `${where}.${key}`);
  }
}

const data = load(await readFile(source, "utf8"));
if (data === null || typeof data !== "object" || Array.isArray(data) || Object.keys(data).length === 0) {
  fail("not a group of entries");
}
checkGroup(data, "");

const generated =
  "// Generated from knowledge/wording/widget.yml by web/gen-wording.mjs (js-yaml).\n" +
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
      `gen-wording: ${target} is out of date with knowledge/wording/widget.yml: run scripts/build_web.sh and commit it`,
    );
    process.exit(1);
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(target, generated);
  console.log("gen-wording: wrote " + target);
}
