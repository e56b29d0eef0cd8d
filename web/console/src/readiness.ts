import { get, stream } from "./api";
import { el, replace } from "./dom";
import { formatInstant } from "./format";
import type { Readiness, ReadinessEvent } from "./types";

/** Readiness (SPEC §6): the watermark, the last sealed day, the open days, and the seal events as they come. */
export function renderReadiness(main: HTMLElement, signal: AbortSignal): void {
  const summary = el("dl", { class: "facts" });
  const events = el("tbody");
  const state = el("p", { class: "hint", role: "status" }, "Watching for seals…");
  replace(
    main,
    el("h1", {}, "Readiness"),
    summary,
    el("h2", {}, "Seal events"),
    state,
    el(
      "div",
      { class: "scroll" },
      el(
        "table",
        { id: "readiness-events" },
        el("thead", {}, el("tr", {}, ...["Date", "Event", "Metrics", "Watermark", "At"].map((h) => el("th", { scope: "col" }, h)))),
        events,
      ),
    ),
  );
  const refresh = async () => {
    try {
      const r = await get<Readiness>("/v1/readiness");
      const watermark = Number(r.watermark);
      replace(
        summary,
        el("dt", {}, "Watermark"),
        el("dd", { id: "watermark" }, watermark > 0 ? `${new Date(watermark * 1000).toISOString()} (${watermark})` : "not set: no MarkDataReady yet"),
        el("dt", {}, "Last sealed day"),
        el("dd", { id: "last-sealed" }, r.lastFinalizedDate || "none"),
        el("dt", {}, "Open days"),
        el("dd", { id: "open-days" }, r.openDates?.length ? r.openDates.join(", ") : "none"),
      );
    } catch (e) {
      replace(summary, el("dd", {}, `Readiness could not be read: ${(e as Error).message}`));
    }
  };
  void refresh();
  void stream<ReadinessEvent>(
    "/v1/readiness/watch",
    (e) => {
      events.prepend(
        el(
          "tr",
          {},
          el("th", { scope: "row" }, e.date),
          el("td", {}, e.restated ? `restated: ${e.metricName} version ${e.version}` : "sealed"),
          el("td", { class: "num" }, String(e.metricCount ?? "")),
          el("td", { class: "num" }, String(e.watermark)),
          el("td", {}, formatInstant(e.finalizedAt)),
        ),
      );
      void refresh();
    },
    signal,
  ).catch((e: Error) => replace(state, `The watch ended: ${e.message}; reload the page to watch again.`));
}
