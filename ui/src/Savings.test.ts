// Savings: every finding with its people, seats and money, activity asked
// for only when the admin wants it (and why it may not be usable), and a
// finding one click from the usual plan.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import axe from "axe-core";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { en, sv } from "./lib/messages";
import { tenant } from "./lib/tenant.svelte";
import { fakeBackend, type FakeBackend } from "./test/ipc";

afterEach(() => {
  cleanup();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true, openingFile: null });
});

const text = (element: Element) => element.textContent!.replace(/\s+/g, " ").trim();

async function openSavings(initial: Partial<FakeBackend> = {}, names = { demo: "Try the demo tenant", licenses: "Licenses", link: "Find licenses nobody uses" }) {
  const backend = fakeBackend(initial);
  const view = render(App);
  await fireEvent.click(await screen.findByRole("button", { name: names.demo }));
  // The Licenses view links to Savings.
  await fireEvent.click(await screen.findByRole("button", { name: names.licenses }));
  await fireEvent.click(screen.getByRole("button", { name: names.link }));
  await screen.findByTestId("savings-total");
  return { backend, container: view.container };
}

const kinds = () => [...document.querySelectorAll("article.finding")].map((a) => a.getAttribute("data-kind"));

describe("savings", () => {
  it("shows what can be found without activity, then reads sign-ins when asked", async () => {
    const { backend } = await openSavings();
    expect(kinds()).toEqual(["disabled_holding", "overlap", "idle_seats"]);
    expect(text(screen.getByTestId("savings-total"))).toBe("You could stop paying for 12 seats: SEK 2,420.00 a month. 1 of them has no price: set prices in Settings to see its cost.");
    expect(text(screen.getByTestId("activity-notes"))).toContain("Sign-ins are not read yet");
    // Each kind at a glance, with its seats and money.
    const summary = [...screen.getByTestId("savings-summary").querySelectorAll("tbody tr")].map((tr) =>
      [...tr.children].map((cell) => text(cell)).join(" | "),
    );
    expect(summary).toEqual([
      "Disabled accounts that still hold a license | 1 | SEK 220.00",
      "Licenses another license already covers | 1 | —",
      "Seats paid for that nobody holds | 10 | SEK 2,200.00",
    ]);
    // Nothing extra is asked of Microsoft until the admin wants it.
    expect(backend.calls.some((c) => c.cmd === "read_activity")).toBe(false);
    await fireEvent.click(screen.getByRole("button", { name: "Read sign-ins and usage" }));
    await waitFor(() => expect(kinds()).toEqual(["inactive_sign_in", "disabled_holding", "overlap", "idle_seats"]));
    const inactive = document.querySelector("article[data-kind=inactive_sign_in]")!;
    expect(within(inactive as HTMLElement).getByRole("heading").textContent).toBe("Not signed in for 90 days: Microsoft 365 Business Premium");
    expect(text(inactive.querySelector(".finding-figures")!)).toBe("4 seats · SEK 880.00 a month");
    expect([...inactive.querySelectorAll("li")].map((li) => text(li))[3]).toBe("Person 003 person3@northwindtraders.example 120 days");
    // Concealed names are explained, with where to turn them off.
    expect(text(screen.getByTestId("activity-notes"))).toContain("Settings → Org settings → Services → Reports");
  });

  it("asks for the permissions it lacks only when the admin wants them, in the browser", async () => {
    const { backend } = await openSavings({ activityDenied: true });
    expect(screen.queryByRole("button", { name: "Allow it in the browser…" })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Read sign-ins and usage" }));
    await waitFor(() => expect(text(screen.getByTestId("activity-notes"))).toContain("needs the AuditLog.Read.All permission"));
    await fireEvent.click(screen.getByRole("button", { name: "Allow it in the browser…" }));
    await waitFor(() => expect(kinds()).toContain("inactive_sign_in"));
    expect(backend.calls.find((c) => c.cmd === "ask_activity_permissions")?.args).toEqual({ inactiveDays: 90 });
    expect(screen.queryByRole("button", { name: "Allow it in the browser…" })).toBeNull();
  });

  it("says when the admin's role cannot read usage reports, and offers no browser sign-in that cannot help", async () => {
    await openSavings({ usageRoleMissing: true });
    await fireEvent.click(screen.getByRole("button", { name: "Read sign-ins and usage" }));
    await waitFor(() => expect(text(screen.getByTestId("activity-notes"))).toContain("Your role cannot read Microsoft 365 usage reports"));
    expect(text(screen.getByTestId("activity-notes"))).toContain("ask for the Reports Reader role");
    expect(screen.queryByRole("button", { name: "Allow it in the browser…" })).toBeNull();
  });

  it("asks again for other days", async () => {
    const { backend } = await openSavings();
    await fireEvent.change(screen.getByTestId("inactive-days"), { target: { value: "30" } });
    await waitFor(() => expect(backend.calls.filter((c) => c.cmd === "savings").at(-1)?.args).toEqual({ inactiveDays: 30 }));
  });

  it("plans removal of a finding from the people who hold it directly", async () => {
    const { backend } = await openSavings();
    const disabled = document.querySelector<HTMLElement>("article[data-kind=disabled_holding]")!;
    // One of the two holds it through a group: named, not planned.
    expect(disabled.textContent).toContain("through Sales: change it at the group");
    // Named with its finding: each finding has a button of the same words.
    const title = disabled.querySelector("h2")!.textContent!;
    await fireEvent.click(within(disabled).getByRole("button", { name: `Plan removal from 1 person… ${title}` }));
    await screen.findByTestId("plan-counts");
    expect(backend.calls.find((c) => c.cmd === "plan_removal")?.args).toEqual({
      request: { kind: "items", items: [{ userId: "id-10", skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" }] },
    });
    // Idle seats are reduced in the admin center, not planned.
    const idle = document.querySelector<HTMLElement>("article[data-kind=idle_seats]")!;
    expect(within(idle).queryByRole("button", { name: /Plan removal/ })).toBeNull();
    expect(within(idle).getByRole("button", { name: `Reduce it in the admin center ${idle.querySelector("h2")!.textContent}` })).toBeTruthy();
  });

  it("lists the products never counted, and why", async () => {
    await openSavings();
    expect(text(screen.getByTestId("not-counted"))).toBe("1 product is never counted as savings Microsoft Power Automate Free: free");
  });

  it("is in Swedish too, every string", async () => {
    const keys = Object.keys(en).filter((k) => k.startsWith("savings.") || k === "nav.savings" || k === "licenses.savingsLink") as (keyof typeof en)[];
    expect(keys.length).toBeGreaterThan(40);
    const same = new Set(["savings.people.one"]);
    for (const key of keys) if (!same.has(key)) expect(sv[key], key).not.toBe(en[key]);
    await openSavings(
      { settings: { language: "sv", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} } },
      { demo: "Prova demoklientorganisationen", licenses: "Licenser", link: "Hitta licenser som ingen använder" },
    );
    expect(text(screen.getByTestId("savings-total"))).toMatch(/^Du kan sluta betala för 12 licenser: 2 420,00 kr i månaden\./);
  });

  it("has no accessibility violations axe can find", async () => {
    const { container } = await openSavings();
    for (const details of container.querySelectorAll("details")) details.open = true;
    const result = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });
});
