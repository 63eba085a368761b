// What support needs from the window: the log folder one click away in
// Settings, and a renewed sign-in the keychain refused said at once.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { tenant } from "./lib/tenant.svelte";
import { fakeBackend } from "./test/ipc";

afterEach(() => {
  cleanup();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true });
});

describe("support", () => {
  it("opens the log folder from Settings", async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Settings" }));
    expect(await screen.findByText(/never a password or token/)).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Open the log folder" }));
    expect(backend.calls.filter((c) => c.cmd === "open_log_folder")).toHaveLength(1);
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says it in Swedish", async () => {
    fakeBackend({ settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Inställningar" }));
    expect(await screen.findByRole("button", { name: "Öppna loggmappen" })).toBeTruthy();
  });

  it("says at once when a renewed sign-in could not be kept in the keychain", async () => {
    fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await screen.findByTestId("users-summary");
    expect(screen.queryByText(/this sign-in lasts until License Desk closes/)).toBeNull();
    await emit("sign-in-not-kept", { message: "The system keychain cannot be used." });
    expect(await screen.findByText(/this sign-in lasts until License Desk closes/)).toBeTruthy();
  });
});
