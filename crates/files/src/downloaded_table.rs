//! Microsoft's product table as the app last downloaded it (when online, in
//! the background, cached in its data folder), for products' names only:
//! it names products newer than the copy carried in `data/`, and a product
//! Microsoft renamed since by its new name. It never decides which product
//! a file's name stands for: that stays with the carried table, so a plan
//! means the same whatever was downloaded.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::Catalog;

/// The cached copy's name in the app's data folder.
pub const CACHE_FILE: &str = "microsoft-product-table.csv";

/// A text with fewer products is not the table (an error page, a download
/// cut short): Microsoft's has had over 500 for years.
pub const MIN_PRODUCTS: usize = 300;

/// Part numbers (upper-cased) to names, from a downloaded table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownloadedNames {
    names: HashMap<String, String>,
}

impl DownloadedNames {
    /// Reads a downloaded table, refusing anything that is not one.
    pub fn parse(text: &str) -> Result<DownloadedNames, String> {
        let catalog = Catalog::parse(text).map_err(|error| error.to_string())?;
        let products = catalog.products();
        if products.len() < MIN_PRODUCTS {
            return Err(format!(
                "only {} products, not Microsoft's whole table",
                products.len()
            ));
        }
        let mut names = HashMap::new();
        for product in products {
            let name = product.display_name.trim();
            if !name.is_empty() {
                names
                    .entry(product.part_number.trim().to_uppercase())
                    .or_insert_with(|| name.to_owned());
            }
        }
        Ok(DownloadedNames { names })
    }

    pub fn get(&self, part_number: &str) -> Option<&str> {
        self.names
            .get(&part_number.trim().to_uppercase())
            .map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

static INSTALLED: OnceLock<DownloadedNames> = OnceLock::new();

/// Makes `names` the downloaded names for the rest of the process (the
/// first call wins: `false` when some were already installed).
pub fn install(names: DownloadedNames) -> bool {
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
        let names = DownloadedNames::parse(SOURCE_CSV).unwrap();
        assert!(names.len() >= MIN_PRODUCTS, "{}", names.len());
        assert_eq!(names.get("spb"), Some("Microsoft 365 Business Premium"));
    }

    #[test]
    fn anything_else_is_refused() {
        assert!(DownloadedNames::parse("<html><body>Not found</body></html>").is_err());
        let header = SOURCE_CSV.lines().next().unwrap();
        let first_rows: String = SOURCE_CSV.lines().take(20).collect::<Vec<_>>().join("\n");
        assert!(DownloadedNames::parse(header).is_err());
        let cut = DownloadedNames::parse(&first_rows).unwrap_err();
        assert!(cut.contains("not Microsoft's whole table"), "{cut}");
    }
}
