// The plan before anything changes: what it really does to people (each
// consequence, opened to those it touches), everyone it names, a warning
// when the admin is among them, and typing the number of people to
// confirm a large removal. Also reading the tenant again.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import axe from "axe-core";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { en, sv } from "./lib/messages";
import { tenant } from "./lib/tenant.svelte";
import { demoOverview, fakeBackend, makePlan, type FakeBackend } from "./test/ipc";

function restart() {
  cleanup();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true, openingFile: null });
}

afterEach(restart);

const swedish = { language: "sv" as const, cloud: "worldwide" as const, tenant: "organizations", clientId: null, currency: null, seatPrices: {} };
const text = (element: Element) => element.textContent!.replace(/\s+/g, " ").trim();

/** The demo tenant, Licenses, Business Premium's holders, then the plan for all of them. */
async function openPlan(initial: Partial<FakeBackend> = {}, names = { demo: "Try the demo tenant", licenses: "Licenses", all: /^Remove from all \d+ holders…$/ }) {
  const backend = fakeBackend(initial);
  const view = render(App);
  await fireEvent.click(await screen.findByRole("button", { name: names.demo }));
  await fireEvent.click(await screen.findByRole("button", { name: names.licenses }));
  await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
  await fireEvent.click(await screen.findByRole("button", { name: names.all }));
  await screen.findByTestId("plan-counts");
  return { backend, container: view.container, dialog: document.querySelector("dialog")! };
}

