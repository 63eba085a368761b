// Where keyboard focus goes when something that took it (a dialog, a
// panel) goes away: back to what opened it, so the next Tab continues from
// there instead of from the top of the page.

/** Is `element` still on the page and able to take focus? */
export function focusable(element: Element | null | undefined): element is HTMLElement {
  return (
    element instanceof HTMLElement &&
    element.isConnected &&
    !(element as HTMLButtonElement).disabled &&
    !element.closest("[hidden], [inert]")
  );
}

/** What has focus now, unless nothing does. */
export function focused(): HTMLElement | null {
  const active = document.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * Remembers what has focus now. The function it gives puts focus back there
 * once the page has settled, or, when that is gone or disabled, on the first
 * of `fallbacks` that can take it, or on the view's heading.
 */
export function returnFocus(...fallbacks: (() => Element | null | undefined)[]): () => void {
  const opener = focused();
  return () => {
    setTimeout(() => {
      // Focus moved on by itself (to another dialog, a panel): leave it.
      const now = focused();
      if (now && now !== opener && !now.closest("dialog:not([open])")) return;
      const target = [() => opener, ...fallbacks, () => document.querySelector("main h1")]
        .map((candidate) => candidate())
        .find(focusable);
      target?.focus();
    }, 0);
  };
}
