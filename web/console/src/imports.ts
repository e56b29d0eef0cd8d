import { get, stream } from "./api";
import { el, replace } from "./dom";
import { formatCount, formatInstant } from "./format";
import type { Import, ImportRun, ListImportRunsResponse, ListImportsResponse } from "./types";

/** Imports (SPEC §6): every import, its runs with live progress while they run, and their errors. */
export function renderImports(main: HTMLElement, signal: AbortSignal): void {
  const list = el("div");
  replace(main, el("h1", {}, "Imports"), list);
  get<ListImportsResponse>("/v1/imports")
    .then(({ imports }) => {
      if (imports.length === 0) {
        replace(list, el("p", { class: "hint" }, "No import is defined: CreateImport (POST /v1/imports) adds one."));
        return;
      }
      replace(list, ...imports.map((i) => importSection(i, signal)));
    })
    .catch((e: Error) => replace(list, el("p", { class: "error" }, `The imports could not be read: ${e.message}`)));
}

function importSection(i: Import, signal: AbortSignal): HTMLElement {
  const runs = el("tbody");
  const section = el(
    "section",
    { class: "import", "data-import": i.importId },
    el("h2", {}, i.importId),
    el(
      "dl",
      { class: "facts" },
      el("dt", {}, "Source"),
      el("dd", {}, i.source),
      el("dt", {}, "Query"),
      el("dd", {}, el("code", {}, i.query)),
      el("dt", {}, "Schedule"),
      el("dd", {}, i.schedule || "on demand"),
    ),
    el(
      "div",
      { class: "scroll" },
      el(
        "table",
        {},
        el("thead", {}, el("tr", {}, ...["Run", "Status", "Days", "Rows read / applied / rejected", "Loaded · unchanged · restated", "Started", "Message"].map((h) => el("th", { scope: "col" }, h)))),
        runs,
      ),
    ),
  );
  get<ListImportRunsResponse>(`/v1/imports/${encodeURIComponent(i.importId)}/runs`)
    .then(({ runs: all }) => {
      for (const run of all) {
        const row = runRow(run);
        runs.append(row);
        if (run.status === "RUNNING" || run.status === "PENDING") watch(i.importId, run.runId, row, signal);
      }
      if (all.length === 0) runs.append(el("tr", {}, el("td", { colspan: "7" }, "No run yet.")));
    })
    .catch((e: Error) => runs.append(el("tr", {}, el("td", { colspan: "7" }, `The runs could not be read: ${e.message}`))));
  return section;
}

function runRow(run: ImportRun): HTMLTableRowElement {
  const errors = run.errors ?? [];
  return el(
    "tr",
    { "data-run": run.runId },
    el("th", { scope: "row" }, run.runId, run.trigger ? ` (${run.trigger})` : ""),
    el("td", { class: "status" }, run.status),
    el("td", {}, `${run.fromDate} – ${run.toDate}`),
    el("td", { class: "num" }, `${formatCount(run.rowsRead)} / ${formatCount(run.rowsApplied)} / ${formatCount(run.rowsRejected)}`),
    el("td", { class: "num" }, `${run.daysLoaded ?? 0} · ${run.daysUnchanged ?? 0} · ${run.daysRestated ?? 0}`),
    el("td", {}, formatInstant(run.startedAt)),
    el(
      "td",
      {},
      run.message,
      errors.length > 0
        ? el("ul", { class: "errors" }, ...errors.map((e) => el("li", {}, `row ${e.row}, ${e.column}${e.date ? ` (${e.date})` : ""}: ${e.reason}`)))
        : null,
    ),
  );
}

function watch(importId: string, runId: string, row: HTMLTableRowElement, signal: AbortSignal): void {
  let current = row;
  void stream<ImportRun>(
    `/v1/imports/${encodeURIComponent(importId)}/runs/${encodeURIComponent(runId)}/watch`,
    (run) => {
      const next = runRow(run);
      current.replaceWith(next);
      current = next;
    },
    signal,
  ).catch((e: Error) => current.cells[6]?.append(` (live progress stopped: ${e.message}; reload to follow it)`));
}
