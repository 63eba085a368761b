import { afterEach, describe, expect, it } from "vitest";
import { daysAgo, formatDay, formatMoney, formatNumber, formatPrice, parsePrice, setLanguage, systemLanguage, t, tn } from "./i18n.svelte";

describe("i18n", () => {
  afterEach(() => setLanguage("en"));

  it("follows a Swedish system when no language is chosen", () => {
    expect(systemLanguage(["sv-SE", "en-US"])).toBe("sv");
    expect(systemLanguage(["de-DE"])).toBe("en");
  });

  it("fills placeholders and switches tables", () => {
    setLanguage("en");
    expect(t("status.offlineFile", { file: "export.csv" })).toBe("Offline file export.csv");
    setLanguage("sv");
    expect(t("nav.users")).toBe("Användare");
    expect(document.documentElement.lang).toBe("sv");
  });

  it("writes days and how long ago they were in the chosen language", () => {
    const day = Date.UTC(2026, 10, 20, 12) / 1000;
    const now = Date.UTC(2026, 10, 25, 9);
    setLanguage("en");
    expect(formatDay(day)).toBe("20 Nov 2026");
    expect(daysAgo(day, now)).toBe("4 days ago");
    expect(daysAgo(now / 1000 - 3600, now)).toBe("today");
    expect(daysAgo(now / 1000 - 86_400 - 60, now)).toBe("1 day ago");
    setLanguage("sv");
    expect(formatDay(day)).toBe("20 nov. 2026");
    expect(daysAgo(day, now)).toBe("för 4 dagar sedan");
    expect(daysAgo(now / 1000 - 60, now)).toBe("i dag");
  });

  it("chooses the plural form by the number, and writes numbers as the language does", () => {
    setLanguage("en");
    expect(tn("removal.confirm", 1)).toBe("Remove 1 license");
    expect(tn("removal.confirm", 0)).toBe("Remove 0 licenses");
    expect(tn("removal.confirm", 1234)).toBe("Remove 1,234 licenses");
    expect(tn("removal.skipped", 1)).toBe("1 left alone (see the plan).");
    expect(formatNumber(1234.5)).toBe("1,234.5");
    setLanguage("sv");
    expect(tn("removal.confirm", 1)).toBe("Ta bort 1 licens");
    expect(tn("removal.confirm", 2)).toBe("Ta bort 2 licenser");
    // Swedish groups thousands with a (no-break) space and has a decimal comma.
    expect(tn("removal.confirm", 1234)).toBe("Ta bort 1\u00a0234 licenser");
    expect(tn("removal.skipped", 1)).toBe("1 lämnades orörd (se planen).");
    expect(tn("removal.skipped", 3)).toBe("3 lämnades orörda (se planen).");
    expect(tn("status.daysAgo", 1)).toBe("för 1 dag sedan");
    expect(formatNumber(1234.5)).toBe("1\u00a0234,5");
    // A count inside a sentence never needs an agreeing adjective.
    expect(t("removal.done", { done: formatNumber(1), failed: formatNumber(0), notRun: formatNumber(0) })).toBe(
      "Klart. Borttagna: 1, misslyckade: 0, inte körda: 0.",
    );
  });

  it("writes money and prices with the language's decimal sign, in text and in fields", () => {
    setLanguage("sv");
    expect(formatMoney(23990, "SEK")).toBe("239,90\u00a0kr");
    expect(formatMoney(123450, "EUR")).toBe("1\u00a0234,50\u00a0€");
    expect(formatPrice(23990)).toBe("239,90");
    expect(formatPrice(123450)).toBe("1234,50");
    setLanguage("en");
    expect(formatMoney(23990, "GBP")).toBe("£239.90");
    expect(formatPrice(23990)).toBe("239.90");
  });

  it("reads a price as either language types it", () => {
    for (const [typed, hundredths] of [
      ["239,90", 23990],
      ["239.90", 23990],
      [" 239,9 ", 23990],
      ["12", 1200],
      ["1 234,50", 123450],
      ["1\u00a0234,50", 123450],
      ["1.234,50", 123450],
      ["1,234.50", 123450],
      ["1,234", 123400],
      ["0,05", 5],
    ] as const) {
      expect(parsePrice(typed), typed).toBe(hundredths);
    }
    for (const typed of ["", "abc", "-5", "12,345,6", "1.234.5", "1,234,50", "12 kr"]) {
      expect(parsePrice(typed), typed).toBeNull();
    }
  });
});
