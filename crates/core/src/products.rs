//! Friendly names of common Microsoft 365 products, by part number
//! (`skuPartNumber`), as Microsoft publishes them, so no admin is left to
//! decode `SPB`. Products not listed here show their part number.

const NAMES: &[(&str, &str)] = &[
    ("SPB", "Microsoft 365 Business Premium"),
    ("O365_BUSINESS_ESSENTIALS", "Microsoft 365 Business Basic"),
    ("O365_BUSINESS_PREMIUM", "Microsoft 365 Business Standard"),
    ("O365_BUSINESS", "Microsoft 365 Apps for Business"),
    ("SPE_E3", "Microsoft 365 E3"),
    ("SPE_E5", "Microsoft 365 E5"),
    ("SPE_F1", "Microsoft 365 F3"),
    ("M365_F1", "Microsoft 365 F1"),
    ("STANDARDPACK", "Office 365 E1"),
    ("ENTERPRISEPACK", "Office 365 E3"),
    ("ENTERPRISEPREMIUM", "Office 365 E5"),
    ("DESKLESSPACK", "Office 365 F3"),
    ("EXCHANGESTANDARD", "Exchange Online (Plan 1)"),
    ("EXCHANGEENTERPRISE", "Exchange Online (Plan 2)"),
    ("EXCHANGEDESKLESS", "Exchange Online Kiosk"),
    ("POWER_BI_PRO", "Power BI Pro"),
    ("POWER_BI_STANDARD", "Microsoft Fabric (Free)"),
    ("PBI_PREMIUM_PER_USER", "Power BI Premium Per User"),
    ("VISIOCLIENT", "Visio Plan 2"),
    ("VISIO_PLAN1_DEPT", "Visio Plan 1"),
    ("PROJECTPROFESSIONAL", "Planner and Project Plan 3"),
    ("PROJECT_P1", "Planner Plan 1"),
    ("PROJECTPREMIUM", "Project Online Premium"),
    ("AAD_PREMIUM", "Microsoft Entra ID P1"),
    ("AAD_PREMIUM_P2", "Microsoft Entra ID P2"),
    ("EMS", "Enterprise Mobility + Security E3"),
    ("EMSPREMIUM", "Enterprise Mobility + Security E5"),
    ("INTUNE_A", "Intune"),
    ("Microsoft_365_Copilot", "Microsoft Copilot for Microsoft 365"),
    ("FLOW_FREE", "Microsoft Power Automate Free"),
    ("POWERAPPS_VIRAL", "Microsoft Power Apps Plan 2 Trial"),
    ("POWERAPPS_PER_USER", "Power Apps Premium"),
    ("FLOW_PER_USER", "Power Automate per user plan"),
    ("TEAMS_EXPLORATORY", "Microsoft Teams Exploratory"),
    ("MCOMEETADV", "Microsoft 365 Audio Conferencing"),
    ("MCOEV", "Microsoft Teams Phone Standard"),
    ("ATP_ENTERPRISE", "Microsoft Defender for Office 365 (Plan 1)"),
    ("WIN10_VDA_E3", "Windows 10/11 Enterprise E3"),
    ("RIGHTSMANAGEMENT", "Azure Information Protection Plan 1"),
    ("STREAM", "Microsoft Stream"),
    ("SMB_APPS", "Business Apps (free)"),
    (
        "DYN365_BUSCENTRAL_ESSENTIAL",
        "Dynamics 365 Business Central Essentials",
    ),
    ("Microsoft_Teams_Rooms_Pro", "Microsoft Teams Rooms Pro"),
];

/// The product's published name, if it is one of the common ones.
pub fn friendly_name(part_number: &str) -> Option<&'static str> {
    NAMES
        .iter()
        .find(|(part, _)| part.eq_ignore_ascii_case(part_number.trim()))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Microsoft's published list, kept beside the project (not in it).
    fn published_names() -> HashMap<String, String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/product-names-and-service-plan-identifiers.csv");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("Microsoft's product list is expected at {}: {e}", path.display()));
        let text = text.trim_start_matches('\u{feff}');
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
        let name_at = header.iter().position(|h| *h == "Product_Display_Name").unwrap();
        let part_at = header.iter().position(|h| *h == "String_Id").unwrap();
        // Names hold no commas among the rows used here; a row whose fields
        // do not line up is skipped rather than misread.
        lines
            .map(|line| line.split(',').collect::<Vec<_>>())
            .filter(|fields| fields.len() == header.len())
            .map(|fields| {
                (
                    fields[part_at].trim().to_owned(),
                    fields[name_at].trim().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn every_built_in_name_is_microsofts_published_name() {
        let published = published_names();
        for (part, name) in NAMES {
            assert_eq!(published.get(*part).map(String::as_str), Some(*name), "{part}");
        }
    }

    #[test]
    fn unknown_products_have_no_name_and_case_does_not_matter() {
        assert_eq!(friendly_name("spb"), Some("Microsoft 365 Business Premium"));
        assert_eq!(friendly_name("NOT_A_PRODUCT"), None);
    }
}
