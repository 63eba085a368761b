//! Microsoft's "Product names and service plan identifiers for licensing"
//! table, carried in the repository (`data/`) and parsed once on first use.
//!
//! The table is the only offline source that ties the names admins see to
//! `skuId`s and `skuPartNumber`s. It is not a one-to-one map: 14 display
//! names belong to several SKUs and one part number (`MCOPSTN5`) to two, so
//! every lookup that can be ambiguous returns all candidates and leaves the
//! choice to the live tenant.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The table as downloaded, byte for byte.
pub const SOURCE_CSV: &str = include_str!("../data/product-names-and-service-plan-identifiers.csv");

/// When [`SOURCE_CSV`] was downloaded from Microsoft.
pub const SOURCE_DATE: &str = "2025-12-30";

/// One product (SKU) with the service plans it includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub sku_id: Uuid,
    /// `skuPartNumber`, e.g. `SPB`.
    pub part_number: String,
    /// The name management portals show, e.g. `Microsoft 365 Business Premium`.
    pub display_name: String,
    pub service_plans: Vec<ServicePlan>,
}

/// A service plan inside a product (what `disabledPlans` refers to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePlan {
    pub id: Uuid,
    /// `servicePlanName`, e.g. `EXCHANGE_S_STANDARD`.
    pub name: String,
    pub friendly_name: String,
}

/// Another name a product is known by, with where that name was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alias {
    pub written: &'static str,
    pub target: AliasTarget,
    pub source: &'static str,
}

