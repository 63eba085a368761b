import { afterEach, describe, expect, it } from "vitest";
import type { FileWarning } from "./bindings";
import { fileWarning } from "./fileWarnings";
import { setLanguage } from "./i18n.svelte";

const warning = (w: Partial<FileWarning> & Pick<FileWarning, "code">): FileWarning => ({ count: 0, products: [], lines: [], ...w });

afterEach(() => setLanguage("en"));

describe("a file's warnings", () => {
  it("are said from their figures, in both languages", () => {
    const skipped = warning({ code: "rows_without_upn", count: 12, lines: [3, 5, 8, 13, 21, 34, 55, 89, 144, 233] });
    const one = warning({ code: "rows_without_upn", count: 1, lines: [1_204] });
    const products = warning({
      code: "unknown_products",
      count: 2,
      products: [
        { name: "Contoso Widget", holders: 1 },
        { name: "Fabrikam Suite", holders: 1_500 },
      ],
    });
    expect(fileWarning(skipped)).toBe(
      "12 rows have no user name and were skipped (lines 3, 5, 8, 13, 21, 34, 55, 89, 144, 233 and 2 more).",
    );
    expect(fileWarning(one)).toBe("1 row has no user name and was skipped (line 1,204).");
    expect(fileWarning(products)).toContain("Not in Microsoft's product list: “Contoso Widget” (1 user), “Fabrikam Suite” (1,500 users).");
    expect(fileWarning(warning({ code: "partial_file" }))).toContain("This file lists only some users");

    setLanguage("sv");
    expect(fileWarning(skipped)).toBe(
      "12 rader saknar användarnamn och hoppades över (rad 3, 5, 8, 13, 21, 34, 55, 89, 144, 233 och 2 till).",
    );
    expect(fileWarning(one)).toBe("1 rad saknar användarnamn och hoppades över (rad 1\u00a0204).");
    expect(fileWarning(products)).toContain("Finns inte i Microsofts produktlista: ”Contoso Widget” (1 användare), ”Fabrikam Suite” (1\u00a0500 användare).");
    expect(fileWarning(warning({ code: "type_names", count: 3 }))).toContain("3 licensvärden är typnamn");
  });
});
