import { ApiError, get, session } from "./api";
import { el, replace } from "./dom";

/** Sign-in: the key is tried on the catalog before it is kept, so a wrong key is told at once. */
export function renderSignIn(main: HTMLElement, signedIn: () => void): void {
  const input = el("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const error = el("p", { id: "sign-in-error", class: "error", role: "alert" });
  const button = el("button", { type: "submit" }, "Sign in");
  const form = el(
    "form",
    { class: "sign-in", "aria-describedby": "sign-in-help" },
    el("h1", {}, "Sign in to Metrics"),
    el("label", { for: "api-key" }, "API key"),
    input,
    el("p", { id: "sign-in-help", class: "hint" }, "The project's server secret. It is kept in this tab only and sent as the statsig-api-key header."),
    button,
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    button.disabled = true;
    replace(error);
    try {
      await get("/v1/metrics?page_size=1", key);
      session.signIn(key);
      signedIn();
    } catch (e) {
      const refused = e instanceof ApiError && e.refusedKey;
      replace(error, refused ? "That key was refused: sign in with the project's server secret." : `Could not sign in: ${(e as Error).message}`);
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  replace(main, form);
  input.focus();
}
