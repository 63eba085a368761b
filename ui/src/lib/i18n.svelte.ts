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
  return formatters(locale()).number.format(value);
}

// Made once a language: every row of a list counts something.
const made = new Map<string, { number: Intl.NumberFormat; plural: Intl.PluralRules }>();

function formatters(tag: string): { number: Intl.NumberFormat; plural: Intl.PluralRules } {
  let these = made.get(tag);
  if (!these) {
    these = { number: new Intl.NumberFormat(tag), plural: new Intl.PluralRules(tag) };
    made.set(tag, these);
  }
  return these;
}

/** Messages that come in plural forms: `key.one` and `key.other`. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}.other` ? Base : never) : never;

/** The form of `key` the current language uses for `count`, with `{count}`
 * written in the language's numbers. */
export function tn(key: PluralKey, count: number, params: Record<string, string | number> = {}): string {
  const form = formatters(locale()).plural.select(count) === "one" ? "one" : "other";
  return t(`${key}.${form}` as MessageKey, { ...params, count: formatNumber(count) });
}

function locale(): string {
  return current === "sv" ? "sv-SE" : "en-GB";
}

/** A moment (seconds since 1970) as the current language writes it. */
export function formatDate(seconds: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(seconds * 1000));
}

/** An amount in hundredths of `currency`, as the current language writes money. */
export function formatMoney(hundredths: number, currency: string): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(hundredths / 100);
}

/** A price in hundredths as the current language writes it in a field:
 * "239,90" in Swedish, "239.90" in English, never grouped. */
export function formatPrice(hundredths: number): string {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(
    hundredths / 100,
  );
}

/** A price as an admin types it, in hundredths: a decimal comma or point
 * ("239,90", "239.90"), thousands grouped by spaces, points or commas
 * ("1 234,50", "1,234.50"); null when it is not a price. */
export function parsePrice(text: string): number | null {
  const compact = text.trim().replace(/[\s\u00a0\u202f]/g, "");
  const match = /^(\d+|\d{1,3}(?:([.,])\d{3})+)(?:([.,])(\d{1,2}))?$/.exec(compact);
  if (!match) return null;
  const [, whole, group, decimal, fraction = ""] = match;
  if (group && group === decimal) return null;
  return Number(whole.replace(/[.,]/g, "")) * 100 + Number(fraction.padEnd(2, "0"));
}

/** A day (seconds since 1970) as the current language writes dates. */
export function formatDay(seconds: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(seconds * 1000));
}

/** How long ago a moment was, in whole days ("today", "3 days ago"). */
export function daysAgo(seconds: number, now: number = Date.now()): string {
  const days = Math.max(0, Math.floor((now / 1000 - seconds) / 86_400));
  return days === 0 ? t("status.today") : tn("status.daysAgo", days);
}
