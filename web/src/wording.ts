// The widget's sentences come from the French wording catalogue
// (knowledge/wording/widget.yml, shipped as ./generated/wording.ts by gen-wording.mjs).
export { WORDING } from "./generated/wording";

/** The names of the {fields} of a sentence, read from its literal type. */
export type FieldsOf<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | FieldsOf<Rest>
  : never;

/** A catalogue sentence with its {named} fields filled (the str.format of the Python side):
 * the compiler asks for exactly the fields the sentence has. */
export function fill<S extends string>(sentence: S, fields: Record<FieldsOf<S>, string | number>): string {
  const values: Record<string, string | number> = fields;
  return sentence.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (field, name: string) =>
    name in values ? String(values[name]) : field,
  );
}
