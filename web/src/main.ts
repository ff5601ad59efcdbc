// Chat widget for the Pro-A assistant: connects to Rasa's socket.io channel.
import { io } from "socket.io-client";
import { readConfig } from "./config";
import { duplicateTextCount, newEntryId, parseBotMessage } from "./messages";
import { MORE_MESSAGE, renderEntry, renderIntro, type RenderHandlers } from "./render";
import { ConversationStore } from "./storage";
import type { BotEntry, Entry } from "./view";
import { WORDING } from "./wording";

/** Plain bot texts wait this long, in case the structured answer that repeats them follows. */
const BOT_TEXT_DELAY_MS = 250;
/** Retry delay after the server refused the connection. */
const REFUSED_RETRY_MS = 5000;

type Status = "connecting" | "online" | "lost";
const STATUS_TEXT: Record<Status, string> = WORDING.status;

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node as T;
}

function start(): void {
  const config = readConfig(window);
  const store = new ConversationStore();
  let sessionId = store.sessionId();

  const log = byId<HTMLDivElement>("messages");
  const form = byId<HTMLFormElement>("composer");
  const input = byId<HTMLInputElement>("message-input");
  const status = byId<HTMLParagraphElement>("connection-status");
  const statusText = status.querySelector<HTMLElement>(".status__text") ?? status;
  const typing = byId<HTMLParagraphElement>("typing");
  const newConversation = byId<HTMLButtonElement>("new-conversation");

  let history: Entry[] = store.loadHistory();
  let pending: BotEntry[] = [];
  let flushTimer: number | undefined;
  let typingTimer: number | undefined;
  let confirmed = false;
  /** Messages waiting for the connection: the user entry they belong to, and what to send. */
  const outbox: { id: string; payload: string }[] = [];
  /** The user entry sent last, until a bot message arrives. */
  let awaiting: string | undefined;

  const handlers: RenderHandlers = {
    onChoice(entryId, title, payload) {
      if (entryId !== "intro") markUsed(entryId);
      sendUserMessage(payload === MORE_MESSAGE ? WORDING.more_chosen : title, payload);
      // The chosen button is now disabled: give the focus to the input, except on touch
      // screens where that would open the on-screen keyboard.
      if (!window.matchMedia("(pointer: coarse)").matches) input.focus();
    },
    onFeedback(entryId, title, payload) {
      const entry = history.find((e) => e.id === entryId);
      if (!entry || entry.from !== "bot" || entry.kind !== "answer" || entry.feedbackGiven !== undefined) return;
      entry.feedbackGiven = title;
      store.saveHistory(history);
      rerender(entry);
      sendUserMessage(title, payload);
    },
    onRetry(entryId) {
      const entry = history.find((e) => e.id === entryId);
      if (!entry || entry.from !== "user" || !(confirmed && socket.connected)) return;
      const index = outbox.findIndex((m) => m.id === entryId);
      if (index >= 0) outbox.splice(index, 1);
      deliver(entryId, entry.payload ?? entry.text);
    },
  };

  // ---- rendering -------------------------------------------------------------
  function renderAll(): void {
    log.replaceChildren(renderIntro(handlers), ...history.map((e) => renderEntry(e, handlers)));
    log.scrollTop = log.scrollHeight;
  }

  function rerender(entry: Entry): void {
    log.querySelector(`[data-entry-id="${CSS.escape(entry.id)}"]`)?.replaceWith(renderEntry(entry, handlers));
  }

  /** Marks a user message as not sent (or sent again), on screen and in storage. */
  function setUnsent(entryId: string, unsent: boolean): void {
    const entry = history.find((e) => e.id === entryId);
    if (!entry || entry.from !== "user" || (entry.unsent ?? false) === unsent) return;
    entry.unsent = unsent;
    store.saveHistory(history);
    rerender(entry);
  }

  function append(entry: Entry): void {
    history.push(entry);
    store.saveHistory(history);
    const node = renderEntry(entry, handlers);
    log.append(node);
    // A long answer is shown from its start; otherwise keep the latest line in view.
    if (entry.from === "bot" && node.offsetHeight > log.clientHeight) {
      log.scrollTop = node.offsetTop - 8; // .messages is the offsetParent
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }

  function removeEntries(ids: ReadonlySet<string>): void {
    history = history.filter((e) => !ids.has(e.id));
    store.saveHistory(history);
    for (const id of ids) log.querySelector(`[data-entry-id="${CSS.escape(id)}"]`)?.remove();
  }

  function markUsed(entryId: string): void {
    const entry = history.find((e) => e.id === entryId);
    if (entry && entry.from === "bot" && (entry.kind === "text" || entry.kind === "answer")) {
      entry.used = true;
      store.saveHistory(history);
    }
    log
      .querySelectorAll<HTMLButtonElement>(`[data-entry-id="${CSS.escape(entryId)}"] .choice`)
      .forEach((b) => (b.disabled = true));
  }

  // ---- status ------------------------------------------------------------------
  function setStatus(state: Status): void {
    if (status.dataset.state === state) return;
    status.dataset.state = state;
    statusText.textContent = STATUS_TEXT[state];
  }

  function showTyping(on: boolean): void {
    window.clearTimeout(typingTimer);
    typing.hidden = !on;
    // Without any answer in time, the message is marked as not sent (and queued again).
    if (on) typingTimer = window.setTimeout(noAnswer, config.answerTimeoutMs);
  }

  /** No answer in time: the message is marked as not sent and goes again on reconnection. */
  function noAnswer(): void {
    typing.hidden = true;
    const entry = history.find((e) => e.id === awaiting);
    awaiting = undefined;
    if (!entry || entry.from !== "user") return;
    if (!outbox.some((m) => m.id === entry.id)) outbox.push({ id: entry.id, payload: entry.payload ?? entry.text });
    setUnsent(entry.id, true);
  }

  // ---- socket.io -----------------------------------------------------------------
  const socket = io(config.socketUrl, {
    path: config.socketPath,
    transports: config.transports,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });

  socket.on("connect", () => {
    confirmed = false;
    // Rasa puts this socket in the room of the session: replies reach every tab of it.
    socket.emit("session_request", { session_id: sessionId });
  });

  socket.on("session_confirm", (confirmedId: unknown) => {
    if (typeof confirmedId === "string" && confirmedId !== "" && confirmedId !== sessionId) {
      sessionId = confirmedId;
      store.setSessionId(sessionId);
    }
    confirmed = true;
    setStatus("online");
    while (outbox.length > 0) {
      const message = outbox.shift() as { id: string; payload: string };
      deliver(message.id, message.payload);
    }
  });

  socket.on("disconnect", (reason: string) => {
    confirmed = false;
    setStatus("lost");
    // The server closed the connection: socket.io does not retry by itself then.
    if (reason === "io server disconnect") socket.connect();
  });

  socket.on("connect_error", () => {
    confirmed = false;
    setStatus("lost");
    // Refused by the server (not a network error): socket.io leaves retrying to us.
    if (!socket.active) window.setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
  });

  socket.on("bot_uttered", (data: unknown) => {
    const entry = parseBotMessage(data);
    if (!entry) return;
    awaiting = undefined;
    showTyping(false);
    if (entry.kind === "answer") {
      absorbRepeatedText(entry);
      pending.push(entry);
      flushPending();
    } else {
      pending.push(entry);
      window.clearTimeout(flushTimer);
      flushTimer = window.setTimeout(flushPending, BOT_TEXT_DELAY_MS);
    }
  });

  /** The text of a structured answer came just before it as plain text: show it once. */
  function absorbRepeatedText(answer: Extract<BotEntry, { kind: "answer" }>): void {
    const shown: BotEntry[] = [];
    for (let i = history.length - 1; i >= 0; i -= 1) {
      const e = history[i];
      if (e.from !== "bot" || e.kind !== "text") break;
      shown.unshift(e);
    }
    const tail = [...shown, ...pending];
    const count = duplicateTextCount(tail, answer.answer);
    if (count === 0) return;
    const drop = new Set(tail.slice(tail.length - count).map((e) => e.id));
    pending = pending.filter((e) => !drop.has(e.id));
    removeEntries(drop);
  }

  function flushPending(): void {
    window.clearTimeout(flushTimer);
    const entries = pending;
    pending = [];
    entries.forEach(append);
  }

  function emitUserMessage(payload: string): void {
    socket.emit("user_uttered", { message: payload, session_id: sessionId });
  }

  /** Sends one user message now, and waits for its answer. */
  function deliver(entryId: string, payload: string): void {
    emitUserMessage(payload);
    setUnsent(entryId, false);
    awaiting = entryId;
    showTyping(true);
  }

  function sendUserMessage(shown: string, payload: string): void {
    flushPending();
    const id = newEntryId();
    const online = confirmed && socket.connected;
    append({ id, from: "user", text: shown, payload, unsent: !online });
    if (online) deliver(id, payload);
    else outbox.push({ id, payload });
  }

  // ---- form ------------------------------------------------------------------------
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text === "") {
      input.focus();
      return;
    }
    input.value = "";
    sendUserMessage(text, text);
  });

  // The skip link moves the focus itself (fragment navigation alone does not everywhere).
  document.querySelector<HTMLAnchorElement>(".skip-link")?.addEventListener("click", (event) => {
    event.preventDefault();
    input.focus();
  });

  // « Nouvelle conversation » wipes the chat: it asks first (when there is something to lose).
  const confirmBox = byId<HTMLDivElement>("confirm-new");
  const confirmYes = byId<HTMLButtonElement>("confirm-new-yes");
  const confirmNo = byId<HTMLButtonElement>("confirm-new-no");
  const closeConfirm = (): void => {
    confirmBox.hidden = true;
    newConversation.setAttribute("aria-expanded", "false");
  };
  newConversation.setAttribute("aria-expanded", "false");
  newConversation.addEventListener("click", () => {
    if (history.length === 0) {
      startNewConversation();
      return;
    }
    confirmBox.hidden = false;
    newConversation.setAttribute("aria-expanded", "true");
    confirmYes.focus();
  });
  confirmNo.addEventListener("click", () => {
    closeConfirm();
    newConversation.focus();
  });
  confirmBox.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      closeConfirm();
      newConversation.focus();
    }
  });
  confirmYes.addEventListener("click", () => {
    closeConfirm();
    startNewConversation();
  });

  function startNewConversation(): void {
    pending = [];
    outbox.length = 0;
    awaiting = undefined;
    history = [];
    sessionId = store.resetSession();
    showTyping(false);
    renderAll();
    // Leave the old session's room and ask for the new one.
    socket.disconnect();
    setStatus("connecting");
    socket.connect();
    input.focus();
  }

  renderAll();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
