// The keyboard and focus model: the user list is one tab stop with arrow
// keys, panels and dialogs give focus back to what opened them, Esc closes
// them, and progress is announced at a pace a screen reader can follow.
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import App from "./App.svelte";
import Announce from "./components/Announce.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { tenant } from "./lib/tenant.svelte";
import { fakeBackend } from "./test/ipc";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true });
});

async function demoUsers() {
  fakeBackend();
  render(App);
  await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
  await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("250 users"));
  const grid = screen.getByRole("grid", { name: "Users" });
  await waitFor(() => expect(grid.querySelector("[role=row]")).not.toBeNull());
  return grid;
}

const row = (grid: HTMLElement, position: number) => grid.querySelector<HTMLElement>(`[role=row][data-position="${position}"]`)!;
const key = (target: Element, key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(target, { key, ...init });

describe("the keyboard", () => {
  it("reaches the user list with one Tab and moves, ticks and opens with keys", async () => {
    const grid = await demoUsers();
    // One tab stop: the first row; nothing else in the list is in the Tab order.
    const stops = [...grid.querySelectorAll<HTMLElement>("[tabindex]")].filter((e) => e.tabIndex >= 0);
    expect(stops).toEqual([row(grid, 0)]);
    expect(grid.getAttribute("aria-rowcount")).toBe("250");
    expect(grid.getAttribute("aria-describedby")).toBeTruthy();

    row(grid, 0).focus();
    await key(row(grid, 0), "ArrowDown");
    await waitFor(() => expect(document.activeElement).toBe(row(grid, 1)));
    expect(row(grid, 1).tabIndex).toBe(0);
    expect(row(grid, 0).tabIndex).toBe(-1);

    // Space ticks the row it is on; the row says so.
    await key(row(grid, 1), " ");
    await waitFor(() => expect(row(grid, 1).getAttribute("aria-selected")).toBe("true"));
    expect(screen.getByTestId("selected-count").textContent).toBe("1 selected");

    // Shift with an arrow ticks on from there.
    await key(row(grid, 1), "ArrowDown", { shiftKey: true });
    await key(row(grid, 2), "ArrowDown", { shiftKey: true });
    await waitFor(() => expect(screen.getByTestId("selected-count").textContent).toBe("3 selected"));
    expect(document.activeElement).toBe(row(grid, 3));

    // End and Home go to the last and the first.
    await key(row(grid, 3), "End");
    await waitFor(() => expect(document.activeElement?.getAttribute("data-position")).toBe("249"));
    await key(document.activeElement!, "Home");
    await waitFor(() => expect(document.activeElement).toBe(row(grid, 0)));

    // Shift+Space ticks the range from the last ticked row.
    await key(row(grid, 0), " ", { shiftKey: true });
    await waitFor(() => expect(screen.getByTestId("selected-count").textContent).toBe("4 selected"));
  });

  it("keeps only the pages of users near the screen, and reads one again when it comes back", async () => {
    const backend = fakeBackend({ userCount: 5_000 });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("5,000 users"));
    const grid = screen.getByRole("grid", { name: "Users" });
    await waitFor(() => expect(row(grid, 0)).toBeTruthy());
    const firstPageReads = () =>
      backend.calls.filter((c) => c.cmd === "users" && (c.args as { offset: number }).offset === 0).length;
    expect(firstPageReads()).toBe(1);

    row(grid, 0).focus();
    await key(row(grid, 0), "End");
    await waitFor(() => expect(document.activeElement?.getAttribute("data-position")).toBe("4999"));
    await key(document.activeElement!, "Home");
    await waitFor(() => expect(document.activeElement).toBe(row(grid, 0)));
    // The first page was let go at the end of the list, so it was read again.
    expect(firstPageReads()).toBe(2);
    expect(row(grid, 0).textContent).toContain("Person 000");
  });

  it("opens a user's panel with Enter, announces it by focus, and Esc brings focus back to the row", async () => {
    const grid = await demoUsers();
    row(grid, 0).focus();
    await key(row(grid, 0), "ArrowDown");
    await waitFor(() => expect(document.activeElement).toBe(row(grid, 1)));
    await key(row(grid, 1), "Enter");
    const panel = await screen.findByTestId("licenses-and-apps");
    await waitFor(() => expect(document.activeElement).toBe(within(panel).getByRole("heading", { name: "Licenses and apps" })));
    expect(panel.textContent).toContain("Person 001");
    await key(document.activeElement!, "Escape");
    await waitFor(() => expect(screen.queryByTestId("licenses-and-apps")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(row(grid, 1)));
  });

  it("gives focus back to what opened the removal dialog, and Esc closes it, not the panel under it", async () => {
    const grid = await demoUsers();
    await fireEvent.click(within(row(grid, 2)).getByRole("button", { name: /Person 002/ }));
    const panel = await screen.findByTestId("licenses-and-apps");
    const premium = await within(panel).findByRole("checkbox", { name: "Microsoft 365 Business Premium" });
    await fireEvent.click(premium);
    const save = within(panel).getByRole("button", { name: "Save" });
    save.focus();
    await fireEvent.click(save);
    const dialog = await screen.findByRole("dialog");
    await within(dialog).findByTestId("plan-counts");
    // Esc (the dialog's cancel) closes the dialog only.
    await fireEvent(dialog, new Event("cancel", { cancelable: true }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    // The panel closed with the plan; focus is back on the user's row.
    await waitFor(() => expect(document.activeElement).toBe(row(grid, 2)));
  });

  it("gives focus back to the history's Undo button when its dialog is cancelled", async () => {
    fakeBackend({
      history: [
        { run: "run-1", startedAt: 1_794_000_000, undo: false, undoes: null, products: ["Visio"], users: 3, state: "finished", done: 3, failed: 0, undone: false },
      ],
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Run history" }));
    const undo = await screen.findByRole("button", { name: /^Undo the removal of Visio, started / });
    undo.focus();
    await fireEvent.click(undo);
    const dialog = await screen.findByRole("dialog");
    await fireEvent.click(await within(dialog).findByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(document.activeElement).toBe(undo));
  });
});

describe("announcing progress", () => {
  it("says quickly changing text at most every few seconds, and the last text in the end", async () => {
    vi.useFakeTimers();
    const view = render(Announce, { text: "Removing… 0 done", every: 5000 });
    const region = view.container.querySelector("[role=status]")!;
    await vi.advanceTimersByTimeAsync(200);
    expect(region.textContent).toBe("Removing… 0 done");
    for (let done = 1; done <= 20; done++) {
      await view.rerender({ text: `Removing… ${done} done`, every: 5000 });
      await vi.advanceTimersByTimeAsync(200);
    }
    // Four seconds of updates five times a second: not one of them said yet.
    expect(region.textContent).toBe("Removing… 0 done");
    await vi.advanceTimersByTimeAsync(1000);
    expect(region.textContent).toBe("Removing… 20 done");
  });
});
