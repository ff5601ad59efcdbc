// Ship the widget's wording at build time: ../knowledge/wording/widget.yml (and the
// sentences it borrows from other sections, wording-source.mjs) -> src/generated/wording.ts
// (a typed `as const` object; web/src/wording.ts fills its {named} fields). Run by
// scripts/build_web.sh before the bundle; written as generated-file.mjs writes (only when
// it changes; under CI a stale committed file is an error; `--out DIR` writes
// DIR/wording.ts instead, for tests/web/test_wording_generated.py).
import { writeGenerated } from "./generated-file.mjs";
import { WordingError, widgetWording } from "./wording-source.mjs";

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

await writeGenerated("gen-wording", "wording.ts", generated, "knowledge/wording/");
