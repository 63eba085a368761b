//! Products as files write them: display names (any case, old or other
//! languages), part numbers, `tenant:PART` AccountSkuIds and `skuId` GUIDs,
//! and the cells that join several of them.

use uuid::Uuid;

use crate::catalog::{catalog, is_free_or_trial, AliasTarget, Product};
use crate::model::{Resolution, Sku};

/// The most separator characters (`+`, `,`, `;`) any known name contains,
/// plus one: a name spans at most this many pieces of a split cell. Pinned
/// by a test against the table, so a refresh that breaks it is noticed.
pub(crate) const MAX_PIECES_PER_NAME: usize = 4;

/// What `written` stands for in Microsoft's table.
pub(crate) fn resolve(written: &str) -> Resolution {
    let written = written.trim();
    let catalog = catalog();
    let by_name = catalog.by_display_name(written);
    if !by_name.is_empty() {
        return from_products(by_name, None, written);
    }
    if let Some((alias, products)) = catalog.by_alias(written) {
        let alias_of = match alias.target {
            AliasTarget::DisplayName(name) => Some(name.to_owned()),
            AliasTarget::PartNumber(_) => products.first().map(|p| p.display_name.clone()),
        };
        return from_products(products, alias_of, written);
    }
    let products = products_by_code(written);
    if !products.is_empty() {
        return from_products(products, None, written);
    }
    Resolution::Unknown
}

/// Whether `written` names anything in Microsoft's table.
pub(crate) fn is_known(written: &str) -> bool {
    let written = written.trim();
    if written.is_empty() {
        return false;
    }
    let catalog = catalog();
    !catalog.by_display_name(written).is_empty()
        || catalog.by_alias(written).is_some()
        || !products_by_code(written).is_empty()
}

/// A part number, an AccountSkuId (`tenant:PART`) or a `skuId`.
fn products_by_code(written: &str) -> Vec<&'static Product> {
    let catalog = catalog();
    if let Ok(sku_id) = Uuid::parse_str(written) {
        return catalog.by_sku_id(sku_id).into_iter().collect();
    }
    let by_part = catalog.by_part_number(written);
    if !by_part.is_empty() {
        return by_part;
    }
    match written.split_once(':') {
        Some((tenant, part)) if !tenant.trim().is_empty() => catalog.by_part_number(part),
        _ => Vec::new(),
    }
}

fn from_products(products: Vec<&Product>, alias_of: Option<String>, written: &str) -> Resolution {
    let mut skus: Vec<Sku> = products
        .into_iter()
        .map(|product| Sku {
            sku_id: product.sku_id,
            part_number: product.part_number.clone(),
            name: product.display_name.clone(),
        })
        .collect();
    match (skus.len(), alias_of) {
        (0, _) => Resolution::Unknown,
        (1, None) => Resolution::Exact { sku: skus.remove(0) },
        (1, Some(_)) => Resolution::Alias {
            sku: skus.remove(0),
            written_as: written.to_owned(),
        },
        (_, alias_of) => Resolution::Ambiguous {
            candidates: skus,
            alias_of,
        },
    }
}

/// Whether every SKU the resolution may stand for is free or a trial.
pub(crate) fn free_or_trial(resolution: &Resolution) -> bool {
    let candidates = resolution.candidates();
    !candidates.is_empty() && candidates.iter().all(|sku| is_free_or_trial(&sku.part_number))
}

/// Splits a cell of joined products where the joiner may also occur inside
/// names (`Enterprise Mobility + Security E5`, `Windows 365 Business 16 vCPU,
/// 64 GB, 1 TB`): at each position the longest run of pieces that is a known
/// product wins; text that matches nothing is kept whole, up to where a
/// known product starts again, so an unknown name is never cut into parts.
pub(crate) fn split_products<'c>(cell: &'c str, separators: &[char]) -> Vec<&'c str> {
    // Byte ranges of the pieces between separators.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for (index, character) in cell.char_indices() {
        if separators.contains(&character) {
            pieces.push((start, index));
            start = index + character.len_utf8();
        }
    }
    pieces.push((start, cell.len()));

    let span = |first: usize, last: usize| {
        cell[pieces[first].0..pieces[last].1]
            .trim_matches(|c: char| c.is_whitespace() || separators.contains(&c))
    };
    let longest_known_from = |first: usize| {
        let last_possible = (first + MAX_PIECES_PER_NAME).min(pieces.len()) - 1;
        (first..=last_possible)
            .rev()
            .find(|&last| is_known(span(first, last)))
    };

    let mut products = Vec::new();
    let mut first = 0;
    while first < pieces.len() {
        if span(first, first).is_empty() {
            first += 1;
            continue;
        }
        if let Some(last) = longest_known_from(first) {
            products.push(span(first, last));
            first = last + 1;
            continue;
        }
        let next_known = (first + 1..pieces.len())
            .find(|&next| longest_known_from(next).is_some())
            .unwrap_or(pieces.len());
        products.push(span(first, next_known - 1));
        first = next_known;
    }
    products
}
