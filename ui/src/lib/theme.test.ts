// @vitest-environment node
// The light and the dark palette of app.css: every pair of text and the
// background it is drawn on keeps WCAG AA contrast (4.5:1 for text, 3:1 for
// what is only a shape), in both themes. axe checks the light one in the
// real window; this checks both from the variables themselves.
import { describe, expect, it } from "vitest";

// Read as a file: the unit tests load no CSS. (The UI's types know no Node.)
const fs: { readFileSync(path: URL, encoding: "utf8"): string } = await import("node:" + "fs");
const css = fs.readFileSync(new URL("../app.css", import.meta.url), "utf8");

/** The custom properties of the first `:root` block after `from`. */
function palette(from: number): Record<string, string> {
  const start = css.indexOf(":root {", from);
  const block = css.slice(start, css.indexOf("}", start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

const light = palette(0);
const dark = { ...light, ...palette(css.indexOf("@media (prefers-color-scheme: dark)")) };

type Rgb = [number, number, number];

function rgb(color: string): Rgb {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) throw new Error(`not a #rrggbb colour: ${color}`);
  return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) as Rgb;
}

/** WCAG 2's relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** `color` seen through white at `alpha` (the navigation's hover and current item). */
function overWhite(color: string, alpha: number): string {
  return `#${rgb(color)
    .map((c) => Math.round(c + (255 - c) * alpha).toString(16).padStart(2, "0"))
    .join("")}`;
}

// [text, background] as app.css draws them.
const text: [string, string][] = [
  ["text", "bg"],
  ["text", "panel"],
  ["muted", "bg"],
  ["muted", "panel"],
  ["accent", "bg"],
  ["accent", "panel"],
  ["danger", "bg"],
  ["danger", "panel"],
  ["warning", "panel"],
  ["ok", "panel"],
  ["on-accent", "accent"],
  ["on-accent", "accent-hover"],
  ["on-accent", "danger"],
  ["text", "accent-soft"],
  ["muted", "accent-soft"],
  ["text", "banner-bg"],
  ["warning", "banner-bg"],
  ["muted", "banner-bg"],
  ["text", "note-bg"],
  ["muted", "note-bg"],
  ["accent", "note-bg"],
  ["danger", "danger-soft"],
  ["muted", "disabled-bg"],
  ["nav-text", "nav-bg"],
  ["nav-current", "nav-bg"],
];
// Shapes that carry meaning: the status dots (the idle one is grey beside
// text that says "Not connected", so it only decorates).
const shapes: [string, string][] = [
  ["ok", "panel"],
  ["warning", "panel"],
  ["accent", "panel"],
  ["danger", "panel"],
];

describe("the palettes", () => {
  it("measures contrast as WCAG does", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });

  it("has every light colour in the dark theme too", () => {
    expect(Object.keys(dark).sort()).toEqual(Object.keys(light).sort());
    expect(Object.keys(palette(css.indexOf("@media (prefers-color-scheme: dark)"))).sort()).toEqual(
      Object.keys(light).sort(),
    );
  });

  for (const [name, colors] of [["light", light], ["dark", dark]] as const) {
    it(`keeps text at 4.5:1 and shapes at 3:1 in the ${name} theme`, () => {
      const low: string[] = [];
      for (const [fg, bg] of text) {
        const ratio = contrast(colors[fg], colors[bg]);
        if (ratio < 4.5) low.push(`${fg} on ${bg}: ${ratio.toFixed(2)}`);
      }
      for (const alpha of [0.08, 0.16]) {
        const ratio = contrast(colors["nav-current"], overWhite(colors["nav-bg"], alpha));
        if (ratio < 4.5) low.push(`nav-current on nav-bg lightened ${alpha}: ${ratio.toFixed(2)}`);
        const plain = contrast(colors["nav-text"], overWhite(colors["nav-bg"], alpha));
        if (plain < 4.5) low.push(`nav-text on nav-bg lightened ${alpha}: ${plain.toFixed(2)}`);
      }
      for (const [fg, bg] of shapes) {
        const ratio = contrast(colors[fg], colors[bg]);
        if (ratio < 3) low.push(`${fg} on ${bg}: ${ratio.toFixed(2)}`);
      }
      expect(low).toEqual([]);
    });
  }

  it("draws the focus ring at 3:1 on every background it is drawn on, in both themes", () => {
    for (const colors of [light, dark]) {
      expect(contrast(colors.focus, colors.bg)).toBeGreaterThanOrEqual(3);
      expect(contrast(colors.focus, colors.panel)).toBeGreaterThanOrEqual(3);
      expect(contrast(colors["nav-focus"], colors["nav-bg"])).toBeGreaterThanOrEqual(3);
    }
  });
});
