// DOM building for the conversation. Message content is only ever set with
// textContent / attributes on elements created here: never innerHTML.
import type {
  AnswerPart,
  Certification,
  ChangeNote,
  Entry,
  FeedbackOffer,
  NextStep,
  ProaAnswer,
  QuickReply,
  Source,
} from "./view";
import { fill, WORDING } from "./wording";

export interface RenderHandlers {
  /** A quick reply was chosen: show `title` as the user's message, send `payload`. */
  onChoice(entryId: string, title: string, payload: string): void;
  /** « Renvoyer » on a message that got no answer. */
  onRetry?(entryId: string): void;
  /** « Oui » / « Non » under an answer: show `title` as the user's message, send `payload`. */
  onFeedback?(entryId: string, title: string, payload: string): void;
}

/** Suggestions of the welcome bubble: the buttons of domain.yml's utter_greet, in its
 * order (tests/web/test_widget_wording.py), worded by the catalogue. */
export const WELCOME_CHOICES: readonly QuickReply[] = [
  { title: WORDING.welcome_choices.duration, payload: '/faq{"faq_topic": "duration"}' },
  { title: WORDING.welcome_choices.funding, payload: '/faq{"faq_topic": "funding"}' },
  { title: WORDING.welcome_choices.pay, payload: '/faq{"faq_topic": "pay"}' },
  { title: WORDING.welcome_choices.my_certifications, payload: "/ask_certifications" },
  { title: WORDING.welcome_choices.periode_reconversion, payload: '/faq{"faq_topic": "periode_reconversion"}' },
];

const VERDICTS: Record<string, { label: string; css: string }> = {
  eligible: { label: WORDING.verdicts.eligible, css: "verdict--eligible" },
  not_eligible: { label: WORDING.verdicts.not_eligible, css: "verdict--not-eligible" },
  needs_information: { label: WORDING.verdicts.needs_information, css: "verdict--needs-info" },
};

/** What the « Voir plus » button sends: the words a person would type. */
export const MORE_MESSAGE: string = WORDING.more_message;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = frenchSpaces(text);
  return node;
}

/** French typography: a no-break space inside « » and before ; : ! ?, so that a quote
 * mark or a colon never starts or ends a line alone. */
export function frenchSpaces(text: string): string {
  return text
    .replace(/« /g, "«\u00a0")
    .replace(/ »/g, "\u00a0»")
    .replace(/ ([;:!?])(?=\s|$)/g, "\u00a0$1");
}

function srOnly(text: string): HTMLSpanElement {
  return el("span", "sr-only", text);
}

/** Only http(s) links are followed; anything else (javascript:, data:…) is shown as text. */
export function safeHttpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function externalLink(href: string, text: string, className?: string): HTMLAnchorElement {
  const a = el("a", className, text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  a.append(srOnly(` ${WORDING.new_tab}`));
  return a;
}

const URL_RE = /https?:\/\/[^\s<>"']+/g;
const TRAILING_PUNCT = /[.,;:!?)\]»]+$/;

/** Appends one line of text, turning bare http(s) URLs into links. */
function appendLine(parent: HTMLElement, line: string): void {
  let last = 0;
  for (const match of line.matchAll(URL_RE)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING_PUNCT, "");
    const href = safeHttpUrl(raw);
    if (!href) continue;
    parent.append(document.createTextNode(frenchSpaces(line.slice(last, start))));
    parent.append(externalLink(href, raw));
    last = start + raw.length;
  }
  parent.append(document.createTextNode(frenchSpaces(line.slice(last))));
}

/** Paragraphs on blank lines, line breaks kept. */
export function renderText(text: string): HTMLDivElement {
  const box = el("div", "msg__text");
  for (const paragraph of text.trim().split(/\n\s*\n/)) {
    if (paragraph.trim() === "") continue;
    const p = el("p");
    paragraph.split("\n").forEach((line, i) => {
      if (i > 0) p.append(el("br"));
      appendLine(p, line);
    });
    box.append(p);
  }
  return box;
}

