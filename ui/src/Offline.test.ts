// Offline review: opening a file with no sign-in, the read-only views and
// plans saved from them, exporting a tenant, and applying a saved plan.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import axe from "axe-core";
import App from "./App.svelte";
import { daysAgo, formatDay, setLanguage } from "./lib/i18n.svelte";
import { en, sv } from "./lib/messages";
import { closeSavedPlan, tenant } from "./lib/tenant.svelte";
import { fakeBackend, fileOverview } from "./test/ipc";

afterEach(() => {
  cleanup();
  setLanguage("en");
  closeSavedPlan();
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true, openingFile: null });
});

const CSV = "/home/admin/Downloads/users_9_15_2025 9_17_18 PM.csv";
const PLAN = "/home/admin/Downloads/License Desk plan 2026-11-20.json";
const swedish = { language: "sv" as const, cloud: "worldwide" as const, tenant: "organizations", clientId: null, currency: null, seatPrices: {} };

async function noViolations(container: HTMLElement, label: string) {
  // jsdom does no layout, so contrast is checked by eye, not here.
  const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
  expect(result.violations.map((v) => `${v.id}: ${v.help}`), label).toEqual([]);
}

async function openTheFile() {
  await fireEvent.click(await screen.findByRole("button", { name: "Open a file…" }));
  await screen.findByTestId("offline-banner");
}

