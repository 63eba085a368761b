// Keyboard habits of the platform the app runs on: macOS names and reads
// its modifiers differently from Windows and Linux.

/** Whether the app runs on macOS, as the webview reports it. */
export function isMac(nav: Pick<Navigator, "userAgent" | "platform"> = navigator): boolean {
  return /^Mac/i.test(nav.platform ?? "") || /Mac OS X|Macintosh/.test(nav.userAgent ?? "");
}

/** The number of Alt (Option) + a digit key, read from the key's place, not
 * its character: Option+1 types "¡" on a Mac and a French layout types "&".
 * Null when the keys are not that shortcut. */
export function viewShortcut(event: KeyboardEvent): number | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const digit = /^Digit([1-9])$/.exec(event.code ?? "");
  return digit ? Number(digit[1]) : null;
}

/** Whether the platform's command key is held alone (Cmd on macOS, Ctrl
 * elsewhere): Cmd+A on a Mac, Ctrl+A on Windows. */
export function commandKey(event: KeyboardEvent): boolean {
  if (event.altKey) return false;
  return isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
}

/** The letter a shortcut's key types, from its place when the layout types
 * no Latin letter there (Cyrillic, Greek). */
export function shortcutLetter(event: KeyboardEvent): string {
  if (/^[a-z]$/i.test(event.key)) return event.key.toLowerCase();
  const place = /^Key([A-Z])$/.exec(event.code ?? "");
  return place ? place[1].toLowerCase() : event.key;
}
