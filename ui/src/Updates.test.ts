import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import axe from "axe-core";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { dismissRun, run } from "./lib/run.svelte";
import { tenant } from "./lib/tenant.svelte";
import { update } from "./lib/updates.svelte";
import { fakeBackend } from "./test/ipc";

const newer = { version: "0.2.0", notes: "### Added\n- Names for every product.", date: "2026-12-01T09:00:00Z" };

afterEach(() => {
  cleanup();
  setLanguage("en");
  dismissRun();
  Object.assign(update, { checking: false, check: null, error: null, installing: false, progress: null, offered: false });
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true });
});

async function renderApp() {
  const view = render(App);
  await screen.findByRole("heading", { name: "Users" });
  return view;
}

const updateChecks = (backend: ReturnType<typeof fakeBackend>) => backend.calls.filter((c) => c.cmd === "check_for_update").length;

describe("updates", () => {
  it("offers a newer version found at start, and installs it only when asked", async () => {
    const backend = fakeBackend({ update: newer });
    await renderApp();
    const notice = await screen.findByTestId("update-notice");
    expect(within(notice).getByText("License Desk 0.2.0 is available.")).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === "install_update")).toBe(false);
    await fireEvent.click(within(notice).getByRole("button", { name: "Install and restart" }));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "install_update")).toBe(true));
  });

  it("says nothing at start when there is no newer version or no network", async () => {
    const backend = fakeBackend({ updateError: { code: "update_failed", message: "No network." } });
    await renderApp();
    await waitFor(() => expect(updateChecks(backend)).toBe(1));
    expect(screen.queryByTestId("update-notice")).toBeNull();
    expect(screen.queryByText("No network.")).toBeNull();
  });

  it("does not look at start when Settings say not to, and Settings can still look", async () => {
    const backend = fakeBackend();
    backend.settings = { ...backend.settings, checkForUpdates: false };
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    const box = (await screen.findByLabelText("Look for a newer version when License Desk starts")) as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(updateChecks(backend)).toBe(0);
    await fireEvent.click(screen.getByRole("button", { name: "Check for updates" }));
    expect(await screen.findByText("You have the latest version, 0.1.0.")).toBeTruthy();
    await fireEvent.click(box);
    await waitFor(() => expect(backend.settings.checkForUpdates).toBe(true));
  });

  it("shows what a newer version changes in Settings, and a failed check says why", async () => {
    const backend = fakeBackend({ updateError: { code: "update_failed", message: "The update server could not be reached." } });
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Check for updates" }));
    expect((await screen.findByTestId("update-error")).textContent).toBe("The update server could not be reached.");
    backend.updateError = undefined;
    backend.update = newer;
    await fireEvent.click(screen.getByRole("button", { name: "Check for updates" }));
    const section = screen.getByTestId("updates");
    expect(await within(section).findByText("License Desk 0.2.0 is available.")).toBeTruthy();
    expect(within(section).getByTestId("update-notes").textContent).toContain("Names for every product.");
    expect(screen.queryByTestId("update-error")).toBeNull();
  });

  it("waits for a run to end before it can install", async () => {
    fakeBackend({ update: newer });
    await renderApp();
    const notice = await screen.findByTestId("update-notice");
    Object.assign(run, { kind: "run", title: "Microsoft 365 Business Premium", shown: false });
    const install = within(notice).getByRole("button", { name: "Install and restart" }) as HTMLButtonElement;
    await waitFor(() => expect(install.disabled).toBe(true));
    expect(within(notice).getByText("A run is under way: the update can be installed once it has ended.")).toBeTruthy();
    dismissRun();
    await waitFor(() => expect(install.disabled).toBe(false));
  });

  it("is put aside with Later, and is in Swedish too", async () => {
    fakeBackend({ update: newer, settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} } });
    const { container } = render(App);
    const notice = await screen.findByTestId("update-notice");
    expect(within(notice).getByText("License Desk 0.2.0 finns.")).toBeTruthy();
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await fireEvent.click(within(notice).getByRole("button", { name: "Senare" }));
    await waitFor(() => expect(screen.queryByTestId("update-notice")).toBeNull());
  });
});

describe("product names", () => {
  it("names the carried copy of Microsoft's table until a newer one is downloaded", async () => {
    fakeBackend();
    await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    const table = await screen.findByTestId("product-table");
    expect(table.textContent?.trim()).toBe(
      "Other names come from Microsoft's product table of 30 Dec 2025, carried with License Desk; a newer one is downloaded when online.",
    );
    expect(within(screen.getByTestId("product-names")).getByTestId("product-names-count").textContent?.trim()).toBe(
      "No names of your own: every product has Microsoft's name.",
    );
  });

  it("says how many names of the admin's own are used, and which lines were not", async () => {
    const backend = fakeBackend({
      productNames: {
        path: "/home/admin/.local/share/com.licensedesk.desktop/product-names.csv",
        exists: true,
        count: 2,
        problems: ["line 4: no name for EMS: the line is skipped."],
        downloadedTable: Date.UTC(2026, 10, 20) / 1000,
        carriedTableDate: "2025-12-30",
      },
    });
    const { container } = await renderApp();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    const section = await screen.findByTestId("product-names");
    expect((await within(section).findByTestId("product-names-count")).textContent?.trim()).toBe("Your names are used for 2 products.");
    expect(within(section).getByRole("alert").textContent).toContain("line 4: no name for EMS");
    expect(within(section).getByText("The file: /home/admin/.local/share/com.licensedesk.desktop/product-names.csv")).toBeTruthy();
    expect(within(section).getByTestId("product-table").textContent?.trim()).toBe(
      "Other names come from Microsoft's product table, downloaded on 20 Nov 2026.",
    );
    await fireEvent.click(within(section).getByRole("button", { name: "Edit product names" }));
    expect(await within(section).findByText("The file is open. Save it, then restart License Desk to see the names.")).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === "edit_product_names")).toBe(true);
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });
});
