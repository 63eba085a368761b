// Keyboard habits on macOS and elsewhere: Option (Alt) with a digit moves
// between views by the key's place, titles name the modifier the keyboard
// shows, and ticking everyone is Cmd+A on a Mac and Ctrl+A elsewhere.
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "./App.svelte";
import { setLanguage } from "./lib/i18n.svelte";
import { commandKey, isMac, shortcutLetter, viewShortcut } from "./lib/platform";
import { tenant } from "./lib/tenant.svelte";
import { fakeBackend } from "./test/ipc";

const safariOnMac = {
  platform: "MacIntel",
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
};
const edgeOnWindows = {
  platform: "Win32",
  userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
};
const webkitOnLinux = { platform: "Linux x86_64", userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)" };

function runOn(system: { platform: string; userAgent: string }) {
  vi.spyOn(navigator, "platform", "get").mockReturnValue(system.platform);
  vi.spyOn(navigator, "userAgent", "get").mockReturnValue(system.userAgent);
}

const press = (init: KeyboardEventInit) => new KeyboardEvent("keydown", init);

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  setLanguage("en");
  Object.assign(tenant, { overview: null, progress: null, loading: false, error: null, waiting: null, devicePrompt: null, notRemembered: false, restoring: true });
});

describe("the platform", () => {
  it("knows a Mac from its platform or its user agent", () => {
    expect(isMac(safariOnMac)).toBe(true);
    expect(isMac({ platform: "", userAgent: safariOnMac.userAgent })).toBe(true);
    expect(isMac(edgeOnWindows)).toBe(false);
    expect(isMac(webkitOnLinux)).toBe(false);
  });

  it("reads Alt or Option with a digit by the key's place", () => {
    // Option+1 on a Mac types "¡"; a French layout's 1 key types "&".
    expect(viewShortcut(press({ key: "¡", code: "Digit1", altKey: true }))).toBe(1);
    expect(viewShortcut(press({ key: "&", code: "Digit1", altKey: true }))).toBe(1);
    expect(viewShortcut(press({ key: "5", code: "Digit5", altKey: true }))).toBe(5);
    expect(viewShortcut(press({ key: "5", code: "Digit5" }))).toBeNull();
    expect(viewShortcut(press({ key: "5", code: "Digit5", altKey: true, ctrlKey: true }))).toBeNull();
    expect(viewShortcut(press({ key: "5", code: "Digit5", altKey: true, metaKey: true }))).toBeNull();
    expect(viewShortcut(press({ key: "a", code: "KeyA", altKey: true }))).toBeNull();
  });

  it("takes Cmd as the command key on a Mac and Ctrl elsewhere", () => {
    runOn(safariOnMac);
    expect(commandKey(press({ key: "a", metaKey: true }))).toBe(true);
    expect(commandKey(press({ key: "a", ctrlKey: true }))).toBe(false);
    expect(commandKey(press({ key: "a", metaKey: true, altKey: true }))).toBe(false);
    runOn(edgeOnWindows);
    expect(commandKey(press({ key: "a", ctrlKey: true }))).toBe(true);
    expect(commandKey(press({ key: "a", metaKey: true }))).toBe(false);
    runOn(webkitOnLinux);
    expect(commandKey(press({ key: "a", ctrlKey: true }))).toBe(true);
  });

  it("reads a letter by its place only where the layout types no Latin letter", () => {
    expect(shortcutLetter(press({ key: "ф", code: "KeyA" }))).toBe("a");
    expect(shortcutLetter(press({ key: "A", code: "KeyA", shiftKey: true }))).toBe("a");
    // AZERTY: the key in QWERTY's Q place types "a".
    expect(shortcutLetter(press({ key: "a", code: "KeyQ" }))).toBe("a");
    expect(shortcutLetter(press({ key: "ArrowDown", code: "ArrowDown" }))).toBe("ArrowDown");
    expect(shortcutLetter(press({ key: " ", code: "Space" }))).toBe(" ");
  });
});

async function demoUsers() {
  fakeBackend();
  render(App);
  await fireEvent.click(await screen.findByRole("button", { name: "Try the demo tenant" }));
  await waitFor(() => expect(screen.getByTestId("user-count").textContent).toBe("250 users"));
  const grid = screen.getByRole("grid", { name: "Users" });
  await waitFor(() => expect(grid.querySelector("[role=row]")).not.toBeNull());
  return grid.querySelector<HTMLElement>("[role=row]")!;
}

for (const [name, system, shown, command, other, [commandName, otherName]] of [
  ["macOS", safariOnMac, "⌥", { metaKey: true }, { ctrlKey: true }, ["Cmd", "Ctrl"]],
  ["Windows", edgeOnWindows, "Alt+", { ctrlKey: true }, { metaKey: true }, ["Ctrl", "Cmd"]],
] as const) {
  describe(`the keyboard on ${name}`, () => {
    it(`moves between views with ${shown}1…${shown}5 and says so`, async () => {
      runOn(system);
      fakeBackend();
      render(App);
      await screen.findByRole("heading", { name: "Users" });
      const settings = screen.getByRole("button", { name: "Settings" });
      expect(settings.title).toBe(`Settings (${shown}5)`);
      // aria-keyshortcuts names Option "Alt" on every platform, as ARIA does.
      expect(settings.getAttribute("aria-keyshortcuts")).toBe("Alt+5");

      const mac = name === "macOS";
      await fireEvent.keyDown(window, { key: mac ? "∞" : "5", code: "Digit5", altKey: true });
      expect(await screen.findByRole("heading", { name: "Settings" })).toBeTruthy();
      await fireEvent.keyDown(window, { key: mac ? "™" : "2", code: "Digit2", altKey: true });
      expect(await screen.findByRole("heading", { name: "Licenses" })).toBeTruthy();
      // Cmd or Ctrl with a digit is not the shortcut.
      await fireEvent.keyDown(window, { key: "1", code: "Digit1", altKey: true, ...command });
      expect(screen.getByRole("heading", { name: "Licenses" })).toBeTruthy();
    });

    it(`ticks everyone with ${commandName}+A, not ${otherName}+A`, async () => {
      runOn(system);
      const row = await demoUsers();
      row.focus();
      await fireEvent.keyDown(row, { key: "a", code: "KeyA", ...other });
      expect(screen.queryByTestId("selected-count")).toBeNull();
      await fireEvent.keyDown(row, { key: "a", code: "KeyA", ...command });
      await waitFor(() => expect(screen.getByTestId("selected-count").textContent).toBe("250 selected"));
      // Again, with a layout that types no Latin letter there: nobody.
      await fireEvent.keyDown(row, { key: "ф", code: "KeyA", ...command });
      await waitFor(() => expect(screen.queryByTestId("selected-count")).toBeNull());
    });
  });
}
