import { ApiError, stream } from "./api";
import { el, replace } from "./dom";
import { formatCount, formatNumber, formatTime } from "./format";
import type { LogstreamEntry } from "./types";

/** Rows on the page at most; records kept for the filters and for Pause at most. */
const maxRows = 200;
const maxKept = 5000;
/** The rows are redrawn at most this often, however fast records come: the page stays responsive at any rate. */
const drawEveryMs = 250;
/** The Logstream says what to check when no record came this soon after the page opened, or none for this long since. */
const quietAtOpenMs = 3000;
const quietAfterMs = 30_000;

interface Filters {
  showTest: boolean;
  showRejected: boolean;
  metric: string;
  idType: string;
  id: string;
}

function matches(e: LogstreamEntry, f: Filters): boolean {
  return (
    (f.showTest || !e.isTest) &&
    (f.showRejected || e.status !== "REJECTED") &&
    (!f.metric || e.metricName.toLowerCase().includes(f.metric)) &&
    (!f.idType || e.idType.toLowerCase() === f.idType) &&
    (!f.id || e.userId === f.id)
  );
}

/**
 * The Logstream (SPEC §6): one subscription with test and rejected records (the checkboxes and filters then act at
 * once, on the records already here too), newest first, redrawn four times a second with the newest rows that
 * match, at most 200, so that at 20,000 records a second the page keeps drawing and says that it shows a sample.
 * A record whose ID type is not one the catalog knows for its metric is marked. Entries the server could not send
 * (dropped_before) are counted as "not shown".
 */
export function renderLogstream(main: HTMLElement, signal: AbortSignal, usualIdTypes: (metric: string) => string[] | undefined): void {
  const kept: LogstreamEntry[] = [];
  let received = 0;
  let notShown = 0;
  const openedAt = Date.now();
  let lastArrival = 0;
  let arrivedSinceDraw = 0;
  let paused = false;
  let pausedArrivals = 0;
  let dirty = true;
  let lastDraw = 0;
  let cursor = "";

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

  const draw = () => {
    const now = Date.now();
    if (!signal.aborted) requestAnimationFrame(draw);
    if (now - lastDraw < drawEveryMs) return;
    const rate = (arrivedSinceDraw * 1000) / Math.max(1, now - lastDraw);
    lastDraw = now;
    const arrived = arrivedSinceDraw;
    arrivedSinceDraw = 0;
    quiet.hidden = received > 0 ? now - lastArrival < quietAfterMs : now - openedAt < quietAtOpenMs;
    replace(lost, notShown > 0 ? `${formatCount(notShown)} records not shown: this page fell behind the stream and the server skipped them.` : "");
    if (paused) {
      replace(state, `Paused: ${formatCount(pausedArrivals)} records arrived since; Resume shows the newest.`);
      return;
    }
    if (!dirty && arrived === 0) return;
    dirty = false;
    const f = filters();
    const rows: HTMLTableRowElement[] = [];
    for (let i = kept.length - 1; i >= 0 && rows.length < maxRows; i--) if (matches(kept[i], f)) rows.push(row(kept[i]));
    body.replaceChildren(...rows);
    replace(
      state,
      arrived > maxRows
        ? `${formatCount(Math.round(rate))} records/s: showing a sample, the newest ${maxRows} that match, redrawn four times a second. ${formatCount(received)} received.`
        : `${formatCount(received)} records received; the newest ${maxRows} that match are shown.`,
    );
  };

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

  const receive = (e: LogstreamEntry) => {
    received++;
    arrivedSinceDraw++;
    if (paused) pausedArrivals++;
    lastArrival = Date.now();
    notShown += Number(e.droppedBefore ?? 0);
    cursor = e.cursor;
    kept.push(e);
    if (kept.length > maxKept * 2) kept.splice(0, kept.length - maxKept);
  };

  const subscribe = async () => {
    while (!signal.aborted) {
      const resume = cursor ? `&after_cursor=${encodeURIComponent(cursor)}` : "&backlog=100";
      try {
        await stream<LogstreamEntry>(`/v1/logstream?include_test=true&include_rejected=true${resume}`, receive, signal);
      } catch (e) {
        if (e instanceof ApiError && e.status === 400 && cursor) {
          // The cursor is older than the retained window: start again from the newest records.
          cursor = "";
          replace(lost, "The stream moved past this page's last record while it was away; showing the newest records again.");
        } else {
          replace(state, `The Logstream is disconnected (${(e as Error).message}); reconnecting…`);
        }
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 2000));
    }
  };

  requestAnimationFrame(draw);
  void subscribe();
}
