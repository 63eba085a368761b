//! Each supported format, from the header lines real files carry
//! (`offline-formats.md`).

use license_desk_files::{read, Format, Imported, Resolution};
use uuid::Uuid;

const ADMIN_HEADER: &str = "Display name,DirSyncEnabled,User principal name,Object Id,First name,Last name,When created,Soft deletion time stamp,Title,Department,Preferred data location,City,CountryOrRegion,Office,StateOrProvince,Usage location,Last dirsync time,Block credential,Licenses,Password never expires,Last password change time stamp,Mobile Phone,Phone number,Postal code,Preferred language,Street address,Fax,Proxy addresses";
const LEGACY_HEADER: &str = "Block credential,City,Country/Region,Department,DirSyncEnabled,Display name,Fax,First name,Last dirsync time,Last name,Last password change time stamp,License assignment details,Licenses,Mobile Phone,Oath token meta data,Object Id,Office,Password never expires,Phone number,Postal code,Preferred data location,Preferred language,Proxy addresses,Release track,Soft deletion time stamp,State,Street address,Strong password required,Title,Usage location,User principal name,When created";

/// An admin center row (28 columns) with the fields a test cares about.
fn admin_row(name: &str, upn: &str, id: &str, blocked: &str, licenses: &str) -> String {
    let licenses = if licenses.contains(',') {
        format!("\"{licenses}\"")
    } else {
        licenses.to_owned()
    };
    format!("{name},False,{upn},{id},,,2022-03-18 19:49:35Z,,,,,,,,,US,,{blocked},{licenses},False,2022-03-18 19:49:35Z,,,,,,,")
}

fn bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

fn import(bytes: &[u8]) -> Imported {
    match read(bytes, "users.csv") {
        Ok(imported) => imported,
        Err(error) => panic!("refused: {error}"),
    }
}

fn license_names(imported: &Imported, user: usize) -> Vec<&str> {
    imported.users[user]
        .licenses
        .iter()
        .map(|license| imported.products[license.product].raw.as_str())
        .collect()
}

