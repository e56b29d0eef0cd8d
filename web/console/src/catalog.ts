import { ApiError, get, session } from "./api";
import { el, replace } from "./dom";
import { checkName, formatCount, statusText } from "./format";
import { renderLogstream } from "./logstream";
import type { ListMetricsResponse, MetricDay, MetricSummary } from "./types";

const rowsAtATime = 200;

/** Every metric of the catalog, read page by page (1,000 a page, as ListMetrics allows at most). */
async function listAll(signal: AbortSignal): Promise<MetricSummary[]> {
  const metrics: MetricSummary[] = [];
  let token = "";
  do {
    const page = await get<ListMetricsResponse>(`/v1/metrics?page_size=1000&page_token=${encodeURIComponent(token)}`);
    metrics.push(...page.metrics);
    token = page.nextPageToken;
  } while (token && !signal.aborted);
  return metrics;
}

/**
 * The Metrics Catalog (SPEC §6): every metric with kind, ID types, first and last date, and its latest day's status
 * units and health — read only for the rows in view — with a search box over every metric; the Logstream below it.
 */
export function renderCatalog(main: HTMLElement, signal: AbortSignal): void {
  const status = el("p", { class: "hint", role: "status" }, "Loading the catalog…");
  const search = el("input", { id: "catalog-search", type: "search", autocomplete: "off", placeholder: "metric name" });
  const body = el("tbody");
  const table = el(
    "table",
    { class: "catalog" },
    el("caption", { class: "visually-hidden" }, "Metrics"),
    el(
      "thead",
      {},
      el("tr", {}, ...["Metric", "Kind", "ID types", "First date", "Last date", "Latest day", "Units", "Health"].map((h) => el("th", { scope: "col" }, h))),
    ),
    body,
  );
  const catalog = new Map<string, MetricSummary>();
  const more = el("button", { type: "button", id: "catalog-more", hidden: true }, "Show more");
  replace(
    main,
    el(
      "section",
      { "aria-labelledby": "catalog-title" },
      el("h1", { id: "catalog-title" }, "Metrics Catalog"),
      el("div", { class: "toolbar" }, el("label", { for: "catalog-search" }, "Search"), search, status),
      el("div", { class: "scroll" }, table),
      more,
    ),
  );
  const startLogstream = renderLogstream(main, signal, (metric) => catalog.get(metric)?.idTypes);

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      void fillLatestDay(entry.target as HTMLTableRowElement, signal);
    }
  });
  signal.addEventListener("abort", () => observer.disconnect());

  // Rows are drawn 200 at a time, more as the list is scrolled to its end: a catalog of 10,000 metrics shows at
  // once, and a search filters all of them without redrawing thousands of rows.
  const template = el(
    "tr",
    {},
    el("th", { scope: "row" }, el("a")),
    el("td"),
    el("td", { class: "id-type" }),
    el("td"),
    el("td"),
    el("td", { class: "latest-status" }, "…"),
    el("td", { class: "latest-units num" }),
    el("td", { class: "latest-health" }),
  );
  const row = (m: MetricSummary): HTMLTableRowElement => {
    const r = template.cloneNode(true) as HTMLTableRowElement;
    r.dataset.metric = m.metricName;
    const a = r.cells[0].firstChild as HTMLAnchorElement;
    a.href = `/metrics/${encodeURIComponent(m.metricName)}`;
    a.textContent = m.metricName;
    r.cells[1].textContent = m.kind;
    r.cells[2].textContent = m.idTypes.join(", ");
    r.cells[3].textContent = m.firstDate;
    r.cells[4].textContent = m.lastDate;
    observer.observe(r);
    return r;
  };
  let all: MetricSummary[] = [];
  let matching: MetricSummary[] = [];
  let drawn = 0;
  const drawMore = () => {
    const next = matching.slice(drawn, drawn + rowsAtATime);
    body.append(...next.map(row));
    drawn += next.length;
    more.hidden = drawn >= matching.length;
    replace(
      status,
      all.length === 0
        ? "No metric has production data yet: ingest records (isTest false) and they appear here."
        : `${formatCount(matching.length)} of ${formatCount(all.length)} metrics${drawn < matching.length ? `, the first ${formatCount(drawn)} shown` : ""}`,
    );
  };
  const filter = () => {
    const needle = search.value.trim().toLowerCase();
    matching = needle ? all.filter((m) => m.metricName.toLowerCase().includes(needle)) : all;
    body.replaceChildren();
    drawn = 0;
    drawMore();
  };
  more.addEventListener("click", drawMore);
  const end = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !more.hidden) drawMore();
  });
  end.observe(more);
  signal.addEventListener("abort", () => end.disconnect());

  listAll(signal)
    .then((metrics) => {
      if (signal.aborted) return;
      all = metrics;
      for (const m of metrics) catalog.set(m.metricName, m);
      search.addEventListener("input", filter);
      filter();
    })
    .catch((e: unknown) => {
      if (e instanceof ApiError && e.refusedKey) session.signOut();
      replace(status, `The catalog could not be read: ${(e as Error).message}`);
    })
    // The Logstream after the catalog: its rows are marked against the catalog's ID types, and the two reads do
    // not compete while the page opens.
    .finally(startLogstream);
}

async function fillLatestDay(row: HTMLTableRowElement, signal: AbortSignal): Promise<void> {
  const metric = row.dataset.metric!;
  const lastDate = row.cells[4].textContent!;
  try {
    const day = await get<MetricDay>(`/v1/metrics/${encodeURIComponent(metric)}/days/${lastDate}`);
    if (signal.aborted) return;
    replace(row.querySelector(".latest-status")!, statusText(day));
    replace(row.querySelector(".latest-units")!, formatCount(day.overall.unitCount));
    const warnings = day.health ?? [];
    replace(
      row.querySelector(".latest-health")!,
      warnings.length === 0
        ? el("span", { class: "healthy" }, "OK")
        : el("span", { class: "warning", title: warnings.map((w) => w.message).join("\n") }, `⚠ ${warnings.map((w) => checkName(w.check)).join(", ")}`),
    );
  } catch (e) {
    if (!signal.aborted) replace(row.querySelector(".latest-status")!, `unavailable: ${(e as Error).message}`);
  }
}
