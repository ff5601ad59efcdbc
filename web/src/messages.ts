// Turning untrusted bot_uttered data into typed entries (no rendering here).
import type {
  AnswerPart,
  BotEntry,
  Certification,
  ChangeNote,
  ContactLink,
  FeedbackOffer,
  NextStep,
  ProaAnswer,
  QuickReply,
  Source,
} from "./view";
import type * as Wire from "./generated/answer";

type Dict = Record<string, unknown>;

/** Untrusted data read by the keys of `T`: every value is checked, a misspelt key does not
 * compile. `T` is the wire payload, generated from docs/answer.schema.json. */
type Untrusted<T> = { [K in keyof T]?: unknown };

/** A `proa_answer` as received (snake_case, `Wire.ProaAnswerPayload`) or, read back from
 * localStorage, the widget's own model (camelCase `ProaAnswer`). */
type RawAnswer = Untrusted<Wire.ProaAnswerPayload> & Untrusted<ProaAnswer>;

function untrusted<T>(value: unknown): Untrusted<T> | null {
  return isDict(value) ? (value as Untrusted<T>) : null;
}

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return "";
}

function strOrNull(value: unknown): string | null {
  const s = str(value).trim();
  return s === "" ? null : s;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

let counter = 0;
export function newEntryId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}`;
}

export function parseButtons(value: unknown): QuickReply[] {
  const buttons: QuickReply[] = [];
  for (const item of list(value)) {
    if (!isDict(item)) continue;
    const title = str(item.title).trim();
    const payload = str(item.payload) || title;
    if (title !== "") buttons.push({ title, payload });
  }
  return buttons;
}

/** « Cette réponse vous aide ? »: only `/feedback` buttons are kept (the same shape on the
 * wire and in localStorage). */
export function parseFeedback(value: unknown): FeedbackOffer | null {
  if (!isDict(value)) return null;
  const question = str(value.question).trim();
  const buttons = parseButtons(value.buttons).filter((b) => b.payload.startsWith("/feedback"));
  return question !== "" && buttons.length > 0 ? { question, buttons } : null;
}

export function parseAnswer(raw: Dict): ProaAnswer {
  const data: RawAnswer = raw;
  const certifications: Certification[] = [];
  for (const value of list(data.certifications)) {
    const item = untrusted<Wire.Certification>(value);
    if (item === null) continue;
    const title = str(item.title).trim();
    const rncp = strOrNull(item.rncp);
    if (title === "" && rncp === null) continue;
    certifications.push({
      title,
      rncp,
      level: strOrNull(item.level),
      url: strOrNull(item.url),
      metier: strOrNull(item.metier),
      note: strOrNull(item.note),
    });
  }
  const sources: Source[] = [];
  for (const value of list(data.sources)) {
    const item = untrusted<Wire.Source & Source>(value);
    if (item === null) continue;
    const label = str(item.label).trim();
    const url = strOrNull(item.url);
    const checkedOn = strOrNull(item.checked_on ?? item.checkedOn);
    if (label !== "" || url !== null) sources.push({ label: label || (url ?? ""), url, checkedOn });
  }
  const parts: AnswerPart[] = [];
  for (const value of list(data.parts)) {
    const item = untrusted<Wire.Part>(value);
    if (item === null) continue;
    const part = {
      heading: strOrNull(item.heading),
      figure: strOrNull(item.figure),
      text: str(item.text).trim(),
      detail: item.detail === true,
    };
    if (part.heading !== null || part.figure !== null || part.text !== "") parts.push(part);
  }
  // `list` / `change` / `verdict_line` on the wire; camelCase when read back from localStorage.
  const listing = untrusted<Wire.List>(data.list);
  const listHeading = listing ? strOrNull(listing.heading) : strOrNull(data.listHeading);
  const listNotes = (listing ? list(listing.notes) : list(data.listNotes)).map(str).filter((n) => n.trim() !== "");
  let change: ChangeNote | null = null;
  const rawChange = untrusted<Wire.Change>(data.change);
  if (rawChange && str(rawChange.text).trim() !== "") {
    change = {
      kind: rawChange.kind === "explained" ? "explained" : "recalled",
      heading: strOrNull(rawChange.heading),
      text: str(rawChange.text).trim(),
    };
  }
  // `next_step` on the wire; `nextStep` when read back from localStorage.
  const rawStep = untrusted<Wire.NextStep>(data.next_step) ?? untrusted<Wire.NextStep>(data.nextStep);
  let nextStep: NextStep | null = null;
  if (rawStep && str(rawStep.text).trim() !== "") {
    const contacts: ContactLink[] = [];
    for (const value of list(rawStep.contacts)) {
      const item = untrusted<Wire.NextStep["contacts"][number]>(value);
      if (item && str(item.name).trim() !== "") contacts.push({ name: str(item.name), url: strOrNull(item.url) });
    }
    nextStep = { text: str(rawStep.text).trim(), contacts };
  }
  // `more.remaining` on the wire; `moreRemaining` when read back from localStorage.
  const rawMore = untrusted<Wire.More>(data.more);
  const more = Number(rawMore ? rawMore.remaining : data.moreRemaining ?? 0);
  const rawBranch = untrusted<NonNullable<Wire.ProaAnswerPayload["branch"]>>(data.branch);
  const branch = rawBranch
    ? {
        idcc: typeof rawBranch.idcc === "number" ? rawBranch.idcc : null,
        name: strOrNull(rawBranch.name),
      }
    : null;
  const rawMetier = untrusted<NonNullable<Wire.ProaAnswerPayload["metier"]>>(data.metier);
  const metier = rawMetier ? { id: strOrNull(rawMetier.id), label: strOrNull(rawMetier.label) } : null;
  return {
    type: "proa_answer",
    version: typeof data.version === "number" ? data.version : null,
    verdict: strOrNull(data.verdict),
    topic: strOrNull(data.topic),
    branch,
    metier,
    verdictLine: str(data.verdict_line ?? data.verdictLine).trim(),
    nextStep,
    parts,
    listHeading,
    listNotes,
    change,
    certifications,
    moreRemaining: Number.isFinite(more) && more > 0 ? Math.floor(more) : 0,
    sources,
    text: str(data.text),
    // The prose without the list and the sources, which the widget renders as cards and
    // links; older payloads have no summary.
    summary: typeof data.summary === "string" ? data.summary : str(data.text),
    buttons: parseButtons(data.buttons),
    feedback: parseFeedback(data.feedback),
  };
}

/**
 * Reads one `bot_uttered` event. Rasa sends `{text}`, `{text, quick_replies}`,
 * `{attachment}` or, for `json_message={"data": payload}`, the payload itself.
 */
export function parseBotMessage(data: unknown): BotEntry | null {
  if (!isDict(data)) {
    return typeof data === "string" && data.trim() !== ""
      ? { id: newEntryId(), from: "bot", kind: "text", text: data, buttons: [] }
      : null;
  }
  if (data.type === "proa_answer") {
    return { id: newEntryId(), from: "bot", kind: "answer", answer: parseAnswer(data) };
  }
  const text = str(data.text);
  const buttons = parseButtons(data.quick_replies ?? data.buttons);
  if (text.trim() !== "" || buttons.length > 0) {
    return { id: newEntryId(), from: "bot", kind: "text", text, buttons };
  }
  const attachment = data.attachment;
  if (isDict(attachment) && attachment.type === "image" && isDict(attachment.payload)) {
    const src = strOrNull(attachment.payload.src);
    if (src !== null) return { id: newEntryId(), from: "bot", kind: "image", src };
  }
  return null;
}

/** Whitespace-insensitive form used to compare texts. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The parts Rasa's socket.io channel makes of a text (it splits on blank lines). */
export function rasaTextParts(text: string): string[] {
  return text
    .trim()
    .split("\n\n")
    .map(normalizeText)
    .filter((part) => part !== "");
}

/**
 * Rasa sends the text of an answer before its structured payload (same bot message).
 * Returns how many entries at the end of `tail` are that text, so that the caller
 * drops them and shows the answer once; 0 when they do not match.
 */
export function duplicateTextCount(tail: readonly BotEntry[], answer: ProaAnswer): number {
  const parts = rasaTextParts(answer.text);
  if (parts.length === 0 || parts.length > tail.length) return 0;
  const candidates = tail.slice(tail.length - parts.length);
  for (let i = 0; i < parts.length; i += 1) {
    const entry = candidates[i];
    if (entry.kind !== "text" || normalizeText(entry.text) !== parts[i]) return 0;
  }
  return parts.length;
}
