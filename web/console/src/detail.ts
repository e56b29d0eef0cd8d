import { collect, get } from "./api";
import { el, link, replace } from "./dom";
import { checkName, formatCount, formatInstant, formatNumber, headline, interval95, statusText } from "./format";
import { headlineChart, volumeChart } from "./charts";
import { unitsCsv } from "./csv";
import type { Aggregate, HealthWarning, MetricDay, MetricSeries, UnitValue } from "./types";

const maxDays = 400;

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

/**
 * The Metric Detail View (SPEC §6): one metric over a range of days (the last 400 unless chosen): the headline
 * chart (mean and its 95 % interval, or the ratio), sum and units, each day's status and figures, the breakdown by
 * ID type of a chosen day, and the per-unit CSV of a sealed day.
 */
export function renderDetail(main: HTMLElement, metric: string, signal: AbortSignal): void {
  const to = addDays(isoDate(new Date()), 1);
  const fromInput = el("input", { id: "from", type: "date", value: addDays(to, -(maxDays - 1)) });
  const toInput = el("input", { id: "to", type: "date", value: to });
  const status = el("p", { class: "hint", role: "status" }, "Loading…");
  const content = el("div");
  const form = el(
    "form",
    { class: "toolbar" },
    el("span", { class: "field" }, el("label", { for: "from" }, "From"), fromInput),
    el("span", { class: "field" }, el("label", { for: "to" }, "To"), toInput),
    el("button", { type: "submit" }, "Show"),
  );
  replace(
    main,
    el("p", {}, link("/", "← Catalog")),
    el("h1", {}, metric),
    form,
    status,
    content,
  );
  const load = async () => {
    replace(status, "Loading…");
    try {
      const series = await get<MetricSeries>(
        `/v1/metrics/${encodeURIComponent(metric)}/days?from=${fromInput.value}&to=${toInput.value}`,
      );
      if (signal.aborted) return;
      replace(status, series.days.length === 0 ? "No day of this metric has data in this range." : `${series.days.length} days with data`);
      showSeries(content, metric, series.days);
    } catch (e) {
      replace(status, `The metric could not be read: ${(e as Error).message}`);
      content.replaceChildren();
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void load();
  });
  void load();
}

function showSeries(content: HTMLElement, metric: string, days: MetricDay[]): void {
  if (days.length === 0) {
    content.replaceChildren();
    return;
  }
  const kind = days[0].kind;
  const headlineBox = el("figure", { class: "chart", "aria-label": "headline chart" });
  const volumeBox = el("figure", { class: "chart", "aria-label": "sum and units chart" });
  const breakdown = el("div", { class: "scroll" });
  const daySelect = el("select", { id: "breakdown-day" }, ...[...days].reverse().map((d) => el("option", { value: d.date }, d.date)));
  const showBreakdown = () => {
    const day = days.find((d) => d.date === daySelect.value)!;
    replace(breakdown, aggregateTable("by-id-type", "ID type", day.kind, day.byIdType.map((a) => [a.idType, a])));
  };
  daySelect.addEventListener("change", showBreakdown);
  replace(
    content,
    el("p", {}, "Kind: ", kind, kind === "RATIO" ? " (sum of numerators ÷ sum of denominators)" : " (mean per unit)"),
    healthSummary(days),
    el("div", { class: "charts" }, headlineBox, volumeBox),
    el("h2", {}, "Days"),
    el("div", { class: "scroll" }, dayTable(metric, days)),
    el("h2", {}, "By ID type"),
    el("div", { class: "toolbar" }, el("label", { for: "breakdown-day" }, "Day"), daySelect),
    breakdown,
  );
  showBreakdown();
  headlineChart(headlineBox, days);
  volumeChart(volumeBox, days);
}

function healthSummary(days: MetricDay[]): HTMLElement {
  const warned = days.filter((d) => (d.health?.length ?? 0) > 0);
  return el(
    "p",
    { id: "health-summary", class: warned.length > 0 ? "warning" : "hint" },
    warned.length === 0
      ? "Data health: every check passes on every day shown."
      : `Data health: ${warned.length} of ${days.length} days have warnings (see the Health column).`,
  );
}

function dayTable(metric: string, days: MetricDay[]): HTMLTableElement {
  const kind = days[0].kind;
  const heads = ["Date", "Status", "Units", "Rows", "Sum", kind === "RATIO" ? "Ratio" : "Mean ± 95 %", "Health", "Finalized at", "Per-unit values"];
  return el(
    "table",
    { class: "days" },
    el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col" }, h)))),
    el(
      "tbody",
      {},
      ...[...days].reverse().map((d) =>
        el(
          "tr",
          { "data-date": d.date, class: d.status === "OPEN" ? "open" : "" },
          el("th", { scope: "row" }, d.date),
          el("td", { class: "status" }, statusText(d)),
          el("td", { class: "num units" }, formatCount(d.overall.unitCount)),
          el("td", { class: "num rows" }, formatCount(d.overall.rowCount)),
          el("td", { class: "num sum", "data-value": String(d.overall.sum) }, formatNumber(d.overall.sum)),
          el("td", { class: "num headline", "data-value": String(headline(kind, d.overall)) }, headlineText(kind, d.overall)),
          el("td", { class: "health" }, healthList(d.health ?? [])),
          el("td", {}, formatInstant(d.finalizedAt)),
          el("td", {}, d.status === "FINALIZED" ? downloadButton(metric, d.date) : "when sealed"),
        ),
      ),
    ),
  );
}

/** The day's health warnings in words ("⚠" and the check's name, then its sentence), or "OK". */
export function healthList(warnings: HealthWarning[]): HTMLElement {
  if (warnings.length === 0) return el("span", { class: "healthy" }, "OK");
  return el(
    "ul",
    { class: "warnings" },
    ...warnings.map((w) => el("li", { "data-check": w.check }, el("strong", {}, `⚠ ${checkName(w.check)}: `), w.message)),
  );
}

function headlineText(kind: MetricDay["kind"], a: Aggregate): string {
  return kind === "RATIO" ? formatNumber(a.ratio) : `${formatNumber(a.mean)} ± ${formatNumber(interval95(a))}`;
}

function aggregateTable(id: string, label: string, kind: MetricDay["kind"], rows: [string, Aggregate][]): HTMLTableElement {
  const heads = [label, "Units", "Rows", "Sum", kind === "RATIO" ? "Ratio" : "Mean ± 95 %"];
  return el(
    "table",
    { id },
    el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col" }, h)))),
    el(
      "tbody",
      {},
      ...rows.map(([name, a]) =>
        el(
          "tr",
          {},
          el("th", { scope: "row", class: "id-type" }, name),
          el("td", { class: "num" }, formatCount(a.unitCount)),
          el("td", { class: "num" }, formatCount(a.rowCount)),
          el("td", { class: "num" }, formatNumber(a.sum)),
          el("td", { class: "num" }, headlineText(kind, a)),
        ),
      ),
    ),
  );
}

/** The key travels in a header, so the CSV is read through the API and handed to the browser as a file. */
function downloadButton(metric: string, date: string): HTMLButtonElement {
  const button = el("button", { type: "button", class: "download" }, `Download ${date} CSV`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const units = await collect<UnitValue>(`/v1/metrics/${encodeURIComponent(metric)}/days/${date}/units`);
      const url = URL.createObjectURL(new Blob([unitsCsv(units)], { type: "text/csv" }));
      const a = el("a", { href: url, download: `${metric}-${date}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      replace(button, `Download failed: ${(e as Error).message}`);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