function renderChoices(
  entryId: string,
  buttons: readonly QuickReply[],
  used: boolean,
  handlers: RenderHandlers,
): HTMLDivElement {
  const group = el("div", "choices");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", WORDING.choices_label);
  for (const button of buttons) {
    const b = el("button", "choice", button.title);
    b.type = "button";
    b.disabled = used;
    b.addEventListener("click", () => handlers.onChoice(entryId, button.title, button.payload));
    group.append(b);
  }
  return group;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderCertification(cert: Certification): HTMLLIElement {
  const li = el("li", "cert-card");
  li.append(el("p", "cert-card__title", cert.title || cert.rncp || ""));
  if (cert.metier) li.append(el("p", "cert-card__metier", fill(WORDING.planned_for, { metier: cert.metier })));
  const meta = el("p", "cert-card__meta");
  if (cert.rncp) {
    const href = safeHttpUrl(cert.url);
    if (href) {
      const link = externalLink(href, cert.rncp, "cert-card__rncp");
      link.prepend(srOnly(`${WORDING.rncp_sheet} `));
      meta.append(link);
    } else {
      meta.append(el("span", "cert-card__rncp", cert.rncp));
    }
  }
  if (cert.level) {
    if (meta.childNodes.length > 0) meta.append(el("span", "cert-card__sep", " · "));
    meta.append(el("span", "cert-card__level", capitalize(cert.level)));
  }
  if (meta.childNodes.length > 0) li.append(meta);
  if (cert.note) li.append(el("p", "cert-card__note", cert.note));
  return li;
}

function renderPart(part: AnswerPart): HTMLElement {
  const section = el("section", "answer__part");
  if (part.heading) section.append(el("h3", "answer__heading", part.heading));
  if (part.figure) section.append(el("p", "answer__figure", part.figure));
  if (part.text) section.append(renderText(part.text));
  return section;
}

function renderChange(change: ChangeNote): HTMLElement {
  const box = el("div", `answer__change answer__change--${change.kind}`);
  if (change.kind === "explained" && change.heading) box.append(el("h3", "answer__heading", change.heading));
  box.append(renderText(change.text));
  return box;
}

function renderSources(sources: readonly Source[]): HTMLParagraphElement {
  const p = el("p", "sources");
  const label = sources.length > 1 ? WORDING.sources_heading_many : WORDING.sources_heading_one;
  p.append(el("span", "sources__label", `${label} `));
  sources.forEach((source, i) => {
    if (i > 0) p.append(document.createTextNode(" ; "));
    const href = safeHttpUrl(source.url);
    p.append(href ? externalLink(href, source.label) : el("span", "sources__item", source.label));
  });
  // « vérifié le … » once, the oldest check of the sources cited.
  const checked = sources
    .map((source) => source.checkedOn)
    .filter((day): day is string => typeof day === "string" && /^\d{4}-\d{2}-\d{2}$/.test(day))
    .sort()[0];
  if (checked) p.append(el("span", "sources__checked", ` (${fill(WORDING.checked_on, { day: frenchDay(checked) })})`));
  return p;
}

/** « 20/11/2026 » for an ISO date, the text itself otherwise. */
function frenchDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

function contextLine(answer: ProaAnswer): string {
  const parts: string[] = [];
  if (answer.metier?.label) parts.push(answer.metier.label);
  if (answer.branch?.name) {
    parts.push(answer.branch.idcc ? `${answer.branch.name} (IDCC ${answer.branch.idcc})` : answer.branch.name);
  }
  return parts.join(" · ");
}

function renderAnswer(
  entryId: string,
  answer: ProaAnswer,
  used: boolean,
  handlers: RenderHandlers,
): DocumentFragment {
  const frag = document.createDocumentFragment();
  // Version 2: the line that answers the question is the bubble's first line.
  if (answer.verdictLine !== "") frag.append(el("p", "answer__verdict", answer.verdictLine));
  const verdict = answer.verdict ? VERDICTS[answer.verdict] : undefined;
  const context = contextLine(answer);
  if (verdict || context) {
    const head = el("p", "answer__head");
    if (verdict) {
      const badge = el("span", `verdict ${verdict.css}`);
      badge.append(srOnly(`${WORDING.verdict_label} `), document.createTextNode(verdict.label));
      head.append(badge);
    }
    if (context) head.append(el("span", "answer__context", context));
    frag.append(head);
  }
  if (answer.verdictLine !== "") {
    answer.parts.filter((part) => !part.detail).forEach((part) => frag.append(renderPart(part)));
  } else if (answer.summary.trim() !== "") {
    frag.append(renderText(answer.summary)); // version 1: the prose
  }
  if (answer.certifications.length > 0) {
    const title =
      answer.listHeading ??
      (answer.certifications.length > 1 ? WORDING.certifications_heading_many : WORDING.certifications_heading_one);
    const headingId = `${entryId}-certs`;
    const heading = el("p", "answer__section", title);
    heading.id = headingId;
    const ul = el("ul", "cert-list");
    ul.setAttribute("aria-labelledby", headingId);
    answer.certifications.forEach((cert) => ul.append(renderCertification(cert)));
    frag.append(heading, ul);
  }
  if (answer.nextStep) frag.append(renderNextStep(answer.nextStep));
  const details = renderDetails(answer);
  if (details) frag.append(details);
  const buttons: QuickReply[] = [];
  if (answer.moreRemaining > 0) {
    const n = answer.moreRemaining;
    buttons.push({
      title: n > 1 ? fill(WORDING.more_button_many, { count: n }) : WORDING.more_button_one,
      payload: MORE_MESSAGE,
    });
  }
  buttons.push(...answer.buttons);
  if (buttons.length > 0) {
    const group = renderChoices(entryId, buttons, used, handlers);
    if (answer.moreRemaining > 0) group.firstElementChild?.classList.add("choice--more");
    frag.append(group);
  }
  return frag;
}

/** « Prochaine étape : … » and a link to each contact's official site. */
function renderNextStep(step: NextStep): HTMLElement {
  const box = el("p", "answer__next");
  box.append(el("strong", "answer__next-label", `${WORDING.next_step_heading}\u00a0: `));
  // A contact named in the sentence becomes its link there; the others follow it.
  let text = frenchSpaces(step.text);
  const after: HTMLAnchorElement[] = [];
  for (const contact of step.contacts) {
    const href = safeHttpUrl(contact.url);
    if (!href) continue;
    const at = text.indexOf(contact.name);
    if (at >= 0) {
      box.append(document.createTextNode(text.slice(0, at)), externalLink(href, contact.name, "answer__contact"));
      text = text.slice(at + contact.name.length);
    } else {
      after.push(externalLink(href, contact.name, "answer__contact"));
    }
  }
  box.append(document.createTextNode(text));
  after.forEach((link) => box.append(document.createTextNode(" "), link));
  return box;
}

/** Caveats, history, the 2026 change and the sources, folded under one disclosure so
 * that the first screen of a phone holds the answer itself (closed by default). */
function renderDetails(answer: ProaAnswer): HTMLDetailsElement | null {
  const box = el("details", "answer__details");
  if (answer.verdictLine !== "") {
    answer.parts.filter((part) => part.detail).forEach((part) => box.append(renderPart(part)));
    answer.listNotes.forEach((note) => box.append(el("p", "answer__note", note)));
    if (answer.change) box.append(renderChange(answer.change));
  }
  if (answer.sources.length > 0) box.append(renderSources(answer.sources));
  if (box.childNodes.length === 0) return null;
  box.prepend(el("summary", "answer__details-toggle", WORDING.details_heading));
  return box;
}

/** « Cette réponse vous aide ? » with « Oui » / « Non »; once answered, the buttons stay
 * shown (the one chosen pressed) but disabled. */
function renderFeedback(
  entryId: string,
  offer: FeedbackOffer,
  given: string | undefined,
  handlers: RenderHandlers,
): HTMLDivElement {
  const box = el("div", "feedback");
  const questionId = `${entryId}-feedback`;
  const question = el("p", "feedback__question", offer.question);
  question.id = questionId;
  const group = el("div", "feedback__choices");
  group.setAttribute("role", "group");
  group.setAttribute("aria-labelledby", questionId);
  for (const button of offer.buttons) {
    const b = el("button", "feedback__choice", button.title);
    b.type = "button";
    b.disabled = given !== undefined || !handlers.onFeedback;
    b.setAttribute("aria-pressed", given === button.title ? "true" : "false");
    b.addEventListener("click", () => handlers.onFeedback?.(entryId, button.title, button.payload));
    group.append(b);
  }
  box.append(question, group);
  if (given !== undefined) {
    const thanks = el("p", "feedback__thanks", WORDING.feedback_thanks);
    thanks.setAttribute("role", "status");
    box.append(thanks);
  }
  return box;
}

/** The bubble of one entry. */
export function renderEntry(entry: Entry, handlers: RenderHandlers): HTMLElement {
  const box = el("div", "msg");
  box.dataset.entryId = entry.id;
  if (entry.from === "user") {
    box.classList.add("msg--user");
    box.append(srOnly(`${WORDING.speaker_user} `), renderText(entry.text));
    if (entry.unsent) {
      box.classList.add("msg--unsent");
      const note = el("p", "msg__unsent", WORDING.unsent);
      note.setAttribute("role", "status");
      if (handlers.onRetry) {
        const retry = el("button", "msg__retry", WORDING.retry);
        retry.type = "button";
        retry.addEventListener("click", () => handlers.onRetry?.(entry.id));
        note.append(" ", retry);
      }
      box.append(note);
    }
    return box;
  }
  box.classList.add("msg--bot");
  box.append(srOnly(`${WORDING.speaker_assistant} `));
  switch (entry.kind) {
    case "text":
      if (entry.text.trim() !== "") box.append(renderText(entry.text));
      if (entry.buttons.length > 0) {
        box.append(renderChoices(entry.id, entry.buttons, entry.used === true, handlers));
      }
      break;
    case "answer":
      box.classList.add("msg--answer");
      box.append(renderAnswer(entry.id, entry.answer, entry.used === true, handlers));
      if (entry.answer.feedback) {
        box.append(renderFeedback(entry.id, entry.answer.feedback, entry.feedbackGiven, handlers));
      }
      break;
    case "image": {
      const href = safeHttpUrl(entry.src);
      if (href) {
        const img = el("img", "msg__image");
        img.src = href;
        img.alt = WORDING.image_alt;
        img.loading = "lazy";
        box.append(img);
      }
      break;
    }
  }
  return box;
}

/** Bubble shown at the top of every conversation (not sent by Rasa, not stored): the
 * assistant's greeting (domain.yml's utter_greet) and an example question, with the main
 * topics as suggestions. */
export function renderIntro(handlers?: RenderHandlers): HTMLElement {
  const box = el("div", "msg msg--bot msg--intro");
  // renderText makes the spaces before ! ? : and inside « » no-break, as French wants.
  box.append(srOnly(`${WORDING.speaker_assistant} `), renderText(`${WORDING.greeting}\n\n${WORDING.greeting_example}`));
  if (handlers) box.append(renderChoices("intro", WELCOME_CHOICES, false, handlers));
  return box;
}
