import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import axe from "axe-core";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { tenant } from "./lib/tenant.svelte";
import { demoOverview, fakeBackend } from "./test/ipc";

// jsdom has no modal dialogs; this is what opening one means for the tests.
HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
  this.open = false;
};

afterEach(() => {
  cleanup();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true });
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
    fakeBackend({ connection: { kind: "signed_in", tenant: "Contoso", cloud: "china", local: null } });
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
    expect(backend.settings).toEqual({ language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null });
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

  it("opens the demo tenant and shows its products by name, in the chosen language's numbers", async () => {
    const backend = fakeBackend({ settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Prova demoklienten" }));
    await waitFor(() => expect(screen.getByTestId("connection").textContent).toBe("Demoklient: inget verkligt ändras"));
    expect(backend.calls.some((c) => c.cmd === "open_demo")).toBe(true);
    expect(screen.getByTestId("users-summary").textContent).toContain("1\u00a0500 användare");
    await fireEvent.click(screen.getByRole("button", { name: "Licenser" }));
    const premium = screen.getByText("Microsoft 365 Business Premium").closest("tr")!;
    expect(premium.textContent).toContain("SPB");
    const project = document.querySelector('tr[data-part-number="PROJECTPROFESSIONAL"]')!;
    expect(project.querySelector(".product-name")!.textContent).toBe("PROJECTPROFESSIONAL");
    expect(project.querySelector(".product-status")!.textContent).toContain("respitperiod");
    expect(project.textContent).toContain("Fler tilldelade än betalda");
    expect(screen.getByTestId("self-service").textContent).toContain("självbetjäning");
  });

  it("opens the demo at once when started with --demo", async () => {
    const backend = fakeBackend({ startDemo: true });
    render(App);
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "open_demo")).toBe(true));
    expect(await screen.findByTestId("users-summary")).toBeTruthy();
  });

  it("comes back signed in from the keychain, says when nothing was kept, and signs out", async () => {
    const backend = fakeBackend({ restored: { overview: demoOverview, remembered: false } });
    backend.connection = { kind: "signed_in", tenant: "Northwind Traders", cloud: "worldwide", local: "http://127.0.0.1:5000" };
    render(App);
    expect(await screen.findByTestId("users-summary")).toBeTruthy();
    expect(screen.getByText(/No system keychain could be used/)).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByTestId("connection").textContent).toBe(
        "Signed in to Northwind Traders on a local tenant at http://127.0.0.1:5000: not Microsoft",
      ),
    );
    await fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    await waitFor(() => expect(screen.getByTestId("connection").textContent).toBe("Not connected"));
    expect(await screen.findByRole("button", { name: "Sign in to Microsoft 365" })).toBeTruthy();
  });

  it("removes a product from its holders after showing the plan, then undoes it", async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Remove from holders… Microsoft 365 Business Premium" }));
    expect((await screen.findByTestId("plan-counts")).textContent).toContain("Will be removed: 86");
    expect(screen.getByText(/still licensed through E3 licensing/)).toBeTruthy();
    expect(screen.getByText(/kept for 30 days, then deleted for good/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Remove from holders… Visio Plan 2" }).hasAttribute("disabled")).toBe(true);
    await fireEvent.click(screen.getByRole("button", { name: "Remove 86 licenses" }));
    expect((await screen.findByTestId("run-result")).textContent).toBe("Done: 85 removed, 1 failed, 0 not run.");
    expect(screen.getByText(/no longer exists/)).toBeTruthy();
    expect(screen.getByTestId("next-steps").textContent).toContain("84 seats are free now, but still paid for");
    await fireEvent.click(screen.getByRole("button", { name: "Reduce it in the admin center" }));
    expect(backend.calls.some((c) => c.cmd === "open_subscriptions")).toBe(true);
    await fireEvent.click(screen.getByRole("button", { name: "Undo this run" }));
    await waitFor(() => expect(screen.getByTestId("run-result").textContent).toBe("Put back: 85, failed: 0."));
    expect(backend.calls.map((c) => c.cmd)).toEqual(expect.arrayContaining(["plan_removal", "run_plan", "undo_run"]));
  });

  it("finds a user, shows how each license is held, and removes the one unticked", async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("250 users"));
    await fireEvent.input(screen.getByTestId("user-search"), { target: { value: "person17@" } });
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("1 users"));
    await fireEvent.click(await screen.findByRole("option", { name: /Person 017/ }));
    const panel = screen.getByTestId("licenses-and-apps");
    expect(panel.textContent).toContain("through Licensing - Entra ID P1: change it at the group");
    const boxes = panel.querySelectorAll<HTMLInputElement>("input[type=checkbox]");
    expect(boxes[1].disabled).toBe(true);
    await fireEvent.click(boxes[0]);
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByTestId("plan-counts");
    const planned = backend.calls.find((c) => c.cmd === "plan_removal");
    expect(planned?.args).toEqual({
      request: { kind: "users", user_ids: ["id-17"], sku_ids: ["cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"] },
    });
  });

  it("offers to resume a run that was interrupted, and resumes it", async () => {
    const backend = fakeBackend({ interrupted: [{ run: "run-1", settled: 40, total: 86, undo: false }] });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    const banner = await screen.findByTestId("interrupted");
    expect(banner.textContent).toContain("40 of 86 items settled");
    await fireEvent.click(screen.getByRole("button", { name: "Resume the run" }));
    expect((await screen.findByTestId("resume-result")).textContent).toBe("Resumed: 86 done, 0 failed in all.");
    expect(backend.calls.some((c) => c.cmd === "resume_run")).toBe(true);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Resume the run" })).toBeNull());
  });

  it("has no accessibility violations axe can find", async () => {
    fakeBackend();
    const { container } = await renderApp();
    const check = async (label: string) => {
      // jsdom does no layout, so contrast is checked by eye, not here.
      const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
      expect(result.violations.map((v) => `${v.id}: ${v.help}`), label).toEqual([]);
    };
    for (const name of ["Users", "Licenses", "Settings"]) {
      await fireEvent.click(screen.getByRole("button", { name }));
      await screen.findByRole("heading", { name });
      await check(name);
    }
    await fireEvent.click(screen.getByRole("button", { name: "Users" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await screen.findByTestId("users-summary");
    await check("Users with a tenant");
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    await check("Licenses with a tenant");
  });
});
