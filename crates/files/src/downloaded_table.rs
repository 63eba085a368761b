//! Microsoft's product table as the app last downloaded it (when online, in
//! the background, cached in its data folder), for products' names only:
//! it names products newer than the copy carried in `data/`, and a product
//! Microsoft renamed since by its new name. It never decides which product
//! a file's name stands for: that stays with the carried table, so a plan
//! means the same whatever was downloaded.

use std::sync::OnceLock;

use crate::catalog::Catalog;
use crate::part_number_names::PartNumberNames;

/// The cached copy's name in the app's data folder.
pub const CACHE_FILE: &str = "microsoft-product-table.csv";

/// A text with fewer products is not the table (an error page, a download
/// cut short): Microsoft's has had over 500 for years.
pub const MIN_PRODUCTS: usize = 300;

/// Reads a downloaded table's names, refusing anything that is not one.
pub fn parse(text: &str) -> Result<PartNumberNames, String> {
    let catalog = Catalog::parse(text).map_err(|error| error.to_string())?;
    let products = catalog.products();
    if products.len() < MIN_PRODUCTS {
        return Err(format!(
            "only {} products, not Microsoft's whole table",
            products.len()
        ));
    }
    let mut names = PartNumberNames::default();
    for product in products {
        let name = product.display_name.trim();
        // A product's first name in the table is its name.
        if !name.is_empty() && names.get(&product.part_number).is_none() {
            names.insert(&product.part_number, name.to_owned());
        }
    }
    Ok(names)
}

static INSTALLED: OnceLock<PartNumberNames> = OnceLock::new();

/// Makes `names` the downloaded names for the rest of the process (the
/// first call wins: `false` when some were already installed).
pub fn install(names: PartNumberNames) -> bool {
    INSTALLED.set(names).is_ok()
}

/// A product's name in the downloaded table, if one was installed.
pub fn downloaded_name(part_number: &str) -> Option<&'static str> {
    INSTALLED.get()?.get(part_number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::SOURCE_CSV;

    #[test]
    fn the_carried_table_reads_as_a_downloaded_one() {
        let names = parse(SOURCE_CSV).unwrap();
        assert!(names.len() >= MIN_PRODUCTS, "{}", names.len());
        assert_eq!(names.get("spb"), Some("Microsoft 365 Business Premium"));
    }

    #[test]
    fn anything_else_is_refused() {
        assert!(parse("<html><body>Not found</body></html>").is_err());
        let header = SOURCE_CSV.lines().next().unwrap();
        let first_rows: String = SOURCE_CSV.lines().take(20).collect::<Vec<_>>().join("\n");
        assert!(parse(header).is_err());
        let cut = parse(&first_rows).unwrap_err();
        assert!(cut.contains("not Microsoft's whole table"), "{cut}");
    }
}