describe("offline review", () => {
  it("opens a file from the welcome screen: the status bar says what and when, the banner what it cannot tell", async () => {
    const backend = fakeBackend({ chosen: { open_tenant_file: CSV } });
    render(App);
    await openTheFile();
    expect(backend.calls.find((c) => c.cmd === "choose_file")?.args).toEqual({ purpose: "open_tenant_file" });
    expect(backend.calls.find((c) => c.cmd === "open_file")?.args).toEqual({ path: CSV });
    const taken = fileOverview.offline!.takenAt!;
    await waitFor(() =>
      expect(screen.getByTestId("connection").textContent).toBe(
        `Offline file users_9_15_2025 9_17_18 PM.csv, saved on ${formatDay(taken)} (${daysAgo(taken)})`,
      ),
    );
    expect(screen.getByRole("button", { name: "Close the file" })).toBeTruthy();
    const banner = screen.getByTestId("offline-banner");
    expect(banner.textContent).toContain("Microsoft 365 admin center user export, open read-only");
    expect(banner.textContent).toContain("The file does not say which licenses come from groups.");
    expect(banner.textContent).toContain("The file does not say which apps are switched off in a license.");
    expect(banner.textContent).toContain("The file does not give paid seats.");
    expect(banner.textContent).not.toContain("Not every user");
    expect(banner.textContent).not.toContain("matched by user name");
    expect(banner.textContent).toContain("These names belong to more than one product: “Office 365 E5” (3 users).");

    // The Users view works on the file as on a tenant.
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("250 users"));
    await fireEvent.input(screen.getByTestId("user-search"), { target: { value: "person17@" } });
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("1 user"));

    // Licenses: seats the file does not know are said, never shown as 0;
    // a name the file wrote ambiguously shows as written.
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    const premium = document.querySelector('tr[data-part-number="SPB"]')!;
    expect(within(premium as HTMLElement).getAllByText("not in the file")).toHaveLength(2);
    expect(premium.textContent).toContain("86");
    expect(screen.getByRole("button", { name: "Office 365 E5" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Export the tenant…" })).toBeNull();
    expect(screen.queryByRole("button", { name: /^Remove from holders/ })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
    const holders = await screen.findByTestId("holders");
    await waitFor(() => expect(holders.textContent).toContain("Person 001"));
    await fireEvent.click(screen.getByRole("checkbox", { name: "Select Person 001" }));
    expect(screen.getByRole("button", { name: "Plan removal for 1 holder" })).toBeTruthy();
  });

  it("makes a plan from the file that is saved, never run", async () => {
    const backend = fakeBackend({ chosen: { open_tenant_file: CSV, save_plan: PLAN } });
    const { container } = render(App);
    await openTheFile();
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Plan removal from all 86 holders…" }));
    expect((await screen.findByTestId("plan-counts")).textContent).toContain("Will be removed: 86");
    const title = screen.getByRole("heading", { level: 2, name: "Plan: remove Microsoft 365 Business Premium" });
    expect(document.activeElement).toBe(title);
    expect(screen.getByText(/direct assignment removed; E3 licensing keeps the seat/)).toBeTruthy();
    // Saving a plan changes nothing, so nothing is typed to confirm it.
    expect(screen.queryByTestId("confirm-count")).toBeNull();
    expect(screen.getByTestId("plan-later").textContent).toContain("Nothing changes now. Save the plan, then sign in");
    expect(screen.queryByRole("button", { name: /^Remove \d+ licenses?$/ })).toBeNull();
    await noViolations(container, "the plan made from a file");
    await fireEvent.click(screen.getByRole("button", { name: "Save plan…" }));
    expect((await screen.findByTestId("plan-saved")).textContent).toBe(`Plan saved to ${PLAN}`);
    expect(backend.calls.filter((c) => c.cmd === "choose_file").map((c) => c.args)).toContainEqual({ purpose: "save_plan" });
    expect(backend.calls.find((c) => c.cmd === "save_plan")?.args).toEqual({ path: PLAN });
    expect(backend.calls.some((c) => c.cmd === "run_plan")).toBe(false);

    // Esc closes the dialog.
    await fireEvent(document.querySelector("dialog")!, new Event("cancel", { cancelable: true }));
    await waitFor(() => expect(document.querySelector("dialog")).toBeNull());
  });

  it("offers planning, not saving, for chosen users in the Users view", async () => {
    fakeBackend({ chosen: { open_tenant_file: CSV } });
    render(App);
    await openTheFile();
    await fireEvent.click(await screen.findByRole("checkbox", { name: "Select Person 001" }));
    await fireEvent.click(screen.getByRole("button", { name: "Manage product licenses" }));
    expect(within(screen.getByTestId("manage-licenses")).getByRole("button", { name: "Plan removal…" })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: /Person 002/ }));
    expect(within(screen.getByTestId("licenses-and-apps")).getByRole("button", { name: "Plan removal…" })).toBeTruthy();
  });

  it("shows why a file cannot be used, and changes nothing else", async () => {
    const message =
      "users.xlsx, line 1: this is an Excel workbook, not a CSV. In the admin center, choose Users → Active users → Export users and open the .csv it saves.";
    const backend = fakeBackend({ chosen: { open_tenant_file: "/tmp/users.xlsx" }, fileError: { code: "file_not_usable", message } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Open a file…" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(message);
    expect(screen.getByTestId("connection").textContent).toBe("Not connected");
    expect(screen.queryByTestId("offline-banner")).toBeNull();
    expect(screen.getByRole("button", { name: "Open a file…" })).toBeTruthy();
    expect(backend.calls.some((c) => c.cmd === "users")).toBe(false);
  });

  it("lists recent files and opens one with a click; says a file can be dropped", async () => {
    const backend = fakeBackend({ recent: [CSV, "/home/admin/older.json"] });
    const { container } = render(App);
    const list = await screen.findByTestId("recent-files");
    expect(screen.getByText(/You can also drop a file on this window\./)).toBeTruthy();
    await noViolations(container, "the welcome screen with recent files");
    await fireEvent.click(within(list).getByRole("button", { name: "users_9_15_2025 9_17_18 PM.csv" }));
    await screen.findByTestId("offline-banner");
    expect(backend.calls.find((c) => c.cmd === "open_file")?.args).toEqual({ path: CSV });
    expect(backend.calls.some((c) => c.cmd === "choose_file")).toBe(false);
  });

  it("opens the file it was started with (--open), and closes it", async () => {
    const backend = fakeBackend({ startOpen: CSV });
    const { container } = render(App);
    await screen.findByTestId("offline-banner");
    expect(backend.calls.some((c) => c.cmd === "restore_sign_in")).toBe(false);
    await noViolations(container, "Users with a file open");
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    await noViolations(container, "Licenses with a file open");
    await fireEvent.click(screen.getByRole("button", { name: "Close the file" }));
    await waitFor(() => expect(screen.getByTestId("connection").textContent).toBe("Not connected"));
    expect(screen.queryByTestId("offline-banner")).toBeNull();
  });

  it("opens a file dropped on the window", async () => {
    const backend = fakeBackend();
    render(App);
    await screen.findByRole("button", { name: "Open a file…" });
    await emit("file-handed-over", { path: CSV });
    await screen.findByTestId("offline-banner");
    expect(backend.calls.find((c) => c.cmd === "open_file")?.args).toEqual({ path: CSV });
    expect(backend.calls.some((c) => c.cmd === "check_saved_plan")).toBe(false);
  });

  it("exports the demo tenant and reviews the export offline in two clicks", async () => {
    const saved = "/home/admin/Downloads/License Desk export Northwind Traders 2026-11-25.json";
    const backend = fakeBackend({ chosen: { save_export: saved } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Export the tenant…" }));
    expect((await screen.findByTestId("tenant-exported")).textContent).toContain(`Exported to ${saved}`);
    expect(backend.calls.find((c) => c.cmd === "export_tenant")?.args).toEqual({ path: saved });
    await fireEvent.click(screen.getByRole("button", { name: "Review the export offline" }));
    await screen.findByTestId("offline-banner");
    expect(backend.calls.find((c) => c.cmd === "open_file")?.args).toEqual({ path: saved });
  });

  it("applies a saved plan: what changed since the file, then the plan, one confirmation, the run and undo", async () => {
    const backend = fakeBackend({ chosen: { open_plan: PLAN } });
    const { container } = render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Apply a saved plan…" }));
    const dialog = await screen.findByTestId("apply-dialog");
    const drift = await within(dialog).findByTestId("drift");
    expect(document.activeElement).toBe(within(dialog).getByRole("heading", { name: "Apply a saved plan" }));
    expect(backend.calls.find((c) => c.cmd === "check_saved_plan")?.args).toEqual({ path: PLAN });
    expect(within(dialog).getByTestId("apply-source").textContent).toContain("Made from License Desk export Northwind Traders 2026-11-20.json, taken on");
    expect(within(dialog).getByTestId("apply-source").textContent).toContain("4 items in the plan.");
    expect(within(dialog).getByTestId("matched-by-user-name").textContent).toBe("Users were matched by user name: the file had no object ids.");
    const group = (kind: string) => drift.querySelector(`[data-drift=${kind}]`)!.textContent!.replace(/\s+/g, " ");
    expect(group("user_gone")).toContain("No longer in the tenant: nothing is done for them (1)");
    expect(group("user_gone")).toContain("Gone Person (gone@northwindtraders.example): Microsoft 365 Business Premium");
    expect(group("now_through_group")).toContain("Group Person");
    expect(group("already_gone")).toContain("removed@northwindtraders.example: Microsoft 365 Business Premium");
    // Grouped in the order an admin reads them: gone, then already removed, then through a group.
    expect([...drift.querySelectorAll("[data-drift]")].map((e) => e.getAttribute("data-drift"))).toEqual(["user_gone", "already_gone", "now_through_group"]);
    await noViolations(container, "the apply dialog's drift");
    expect(backend.calls.some((c) => c.cmd === "run_plan")).toBe(false);

    await fireEvent.click(within(dialog).getByRole("button", { name: "Show the plan" }));
    expect(within(dialog).getByTestId("plan-counts").textContent).toContain("Will be removed: 1");
    expect(within(dialog).getByText(/held only through Sales licenses: remove it at the group/)).toBeTruthy();
    expect(within(dialog).getByTestId("consequences").textContent).toContain("Mailbox: 1 person loses their last Exchange Online plan");
    await noViolations(container, "the apply dialog's plan");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Remove 1 license" }));
    expect((await within(dialog).findByTestId("run-result")).textContent).toBe("Done: 85 removed, 1 failed, 0 not run.");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Undo this run" }));
    await waitFor(() => expect(within(dialog).getByTestId("run-result").textContent).toBe("Put back: 85, failed: 0."));
    expect(backend.calls.map((c) => c.cmd)).toEqual(expect.arrayContaining(["check_saved_plan", "run_plan", "undo_run"]));
    await fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByTestId("apply-dialog")).toBeNull());
  });

  it("sends a plan dropped on the window while signed in to the apply flow", async () => {
    const backend = fakeBackend();
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await screen.findByTestId("users-summary");
    await emit("file-handed-over", { path: PLAN });
    await screen.findByTestId("drift");
    expect(backend.calls.some((c) => c.cmd === "open_file")).toBe(false);
    // Esc closes it before it runs.
    await fireEvent(screen.getByTestId("apply-dialog"), new Event("cancel", { cancelable: true }));
    await waitFor(() => expect(screen.queryByTestId("apply-dialog")).toBeNull());
  });

  it("opens a tenant file dropped while signed in for review", async () => {
    const backend = fakeBackend({ planError: { code: "file_not_usable", message: "export.json is not a License Desk plan." } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await screen.findByTestId("users-summary");
    await emit("file-handed-over", { path: "/home/admin/export.json" });
    await screen.findByTestId("offline-banner");
    expect(backend.calls.find((c) => c.cmd === "open_file")?.args).toEqual({ path: "/home/admin/export.json" });
    expect(screen.queryByTestId("apply-dialog")).toBeNull();
  });

  it("says why a file dropped while signed in cannot be used, and keeps the tenant open", async () => {
    const message = "notes.txt, line 1: not a user export License Desk knows. Export users from the admin center (Users → Active users → Export users) or use License Desk's own export.";
    fakeBackend({ fileError: { code: "file_not_usable", message } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await screen.findByTestId("users-summary");
    await emit("file-handed-over", { path: "/home/admin/notes.txt" });
    expect((await screen.findByTestId("open-error")).textContent).toContain(message);
    expect(screen.getByTestId("connection").textContent).toBe("Demo tenant: nothing real changes");
    expect(screen.queryByTestId("offline-banner")).toBeNull();
    expect(screen.getByTestId("users-summary")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("open-error")).toBeNull();
  });

  it("offers no resume or undo while a file is open", async () => {
    fakeBackend({
      startOpen: CSV,
      interrupted: [{ run: "run-1", settled: 40, total: 86, undo: false, products: ["Microsoft 365 Business Premium"], users: 86, startedAt: 1764000000 }],
      history: [{ run: "run-2", startedAt: 1_795_000_000, undo: false, undoes: null, products: ["Visio"], users: 1, state: "finished", done: 1, failed: 0, undone: false }],
    });
    render(App);
    await screen.findByTestId("offline-banner");
    expect(screen.queryByTestId("interrupted")).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Run history" }));
    const row = (await screen.findByTestId("run-history")).querySelector("tbody tr")!;
    expect(row.querySelector<HTMLButtonElement>("[data-action=undo-run]")!.disabled).toBe(true);
  });

  it("refuses a plan of another tenant with the message, running nothing", async () => {
    const message = "This plan was made for Contoso (contoso.com), but you are signed in to Northwind Traders. Sign in to Contoso to apply it.";
    const backend = fakeBackend({ chosen: { open_plan: PLAN }, planError: { code: "plan_of_another_tenant", message } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Apply a saved plan…" }));
    const dialog = await screen.findByTestId("apply-dialog");
    expect((await within(dialog).findByRole("alert")).textContent).toContain(message);
    expect(within(dialog).queryByTestId("plan-counts")).toBeNull();
    await fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByTestId("apply-dialog")).toBeNull());
    expect(backend.calls.some((c) => c.cmd === "run_plan")).toBe(false);
  });

  it("is all in Swedish too", async () => {
    fakeBackend({ settings: swedish, startOpen: CSV, chosen: { open_plan: PLAN } });
    render(App);
    const banner = await screen.findByTestId("offline-banner");
    expect(banner.textContent).toContain("Filen säger inte vilka licenser som kommer via grupper.");
    expect(banner.textContent).toContain("Filen anger inte antalet köpta licenser.");
    expect(banner.textContent).toContain("Användarexport från administrationscentret för Microsoft 365, öppen skrivskyddad.");
    const taken = fileOverview.offline!.takenAt!;
    await waitFor(() =>
      expect(screen.getByTestId("connection").textContent).toBe(
        `Offlinefil users_9_15_2025 9_17_18 PM.csv, sparad ${formatDay(taken)} (${daysAgo(taken)})`,
      ),
    );
    expect(daysAgo(taken)).toMatch(/^för \d+ dagar? sedan$|^i dag$/);
    await fireEvent.click(screen.getByRole("button", { name: "Licenser" }));
    expect(screen.getAllByText("finns inte i filen").length).toBeGreaterThan(0);
    await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
    expect(await screen.findByRole("button", { name: "Planera borttagning från alla 86 användare…" })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Stäng filen" }));
    expect(await screen.findByRole("button", { name: "Öppna en fil…" })).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: "Prova demoklientorganisationen" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Tillämpa en sparad plan…" }));
    const drift = await screen.findByTestId("drift");
    expect(drift.textContent).toContain("Finns inte längre i klientorganisationen: inget görs för dem (1)");
    expect(screen.getByTestId("matched-by-user-name").textContent).toBe("Användarna matchades på användarnamn: filen saknade objekt-id.");
    await fireEvent.click(screen.getByRole("button", { name: "Visa planen" }));
    expect(screen.getByRole("button", { name: "Ta bort 1 licens" })).toBeTruthy();
  });

  it("has every offline string in Swedish, in Swedish", () => {
    const keys = Object.keys(en).filter((k) => /^(file|offline|plan|export|apply|drift|format)\.|^status\.(offline|closeFile|daysAgo|today)/.test(k)) as (keyof typeof en)[];
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) {
      expect(sv[key], key).toBeTruthy();
      if (!/^\{\w+\}$/.test(en[key])) expect(sv[key], key).not.toBe(en[key]);
    }
    expect(sv["file.open"]).toBe("Öppna en fil…");
    expect(sv["apply.open"]).toBe("Tillämpa en sparad plan…");
  });
});
