import { describe, expect, it } from "vitest";
import { en, sv } from "./messages";
import { swedishErrors } from "./errors";

// Errors are said in Swedish by their code (lib/errors.ts): the same words apply.
const svWithErrors = { ...sv, ...Object.fromEntries(Object.entries(swedishErrors).map(([code, text]) => [`error code ${code}`, text])) };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("messages", () => {
  it("has every English key in Swedish and no others", () => {
    expect(Object.keys(sv).sort()).toEqual(Object.keys(en).sort());
  });

  it("keeps the same placeholders in both languages", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(sv[key]), key).toEqual(placeholders(en[key]));
      expect(sv[key].trim(), key).not.toBe("");
    }
  });

  // docs/glossary.md: the words Microsoft's admin center uses, and none of the ones it rules out.
  it("uses the glossary's words", () => {
    const ruledOut: Record<"en" | "sv", RegExp[]> = {
      en: [/\bcopy\b/i, /\bsettled\b/i, /\blicence/i, /\borganisation/i, /\bclient id\b/i, /\d a second/, /\bid\b/],
      sv: [
        // "Program-id (klient)" is how Entra labels the app's id.
        /(?<!\()\bklient\b(?!\))/i,
        /\bklienten\b/i,
        /\bklient-id\b/i,
        /\bplats(er|erna|en)?\b/i,
        /\binnehavare\b/i,
        /\bkopia/i,
        /Enterprise-planer/,
        /banderoll/i,
        /kvarhållning\b/i,
        /ändra det i/i,
      ],
    };
    for (const [language, table] of [["en", en], ["sv", svWithErrors]] as const) {
      for (const [key, text] of Object.entries(table)) {
        const words = text.replace(/\{\w+\}/g, "");
        for (const word of ruledOut[language]) expect(words, `${language} ${key}`).not.toMatch(word);
      }
    }
  });

  it("writes Swedish numbers with a decimal comma and English ones with a point", () => {
    // A version is part of a name, written as its maker writes it.
    const withoutVersions = (text: string) => text.replace(/PowerShell \d\.\d/g, "PowerShell");
    for (const [key, text] of Object.entries(svWithErrors)) expect(withoutVersions(text), key).not.toMatch(/\d\.\d/);
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toMatch(/\d,\d/);
  });

  it("never puts a number before an adjective that must agree with it (1 borttagna)", () => {
    // Plural forms (key.one, key.other) are chosen by the number, so they may.
    for (const [key, text] of Object.entries(svWithErrors).filter(([key]) => !/\.(one|other)$/.test(key))) {
      expect(text, key).not.toMatch(/\{\w+\} (borttagna|klara|misslyckade|återställda|markerade|avstängda)\b/);
    }
  });
});
