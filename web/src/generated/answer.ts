// Generated from docs/answer.schema.json by web/gen-types.mjs (json-schema-to-typescript).
// Do not edit: change the schema, then run scripts/build_web.sh.

export type Verdict = "eligible" | "not_eligible" | "needs_information" | "info";
/**
 * What the answer is about; a FAQ answer's topic is faq:<faq topic>.
 */
export type Topic = string;

/**
 * The structured answer of the custom actions, as sent to the channels (bot/compose/parts.py Answer.to_payload(), plus the feedback part of actions/common.py send_answer). docs/DESIGN.md, "Structured answer (channels)". Version 1 payloads (older records) carry only the keys every version has.
 */
export interface ProaAnswerPayload {
  type: "proa_answer";
  /**
   * Version of the payload (PAYLOAD_VERSION).
   */
  version: 1 | 2;
  verdict: Verdict;
  /**
   * The line that answers the question itself: fitted to VERDICT_LINE_MAX (200) characters where a clause can be cut, never longer than VERDICT_LINE_HARD_MAX.
   */
  verdict_line?: string;
  /**
   * The way to the person's goal the verdict line offers when the one asked about is closed.
   */
  route?: "periode_reconversion" | "other_metier" | null;
  topic: Topic;
  branch?: {
    idcc: number;
    name: string | null;
  } | null;
  metier?: {
    id: string;
    label: string | null;
  } | null;
  parts?: Part[];
  list?: List | null;
  certifications: Certification[];
  more: More;
  change?: Change | null;
  next_step?: NextStep | null;
  next_steps?: Button[];
  sources: Source[];
  /**
   * The whole answer as plain text.
   */
  text: string;
  /**
   * The prose without the list and the sources.
   */
  summary: string;
  /**
   * Every quick reply, in the order shown: choices, next steps, « Ce qui change en 2026 ».
   */
  buttons: Button[];
  understood?: Understood;
  feedback?: Feedback;
}
export interface Part {
  heading: string | null;
  figure: string | null;
  text: string;
  regime: "proa" | "proa_ongoing" | "periode_reconversion" | null;
  /**
   * A caveat, history or what is left to confirm: folded under « Détails et sources ».
   */
  detail: boolean;
}
export interface List {
  /**
   * Says whose certifications the list holds.
   */
  heading: string;
  whose: "metier" | "others" | "branch";
  offset: number;
  notes: string[];
}
export interface Certification {
  title: string;
  rncp: string | null;
  level: string;
  url: string | null;
  /**
   * The métier it is listed for, when the list is others'.
   */
  metier?: string | null;
  /**
   * Why the same title is listed twice.
   */
  note?: string | null;
}
export interface More {
  remaining: number;
  hint?: string;
  button?: Button;
}
export interface Button {
  /**
   * Shown.
   */
  title: string;
  /**
   * Sent to Rasa.
   */
  payload: string;
}
export interface Change {
  kind: "explained" | "recalled";
  heading: string;
  text: string;
  button: Button | null;
}
export interface NextStep {
  text: string;
  contacts: {
    name: string;
    url: string;
  }[];
}
export interface Source {
  label: string;
  url: string | null;
  /**
   * ISO date the knowledge was checked against this source.
   */
  checked_on?: string | null;
}
/**
 * What the answer understood: for the review and the feedback.
 */
export interface Understood {
  topic: Topic;
  rules: string[];
  branch: number | null;
  metier: string | null;
  /**
   * The reading of the question taken (regime, dates…).
   */
  reading: {
    [k: string]: unknown;
  } | null;
}
/**
 * « Cette réponse vous aide ? » (bot/feedback.py offer), added by actions/common.py send_answer.
 */
export interface Feedback {
  question: string;
  answer_id: string;
  buttons: {
    title: string;
    payload: string;
    value: "yes" | "no";
  }[];
}
