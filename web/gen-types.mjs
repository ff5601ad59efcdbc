// Generate the wire type of the structured answer from its JSON Schema:
// ../docs/answer.schema.json -> src/generated/answer.ts (json-schema-to-typescript).
// Run by scripts/build_web.sh before the bundle; written as generated-file.mjs writes (only
// when it changes; under CI a stale committed file is an error; `--out DIR` writes
// DIR/answer.ts instead, for tests/web/test_types_generated.py).
import { compileFromFile } from "json-schema-to-typescript";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeGenerated } from "./generated-file.mjs";

const root = dirname(fileURLToPath(import.meta.url));
const schema = join(root, "..", "docs", "answer.schema.json");

const generated = await compileFromFile(schema, {
  bannerComment:
    "// Generated from docs/answer.schema.json by web/gen-types.mjs (json-schema-to-typescript).\n" +
    "// Do not edit: change the schema, then run scripts/build_web.sh.",
  additionalProperties: false,
  unknownAny: true,
  cwd: dirname(schema),
  style: { printWidth: 120, singleQuote: false, trailingComma: "all" },
});

await writeGenerated("gen-types", "answer.ts", generated, "docs/answer.schema.json");
