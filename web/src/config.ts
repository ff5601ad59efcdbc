// Runtime configuration: `window.PROA_CONFIG`, set by config.js (written by web/serve.py).

export interface WidgetConfig {
  /** Base URL of the Rasa server (its socket.io channel), e.g. "http://127.0.0.1:5005". */
  socketUrl: string;
  /** socket.io path on that server (Rasa's `socketio_path`, default "/socket.io/"). */
  socketPath: string;
  /** engine.io transports; websocket only by default (no CORS needed on the Rasa side). */
  transports: string[];
  /** Without any answer after this many ms, the message is marked as not sent. */
  answerTimeoutMs: number;
}

export const DEFAULT_ANSWER_TIMEOUT_MS = 30000;

declare global {
  interface Window {
    PROA_CONFIG?: Partial<WidgetConfig> & Record<string, unknown>;
  }
}

/** Default Rasa URL: same host as the page, port 5005. */
export function defaultSocketUrl(loc: Location): string {
  const scheme = loc.protocol === "https:" ? "https:" : "http:";
  return `${scheme}//${loc.hostname}:5005`;
}

export function readConfig(win: Window): WidgetConfig {
  const raw = win.PROA_CONFIG ?? {};
  const socketUrl =
    typeof raw.socketUrl === "string" && raw.socketUrl.trim() !== ""
      ? raw.socketUrl.trim()
      : defaultSocketUrl(win.location);
  const socketPath =
    typeof raw.socketPath === "string" && raw.socketPath.trim() !== ""
      ? raw.socketPath.trim()
      : "/socket.io/";
  const transports =
    Array.isArray(raw.transports) && raw.transports.every((t) => typeof t === "string")
      ? (raw.transports as string[])
      : ["websocket"];
  const timeout = Number(raw.answerTimeoutMs);
  const answerTimeoutMs =
    Number.isFinite(timeout) && timeout >= 1000 && timeout <= 300000 ? timeout : DEFAULT_ANSWER_TIMEOUT_MS;
  return { socketUrl, socketPath, transports, answerTimeoutMs };
}
