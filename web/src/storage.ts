// Session id and conversation history in localStorage, so that a reload continues
// the same Rasa conversation (the socket.io channel runs with session_persistence).
import { parseAnswer, parseButtons } from "./messages";
import type { Entry } from "./view";

const SESSION_KEY = "proa.sessionId";
const HISTORY_KEY = "proa.history.v1";
const MAX_ENTRIES = 200;

function safeStorage(): Storage | null {
  try {
    const storage = window.localStorage;
    const probe = "proa.probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return null; // private mode or storage disabled: the conversation lasts one page view
  }
}

/** 32 hex characters, like the ids Rasa makes; works outside secure contexts too. */
export function newSessionId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class ConversationStore {
  private readonly storage = safeStorage();
  private memorySession: string | null = null;

  sessionId(): string {
    const stored = this.storage?.getItem(SESSION_KEY) ?? this.memorySession;
    if (stored && /^[A-Za-z0-9_-]{8,128}$/.test(stored)) return stored;
    return this.resetSession();
  }

  setSessionId(id: string): void {
    this.memorySession = id;
    this.storage?.setItem(SESSION_KEY, id);
  }

  resetSession(): string {
    const id = newSessionId();
    this.setSessionId(id);
    this.saveHistory([]);
    return id;
  }

  loadHistory(): Entry[] {
    const raw = this.storage?.getItem(HISTORY_KEY);
    if (!raw) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? parsed.filter(isEntry).map(revive) : [];
    } catch {
      return [];
    }
  }

  saveHistory(entries: readonly Entry[]): void {
    if (!this.storage) return;
    const kept = entries.slice(-MAX_ENTRIES);
    try {
      this.storage.setItem(HISTORY_KEY, JSON.stringify(kept));
    } catch {
      // quota exceeded: keep the conversation on screen only
    }
  }
}

/** Stored data is re-validated like data from the network. */
function revive(entry: Entry): Entry {
  if (entry.from === "bot" && entry.kind === "answer") {
    return { ...entry, answer: parseAnswer(entry.answer as unknown as Record<string, unknown>) };
  }
  if (entry.from === "bot" && entry.kind === "text") {
    return { ...entry, buttons: parseButtons(entry.buttons) };
  }
  return entry;
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== "string") return false;
  if (v.from === "user") return typeof v.text === "string";
  if (v.from !== "bot") return false;
  switch (v.kind) {
    case "text":
      return typeof v.text === "string" && Array.isArray(v.buttons);
    case "answer":
      return typeof v.answer === "object" && v.answer !== null;
    case "image":
      return typeof v.src === "string";
    default:
      return false;
  }
}
