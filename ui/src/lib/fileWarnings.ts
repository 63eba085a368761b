// What the importer noticed about a file, said in the admin's language
// from the warning's code and figures.
import type { FileWarning, FileWarningCode } from "./bindings";
import { formatNumber, t, tn, type PluralKey } from "./i18n.svelte";
import type { MessageKey } from "./messages";

/** Each code's sentence: counted ones have a form for one and for more. */
const sentences: Record<FileWarningCode, { counted: PluralKey } | { plain: MessageKey }> = {
  duplicate_rows: { counted: "fileWarning.duplicate_rows" },
  conflicting_duplicates: { counted: "fileWarning.conflicting_duplicates" },
  rows_without_upn: { counted: "fileWarning.rows_without_upn" },
  unknown_products: { plain: "fileWarning.unknown_products" },
  ambiguous_products: { plain: "fileWarning.ambiguous_products" },
  renamed_products: { plain: "fileWarning.renamed_products" },
  license_state_unclear: { counted: "fileWarning.license_state_unclear" },
  replaced_characters: { counted: "fileWarning.replaced_characters" },
  partial_file: { plain: "fileWarning.partial_file" },
  localized_headers: { plain: "fileWarning.localized_headers" },
  keyed_on_email: { plain: "fileWarning.keyed_on_email" },
  type_names: { counted: "fileWarning.type_names" },
};

export function fileWarning(warning: FileWarning): string {
  const products = warning.products
    .map((product) => tn("fileWarning.holders", product.holders, { name: product.name }))
    .join(", ");
  const shown = warning.lines.map(formatNumber).join(", ");
  const lines =
    warning.count > warning.lines.length
      ? t("fileWarning.moreLines", { lines: shown, count: formatNumber(warning.count - warning.lines.length) })
      : shown;
  const sentence = sentences[warning.code];
  return "counted" in sentence
    ? tn(sentence.counted, warning.count, { lines })
    : t(sentence.plain, { products });
}
