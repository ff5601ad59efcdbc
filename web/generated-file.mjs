// The one way the build's generators (gen-types.mjs, gen-wording.mjs) write a committed
// file of src/generated/: only when its content changes; with CI set, a committed file out
// of date is an error (commit the regenerated file); `--out DIR` writes into DIR instead
// (the tests regenerate into a temporary folder, never over the committed file).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));

/** Where `name` is written: `--out DIR` or src/generated/. */
export function generatedPath(name) {
  const outIndex = process.argv.indexOf("--out");
  const outDir = outIndex >= 0 ? process.argv[outIndex + 1] : join(root, "src", "generated");
  return { target: join(outDir, name), outDir, committed: outIndex < 0 };
}

/** Writes `content` as `name` when it changed; `tool` and `source` word the messages. */
export async function writeGenerated(tool, name, content, source) {
  const { target, outDir, committed } = generatedPath(name);
  let current = null;
  try {
    current = await readFile(target, "utf8");
  } catch {
    current = null;
  }
  if (current === content) return;
  const ci = !["", "0", "false", "no"].includes((process.env.CI ?? "").trim().toLowerCase());
  if (ci && committed) {
    console.error(`${tool}: ${target} is out of date with ${source}: run scripts/build_web.sh and commit it`);
    process.exit(1);
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(target, content);
  console.log(`${tool}: wrote ${target}`);
}
