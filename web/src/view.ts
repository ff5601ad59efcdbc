// The widget's view of a conversation: the camelCase, non-null shapes it renders and keeps
// in localStorage. They are not the answer payload: that is described once, in
// docs/answer.schema.json, and its TypeScript type is generated (src/generated/answer.ts);
// src/messages.ts maps the wire payload to these.

/** A quick reply / Rasa button: `title` is shown, `payload` is sent to Rasa. */
export interface QuickReply {
  title: string;
  payload: string;
}

export interface Certification {
  title: string;
  rncp: string | null;
  level: string | null;
  url: string | null;
  /** The métier it is listed for, when the list is other métiers' (version 2). */
  metier: string | null;
  /** Why the same title is listed twice (two RNCP codes). */
  note: string | null;
}

export interface Source {
  label: string;
  url: string | null;
  /** ISO date the knowledge was checked against this source. */
  checkedOn: string | null;
}

/** One block of details under a heading, starting with its figure (version 2). */
export interface AnswerPart {
  heading: string | null;
  figure: string | null;
  text: string;
  /** A caveat or history: folded under « Détails et sources ». */
  detail: boolean;
}

/** Someone to turn to, with the official address of their site. */
export interface ContactLink {
  name: string;
  url: string | null;
}

/** What the person does first, and who to turn to. */
export interface NextStep {
  text: string;
  contacts: ContactLink[];
}

/** The 2026 change: explained once per conversation, then only recalled. */
export interface ChangeNote {
  kind: "explained" | "recalled";
  heading: string | null;
  text: string;
}

/** « Cette réponse vous aide ? » and its « Oui » / « Non » (bot/feedback.py). */
export interface FeedbackOffer {
  question: string;
  /** `payload`: `/feedback{"helpful": "no", "answer_id": "…"}`, names this answer. */
  buttons: QuickReply[];
}

/** The structured answer of the custom actions (docs/DESIGN.md, "Structured answer"). */
export interface ProaAnswer {
  type: "proa_answer";
  version: number | null;
  verdict: string | null;
  topic: string | null;
  branch: { idcc: number | null; name: string | null } | null;
  metier: { id: string | null; label: string | null } | null;
  /** The line that answers the question; empty for version 1 payloads. */
  verdictLine: string;
  /** What the person does first, and who to turn to (after the list). */
  nextStep: NextStep | null;
  parts: AnswerPart[];
  /** The list's heading, which says whose certifications they are. */
  listHeading: string | null;
  listNotes: string[];
  change: ChangeNote | null;
  certifications: Certification[];
  moreRemaining: number;
  sources: Source[];
  text: string;
  summary: string;
  buttons: QuickReply[];
  /** The feedback question under the answer; null when the answer does not ask. */
  feedback: FeedbackOffer | null;
}

/** One line of the conversation, as rendered and as kept in localStorage. */
export type Entry =
  | { id: string; from: "user"; text: string; unsent?: boolean; payload?: string }
  | { id: string; from: "bot"; kind: "text"; text: string; buttons: QuickReply[]; used?: boolean }
  | { id: string; from: "bot"; kind: "answer"; answer: ProaAnswer; used?: boolean; feedbackGiven?: string }
  | { id: string; from: "bot"; kind: "image"; src: string };

export type BotEntry = Extract<Entry, { from: "bot" }>;
