// Runs that tell the truth: what Stop does while it finishes, a stopped
// run's end and the rest planned again, a run that goes on with its dialog
// closed, a silent tenant, an interrupted run named and put aside, and an
// undo with nothing left to put back.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { dismissRun, run } from "./lib/run.svelte";
import { tenant } from "./lib/tenant.svelte";
import { fakeBackend, type FakeBackend } from "./test/ipc";

afterEach(() => {
  cleanup();
  setLanguage("en");
  dismissRun();
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true, openingFile: null });
});

const text = (element: Element) => element.textContent!.replace(/\s+/g, " ").trim();
const SPB = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";

/** A run that answers once `release` is called. */
function held() {
  let release!: () => void;
  const wait = new Promise<void>((resolve) => (release = resolve));
  return { wait, release: () => release() };
}

/** The demo, Business Premium's holders, the plan for all 86, confirmed. */
async function startRun(initial: Partial<FakeBackend>) {
  const backend = fakeBackend(initial);
  render(App);
  await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
  await fireEvent.click(await screen.findByRole("button", { name: "Licenses" }));
  await fireEvent.click(screen.getByRole("button", { name: "Microsoft 365 Business Premium" }));
  await fireEvent.click(await screen.findByRole("button", { name: /^Remove from all \d+ holders…$/ }));
  await screen.findByTestId("plan-counts");
  const dialog = document.querySelector("dialog")!;
  await fireEvent.input(within(dialog).getByTestId("confirm-count"), { target: { value: "86" } });
  await fireEvent.click(within(dialog).getByRole("button", { name: "Remove 86 licenses" }));
  return { backend, dialog };
}

describe("a run", () => {
  it("says what Stop is finishing, then how many were stopped, and plans the rest", async () => {
    const answer = held();
    const { backend, dialog } = await startRun({
      runWait: answer.wait,
      runResult: {
        done: 40,
        failed: 0,
        notRun: 41,
        total: 86,
        stopped: true,
        skipped: 5,
        failures: [],
        notRunItems: Array.from({ length: 41 }, (_, i) => ({ userId: `id-${i + 40}`, skuId: SPB })),
      },
    });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Stop" }));
    expect(backend.calls.some((c) => c.cmd === "cancel_run")).toBe(true);
    expect(within(dialog).getByRole("button", { name: "Stop" }).getAttribute("aria-disabled")).toBe("true");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Stop" }));
    expect(backend.calls.filter((c) => c.cmd === "cancel_run")).toHaveLength(1);
    run.progress = { done: 40, failed: 0, remaining: 41, perSecond: 20, secondsLeft: 3, waitingSeconds: null, inFlight: 20, stopping: true, silentSeconds: null };
    await waitFor(() => expect(text(within(dialog).getByTestId("stopping"))).toBe("Stopping… finishing 20 changes already sent."));
    answer.release();
    expect(text(await within(dialog).findByTestId("run-result"))).toBe("Stopped: 40 of 81 removed, 0 failed, 41 not run. 5 left alone (see the plan).");
    await fireEvent.click(within(dialog).getByRole("button", { name: "Remove the remaining 41…" }));
    await within(dialog).findByTestId("plan-counts");
    const planned = backend.calls.filter((c) => c.cmd === "plan_removal").at(-1);
    expect(planned?.args).toEqual({ request: { kind: "items", items: Array.from({ length: 41 }, (_, i) => ({ userId: `id-${i + 40}`, skuId: SPB })) } });
  });

  it("says when Microsoft stops answering and promises no time left", async () => {
    const answer = held();
    const { dialog } = await startRun({ runWait: answer.wait });
    run.progress = { done: 20, failed: 0, remaining: 66, perSecond: 0, secondsLeft: null, waitingSeconds: null, inFlight: 20, stopping: false, silentSeconds: 12 };
    await waitFor(() => expect(text(within(dialog).getByTestId("run-progress"))).toBe("Removing… 20 done, 0 failed, 66 left 20 changes on their way to Microsoft. No answer from Microsoft for 12 s, still trying."));
    expect(within(dialog).queryByText(/s left$/)).toBeNull();
    answer.release();
    await within(dialog).findByTestId("run-result");
  });

  it("goes on with its dialog closed, in the status bar, and comes back with its results", async () => {
    const answer = held();
    const { dialog } = await startRun({ runWait: answer.wait });
    run.progress = { done: 40, failed: 0, remaining: 46, perSecond: 20, secondsLeft: 3, waitingSeconds: null, inFlight: 20, stopping: false, silentSeconds: null };
    await fireEvent.click(within(dialog).getByRole("button", { name: "Close; the run goes on" }));
    await waitFor(() => expect(document.querySelector("dialog[open]")).toBeNull());
    const bar = await screen.findByTestId("background-run");
    expect(text(bar)).toBe("Microsoft 365 Business Premium: 40 of 86 Show");
    // The views are free meanwhile.
    await fireEvent.click(screen.getByRole("button", { name: "Users" }));
    answer.release();
    await waitFor(() => expect(text(screen.getByTestId("background-run"))).toBe("Microsoft 365 Business Premium: done, 85 removed, 1 failed Show results"));
    await fireEvent.click(screen.getByRole("button", { name: "Show results" }));
    const back = await screen.findByTestId("run-result");
    expect(text(back)).toBe("Done: 85 removed, 1 failed, 0 not run.");
    await fireEvent.click(within(document.querySelector("dialog")!).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByTestId("background-run")).toBeNull());
  });
});