fn warning_codes(imported: &Imported) -> Vec<&str> {
    imported.warnings.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn admin_center_export_reads_users_licences_and_what_it_knows() {
    let text = format!(
        "{ADMIN_HEADER}\r\n{}\r\n{}\r\n{}\r\n",
        "Admin,False,admin@contoso.com,15e91f38-3651-425f-810a-56e0fb00287a,Admin,,2022-03-18 19:49:35Z,,Tenant Admin,,,,,,,US,,True,Unlicensed,False,2022-03-18 19:49:35Z,,,,,,,",
        admin_row("Ann", "ann@contoso.com", "0d2c5c61-1b8e-4b3c-9f0e-2a6f7c8d9e01", "False", "Visio Plan 2+Microsoft Fabric (Free)+Microsoft Power Automate Free+Microsoft 365 Business Standard"),
        admin_row("Bo", "bo@contoso.com", "", "False", "Microsoft 365 E5 Developer (without Windows and Audio Conferencing)"),
    );
    let imported = import(&bom(&text));
    assert_eq!(imported.format, Format::AdminCenterUsers);
    assert_eq!(imported.encoding, "UTF-8 (BOM)");
    assert_eq!(imported.delimiter, Some(','));
    assert!(imported.complete && imported.knows_object_ids && imported.knows_account_enabled);
    assert!(!imported.knows_groups && !imported.knows_disabled_plans);
    assert_eq!(imported.users.len(), 3);

    let admin = &imported.users[0];
    assert_eq!(admin.line, 2);
    assert_eq!(admin.user_principal_name, "admin@contoso.com");
    assert_eq!(admin.display_name.as_deref(), Some("Admin"));
    assert_eq!(admin.account_enabled, Some(false), "Block credential True");
    assert_eq!(admin.usage_location.as_deref(), Some("US"));
    assert!(admin.licenses.is_empty() && !admin.license_state_unclear);

    assert_eq!(
        license_names(&imported, 1),
        [
            "Visio Plan 2",
            "Microsoft Fabric (Free)",
            "Microsoft Power Automate Free",
            "Microsoft 365 Business Standard"
        ]
    );
    assert_eq!(imported.users[1].account_enabled, Some(true));
    let visio = &imported.products[imported.users[1].licenses[0].product];
    assert!(matches!(&visio.resolution, Resolution::Ambiguous { candidates, .. } if candidates.len() == 2));
    let fabric = &imported.products[imported.users[1].licenses[1].product];
    assert!(fabric.free_or_trial);
    assert!(
        matches!(&fabric.resolution, Resolution::Exact { sku } if sku.part_number == "POWER_BI_STANDARD")
    );
    assert_eq!(imported.users[2].object_id, None);
    assert!(matches!(
        &imported.products[imported.users[2].licenses[0].product].resolution,
        Resolution::Exact { sku } if sku.part_number == "DEVELOPERPACK_E5"
    ));
    assert!(imported.products.iter().all(|p| p.holders == 1));
    assert!(warning_codes(&imported).contains(&"ambiguous_products"));
}

#[test]
fn legacy_admin_center_export_reads_by_its_own_column_names() {
    let mut fields = vec![""; 32];
    fields[0] = "False";
    fields[5] = "Ann";
    fields[12] = "Office 365 E3+Enterprise Mobility + Security E5";
    fields[15] = "15e91f38-3651-425f-810a-56e0fb00287a";
    fields[29] = "SE";
    fields[30] = "ann@contoso.com";
    let text = format!("{LEGACY_HEADER}\r\n{}\r\n", fields.join(","));
    let imported = import(&bom(&text));
    assert_eq!(imported.format, Format::AdminCenterUsersLegacy);
    assert_eq!(
        license_names(&imported, 0),
        ["Office 365 E3", "Enterprise Mobility + Security E5"]
    );
    assert_eq!(imported.users[0].usage_location.as_deref(), Some("SE"));
    assert_eq!(imported.users[0].account_enabled, Some(true));
}

#[test]
fn graph_powershell_report_reads_part_numbers_and_is_incomplete() {
    let text = "\"DisplayName\",\"UserPrincipalName\",\"Licenses\"\n\"Ann\",\"ann@contoso.com\",\"SPB, FLOW_FREE\"\n\"Bo\",\"bo@contoso.com\",\"ENTERPRISEPACK\"\n";
    let imported = import(text.as_bytes());
    assert_eq!(imported.format, Format::GraphPowershell);
    assert_eq!(imported.encoding, "UTF-8");
    assert!(
        !imported.complete,
        "unlicensed users are absent from these reports"
    );
    assert!(warning_codes(&imported).contains(&"partial_file"));
    assert_eq!(license_names(&imported, 0), ["SPB", "FLOW_FREE"]);
    assert!(
        matches!(&imported.products[0].resolution, Resolution::Exact { sku } if sku.name == "Microsoft 365 Business Premium")
    );
}

#[test]
fn msonline_report_reads_account_sku_ids_in_every_join() {
    for joined in [
        "contoso:ENTERPRISEPACK,contoso:EMS",
        "contoso:ENTERPRISEPACK;contoso:EMS",
        "contoso:ENTERPRISEPACK, contoso:EMS",
        "contoso:ENTERPRISEPACK; contoso:EMS",
    ] {
        let text = format!(
            "\"DisplayName\",\"UserPrincipalName\",\"Licenses\"\n\"Ann\",\"ann@contoso.com\",\"{joined}\"\n"
        );
        let imported = import(text.as_bytes());
        assert_eq!(imported.format, Format::Msonline, "{joined}");
        assert_eq!(
            license_names(&imported, 0),
            ["contoso:ENTERPRISEPACK", "contoso:EMS"]
        );
        assert!(
            matches!(&imported.products[1].resolution, Resolution::Exact { sku } if sku.part_number == "EMS")
        );
    }
}

#[test]
fn msonline_report_keyed_on_email_says_so() {
    let text = "\"DisplayName\",\"Office\",\"Email\",\"WhenCreated\",\"Licenses\"\n\"Åsa\",\"Göteborg\",\"asa@contoso.se\",\"2020-01-01\",\"contoso:SPB\"\n";
    let imported = import(text.as_bytes());
    assert_eq!(imported.format, Format::Msonline);
    assert_eq!(imported.users[0].user_principal_name, "asa@contoso.se");
    assert!(warning_codes(&imported).contains(&"keyed_on_email"));
}

#[test]
fn admindroid_simple_report_reads_parts_and_derives_disabled_plans() {
    let text = "\"Displayname\",\"UserPrincipalName\",\"Country\",\"LicensePlanWithEnabledService\",\"FriendlyNameOfLicensePlanAndEnabledService\"\n\"Ann\",\"ann@contoso.com\",\"-\",\"SPB[All services],FLOW_FREE[FLOW_P2_VIRAL]\",\"Microsoft 365 Business[All services],Microsoft Flow (Free)[Flow Free]\"\n";
    let imported = import(text.as_bytes());
    assert_eq!(imported.format, Format::Admindroid);
    assert!(!imported.complete && imported.knows_disabled_plans);
    assert_eq!(license_names(&imported, 0), ["SPB", "FLOW_FREE"]);
    assert_eq!(imported.users[0].licenses[0].disabled_plans, Some(Vec::new()));
    let flow = license_distinct_plans("FLOW_FREE");
    let disabled = imported.users[0].licenses[1]
        .disabled_plans
        .clone()
        .expect("derived");
    assert_eq!(disabled.len(), flow - 1, "every plan but the enabled one");
}

fn license_distinct_plans(part: &str) -> usize {
    license_desk_files::catalog().by_part_number(part)[0]
        .service_plans
        .len()
}

#[test]
fn cipp_users_export_reads_names_booleans_and_groups() {
    let group = "2f7a9a3c-0a7e-4bd7-9c5b-6f3f2f0b8a11";
    let states = format!(
        "[{{\"skuId\":\"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\",\"assignedByGroup\":\"{group}\",\"state\":\"Active\",\"error\":\"None\"}},{{\"skuId\":\"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\",\"assignedByGroup\":null,\"state\":\"Active\",\"error\":\"None\"}}]"
    )
    .replace('"', "\"\"");
    let text = format!(
        "\"accountEnabled\",\"userPrincipalName\",\"displayName\",\"mail\",\"businessPhones\",\"proxyAddresses\",\"assignedLicenses\",\"licenseAssignmentStates\",\"userType\"\r\n\
         \"Yes\",\"ann@contoso.com\",\"Ann\",\"ann@contoso.com\",\"\",\"ann@contoso.com\",\"Microsoft 365 Business Premium, Windows 365 Business 16 vCPU, 64 GB, 1 TB\",\"{states}\",\"Member\"\r\n\
         \"No\",\"guest_x.com#EXT#@contoso.onmicrosoft.com\",\"Guest\",\"\",\"\",\"\",\"No Licenses Assigned\",\"[]\",\"Guest\"\r\n"
    );
    let imported = import(&bom(&text));
    assert_eq!(imported.format, Format::CippUsers);
    assert!(imported.knows_groups && imported.knows_account_enabled);
    assert_eq!(
        license_names(&imported, 0),
        [
            "Microsoft 365 Business Premium",
            "Windows 365 Business 16 vCPU, 64 GB, 1 TB"
        ]
    );
    let premium = &imported.users[0].licenses[0];
    assert_eq!(premium.direct, Some(true));
    assert_eq!(
        premium.via_groups,
        Some(vec![Uuid::parse_str(group).expect("GUID")])
    );
    assert_eq!(imported.users[0].licenses[1].direct, None, "no state names it");
    assert_eq!(imported.users[0].account_enabled, Some(true));
    assert_eq!(imported.users[1].account_enabled, Some(false));
    assert!(imported.users[1].guest && imported.users[1].licenses.is_empty());
}

#[test]
fn saved_graph_page_reads_ids_disabled_plans_and_groups() {
    let text = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,assignedLicenses,licenseAssignmentStates)",
  "value": [
    {
      "id": "15e91f38-3651-425f-810a-56e0fb00287a",
      "displayName": "Ann",
      "userPrincipalName": "ann@contoso.com",
      "accountEnabled": true,
      "assignedLicenses": [{"disabledPlans": ["9aaf7827-d63c-4b61-89c3-182f06f82e5c"], "skuId": "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"}],
      "licenseAssignmentStates": [
        {"skuId": "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "assignedByGroup": "2f7a9a3c-0a7e-4bd7-9c5b-6f3f2f0b8a11", "disabledPlans": [], "state": "Active", "error": "None"}
      ]
    },
    {"id": "0d2c5c61-1b8e-4b3c-9f0e-2a6f7c8d9e01", "userPrincipalName": "bo@contoso.com", "assignedLicenses": [], "licenseAssignmentStates": []}
  ]
}"#;
    let imported = import(text.as_bytes());
    assert_eq!(imported.format, Format::GraphUsersJson);
    assert_eq!(imported.delimiter, None);
    assert!(
        imported.complete
            && imported.knows_groups
            && imported.knows_disabled_plans
            && imported.knows_object_ids
    );
    let ann = &imported.users[0];
    assert_eq!(ann.line, 4);
    assert_eq!(imported.users[1].line, 14);
    let license = &ann.licenses[0];
    assert_eq!(
        license.disabled_plans,
        Some(vec![
            Uuid::parse_str("9aaf7827-d63c-4b61-89c3-182f06f82e5c").expect("GUID")
        ])
    );
    assert_eq!(license.direct, Some(false));
    assert_eq!(license.via_groups.as_ref().map(Vec::len), Some(1));
    assert!(
        matches!(&imported.products[0].resolution, Resolution::Exact { sku } if sku.part_number == "SPB")
    );
}

