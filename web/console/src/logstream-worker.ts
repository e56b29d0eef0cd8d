/// <reference lib="webworker" />
import { ApiError, stream } from "./api";
import { matches, type FeedView, type ToFeed } from "./logstream-feed";
import type { LogstreamEntry } from "./types";

/**
 * The Logstream page's worker: it reads the NDJSON stream, parses every entry and keeps the newest, off the page's
 * main thread, and answers each of the page's requests (four a second) with the newest entries that match its
 * filters and the counts. At 20,000 records a second the page only draws.
 */
const maxKept = 5000;
const kept: LogstreamEntry[] = [];
let received = 0;
let arrived = 0;
let notShown = 0;
let lastArrival: number | null = null;
let lastView = performance.now();
let cursor = "";
let problem: string | null = null;
let note: string | null = null;

function receive(e: LogstreamEntry): void {
  received++;
  arrived++;
  lastArrival = performance.now();
  notShown += Number(e.droppedBefore ?? 0);
  cursor = e.cursor;
  kept.push(e);
  if (kept.length > maxKept * 2) kept.splice(0, kept.length - maxKept);
}

async function follow(key: string): Promise<void> {
  const never = new AbortController().signal;
  for (;;) {
    const resume = cursor ? `&after_cursor=${encodeURIComponent(cursor)}` : "&backlog=100";
    try {
      problem = null;
      await stream<LogstreamEntry>(`/v1/logstream?include_test=true&include_rejected=true${resume}`, receive, never, key);
      problem = "the server ended the stream";
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && cursor) {
        // The cursor is older than the retained window: start again from the newest entries.
        cursor = "";
        note = "The stream moved past this page's last record while it was away; showing the newest records again.";
      } else {
        problem = (e as Error).message;
      }
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

self.onmessage = (event: MessageEvent<ToFeed>) => {
  const message = event.data;
  if (message.kind === "start") {
    void follow(message.key);
    return;
  }
  const now = performance.now();
  const rows: LogstreamEntry[] = [];
  if (!message.paused)
    for (let i = kept.length - 1; i >= 0 && rows.length < message.rows; i--) if (matches(kept[i], message.filters)) rows.push(kept[i]);
  const view: FeedView = {
    rows,
    received,
    arrived,
    rate: (arrived * 1000) / Math.max(1, now - lastView),
    notShown,
    quietFor: lastArrival === null ? null : now - lastArrival,
    problem,
    note,
  };
  arrived = 0;
  lastView = now;
  note = null;
  self.postMessage(view);
};