describe("a run's results", () => {
  it("name everyone, the failed first with Microsoft's reason, and can be searched", async () => {
    const people = [
      ...Array.from({ length: 84 }, (_, i) => ({
        displayName: `Person ${String(i).padStart(3, "0")}`,
        userPrincipalName: `person${i}@northwindtraders.example`,
        items: [{ product: "Microsoft 365 Business Premium", result: "done" as const, reason: null }],
      })),
      { displayName: null, userPrincipalName: "x@example.com", items: [{ product: "Microsoft 365 Business Premium", result: "failed" as const, reason: "The user no longer exists in your organisation." }] },
      { displayName: "Sales Lead", userPrincipalName: "lead@northwindtraders.example", items: [{ product: "Microsoft 365 Business Premium", result: "skipped" as const, reason: null }] },
    ];
    const { dialog } = await startRun({ runResult: { people } });
    const results = await within(dialog).findByTestId("run-people");
    const groups = [...results.querySelectorAll(".verdict-group")];
    expect(groups.map((g) => g.getAttribute("data-result"))).toEqual(["failed", "done", "skipped"]);
    expect(text(groups[0])).toBe("Failed: 1 person, 1 license x@example.com Microsoft 365 Business Premium: failed (The user no longer exists in your organisation.)");
    expect(text(groups[1].querySelector("h4")!)).toBe("Removed: 84 people, 84 licenses");
    expect(text(groups[2])).toContain("Left alone: 1 person, 1 license");
    await fireEvent.input(within(results).getByTestId("run-people-search"), { target: { value: "person17@" } });
    await waitFor(() => expect(results.querySelectorAll("li[data-upn]")).toHaveLength(1));
  });
});

describe("an interrupted run", () => {
  it("is named by product, people and day, and can be put aside", async () => {
    fakeBackend({
      interrupted: [{ run: "run-9", settled: 40, total: 86, undo: false, products: ["Microsoft 365 Business Premium"], users: 86, startedAt: 1764000000 }],
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    const named = await screen.findByTestId("interrupted-run");
    expect(text(named)).toMatch(/^Removing Microsoft 365 Business Premium, started .+ \(86 people\)$/);
    await fireEvent.click(screen.getByRole("button", { name: "Not now" }));
    await waitFor(() => expect(screen.queryByTestId("interrupted")).toBeNull());
  });
});

describe("undo", () => {
  it("says there is nothing to put back when the licenses are already there", async () => {
    fakeBackend({
      history: [{ run: "run-5", startedAt: 1764000000, undo: false, undoes: null, products: ["Microsoft 365 Business Premium"], users: 10, state: "finished", done: 10, failed: 0, undone: false }],
      undoResult: { done: 0, skipped: 10, total: 10 },
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Run history" }));
    await waitFor(() => expect(document.querySelector("[data-action=undo-run]")).not.toBeNull());
    await fireEvent.click(document.querySelector<HTMLButtonElement>("[data-action=undo-run]")!);
    await waitFor(() => expect(document.querySelector("[data-action=confirm-undo]")).not.toBeNull());
    const dialog = document.querySelector("dialog")!;
    await fireEvent.click(document.querySelector<HTMLButtonElement>("[data-action=confirm-undo]")!);
    expect(text(await within(dialog).findByTestId("run-result"))).toBe("Nothing to put back: these licenses are already there.");
  });
});
