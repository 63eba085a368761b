import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { fakeBackend } from "./test/ipc";

afterEach(() => {
  cleanup();
  setLanguage("en");
});

async function renderApp() {
  const view = render(App);
  await screen.findByRole("heading", { name: "Users" });
  return view;
}

describe("the app shell", () => {
  it("moves between views by mouse and by Alt+number", async () => {
    fakeBackend();
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    expect(screen.getByRole("heading", { name: "Licenses" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Licenses" }).getAttribute("aria-current")).toBe("page");

    await fireEvent.keyDown(window, { key: "3", altKey: true });
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
    await fireEvent.keyDown(window, { key: "1", altKey: true });
    expect(await screen.findByRole("heading", { name: "Users" })).toBeTruthy();
  });

  it("says what it is connected to", async () => {
    fakeBackend({ connection: { kind: "signed_in", tenant: "Contoso", cloud: "china" } });
    await renderApp();
    await waitFor(() =>
      expect(screen.getByTestId("connection").textContent).toBe("Signed in to Contoso (China (operated by 21Vianet))"),
    );
  });

  it("saves a language choice and shows the UI in it", async () => {
    const backend = fakeBackend();
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    const select = await screen.findByLabelText("Language");
    await fireEvent.change(select, { target: { value: "sv" } });
    await screen.findByRole("button", { name: "Användare" });
    expect(backend.settings).toEqual({ language: "sv", cloud: "worldwide" });
    expect(screen.getByText("Inställningarna är sparade.")).toBeTruthy();
  });

  it("saves the cloud and explains why Germany is missing", async () => {
    const backend = fakeBackend();
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    const china = await screen.findByRole("radio", { name: /China/ });
    await fireEvent.click(china);
    await waitFor(() => expect(backend.settings.cloud).toBe("china"));
    expect(screen.getByText(/Microsoft Cloud Deutschland closed on 29 October 2021/)).toBeTruthy();
  });

  it("shows the actionable message when saving fails", async () => {
    fakeBackend({ failSave: { code: "settings_storage", message: "License Desk could not save its settings." } });
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    await fireEvent.click(await screen.findByRole("radio", { name: /China/ }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("License Desk could not save its settings.");
  });

  it("has no accessibility violations axe can find", async () => {
    fakeBackend();
    const { container } = await renderApp();
    for (const name of ["Users", "Licenses", "Settings"]) {
      await fireEvent.click(screen.getByRole("button", { name }));
      await screen.findByRole("heading", { name });
      // jsdom does no layout, so contrast is checked by eye, not here.
      const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
      expect(result.violations.map((v) => `${v.id}: ${v.help}`), name).toEqual([]);
    }
  });
});
