import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import axe from "axe-core";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { tenant } from "./lib/tenant.svelte";
import { demoOverview, fakeBackend } from "./test/ipc";

afterEach(() => {
  cleanup();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true });
});

/** Opens Business Premium's holders and plans removing it from all of them. */
async function planForAllHolders() {
  await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
  await fireEvent.click(await screen.findByRole("button", { name: "Remove from all 86 holders…" }));
  await screen.findByTestId("plan-counts");
}

/** Types the number of people, as a plan of more than 50 asks. */
async function confirmTyping(count: string) {
  await fireEvent.input(screen.getByTestId("confirm-count"), { target: { value: count } });
}

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

    await fireEvent.keyDown(window, { key: "5", code: "Digit5", altKey: true });
    expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
    await fireEvent.keyDown(window, { key: "1", code: "Digit1", altKey: true });
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
    expect(backend.settings).toEqual({ language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} });
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

  it("shows and reads prices with a decimal comma in Swedish, and says a wrong one beside its field", async () => {
    const backend = fakeBackend({
      settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: "SEK", seatPrices: { SPB: 23990 } },
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Prova demoklientorganisationen" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Inställningar" }));
    const premium = await screen.findByLabelText<HTMLInputElement>("Microsoft 365 Business Premium");
    expect(premium.value).toBe("239,90");
    await fireEvent.change(premium, { target: { value: "239 kr" } });
    const error = await screen.findByTestId("price-error");
    expect(error.textContent).toBe("Inget giltigt pris: skriv ett tal, till exempel 239,90.");
    expect(premium.getAttribute("aria-invalid")).toBe("true");
    expect(premium.getAttribute("aria-describedby")).toBe(error.id);
    expect(premium.closest("tr")!.contains(error)).toBe(true);
    expect(screen.queryByText("Något gick fel")).toBeNull();
    expect(screen.queryByText("Inställningarna är sparade.")).toBeNull();
    expect(backend.settings.seatPrices).toEqual({ SPB: 23990 });
    await fireEvent.change(premium, { target: { value: "1 234,50" } });
    await waitFor(() => expect(backend.settings.seatPrices).toEqual({ SPB: 123450 }));
    expect(screen.queryByTestId("price-error")).toBeNull();
    expect(premium.getAttribute("aria-invalid")).toBeNull();
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
    const backend = fakeBackend({ settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Prova demoklientorganisationen" }));
    await waitFor(() => expect(screen.getByTestId("connection").textContent).toBe("Demoklientorganisation: inget verkligt ändras"));
    expect(backend.calls.some((c) => c.cmd === "open_demo")).toBe(true);
    expect(screen.getByTestId("users-summary").textContent).toContain("1\u00a0500 användare");
    await fireEvent.click(screen.getByRole("button", { name: "Licenser" }));
    const premium = screen.getByText("Microsoft 365 Business Premium").closest("tr")!;
    expect(premium.textContent).toContain("SPB");
    const project = document.querySelector('tr[data-part-number="PROJECTPROFESSIONAL"]')!;
    expect(project.querySelector(".product-name")!.textContent).toBe("PROJECTPROFESSIONAL");
    expect(project.querySelector(".product-status")!.textContent).toContain("respitperiod");
    expect(project.textContent).toContain("Fler tilldelade än köpta");
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
    // The self-service product's removal lives with its holders, disabled.
    await fireEvent.click(screen.getByRole("button", { name: "Visio Plan 2" }));
    expect((await screen.findByRole("button", { name: "Remove from all 2 holders…" })).hasAttribute("disabled")).toBe(true);
    await planForAllHolders();
    expect((await screen.findByTestId("plan-counts")).textContent).toContain("Will be removed: 86");
    expect(screen.getByText(/direct assignment removed; E3 licensing keeps the seat/)).toBeTruthy();
    expect(screen.getByTestId("consequences").textContent).toContain("Mailbox: 12 people lose their last Exchange Online plan — their mailbox is kept 30 days, then deleted");
    await confirmTyping("86");
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
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("1 user"));
    await fireEvent.click(await screen.findByRole("button", { name: /Person 017/ }));
    const panel = screen.getByTestId("licenses-and-apps");
    await waitFor(() => expect(panel.querySelectorAll(".license").length).toBe(2));
    expect(panel.querySelector("[data-lock=only_through_groups] .locked")!.textContent!.replace(/\s+/g, " ").trim()).toBe(
      "through Licensing - Entra ID P1: change it at the group The group is synced from your on-premises directory: change its members there.",
    );
    const boxes = panel.querySelectorAll<HTMLInputElement>("input[type=checkbox]");
    expect(boxes[1].disabled).toBe(true);
    expect(boxes[1].getAttribute("aria-describedby")).toBe("lock-078d2b04-f1bd-4111-bbd4-b4b1b354cef4");
    // Each license lists its apps, the switched-off ones marked.
    const apps = panel.querySelector(".license")!.querySelector("details")!;
    expect(apps.querySelector("summary")!.textContent).toBe("Apps: 3, switched off: 1");
    expect(apps.querySelector("[data-plan=EXCHANGE_S_STANDARD]")!.textContent!.replace(/\s+/g, " ").trim()).toBe("Exchange Online (Plan 1) (switched off)");
    await fireEvent.click(boxes[0]);
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await screen.findByTestId("plan-counts");
    const planned = backend.calls.find((c) => c.cmd === "plan_removal");
    expect(planned?.args).toEqual({
      request: { kind: "users", user_ids: ["id-17"], sku_ids: ["cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"] },
    });
  });

  it("offers to resume a run that was interrupted, and resumes it", async () => {
    const backend = fakeBackend({ interrupted: [{ run: "run-1", settled: 40, total: 86, undo: false, products: ["Microsoft 365 Business Premium"], users: 86, startedAt: 1764000000 }] });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    const banner = await screen.findByTestId("interrupted");
    expect(banner.textContent).toContain("40 of its 86 changes were done or had failed");
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
    for (const name of ["Users", "Licenses", "Run history", "Settings"]) {
      await fireEvent.click(screen.getByRole("button", { name }));
      await screen.findByRole("heading", { name });
      await check(name);
    }
    await fireEvent.click(screen.getByRole("button", { name: "Users" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await screen.findByTestId("users-summary");
    await check("Users with a tenant");
    await fireEvent.click(screen.getByRole("checkbox", { name: "Select Person 001" }));
    await fireEvent.click(screen.getByRole("button", { name: "Manage product licenses" }));
    await fireEvent.click(screen.getByRole("radio", { name: "Unassign chosen products" }));
    await check("Users with several chosen");
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    await check("Licenses with a tenant");
    await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
    await screen.findByTestId("holders");
    await check("Holders of a product");
  });

  it("chooses holders of a product by range and unassigns just those", async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
    const holders = await screen.findByTestId("holders");
    await waitFor(() => expect(holders.textContent).toContain("Person 003"));
    expect(holders.querySelector("[data-testid=holding]")!.textContent!.trim()).toBe("Directly");
    // Nothing ticked: no count to show ("Unassign 0 licenses" would read as a mistake).
    const unassign = screen.getByRole("button", { name: "Unassign licenses" });
    expect(unassign.hasAttribute("disabled")).toBe(true);
    await fireEvent.click(screen.getByRole("checkbox", { name: "Select Person 001" }));
    await fireEvent.click(screen.getByRole("checkbox", { name: "Select Person 004" }), { shiftKey: true });
    await waitFor(() => expect(screen.getByTestId("selected-count").textContent).toBe("4 selected"));
    const ticked = (name: string) => screen.getByRole<HTMLInputElement>("checkbox", { name }).checked;
    expect(["Select Person 001", "Select Person 002", "Select Person 004"].map(ticked)).toEqual([true, true, true]);
    expect(ticked("Select Person 005")).toBe(false);
    await fireEvent.click(screen.getByRole("button", { name: "Unassign 4 licenses" }));
    await screen.findByTestId("plan-counts");
    expect(backend.calls.find((c) => c.cmd === "plan_removal")?.args).toEqual({
      request: { kind: "users", user_ids: ["id-1", "id-2", "id-3", "id-4"], sku_ids: ["cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"] },
    });
  });

  it("selects everyone a search finds and unassigns all their licenses", async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.input(await screen.findByTestId("user-search"), { target: { value: "person1" } });
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("111 users"));
    await fireEvent.click(screen.getByRole("checkbox", { name: "Select all 111" }));
    await waitFor(() => expect(screen.getByTestId("selected-count").textContent).toBe("111 selected"));
    await fireEvent.click(screen.getByRole("button", { name: "Manage product licenses" }));
    const manage = screen.getByTestId("manage-licenses");
    await fireEvent.click(screen.getByRole("radio", { name: "Unassign chosen products" }));
    const save = manage.querySelector<HTMLButtonElement>("[data-action=save-many]")!;
    expect(save.disabled).toBe(true);
    await fireEvent.click(screen.getByRole("radio", { name: "Unassign all their licenses" }));
    await fireEvent.click(save);
    await screen.findByTestId("plan-counts");
    const request = (backend.calls.find((c) => c.cmd === "plan_removal")?.args as { request: { kind: string; user_ids: string[] } }).request;
    expect(request.kind).toBe("everything_of");
    expect(request.user_ids).toHaveLength(111);
    expect(request.user_ids).toContain("id-199");
  });

  it("turns freed seats into money, exports the results and retries the failed", async () => {
    const workbook = "/home/admin/Downloads/License Desk - Microsoft 365 Business Premium removed 2026-11-25.xlsx";
    const backend = fakeBackend({
      settings: { language: "en", cloud: "worldwide", tenant: "organizations", clientId: null, currency: "SEK", seatPrices: { SPB: 23990 } },
      chosen: { save_results: workbook },
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await planForAllHolders();
    await confirmTyping("86");
    await fireEvent.click(await screen.findByRole("button", { name: "Remove 86 licenses" }));
    await screen.findByTestId("run-result");
    // 84 seats at 239.90 a month.
    expect(screen.getByTestId("money").textContent).toMatch(/^That is SEK\s20,151\.60 a month you can stop paying\.$/);
    expect(screen.getByRole("button", { name: "Export results (CSV)…" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Export results (JSON)…" })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Export results (Excel)…" }));
    // The system's save dialog first (Rust suggests the name), then the results where it says.
    expect((await screen.findByTestId("exported")).textContent).toBe(`Saved to ${workbook}`);
    expect(backend.calls.find((c) => c.cmd === "choose_file")?.args).toEqual({ purpose: { save_results: { run: "run-1", format: "xlsx" } } });
    expect(backend.calls.find((c) => c.cmd === "export_run")?.args).toEqual({ runId: "run-1", path: workbook, format: "xlsx" });
    await fireEvent.click(screen.getByRole("button", { name: "Retry the failed" }));
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === "plan_removal")).toHaveLength(2));
    expect(backend.calls.filter((c) => c.cmd === "plan_removal")[1].args).toEqual({
      request: { kind: "users", user_ids: ["id-7"], sku_ids: ["cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"] },
    });
  });

  it("lists past runs with dates in the chosen language, and undoes one after asking", async () => {
    const backend = fakeBackend({
      settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} },
      history: [
        { run: "run-2", startedAt: 1_795_000_000, undo: false, undoes: null, products: ["Exchange Online (Plan 1)"], users: 1, state: "finished", done: 1, failed: 0, undone: false },
        { run: "run-1", startedAt: 1_794_000_000, undo: false, undoes: null, products: ["Visio"], users: 3, state: "finished", done: 3, failed: 0, undone: true },
      ],
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Prova demoklientorganisationen" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Körningshistorik" }));
    const rows = (await screen.findByTestId("run-history")).querySelectorAll("tbody tr");
    expect(rows).toHaveLength(2);
    const text = (row: Element) => row.textContent!.replace(/\s+/g, " ");
    expect(text(rows[0])).toContain("1 användare");
    expect(text(rows[0])).toContain("Klar. Lyckade: 1, misslyckade: 0");
    expect(rows[0].textContent).toContain(new Intl.DateTimeFormat("sv-SE", { dateStyle: "medium", timeStyle: "short" }).format(new Date(1_795_000_000_000)));
    expect(text(rows[1])).toContain("Ångrades senare");
    expect(rows[1].querySelector("[data-action=undo-run]")).toBeNull();
    // Each row's buttons say which run they act on.
    const visio = `borttagningen av Visio, startad ${new Intl.DateTimeFormat("sv-SE", { dateStyle: "medium", timeStyle: "short" }).format(new Date(1_794_000_000_000))}`;
    const exportCsv = within(rows[1] as HTMLElement).getByRole("button", { name: `Exportera resultatet av ${visio} som CSV` });
    expect(exportCsv.textContent).toBe("CSV");
    expect(within(rows[0] as HTMLElement).getByRole("button", { name: /^Ångra borttagningen av Exchange Online \(Plan 1\), startad / })).toBeTruthy();
    // A cancelled save dialog saves nothing; a chosen file gets the results.
    await fireEvent.click(exportCsv);
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === "choose_file")).toHaveLength(1));
    expect(backend.calls.some((c) => c.cmd === "export_run")).toBe(false);
    const csv = "/home/admin/Hämtade filer/License Desk - Visio borttagen 2026-11-25.csv";
    backend.chosen = { save_results: csv };
    await fireEvent.click(exportCsv);
    expect((await screen.findByTestId("exported")).textContent).toBe(`Sparat i ${csv}`);
    expect(backend.calls.find((c) => c.cmd === "export_run")?.args).toEqual({ runId: "run-1", path: csv, format: "csv" });
    await fireEvent.click(rows[0].querySelector<HTMLButtonElement>("[data-action=undo-run]")!);
    expect(backend.calls.some((c) => c.cmd === "undo_run")).toBe(false);
    await waitFor(() => expect(document.querySelector("[data-action=confirm-undo]")).not.toBeNull());
    expect(document.querySelector("dialog")!.textContent).toContain("Lägg tillbaka varje licens");
    await fireEvent.click(document.querySelector<HTMLButtonElement>("[data-action=confirm-undo]")!);
    await waitFor(() => expect(screen.getByTestId("run-result").textContent).toBe("Återställda: 85, misslyckade: 0."));
    expect(backend.calls.find((c) => c.cmd === "undo_run")?.args).toMatchObject({ runId: "run-2" });
  });

  it("disables every change for an account without a licensing role", async () => {
    const overview = { ...demoOverview, admin: { displayName: "Rita Reader", userPrincipalName: "reader@northwindtraders.example", licenseRoles: [] } };
    fakeBackend({ overview });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    expect((await screen.findByTestId("admin")).textContent).toContain("A Global, License or User Administrator can.");
    await fireEvent.click(await screen.findByRole("checkbox", { name: "Select Person 001" }));
    expect(screen.getByRole("button", { name: "Manage product licenses" }).hasAttribute("disabled")).toBe(true);
    await fireEvent.click(screen.getByRole("button", { name: /Person 002/ }));
    expect(screen.getByRole("button", { name: "Save" }).hasAttribute("disabled")).toBe(true);
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
    expect((await screen.findByRole("button", { name: "Remove from all 86 holders…" })).hasAttribute("disabled")).toBe(true);
  });
});
