/**
 * The public JSON API, with the key from session storage in the `statsig-api-key` header (never in a URL).
 * Errors carry the server's message; streams are read as NDJSON, one message a line.
 */
const keyName = "metrics.apiKey";

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(keyName);
  },
  signIn(key: string): void {
    sessionStorage.setItem(keyName, key);
  },
  signOut(): void {
    sessionStorage.removeItem(keyName);
  },
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  get refusedKey(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function headers(key = session.key): HeadersInit {
  return key ? { "statsig-api-key": key } : {};
}

async function failure(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { message?: string };
    if (body.message) message = body.message;
  } catch {
    // not a JSON error body: the status says it
  }
  return new ApiError(response.status, message);
}

export async function get<T>(path: string, key?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: headers(key), cache: "no-store" });
  } catch {
    throw new ApiError(0, "the server could not be reached");
  }
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** Calls onMessage with each message of a server stream until it ends or signal aborts. */
export async function stream<T>(path: string, onMessage: (message: T) => void, signal: AbortSignal, key?: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { headers: headers(key), cache: "no-store", signal });
  } catch (e) {
    if (signal.aborted) return;
    throw new ApiError(0, "the server could not be reached");
  }
  if (!response.ok || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      pending += value;
      let start = 0;
      for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n", start)) {
        const line = pending.slice(start, end);
        start = end + 1;
        if (line.trim()) onMessage(JSON.parse(line) as T);
      }
      pending = pending.slice(start);
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  }
}

/** Every message of a server stream, once it has ended. */
export async function collect<T>(path: string): Promise<T[]> {
  const messages: T[] = [];
  await stream<T>(path, (m) => messages.push(m), new AbortController().signal);
  return messages;
}
