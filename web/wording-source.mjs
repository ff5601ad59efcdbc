// The widget's wording, read from the French catalogue (../knowledge/wording/): its own
// section, widget.yml, plus the sentences it says as the server does, read from their
// own sections so that each lives once (BORROWED). Used by gen-wording.mjs (the typed
// src/generated/wording.ts) and build.mjs (the page's text, src/index.html).
import { load } from "js-yaml";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const catalogue = join(root, "..", "knowledge", "wording");

// Widget key -> [section, dotted key]: the welcome bubble is Rasa's utter_greet
// (responses.yml) and its topics are the answers' topic buttons (answers.yml).
const BORROWED = {
  greeting: ["responses", "greet"],
  welcome_choices: {
    duration: ["answers", "topic_buttons.duration"],
    funding: ["answers", "topic_buttons.funding"],
    pay: ["answers", "topic_buttons.pay"],
    my_certifications: ["answers", "my_certifications"],
    periode_reconversion: ["answers", "topic_buttons.periode_reconversion"],
  },
};

// Every file the widget's wording is read from (scripts/build_web.sh rebuilds on change).
export const SOURCES = ["widget", ...new Set(borrowedSections(BORROWED))].map((name) =>
  join(catalogue, `${name}.yml`),
);

function borrowedSections(group) {
  return Object.values(group).flatMap((value) => (Array.isArray(value) ? [value[0]] : borrowedSections(value)));
}

// The shape of knowledge/schema/wording.schema.json (the Python tests validate the files
// against it); checked here too so that a bad entry fails the build, not the page.
const KEY = /^[A-Za-z0-9_.-]+$/;
// The widget fills {name} fields only (no str.format escapes nor format specs).
const BRACES = /[{}]/g;
const FIELD = /\{[A-Za-z_][A-Za-z0-9_]*\}/g;

export class WordingError extends Error {}

function checkSentence(text, where) {
  if ((text.match(BRACES) ?? []).length !== 2 * (text.match(FIELD) ?? []).length) {
    throw new WordingError(`${where}: only {name} fields may use braces`);
  }
}

function checkEntry(value, where) {
  if (typeof value === "string") {
    checkSentence(value, where);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item !== "string") throw new WordingError(`${where}[${i}] is not a sentence`);
      checkSentence(item, `${where}[${i}]`);
    });
  } else if (value !== null && typeof value === "object" && Object.keys(value).length > 0) {
    checkGroup(value, where);
  } else {
    throw new WordingError(`${where} is not a sentence, a list of sentences nor a group`);
  }
}

function checkGroup(group, where) {
  for (const [key, value] of Object.entries(group)) {
    if (!KEY.test(key)) throw new WordingError(`key ${JSON.stringify(key)} of ${where} is not a wording key`);
    checkEntry(value, where === "" ? key : `${where}.${key}`);
  }
}

async function readSection(name) {
  const data = load(await readFile(join(catalogue, `${name}.yml`), "utf8"));
  if (data === null || typeof data !== "object" || Array.isArray(data) || Object.keys(data).length === 0) {
    throw new WordingError(`${name}.yml: not a group of entries`);
  }
  checkGroup(data, `${name}.yml`);
  return data;
}

function lookup(sections, [name, dotted]) {
  let value = sections[name];
  for (const part of dotted.split(".")) {
    if (value === null || typeof value !== "object" || !(part in value)) {
      throw new WordingError(`no wording ${name}:${dotted} (borrowed by the widget)`);
    }
    value = value[part];
  }
  if (typeof value !== "string") throw new WordingError(`wording ${name}:${dotted} is not a sentence`);
  return value;
}

function resolve(group, sections) {
  return Object.fromEntries(
    Object.entries(group).map(([key, ref]) => [key, Array.isArray(ref) ? lookup(sections, ref) : resolve(ref, sections)]),
  );
}

/** The widget's wording: the borrowed sentences, then widget.yml's own. */
export async function widgetWording() {
  const names = ["widget", ...new Set(borrowedSections(BORROWED))];
  const sections = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readSection(name)])));
  for (const key of Object.keys(BORROWED)) {
    if (key in sections.widget) throw new WordingError(`widget.yml: ${key} is borrowed from another section, not its own`);
  }
  return { ...resolve(BORROWED, sections), ...sections.widget };
}

/** French typography: a no-break space inside « » and before ; : ! ? (the same rule as
 * frenchSpaces in src/render.ts, which the widget applies to every sentence it shows). */
export function frenchSpaces(text) {
  return text
    .replace(/« /g, "«\u00a0")
    .replace(/ »/g, "\u00a0»")
    .replace(/ ([;:!?])(?=\s|$)/g, "\u00a0$1");
}
