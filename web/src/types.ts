// Shapes of the messages exchanged with Rasa's socket.io channel.

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
}

export interface Source {
  label: string;
  url: string | null;
}

/** The structured answer of the custom actions (docs/DESIGN.md, "Structured answer"). */
export interface ProaAnswer {
  type: "proa_answer";
  version: number | null;
  verdict: string | null;
  topic: string | null;
  branch: { idcc: number | null; name: string | null } | null;
  metier: { id: string | null; label: string | null } | null;
  certifications: Certification[];
  moreRemaining: number;
  sources: Source[];
  text: string;
  summary: string;
  buttons: QuickReply[];
}

/** One line of the conversation, as rendered and as kept in localStorage. */
export type Entry =
  | { id: string; from: "user"; text: string }
  | { id: string; from: "bot"; kind: "text"; text: string; buttons: QuickReply[]; used?: boolean }
  | { id: string; from: "bot"; kind: "answer"; answer: ProaAnswer; used?: boolean }
  | { id: string; from: "bot"; kind: "image"; src: string };

export type BotEntry = Extract<Entry, { from: "bot" }>;
