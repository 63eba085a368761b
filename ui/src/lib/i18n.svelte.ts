import type { Language } from "./bindings";
import { en, sv, type MessageKey, type Messages } from "./messages";

const tables: Record<Language, Messages> = { en, sv };

/** The language the system asks for, as far as the UI supports it. */
export function systemLanguage(preferred: readonly string[] = navigator.languages): Language {
  return preferred.some((tag) => tag.toLowerCase().startsWith("sv")) ? "sv" : "en";
}

let current = $state<Language>(systemLanguage());

export function language(): Language {
  return current;
}

/** Follows the admin's choice, or the system when there is none. */
export function setLanguage(choice: Language | null | undefined): void {
  current = choice ?? systemLanguage();
  document.documentElement.lang = current;
}

/** The message for `key` in the current language, with `{name}` filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return tables[current][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A number as the current language writes it (1 234 in Swedish). */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(current === "sv" ? "sv-SE" : "en-GB").format(value);
}