/// What an alias stands for. A display name may itself be ambiguous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasTarget {
    PartNumber(&'static str),
    DisplayName(&'static str),
}

/// Old, renamed and localized names seen in admins' files, each with its
/// source in `offline-formats.md` (§4.4, §5, §1.3). Only names with a source:
/// a guessed translation could send a removal to the wrong product.
pub const ALIASES: &[Alias] = &[
    Alias {
        written: "Power BI (gratis)",
        target: AliasTarget::PartNumber("POWER_BI_STANDARD"),
        source: "Spanish admin center export (§1.3)",
    },
    Alias {
        written: "Microsoft Fabric (Gratis)",
        target: AliasTarget::PartNumber("POWER_BI_STANDARD"),
        source: "Spanish admin center export (§1.3)",
    },
    Alias {
        written: "Aplicaciones de Microsoft 365 para negocios",
        target: AliasTarget::DisplayName("Microsoft 365 Apps for Business"),
        source: "Spanish admin center export (§1.3)",
    },
    Alias {
        written: "Microsoft 365 Empresa Estándar",
        target: AliasTarget::DisplayName("Microsoft 365 Business Standard"),
        source: "Spanish admin center export (§1.3)",
    },
    Alias {
        written: "Microsoft 365 Empresa Básico",
        target: AliasTarget::DisplayName("Microsoft 365 Business Basic"),
        source: "Spanish admin center export (§1.3)",
    },
    Alias {
        written: "Office 365 A1 dla nauczycieli lub wykładowców",
        target: AliasTarget::DisplayName("Office 365 A1 for faculty"),
        source: "Polish admin center export (§1.3)",
    },
    Alias {
        written: "Office 365 A1 dla uczniów lub studentów",
        target: AliasTarget::DisplayName("Office 365 A1 for students"),
        source: "Polish admin center export (§1.3)",
    },
    Alias {
        written: "Copilot for Microsoft 365",
        target: AliasTarget::DisplayName("Microsoft Copilot for Microsoft 365"),
        source: "licensing-service-plan-reference.md table, 2025-10-29 (§5)",
    },
    Alias {
        written: "Microsoft Copilot Studio Viral Trial",
        target: AliasTarget::PartNumber("CCIBOTS_PRIVPREV_VIRAL"),
        source: "CIPP-API ExcludeSkuList.JSON (§5)",
    },
    Alias {
        written: "Microsoft 365 Business",
        target: AliasTarget::PartNumber("SPB"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Secure Productive Enterprise E3",
        target: AliasTarget::PartNumber("SPE_E3"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Office 365 Enterprise E3",
        target: AliasTarget::PartNumber("ENTERPRISEPACK"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Office 365 Exchange Online Only",
        target: AliasTarget::PartNumber("EXCHANGESTANDARD"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Microsoft Flow (Free)",
        target: AliasTarget::PartNumber("FLOW_FREE"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Power-BI Standard",
        target: AliasTarget::PartNumber("POWER_BI_STANDARD"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Visio Online Plan 2",
        target: AliasTarget::PartNumber("VISIOCLIENT"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Project Online Pro",
        target: AliasTarget::PartNumber("PROJECTPROFESSIONAL"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
    Alias {
        written: "Azure Active Directory Premium",
        target: AliasTarget::PartNumber("AAD_PREMIUM"),
        source: "AdminDroid LicenseFriendlyName.txt (§4.4)",
    },
];

/// Free and trial SKUs: CIPP's exclusion list (CIPP-API
/// `Config/ExcludeSkuList.JSON`, cited in §7) without its paid capacity
/// add-ons (extra file storage, communications credits).
const FREE_OR_TRIAL_PART_NUMBERS: &[&str] = &[
    "SMB_APPS",
    "FLOW_FREE",
    "TEAMS_FREE",
    "POWER_BI_STANDARD",
    "DYN365_AI_SERVICE_INSIGHTS",
    "FORMS_PRO",
    "DYN365_ENTERPRISE_P1_IW",
    "AX7_USER_TRIAL",
    "POWERAPPS_VIRAL",
    "MS_TEAMS_IW",
    "CCIBOTS_PRIVPREV_VIRAL",
    "STREAM",
    "WINDOWS_STORE",
    "TEAMS_EXPLORATORY",
    "RIGHTSMANAGEMENT_ADHOC",
    "POWERAPPS_DEV",
    "PROJECT_MADEIRA_PREVIEW_IW_SKU",
    "Dynamics_365_Sales_Premium_Viral_Trial",
    "Power_Pages_vTrial_for_Makers",
    "D365_SALES_PRO_IW",
    "SPZA_IW",
    "POWERAPPS_INDIVIDUAL_USER",
];

/// Why the embedded table (or a replacement) could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the product table's header lacks the column {0}")]
    MissingColumn(&'static str),
    #[error("the product table's line {line}: {problem}")]
    BadRow { line: u64, problem: String },
}

/// Microsoft's product table, indexed.
#[derive(Debug)]
pub struct Catalog {
    products: Vec<Product>,
    by_sku_id: HashMap<Uuid, usize>,
    by_part_number: HashMap<String, Vec<usize>>,
    by_display_name: HashMap<String, Vec<usize>>,
    by_alias: HashMap<String, &'static Alias>,
}

/// The table embedded in this crate, parsed on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::parse(SOURCE_CSV).expect("the embedded product table parses (pinned by the crate's tests)")
    })
}

/// Whether a part number is a free or trial SKU (not a cost, and often
/// self-service). Case-insensitive.
pub fn is_free_or_trial(part_number: &str) -> bool {
    let part_number = part_number.trim();
    if FREE_OR_TRIAL_PART_NUMBERS
        .iter()
        .any(|free| free.eq_ignore_ascii_case(part_number))
    {
        return true;
    }
    // Microsoft names trials and free tiers in the product name itself
    // ("... Viral Trial", "... vTrial", "Microsoft Fabric (Free) for student").
    catalog()
        .by_part_number(part_number)
        .iter()
        .any(|product| name_says_free_or_trial(&product.display_name))
}

fn name_says_free_or_trial(display_name: &str) -> bool {
    let lower = display_name.to_lowercase();
    lower.contains("(free)")
        || lower.ends_with(" free")
        || lower.contains("exploratory")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "trial" || word == "vtrial")
}

/// The lookup key for names: case, surrounding space and runs of spaces
/// (including no-break spaces) do not distinguish products.
pub(crate) fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split(|c: char| c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

impl Catalog {
    /// Parses a table in Microsoft's layout (BOM, CRLF and quoted names allowed).
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = reader.headers().map_err(|error| CatalogError::BadRow {
            line: 1,
            problem: error.to_string(),
        })?;
        let column = |name: &'static str| {
            header
                .iter()
                .position(|field| field.trim() == name)
                .ok_or(CatalogError::MissingColumn(name))
        };
        let display_name_column = column("Product_Display_Name")?;
        let part_number_column = column("String_Id")?;
        let sku_id_column = column("GUID")?;
        let plan_name_column = column("Service_Plan_Name")?;
        let plan_id_column = column("Service_Plan_Id")?;
        let plan_friendly_column = column("Service_Plans_Included_Friendly_Names")?;

        let mut catalog = Catalog {
            products: Vec::new(),
            by_sku_id: HashMap::new(),
            by_part_number: HashMap::new(),
            by_display_name: HashMap::new(),
            by_alias: HashMap::new(),
        };
        for record in reader.records() {
            let record = record.map_err(|error| CatalogError::BadRow {
                line: error.position().map_or(0, |position| position.line()),
                problem: error.to_string(),
            })?;
            let line = record.position().map_or(0, |position| position.line());
            let field = |index: usize| record.get(index).unwrap_or("").trim();
            let uuid = |index: usize| {
                Uuid::parse_str(field(index)).map_err(|_| CatalogError::BadRow {
                    line,
                    problem: format!("{:?} is not a GUID", field(index)),
                })
            };
            let sku_id = uuid(sku_id_column)?;
            let index = match catalog.by_sku_id.get(&sku_id) {
                Some(&index) => index,
                None => catalog.add_product(Product {
                    sku_id,
                    part_number: field(part_number_column).to_owned(),
                    display_name: field(display_name_column).to_owned(),
                    service_plans: Vec::new(),
                }),
            };
            catalog.products[index].service_plans.push(ServicePlan {
                id: uuid(plan_id_column)?,
                name: field(plan_name_column).to_owned(),
                friendly_name: field(plan_friendly_column).to_owned(),
            });
        }
        for alias in ALIASES {
            catalog.by_alias.insert(name_key(alias.written), alias);
        }
        Ok(catalog)
    }

    fn add_product(&mut self, product: Product) -> usize {
        let index = self.products.len();
        self.by_sku_id.insert(product.sku_id, index);
        self.by_part_number
            .entry(name_key(&product.part_number))
            .or_default()
            .push(index);
        self.by_display_name
            .entry(name_key(&product.display_name))
            .or_default()
            .push(index);
        self.products.push(product);
        index
    }

    /// Every product, in the table's order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn by_sku_id(&self, sku_id: Uuid) -> Option<&Product> {
        self.by_sku_id.get(&sku_id).map(|&index| &self.products[index])
    }

    /// Products with this part number, case-insensitive. Usually one;
    /// `MCOPSTN5` has two.
    pub fn by_part_number(&self, part_number: &str) -> Vec<&Product> {
        self.lookup(&self.by_part_number, part_number)
    }

    /// Every product with this display name, case-insensitive. Several
    /// when Microsoft gave different SKUs the same name: never pick one.
    pub fn by_display_name(&self, display_name: &str) -> Vec<&Product> {
        self.lookup(&self.by_display_name, display_name)
    }

    /// The alias written this way (case-insensitive) and the products it
    /// stands for (several when its target name is ambiguous).
    pub fn by_alias(&self, written: &str) -> Option<(&'static Alias, Vec<&Product>)> {
        let alias = *self.by_alias.get(&name_key(written))?;
        let products = match alias.target {
            AliasTarget::PartNumber(part_number) => self.by_part_number(part_number),
            AliasTarget::DisplayName(display_name) => self.by_display_name(display_name),
        };
        Some((alias, products))
    }

    /// How many distinct part numbers the table lists.
    pub fn part_number_count(&self) -> usize {
        self.by_part_number.len()
    }

    /// Display names shared by more than one SKU.
    pub fn ambiguous_display_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .by_display_name
            .values()
            .filter(|indices| indices.len() > 1)
            .map(|indices| self.products[indices[0]].display_name.as_str())
            .collect();
        names.sort_unstable();
        names
    }

    fn lookup(&self, index: &HashMap<String, Vec<usize>>, key: &str) -> Vec<&Product> {
        index
            .get(&name_key(key))
            .map(|indices| indices.iter().map(|&i| &self.products[i]).collect())
            .unwrap_or_default()
    }
}
