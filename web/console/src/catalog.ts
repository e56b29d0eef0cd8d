import { ApiError, get, session } from "./api";
import { el, link, replace } from "./dom";
import { checkName, formatCount, statusText } from "./format";
import { renderLogstream } from "./logstream";
import type { ListMetricsResponse, MetricDay, MetricSummary } from "./types";

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
 * and units — read only for the rows in view, so that a catalog of 10,000 metrics shows at once — with a search box;
 * the Logstream below it.
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
  replace(
    main,
    el(
      "section",
      { "aria-labelledby": "catalog-title" },
      el("h1", { id: "catalog-title" }, "Metrics Catalog"),
      el("div", { class: "toolbar" }, el("label", { for: "catalog-search" }, "Search"), search, status),
      el("div", { class: "scroll" }, table),
    ),
  );
  renderLogstream(main, signal, (metric) => catalog.get(metric)?.idTypes);

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      void fillLatestDay(entry.target as HTMLTableRowElement, signal);
    }
  });
  signal.addEventListener("abort", () => observer.disconnect());

  listAll(signal)
    .then((metrics) => {
      if (signal.aborted) return;
      const rows = metrics.map((m) => {
        catalog.set(m.metricName, m);
        const row = el(
          "tr",
          { "data-metric": m.metricName },
          el("th", { scope: "row" }, link(`/metrics/${encodeURIComponent(m.metricName)}`, m.metricName)),
          el("td", {}, m.kind),
          el("td", { class: "id-type" }, m.idTypes.join(", ")),
          el("td", {}, m.firstDate),
          el("td", {}, m.lastDate),
          el("td", { class: "latest-status" }, "…"),
          el("td", { class: "latest-units num" }, ""),
          el("td", { class: "latest-health" }, ""),
        );
        observer.observe(row);
        return row;
      });
      body.replaceChildren(...rows);
      const shown = () => {
        const needle = search.value.trim().toLowerCase();
        let count = 0;
        for (const row of rows) {
          row.hidden = needle.length > 0 && !row.dataset.metric!.toLowerCase().includes(needle);
          if (!row.hidden) count++;
        }
        replace(status, metrics.length === 0 ? "No metric has production data yet: ingest records (isTest false) and they appear here." : `${formatCount(count)} of ${formatCount(metrics.length)} metrics`);
      };
      search.addEventListener("input", shown);
      shown();
    })
    .catch((e: unknown) => {
      if (e instanceof ApiError && e.refusedKey) session.signOut();
      replace(status, `The catalog could not be read: ${(e as Error).message}`);
    });
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
