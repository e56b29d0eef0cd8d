import "./style.css";
import { session } from "./api";
import { renderSignIn } from "./signin";
import { renderCatalog } from "./catalog";
import { renderDetail } from "./detail";
import { renderReadiness } from "./readiness";
import { renderImports } from "./imports";

/** The page's router: paths as SPEC §6 names them, handled in the page; each page stops its streams when left. */
const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
let leave: (() => void) | undefined;

export type Page = (main: HTMLElement, signal: AbortSignal) => void;

function pageFor(path: string): Page {
  if (!session.key) return (m) => renderSignIn(m, () => show(location.pathname));
  const detail = /^\/metrics\/(.+)$/.exec(path);
  if (detail) return (m, s) => renderDetail(m, decodeURIComponent(detail[1]), s);
  if (path === "/readiness") return renderReadiness;
  if (path === "/imports") return renderImports;
  return renderCatalog;
}

function show(path: string): void {
  leave?.();
  const controller = new AbortController();
  leave = () => controller.abort();
  nav.hidden = !session.key;
  for (const a of nav.querySelectorAll("a")) {
    if (a.getAttribute("href") === path) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  main.replaceChildren();
  pageFor(path)(main, controller.signal);
}

export function navigate(path: string): void {
  history.pushState(null, "", path);
  show(path);
  main.focus();
}

document.addEventListener("click", (event) => {
  const a = (event.target as Element).closest("a");
  if (!a || a.target || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !a.hasAttribute("href") || a.hasAttribute("download")) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener("popstate", () => show(location.pathname));
document.getElementById("sign-out")!.addEventListener("click", () => {
  session.signOut();
  navigate("/");
});

show(location.pathname);
