import { session } from "./api";
import { el, replace } from "./dom";
import { formatCount, formatNumber, formatTime } from "./format";
import type { FeedView, Filters, ToFeed } from "./logstream-feed";
import type { LogstreamEntry } from "./types";

/** Rows on the page at most. */
const maxRows = 200;
/** The rows are redrawn at most this often, however fast records come: the page stays responsive at any rate. */
const drawEveryMs = 250;
/** The Logstream says what to check when no record came this soon after the page opened, or none for this long since. */
const quietAtOpenMs = 3000;
const quietAfterMs = 30_000;

/**
 * The Logstream (SPEC §6): one subscription with test and rejected records, read and parsed by a worker off the
 * main thread (the checkboxes and filters then act at once, on the records already here too); newest first,
 * redrawn four times a second with the newest rows that match, at most 200, so that at 20,000 records a second the
 * page keeps drawing and says that it shows a sample.
 * A record whose ID type is not one the catalog knows for its metric is marked. Entries the server could not send
 * (dropped_before) are counted as "not shown". Returns what starts the subscription.
 */
export function renderLogstream(main: HTMLElement, signal: AbortSignal, usualIdTypes: (metric: string) => string[] | undefined): () => void {
  let openedAt = Date.now();
  let paused = false;
  let pausedArrivals = 0;
  let dirty = true;
  let waiting = false;
  let lastDraw = 0;
  let feed: Worker | undefined;
  signal.addEventListener("abort", () => feed?.terminate());

  const checkbox = (id: string, label: string) => {
    const input = el("input", { id, type: "checkbox" });
    return { input, label: el("label", { class: "check" }, input, label) };
  };
  const text = (id: string, label: string, placeholder: string) => {
    const input = el("input", { id, type: "search", autocomplete: "off", placeholder });
    return { input, label: el("span", { class: "field" }, el("label", { for: id }, label), input) };
  };
  const showTest = checkbox("show-test", "Show test records");
  const showRejected = checkbox("show-rejected", "Show rejected");
  const metric = text("filter-metric", "Metric", "any metric");
  const idType = text("filter-id-type", "ID type", "any ID type");
  const id = text("filter-id", "ID", "any ID");
  const pause = el("button", { type: "button", id: "pause", "aria-pressed": "false" }, "Pause");
  const state = el("p", { class: "hint", role: "status", "aria-live": "polite" });
  const lost = el("p", { class: "warning", id: "logstream-lost" });
  const quiet = el("div", { class: "empty", id: "logstream-empty", hidden: true });
  const body = el("tbody");
  const headers = ["Time", "Metric", "Value", "ID", "ID type", "Date", "Status", "Source"];

  main.append(
    el(
      "section",
      { "aria-labelledby": "logstream-title", class: "logstream" },
      el("h2", { id: "logstream-title" }, "Logstream"),
      el("div", { class: "toolbar" }, showTest.label, showRejected.label, metric.label, idType.label, id.label, pause),
      state,
      lost,
      quiet,
      el(
        "div",
        { class: "scroll" },
        el("table", { class: "logstream-table" }, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))), body),
      ),
    ),
  );

  const filters = (): Filters => ({
    showTest: showTest.input.checked,
    showRejected: showRejected.input.checked,
    metric: metric.input.value.trim().toLowerCase(),
    idType: idType.input.value.trim().toLowerCase(),
    id: id.input.value.trim(),
  });
  for (const input of [showTest.input, showRejected.input, metric.input, idType.input, id.input])
    input.addEventListener("input", () => (dirty = true));
  pause.addEventListener("click", () => {
    paused = !paused;
    pausedArrivals = 0;
    pause.setAttribute("aria-pressed", String(paused));
    replace(pause, paused ? "Resume" : "Pause");
    dirty = true;
  });

  const row = (e: LogstreamEntry): HTMLTableRowElement => {
    const value = e.metricValue !== undefined ? formatNumber(e.metricValue) : `${formatNumber(e.numerator)} / ${formatNumber(e.denominator)}`;
    const usual = usualIdTypes(e.metricName);
    const unusual = e.status === "ACCEPTED" && !e.isTest && usual !== undefined && usual.length > 0 && !usual.includes(e.idType);
    const status =
      e.status === "REJECTED"
        ? el("span", { class: "rejected" }, "REJECTED: ", e.reason, e.rejectedCount > 1 ? ` (one of ${formatCount(e.rejectedCount)} refused)` : "")
        : el("span", {}, "ACCEPTED");
    return el(
      "tr",
      { class: [e.isTest ? "test" : "", e.status === "REJECTED" ? "refused" : "", unusual ? "unusual" : ""].join(" ").trim() },
      el("td", {}, formatTime(e.ingestedAt)),
      el("td", {}, e.metricName),
      el("td", { class: "num" }, value),
      el("td", { class: "id" }, e.userId),
      el(
        "td",
        { class: "id-type" },
        el("span", { class: "id-type-badge" }, e.idType),
        unusual ? el("span", { class: "unusual-mark", title: `this metric's ID types: ${usual!.join(", ")}` }, ` ⚠ not ${usual!.join(" or ")}`) : null,
      ),
      el("td", {}, e.date),
      el("td", {}, status, e.isTest ? el("span", { class: "test-badge" }, " test") : null),
      el("td", {}, e.source),
    );
  };

  const show = (view: FeedView) => {
    waiting = false;
    const now = Date.now();
    const quietFor = view.quietFor ?? now - openedAt;
    quiet.hidden = view.quietFor === null ? now - openedAt < quietAtOpenMs : quietFor < quietAfterMs;
    replace(
      lost,
      view.note ??
        (view.notShown > 0 ? `${formatCount(view.notShown)} records not shown: this page fell behind the stream and the server skipped them.` : ""),
    );
    if (view.problem) {
      replace(state, `The Logstream is disconnected (${view.problem}); reconnecting…`);
      return;
    }
    if (paused) {
      pausedArrivals += view.arrived;
      replace(state, `Paused: ${formatCount(pausedArrivals)} records arrived since; Resume shows the newest.`);
      return;
    }
    if (!dirty && view.arrived === 0) return;
    dirty = false;
    body.replaceChildren(...view.rows.map(row));
    replace(
      state,
      view.arrived > maxRows
        ? `${formatCount(Math.round(view.rate))} records/s: showing a sample, the newest ${maxRows} that match, redrawn four times a second. ${formatCount(view.received)} received.`
        : `${formatCount(view.received)} records received; the newest ${maxRows} that match are shown.`,
    );
  };

  const draw = () => {
    if (signal.aborted) return;
    requestAnimationFrame(draw);
    const now = Date.now();
    if (waiting || now - lastDraw < drawEveryMs) return;
    lastDraw = now;
    waiting = true;
    post({ kind: "view", filters: filters(), rows: maxRows, paused });
  };
  const post = (message: ToFeed) => feed?.postMessage(message);

  replace(
    quiet,
    el("strong", {}, "Nothing has been ingested recently."),
    el("p", {}, "If a pipeline should be sending records, check:"),
    el(
      "ul",
      {},
      el("li", {}, `the address: it sends to this server (${location.origin}, POST /v1/log_custom_metric, or gRPC on the server's gRPC port);`),
      el("li", {}, "the key: an ingest key or the server secret of this project, in the statsig-api-key header;"),
      el("li", {}, "the schema: each record has user_id, id_type, metric_name, date (YYYY-MM-DD) and metric_value, or numerator and denominator. Refused records show with Show rejected."),
    ),
  );

  // Started by the page once it has read what the rows are marked against (the catalog's ID types).
  return () => {
    if (feed || signal.aborted) return;
    openedAt = Date.now();
    feed = new Worker(new URL("./logstream-worker.ts", import.meta.url), { type: "module" });
    feed.onmessage = (event: MessageEvent<FeedView>) => show(event.data);
    post({ kind: "start", key: session.key ?? "" });
    requestAnimationFrame(draw);
  };
}
