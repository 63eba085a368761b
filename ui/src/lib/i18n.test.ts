import { afterEach, describe, expect, it } from "vitest";
import { daysAgo, formatDay, setLanguage, systemLanguage, t } from "./i18n.svelte";

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
});
