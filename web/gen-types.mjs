// Generate the wire type of the structured answer from its JSON Schema:
// ../docs/answer.schema.json -> src/generated/answer.ts (json-schema-to-typescript).
// Run by scripts/build_web.sh before the bundle. Writes the file only when it changes;
// with CI set, a file out of date with the schema is an error (commit the regenerated
// file). `--out DIR` writes DIR/answer.ts instead (tests/web/test_types_generated.py).
import { compileFromFile } from "json-schema-to-typescript";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const schema = join(root, "..", "docs", "answer.schema.json");
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex >= 0 ? process.argv[outIndex + 1] : join(root, "src", "generated");
const target = join(outDir, "answer.ts");

const generated = await compileFromFile(schema, {
  bannerComment:
    "// Generated from docs/answer.schema.json by web/gen-types.mjs (json-schema-to-typescript).\n" +
    "// Do not edit: change the schema, then run scripts/build_web.sh.",
  additionalProperties: false,
  unknownAny: true,
  cwd: dirname(schema),
  style: { printWidth: 120, singleQuote: false, trailingComma: "all" },
});

let current = null;
try {
  current = await readFile(target, "utf8");
} catch {
  current = null;
}
if (current !== generated) {
  const ci = !["", "0", "false", "no"].includes((process.env.CI ?? "").trim().toLowerCase());
  if (ci && outIndex < 0) {
    console.error(`gen-types: ${target} is out of date with docs/answer.schema.json: run scripts/build_web.sh and commit it`);
    process.exit(1);
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(target, generated);
  console.log("gen-types: wrote " + target);
}