#[test]
fn a_graph_page_with_a_next_link_is_incomplete() {
    let text = r#"{"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=x","value":[{"userPrincipalName":"a@contoso.com","assignedLicenses":[]}]}"#;
    let imported = import(text.as_bytes());
    assert!(!imported.complete);
    assert!(warning_codes(&imported).contains(&"partial_file"));
}

#[test]
fn localized_admin_center_export_is_read_by_position() {
    // Swedish-looking headers (no verified strings exist), DirSyncEnabled untranslated.
    let header = "Visningsnamn,DirSyncEnabled,Användarnamn,Objekt-ID,Förnamn,Efternamn,Skapad,Tidsstämpel för mjuk borttagning,Befattning,Avdelning,Önskad dataplats,Ort,Land eller region,Kontor,Delstat eller provins,Användningsplats,Senaste katalogsynkronisering,Blockera inloggning,Licenser,Lösenordet upphör aldrig,Senaste lösenordsändring,Mobiltelefon,Telefonnummer,Postnummer,Önskat språk,Gatuadress,Fax,Proxyadresser";
    let text = format!(
        "{header}\r\n{}\r\n",
        admin_row(
            "Åsa",
            "asa@contoso.se",
            "15e91f38-3651-425f-810a-56e0fb00287a",
            "SANT",
            "Microsoft Fabric (Gratis)+Microsoft Power Automate Free+Microsoft 365 Empresa Básico"
        )
    );
    let imported = import(&bom(&text));
    assert_eq!(imported.format, Format::AdminCenterUsers);
    assert!(imported.format_name.contains("localized"));
    assert!(warning_codes(&imported).contains(&"localized_headers"));
    assert_eq!(imported.users[0].account_enabled, Some(false), "SANT = True");
    let resolutions: Vec<&Resolution> = imported.products.iter().map(|p| &p.resolution).collect();
    assert!(
        matches!(resolutions[0], Resolution::Alias { sku, .. } if sku.part_number == "POWER_BI_STANDARD")
    );
    assert!(matches!(resolutions[1], Resolution::Exact { .. }));
    assert!(
        matches!(resolutions[2], Resolution::Ambiguous { candidates, alias_of: Some(name) } if candidates.len() == 2 && name == "Microsoft 365 Business Basic")
    );
}

