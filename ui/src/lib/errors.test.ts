import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import App from "../App.svelte";
import ErrorText from "../components/ErrorText.svelte";
import type { AppError_Serialize } from "./bindings";
import { errorText, swedishErrors } from "./errors";
import { setLanguage } from "./i18n.svelte";
import { fakeBackend } from "../test/ipc";

const throttled: AppError_Serialize = {
  code: "throttled",
  message: "Microsoft 365 is limiting requests. Wait a few minutes, then try again.",
  details: "client-request-id 5f1c",
};

afterEach(() => {
  cleanup();
  setLanguage("en");
});

describe("an error's text", () => {
  it("is Rust's specific English message in English, with its details beneath", () => {
    setLanguage("en");
    expect(errorText(throttled)).toEqual({ text: throttled.message, details: "client-request-id 5f1c" });
    expect(errorText({ code: "network", message: "Microsoft 365 could not be reached." })).toEqual({
      text: "Microsoft 365 could not be reached.",
      details: null,
    });
  });

  it("is chosen by the code in Swedish, with the English message and details beneath", () => {
    setLanguage("sv");
    expect(errorText(throttled)).toEqual({
      text: swedishErrors.throttled,
      details: "Microsoft 365 is limiting requests. Wait a few minutes, then try again. client-request-id 5f1c",
    });
    expect(errorText({ code: "file_not_usable", message: "users.csv, line 3: no UserPrincipalName column." })).toEqual({
      text: swedishErrors.file_not_usable,
      details: "users.csv, line 3: no UserPrincipalName column.",
    });
  });

  it("keeps a sentence the UI wrote itself as it is", () => {
    setLanguage("sv");
    expect(errorText("Priset är inte giltigt.")).toEqual({ text: "Priset är inte giltigt.", details: null });
  });

  it("has a Swedish sentence for every code, ending as a sentence does", () => {
    for (const [code, text] of Object.entries(swedishErrors)) {
      expect(text, code).toMatch(/^[A-ZÅÄÖ].*\.$/);
      expect(text, code).not.toMatch(/\b(the|and|could|not)\b/);
    }
  });

  it("is shown with the details smaller beneath, marked as English", () => {
    setLanguage("sv");
    render(ErrorText, { error: throttled });
    const details = screen.getByTestId("error-details");
    expect(details.tagName).toBe("SMALL");
    expect(details.textContent).toBe(`Detaljer: ${throttled.message} client-request-id 5f1c`);
    expect(details.querySelector("[lang=en]")?.textContent).toBe(`${throttled.message} client-request-id 5f1c`);
  });

  it("reaches the admin in Swedish when saving the settings fails", async () => {
    fakeBackend({
      settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} },
      failSave: { code: "settings_storage", message: "License Desk could not save its settings." },
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Inställningar" }));
    await fireEvent.click(await screen.findByRole("radio", { name: /Kina/ }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(swedishErrors.settings_storage);
    expect(alert.textContent).toContain("Detaljer: License Desk could not save its settings.");
  });
});
