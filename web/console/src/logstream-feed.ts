import type { LogstreamEntry } from "./types";

/** What the Logstream page asks its worker for, and what the worker answers: the page's side of the stream. */
export interface Filters {
  showTest: boolean;
  showRejected: boolean;
  metric: string;
  idType: string;
  id: string;
}

export type ToFeed = { kind: "start"; key: string } | { kind: "view"; filters: Filters; rows: number; paused: boolean };

export interface FeedView {
  /** The newest entries that match, newest first (none while paused). */
  rows: LogstreamEntry[];
  received: number;
  /** Entries arrived since the previous view. */
  arrived: number;
  /** Records a second over that time. */
  rate: number;
  /** Entries the server skipped because this page fell behind (dropped_before), in all. */
  notShown: number;
  /** Milliseconds since the last entry arrived; null before the first. */
  quietFor: number | null;
  /** Why the stream is not connected, while it is not. */
  problem: string | null;
  /** Something worth saying once, e.g. that the stream started again from the newest entries. */
  note: string | null;
}

export function matches(e: LogstreamEntry, f: Filters): boolean {
  return (
    (f.showTest || !e.isTest) &&
    (f.showRejected || e.status !== "REJECTED") &&
    (!f.metric || e.metricName.toLowerCase().includes(f.metric)) &&
    (!f.idType || e.idType.toLowerCase() === f.idType) &&
    (!f.id || e.userId === f.id)
  );
}
