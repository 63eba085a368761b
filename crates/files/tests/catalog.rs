//! Microsoft's product table as carried in the repository.

use license_desk_files::catalog::{catalog, AliasTarget, Catalog, ALIASES, SOURCE_CSV};
use license_desk_files::is_free_or_trial;
use uuid::Uuid;

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("test GUID")
}

#[test]
fn the_table_has_every_product_of_the_2025_12_30_download() {
    let catalog = catalog();
    assert!(
        SOURCE_CSV.starts_with('\u{feff}'),
        "kept byte for byte, BOM included"
    );
    assert_eq!(catalog.part_number_count(), 568);
    assert_eq!(catalog.products().len(), 569, "one per GUID");
    let plans: usize = catalog.products().iter().map(|p| p.service_plans.len()).sum();
    assert_eq!(plans, 5457, "one row per (product, service plan)");
}

#[test]
fn business_premium_is_found_by_id_part_number_and_name() {
    let catalog = catalog();
    let premium = catalog
        .by_sku_id(uuid("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"))
        .expect("Business Premium");
    assert_eq!(premium.part_number, "SPB");
    assert_eq!(premium.display_name, "Microsoft 365 Business Premium");
    assert!(premium
        .service_plans
        .iter()
        .any(|plan| plan.name == "EXCHANGE_S_STANDARD"));
    assert_eq!(catalog.by_part_number("spb"), vec![premium]);
    assert_eq!(
        catalog.by_display_name("MICROSOFT 365 BUSINESS PREMIUM"),
        vec![premium]
    );
}

#[test]
fn a_name_shared_by_several_skus_returns_every_candidate() {
    let catalog = catalog();
    let basic = catalog.by_display_name("Microsoft 365 Business Basic");
    let mut parts: Vec<&str> = basic.iter().map(|p| p.part_number.as_str()).collect();
    parts.sort_unstable();
    assert_eq!(parts, ["O365_BUSINESS_ESSENTIALS", "SMB_BUSINESS_ESSENTIALS"]);
    assert_eq!(catalog.ambiguous_display_names().len(), 14);
    assert_eq!(catalog.by_part_number("MCOPSTN5").len(), 2);
}

#[test]
fn names_with_plus_signs_and_commas_are_read_whole() {
    let catalog = catalog();
    assert_eq!(
        catalog.by_display_name("Enterprise Mobility + Security E5")[0].part_number,
        "EMSPREMIUM"
    );
    assert_eq!(
        catalog
            .by_display_name("Windows 365 Business 16 vCPU, 64 GB, 1 TB")
            .len(),
        1
    );
    assert_eq!(
        catalog
            .by_display_name("Microsoft 365 F5 Security + Compliance Add-on")
            .len(),
        1
    );
}

#[test]
fn every_alias_points_at_a_product_in_the_table() {
    let catalog = catalog();
    for alias in ALIASES {
        let (found, products) = catalog.by_alias(alias.written).expect("alias is indexed");
        assert_eq!(found, alias);
        assert!(!products.is_empty(), "{} points nowhere", alias.written);
        if let AliasTarget::PartNumber(_) = alias.target {
            assert_eq!(products.len(), 1, "{}", alias.written);
        }
        assert!(
            catalog.by_display_name(alias.written).is_empty(),
            "{} is a current name, not an alias",
            alias.written
        );
    }
    let (_, enterprise_e3) = catalog.by_alias("office 365 enterprise e3").expect("alias");
    assert_eq!(enterprise_e3[0].part_number, "ENTERPRISEPACK");
    let (_, business) = catalog.by_alias("Microsoft 365 Business").expect("alias");
    assert_eq!(business[0].part_number, "SPB");
    let (_, fabric) = catalog.by_alias("Microsoft Fabric (Gratis)").expect("alias");
    assert_eq!(fabric[0].part_number, "POWER_BI_STANDARD");
    let (_, apps) = catalog
        .by_alias("Aplicaciones de Microsoft 365 para negocios")
        .expect("alias");
    assert_eq!(apps.len(), 2, "its English name is ambiguous");
}

#[test]
fn free_and_trial_skus_are_recognised() {
    for part in [
        "FLOW_FREE",
        "TEAMS_EXPLORATORY",
        "POWER_BI_STANDARD",
        "POWERAPPS_VIRAL",
        "Dynamics_365_Field_Service_Enterprise_viral_trial",
        "power_bi_standard_student",
    ] {
        assert!(is_free_or_trial(part), "{part}");
    }
    for part in [
        "SPB",
        "ENTERPRISEPACK",
        "SHAREPOINTSTORAGE",
        "MCOPSTNC",
        "NOT_A_SKU",
    ] {
        assert!(!is_free_or_trial(part), "{part}");
    }
}

#[test]
fn a_replacement_table_without_its_columns_is_refused() {
    assert!(Catalog::parse("Name,Id\r\nx,y\r\n").is_err());
    assert!(Catalog::parse(
        "Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names\r\nA,B,not-a-guid,C,D,E\r\n"
    )
    .is_err());
}

#[test]
fn no_known_name_spans_more_separators_than_the_splitter_looks_at() {
    // The importers' splitter joins at most four pieces into one name.
    let catalog = catalog();
    let names = catalog
        .products()
        .iter()
        .map(|p| p.display_name.as_str())
        .chain(ALIASES.iter().map(|alias| alias.written));
    for name in names {
        let separators = name.chars().filter(|c| matches!(c, '+' | ',' | ';')).count();
        assert!(separators < 4, "{name}");
    }
}
