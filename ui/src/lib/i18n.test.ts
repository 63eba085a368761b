import { afterEach, describe, expect, it } from "vitest";
import { setLanguage, systemLanguage, t } from "./i18n.svelte";

describe("i18n", () => {
  afterEach(() => setLanguage("en"));

  it("follows a Swedish system when no language is chosen", () => {
    expect(systemLanguage(["sv-SE", "en-US"])).toBe("sv");
    expect(systemLanguage(["de-DE"])).toBe("en");
  });

  it("fills placeholders and switches tables", () => {
    setLanguage("en");
    expect(t("status.offlineFile", { file: "export.csv" })).toBe("Reviewing export.csv offline (read-only)");
    setLanguage("sv");
    expect(t("nav.users")).toBe("Användare");
    expect(document.documentElement.lang).toBe("sv");
  });
});