describe("the plan", () => {
  it("names each consequence with the people it touches, and no effect last", async () => {
    const { dialog } = await openPlan();
    const lines = [...within(dialog).getByTestId("consequences").querySelectorAll("li[data-consequence]")];
    expect(lines.map((li) => li.getAttribute("data-consequence"))).toEqual(["mailbox", "onedrive", "office_apps", "teams", "power_bi", "no_effect"]);
    expect(text(lines[0])).toBe(
      "Mailbox: 12 people lose their last Exchange Online plan — their mailbox is kept 30 days, then deleted (on Enterprise plans, a mailbox under a hold is kept as an inactive mailbox), and it leaves eDiscovery searches.",
    );
    expect(text(lines[1])).toContain("OneDrive: 12 people lose their last SharePoint or OneDrive plan — their OneDrive is kept for the retention period, then deleted.");
    expect(text(lines[2])).toContain("Microsoft 365 apps: 20 people lose them — Word, Excel and Outlook say they are unlicensed and go read-only.");
    expect(text(lines[4])).toContain("Power BI: 8 people lose Power BI Pro or Premium per user");
    // 65 keep every service through another product, and so does the one a group keeps licensed.
    expect(text(lines[5])).toBe("No effect on mail, files or apps: 66 people");
    expect(within(dialog).getByTestId("plan-counts").textContent).toContain("People who lose a license: 86");
    // The old blanket warning is gone.
    expect(dialog.textContent).not.toContain("OneDrive files stay unless the user is deleted");
  });

  it("opens a consequence to the people it touches and closes it again", async () => {
    const { dialog } = await openPlan();
    const mailbox = within(dialog).getByRole("button", { name: /^Mailbox: 12 people/ });
    expect(mailbox.tagName).toBe("BUTTON");
    expect(mailbox.getAttribute("aria-expanded")).toBe("false");
    const panel = document.getElementById(mailbox.getAttribute("aria-controls")!)!;
    expect(panel.hidden).toBe(true);
    mailbox.focus();
    expect(document.activeElement).toBe(mailbox);
    await fireEvent.click(mailbox);
    expect(mailbox.getAttribute("aria-expanded")).toBe("true");
    expect(panel.hidden).toBe(false);
    const people = within(panel).getByTestId("consequence-people-mailbox");
    expect(people.querySelectorAll(":scope > li")).toHaveLength(12);
    expect(text(people)).toContain("Person 000 person0@northwindtraders.example");
    expect(text(people)).toContain("Person 011");
    expect(text(people)).not.toContain("Person 012");
    await fireEvent.click(mailbox);
    expect(mailbox.getAttribute("aria-expanded")).toBe("false");
    expect(panel.hidden).toBe(true);
  });

  it("lists everyone the plan names by what happens to them, in people and in licenses, and finds one", async () => {
    const { dialog } = await openPlan();
    const people = within(dialog).getByTestId("plan-people");
    const group = (verdict: string) => people.querySelector(`[data-verdict=${verdict}]`)!;
    expect([...people.querySelectorAll(".verdict-group")].map((g) => g.getAttribute("data-verdict"))).toEqual(["remove", "remove_direct_seat_stays", "inherited_only"]);
    expect(text(group("remove").querySelector("h4")!)).toBe("Removed: 85 people, 85 licenses");
    expect(text(group("remove_direct_seat_stays").querySelector("h4")!)).toBe("Direct assignment removed, a group keeps the seat: 1 person, 1 license");
    expect(text(group("remove_direct_seat_stays"))).toContain("Both Ways both@example.com");
    expect(text(group("remove_direct_seat_stays"))).toContain("Microsoft 365 Business Premium: direct assignment removed; E3 licensing keeps the seat");
    expect(text(group("inherited_only"))).toContain("group@example.com");
    expect(text(group("inherited_only"))).toContain("held only through E3 licensing: remove it at the group");
    expect(text(group("remove"))).toContain("Person 042 person42@northwindtraders.example");
    expect(text(group("remove"))).toContain("Microsoft 365 Business Premium: removed");

    await fireEvent.input(within(people).getByLabelText("Find a person in the plan"), { target: { value: "PERSON7" } });
    // person7 and person70…person79.
    expect(within(people).getByTestId("plan-people-matching").textContent).toBe("11 people match");
    expect(text(group("remove").querySelector("h4")!)).toBe("Removed: 11 people, 11 licenses");
    expect(people.querySelector("[data-verdict=inherited_only]")).toBeNull();
    await fireEvent.input(within(people).getByLabelText("Find a person in the plan"), { target: { value: "nobody at all" } });
    expect(within(people).getByText("No one in the plan matches.")).toBeTruthy();
  });

  it("draws a plan of thousands 200 people at a time", async () => {
    const { dialog } = await openPlan({ plan: makePlan(1500) });
    const removed = dialog.querySelector("[data-testid=plan-people] [data-verdict=remove]")!;
    expect(text(removed.querySelector("h4")!)).toBe("Removed: 1,500 people, 1,500 licenses");
    expect(removed.querySelectorAll(".people-rows > li")).toHaveLength(200);
    expect(text(removed)).toContain("1,300 more not shown");
    // Each "Show more" says which list it lengthens.
    await fireEvent.click(within(removed as HTMLElement).getByRole("button", { name: "Show 200 more: Removed" }));
    expect(removed.querySelectorAll(".people-rows > li")).toHaveLength(400);
    // A consequence of many opens just as quickly.
    const noEffect = within(dialog).getByRole("button", { name: /^No effect on mail, files or apps/ });
    await fireEvent.click(noEffect);
    expect(dialog.querySelectorAll("[data-testid=consequence-people-no_effect] > li")).toHaveLength(200);
  });

  it("warns the admin who is among the people losing a license", async () => {
    const { dialog } = await openPlan({ plan: makePlan(10, { admin: true }) });
    expect(within(dialog).getByTestId("admin-warning").textContent).toContain("You are among the people who lose a license.");
    expect(text(within(dialog).getByTestId("consequences"))).toContain("Intune: the devices of 1 person are no longer managed.");
    expect(text(within(dialog).getByTestId("consequences"))).toContain("Microsoft Entra ID P1: conditional access and self-service password reset stop applying to 1 person.");
    restart();
    const other = await openPlan({ plan: makePlan(10) });
    expect(within(other.dialog).queryByTestId("admin-warning")).toBeNull();
  });

  it("asks for the number of people before removing licenses from more than 50", async () => {
    const { backend, dialog } = await openPlan();
    const confirm = within(dialog).getByRole<HTMLButtonElement>("button", { name: "Remove 86 licenses" });
    expect(confirm.disabled).toBe(true);
    const field = within(dialog).getByLabelText("This removes licenses from 86 people. To confirm, type the number of people (86):");
    expect(confirm.getAttribute("aria-describedby")).toBe("confirm-count-label");
    await fireEvent.input(field, { target: { value: "85" } });
    expect(confirm.disabled).toBe(true);
    await fireEvent.click(confirm);
    expect(backend.calls.some((c) => c.cmd === "run_plan")).toBe(false);
    await fireEvent.input(field, { target: { value: " 86 " } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);
    await within(dialog).findByTestId("run-result");
    expect(backend.calls.some((c) => c.cmd === "run_plan")).toBe(true);
  });

  it("confirms 50 people with one click; above, the number may be typed as the language writes it, and Enter confirms", async () => {
    const { dialog } = await openPlan({ plan: makePlan(49) });
    // 49 removed and one whose group keeps the seat: 50 people lose a license.
    expect(within(dialog).getByTestId("plan-counts").textContent).toContain("People who lose a license: 50");
    expect(within(dialog).queryByTestId("confirm-count")).toBeNull();
    expect(within(dialog).getByRole<HTMLButtonElement>("button", { name: "Remove 50 licenses" }).disabled).toBe(false);
    restart();
    const big = await openPlan({ plan: makePlan(1233) });
    const confirm = within(big.dialog).getByRole<HTMLButtonElement>("button", { name: "Remove 1,234 licenses" });
    const field = within(big.dialog).getByTestId("confirm-count");
    await fireEvent.keyDown(field, { key: "Enter" });
    expect(big.backend.calls.some((c) => c.cmd === "run_plan")).toBe(false);
    await fireEvent.input(field, { target: { value: "1,234" } });
    expect(confirm.disabled).toBe(false);
    // Enter in the field confirms once the number is right.
    await fireEvent.keyDown(field, { key: "Enter" });
    await within(big.dialog).findByTestId("run-result");
    expect(big.backend.calls.filter((c) => c.cmd === "run_plan")).toHaveLength(1);
  });

  it("has no accessibility violations axe can find in the plan, opened or not", async () => {
    const { container, dialog } = await openPlan({ plan: makePlan(60, { admin: true }) });
    const check = async (label: string) => {
      // jsdom does no layout, so contrast is checked by eye, not here.
      const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
      expect(result.violations.map((v) => `${v.id}: ${v.help}`), label).toEqual([]);
    };
    await check("the plan");
    await fireEvent.click(within(dialog).getByRole("button", { name: /^Mailbox:/ }));
    await fireEvent.click(within(dialog).getByRole("button", { name: /^OneDrive:/ }));
    await fireEvent.input(within(dialog).getByLabelText("Find a person in the plan"), { target: { value: "person1" } });
    await check("the plan with consequences opened and a search");
  });

  it("is in Swedish too", async () => {
    const { dialog } = await openPlan(
      { settings: swedish, plan: makePlan(60, { admin: true }) },
      { demo: "Prova demoklientorganisationen", licenses: "Licenser", all: /^Ta bort licensen från alla \d+ användare…$/ },
    );
    const consequences = text(within(dialog).getByTestId("consequences"));
    expect(consequences).toContain("Postlåda: 13 personer förlorar sin sista licens med Exchange Online – deras postlådor sparas i 30 dagar och tas sedan bort");
    expect(consequences).toContain("Microsoft 365-appar: 20 personer förlorar dem");
    expect(consequences).toContain("Intune: enheter som tillhör 1 person hanteras inte längre.");
    expect(consequences).toContain("Ingen påverkan på e-post, filer eller appar: 41 personer");
    expect(within(dialog).getByTestId("admin-warning").textContent).toContain("Du är en av dem som förlorar en licens.");
    expect(text(dialog.querySelector("[data-verdict=remove] h4")!)).toBe("Tas bort: 61 personer, 61 licenser");
    expect(within(dialog).getByLabelText("Det här tar bort licenser från 62 personer. Bekräfta genom att skriva antalet personer (62):")).toBeTruthy();
    expect(within(dialog).getByRole<HTMLButtonElement>("button", { name: "Ta bort 62 licenser" }).disabled).toBe(true);
  });

  it("has every new string in Swedish, in Swedish", () => {
    const keys = Object.keys(en).filter((k) => /^(consequence|people|refresh)\.|^removal\.(people|includesAdmin|typeToConfirm|openAll)|^plan\.openAll|^licenses\.toolbar/.test(k)) as (keyof typeof en)[];
    expect(keys.length).toBeGreaterThan(50);
    // The same in both: names of products, and a pattern of placeholders only.
    const same = new Set(["people.group", "people.count.one"]);
    for (const key of keys) {
      expect(sv[key], key).toBeTruthy();
      if (!same.has(key)) expect(sv[key], key).not.toBe(en[key]);
    }
    expect(sv["consequence.mailbox.other"]).toMatch(/^Postlåda: \{count\} personer/);
    expect(sv["refresh.button"]).toBe("Uppdatera");
  });
});

describe("reading the tenant again", () => {
  it("refreshes the demo tenant from the Licenses toolbar, busy while it reads", async () => {
    let release!: () => void;
    const refreshed = { ...demoOverview, products: demoOverview.products.map((p) => (p.partNumber === "SPB" ? { ...p, assigned: 80, available: 16 } : p)) };
    const backend = fakeBackend({ refreshed, refreshWait: new Promise<void>((resolve) => (release = resolve)) });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    const premium = () => document.querySelector('tr[data-part-number="SPB"]')!;
    expect(premium().textContent).toContain("86");
    await fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    const busy = await screen.findByRole("button", { name: "Refreshing…" });
    // Busy, and still holding focus: aria-disabled, a second click does nothing.
    expect(busy.getAttribute("aria-disabled")).toBe("true");
    await fireEvent.click(busy);
    expect(busy.getAttribute("aria-busy")).toBe("true");
    expect(screen.getByTestId("refreshing").textContent).toContain("Reading the whole tenant again…");
    expect(backend.calls.filter((c) => c.cmd === "refresh_tenant")).toHaveLength(1);
    release();
    expect((await screen.findByTestId("refreshed")).textContent).toBe("Refreshed: every number shows the tenant as it is now.");
    expect(premium().textContent).toContain("80");
    expect(premium().textContent).not.toContain("86");
    expect(screen.getByRole("button", { name: "Refresh" }).getAttribute("aria-disabled")).toBe("false");
    // As after a sign-in, the app asks again what it is connected to and what was interrupted.
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === "interrupted_runs").length).toBeGreaterThan(1));
  });

  it("says why a refresh failed and keeps what it showed", async () => {
    fakeBackend({ refreshError: { code: "network", message: "Microsoft 365 could not be reached. Check the connection and try again." } });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
    await fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Microsoft 365 could not be reached.");
    expect(document.querySelector('tr[data-part-number="SPB"]')!.textContent).toContain("86");
  });

  it("offers no refresh for a file", async () => {
    fakeBackend({ startOpen: "/home/admin/users.csv" });
    render(App);
    await screen.findByTestId("offline-banner");
    await fireEvent.click(screen.getByRole("button", { name: "Licenses" }));
    expect(screen.queryByRole("button", { name: "Refresh" })).toBeNull();
  });
});