#[test]
fn localized_legacy_export_is_read_by_position() {
    let header = "bloquear credencial,población,país o región,departamento,DirSyncEnabled,nombre para mostrar,fax,nombre,última hora de sincronización,apellido,última marca,errores de asignación de licencias,licencias,teléfono móvil,metadatos,id de objeto,office,la contraseña no caduca nunca,número de teléfono,código postal,ubicación de datos,idioma,direcciones proxy,calendario,marca de eliminación,estado o provincia,dirección postal,contraseña segura,título,ubicación de uso,nombre principal de usuario,cuando se crea";
    let mut fields = vec![""; 32];
    fields[0] = "FALSO";
    fields[12] =
        "Aplicaciones de Microsoft 365 para negocios+Microsoft 365 Empresa Estándar+Power BI (gratis)";
    fields[15] = "15e91f38-3651-425f-810a-56e0fb00287a";
    fields[30] = "ana@contoso.es";
    let text = format!("{header}\n{}\n", fields.join(","));
    let imported = import(&bom(&text));
    assert_eq!(imported.format, Format::AdminCenterUsersLegacy);
    assert_eq!(imported.users[0].licenses.len(), 3);
    assert_eq!(imported.users[0].account_enabled, Some(true));
    assert!(imported
        .products
        .iter()
        .all(|p| p.resolution != Resolution::Unknown));
}

#[test]
fn an_older_cipp_export_reads_names_from_lic_joined() {
    let text = "\"accountEnabled\",\"userPrincipalName\",\"displayName\",\"assignedLicenses\",\"LicJoined\"\n\"Yes\",\"a@contoso.com\",\"A\",\"[object Object],[object Object]\",\"Office 365 E3, Microsoft Power Automate Free\"\n";
    let imported = import(text.as_bytes());
    assert_eq!(imported.format, Format::CippUsers);
    assert_eq!(
        license_names(&imported, 0),
        ["Office 365 E3", "Microsoft Power Automate Free"]
    );
}
