//! The traps of `offline-formats.md` §7, and the refusals.

use license_desk_files::{read, FileError, FileErrorCode, Format, Imported, Resolution};

const ADMIN_HEADER: &str = "Display name,DirSyncEnabled,User principal name,Object Id,First name,Last name,When created,Soft deletion time stamp,Title,Department,Preferred data location,City,CountryOrRegion,Office,StateOrProvince,Usage location,Last dirsync time,Block credential,Licenses,Password never expires,Last password change time stamp,Mobile Phone,Phone number,Postal code,Preferred language,Street address,Fax,Proxy addresses";

/// 28 fields with the chosen delimiter; `street` lands in Street address.
fn admin_row(delimiter: char, upn: &str, blocked: &str, licenses: &str, street: &str) -> String {
    let mut fields = vec![String::new(); 28];
    fields[0] = "User".to_owned();
    fields[1] = "False".to_owned();
    fields[2] = upn.to_owned();
    fields[15] = "SE".to_owned();
    fields[17] = blocked.to_owned();
    fields[18] = licenses.to_owned();
    fields[25] = street.to_owned();
    fields.join(&delimiter.to_string())
}

fn admin_file(delimiter: char, rows: &[String]) -> String {
    let header = ADMIN_HEADER.replace(',', &delimiter.to_string());
    let mut text = header;
    for row in rows {
        text.push_str("\r\n");
        text.push_str(row);
    }
    text.push_str("\r\n");
    text
}

fn import(bytes: &[u8]) -> Imported {
    match read(bytes, "users.csv") {
        Ok(imported) => imported,
        Err(error) => panic!("refused: {error}"),
    }
}

fn refuse(bytes: &[u8]) -> FileError {
    match read(bytes, "users.csv") {
        Ok(imported) => panic!("accepted as {:?}", imported.format),
        Err(error) => error,
    }
}

fn warning<'a>(imported: &'a Imported, code: &str) -> Option<&'a license_desk_files::Warning> {
    imported.warnings.iter().find(|w| w.code.as_str() == code)
}

#[test]
fn a_bom_before_the_header_is_ignored() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(admin_file(',', &[admin_row(',', "a@contoso.com", "False", "Unlicensed", "")]).bytes());
    assert_eq!(import(&bytes).format, Format::AdminCenterUsers);
}

#[test]
fn utf16_files_with_a_bom_are_read_in_both_byte_orders() {
    let text = admin_file(
        ',',
        &[admin_row(',', "åsa@contoso.se", "False", "Office 365 E3", "")],
    );
    let mut little = vec![0xFF, 0xFE];
    let mut big = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        little.extend(unit.to_le_bytes());
        big.extend(unit.to_be_bytes());
    }
    for (bytes, encoding) in [(little, "UTF-16LE"), (big, "UTF-16BE")] {
        let imported = import(&bytes);
        assert_eq!(imported.encoding, encoding);
        assert_eq!(imported.users[0].user_principal_name, "åsa@contoso.se");
        assert_eq!(imported.users[0].licenses.len(), 1);
    }
}

#[test]
fn an_excel_resave_in_cp1252_with_semicolons_and_swedish_booleans_is_read() {
    let text = admin_file(
        ';',
        &[admin_row(
            ';',
            "björn@contoso.se",
            "FALSKT",
            "Microsoft 365 Business Premium",
            "Storgatan 1, Göteborg",
        )],
    );
    // Windows-1252: every character here is one byte (å ä ö é).
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("latin-1 test text"))
        .collect();
    assert!(std::str::from_utf8(&bytes).is_err());
    let imported = import(&bytes);
    assert_eq!(imported.encoding, "windows-1252");
    assert_eq!(imported.delimiter, Some(';'));
    assert_eq!(imported.users[0].user_principal_name, "björn@contoso.se");
    assert_eq!(imported.users[0].account_enabled, Some(true));
}

#[test]
fn tab_delimited_and_sep_line_files_are_read() {
    let tabbed = admin_file(
        '\t',
        &[admin_row('\t', "a@contoso.com", "TRUE", "Unlicensed", "")],
    );
    assert_eq!(import(tabbed.as_bytes()).delimiter, Some('\t'));
    let with_sep = format!(
        "sep=;\r\n{}",
        admin_file(
            ';',
            &[admin_row(';', "a@contoso.com", "VERDADEIRO", "Unlicensed", "")]
        )
    );
    let imported = import(with_sep.as_bytes());
    assert_eq!(imported.delimiter, Some(';'));
    assert_eq!(imported.users[0].line, 3, "lines count the sep= line");
    assert_eq!(imported.users[0].account_enabled, Some(false));
}

#[test]
fn quoted_fields_with_delimiters_quotes_and_line_breaks_stay_in_their_column() {
    let street = "\"205 108th Ave. NE, Suite 400\r\nBellevue \"\"East\"\"\"";
    let rows = [
        admin_row(',', "a@contoso.com", "False", "Office 365 E3", street),
        admin_row(',', "b@contoso.com", "False", "Unlicensed", ""),
    ];
    let imported = import(admin_file(',', &rows).as_bytes());
    assert_eq!(imported.users[0].licenses.len(), 1);
    assert_eq!(imported.users[1].line, 4, "the quoted line break counts");
}

#[test]
fn names_with_plus_signs_are_split_by_known_names_and_unknown_rest_kept_whole() {
    let rows = [admin_row(
        ',',
        "a@contoso.com",
        "False",
        "ENTERPRISE MOBILITY + SECURITY E5+Contoso Widget + Extra+Microsoft 365 E3",
        "",
    )];
    let imported = import(admin_file(',', &rows).as_bytes());
    let written: Vec<&str> = imported.users[0]
        .licenses
        .iter()
        .map(|l| imported.products[l.product].raw.as_str())
        .collect();
    assert_eq!(
        written,
        [
            "ENTERPRISE MOBILITY + SECURITY E5",
            "Contoso Widget + Extra",
            "Microsoft 365 E3"
        ]
    );
    assert!(
        matches!(imported.products[0].resolution, Resolution::Exact { .. }),
        "upper case"
    );
    assert_eq!(imported.products[1].resolution, Resolution::Unknown);
    let unknown = warning(&imported, "unknown_products").expect("warned");
    assert!(unknown.message.contains("Contoso Widget + Extra"));
    // Said in the admin's language from the figures, not the message.
    assert_eq!(unknown.products, [("Contoso Widget + Extra".to_owned(), 1)]);
    assert_eq!(unknown.count, 1);
}

#[test]
fn renamed_names_resolve_through_aliases() {
    let rows = [admin_row(
        ',',
        "a@contoso.com",
        "False",
        "Office 365 Enterprise E3+Microsoft 365 Apps for business",
        "",
    )];
    let imported = import(admin_file(',', &rows).as_bytes());
    assert!(
        matches!(&imported.products[0].resolution, Resolution::Alias { sku, written_as } if sku.part_number == "ENTERPRISEPACK" && written_as == "Office 365 Enterprise E3")
    );
    assert!(
        matches!(&imported.products[1].resolution, Resolution::Ambiguous { candidates, .. } if candidates.len() == 2)
    );
    assert!(warning(&imported, "renamed_products").is_some());
}

#[test]
fn licence_assignment_details_without_licences_is_unclear_not_unlicensed() {
    let header = "Block credential,City,Country/Region,Department,DirSyncEnabled,Display name,Fax,First name,Last dirsync time,Last name,Last password change time stamp,License assignment details,Licenses,Mobile Phone,Oath token meta data,Object Id,Office,Password never expires,Phone number,Postal code,Preferred data location,Preferred language,Proxy addresses,Release track,Soft deletion time stamp,State,Street address,Strong password required,Title,Usage location,User principal name,When created";
    let mut fields = vec![""; 32];
    fields[11] = "Microsoft 365 Business Standard";
    fields[30] = "a@contoso.com";
    let imported = import(format!("{header}\n{}\n", fields.join(",")).as_bytes());
    let user = &imported.users[0];
    assert!(user.licenses.is_empty() && user.license_state_unclear);
    let unclear = warning(&imported, "license_state_unclear").expect("warned");
    assert_eq!(unclear.users, ["a@contoso.com"]);
    assert_eq!(unclear.count, 1);
}

#[test]
fn identical_duplicates_collapse_and_conflicting_ones_are_flagged() {
    let rows = [
        admin_row(',', "a@contoso.com", "False", "Office 365 E3", ""),
        admin_row(',', "A@contoso.com", "False", "Office 365 E3", "")
            .replace("A@contoso.com", "a@contoso.com"),
        admin_row(',', "b@contoso.com", "False", "Office 365 E3", ""),
        admin_row(',', "B@CONTOSO.COM", "False", "Office 365 E5", ""),
    ];
    let imported = import(admin_file(',', &rows).as_bytes());
    assert_eq!(imported.users.len(), 2);
    assert!(!imported.users[0].conflicting_duplicate);
    assert!(imported.users[1].conflicting_duplicate);
    assert_eq!(
        warning(&imported, "duplicate_rows").expect("warned").users,
        ["a@contoso.com"]
    );
    assert_eq!(
        warning(&imported, "conflicting_duplicates")
            .expect("warned")
            .users,
        ["B@CONTOSO.COM"]
    );
    assert_eq!(imported.products[0].holders, 2);
}

#[test]
fn guests_are_flagged() {
    let rows = [admin_row(
        ',',
        "ann_fabrikam.com#EXT#@contoso.onmicrosoft.com",
        "False",
        "Unlicensed",
        "",
    )];
    assert!(import(admin_file(',', &rows).as_bytes()).users[0].guest);
}

#[test]
fn question_marks_where_letters_were_are_warned_about() {
    let text = "\"DisplayName\",\"UserPrincipalName\",\"Licenses\"\r\n\"J?rgen ?berg\",\"jorgen@contoso.se\",\"SPB\"\r\n\"Who?\",\"x@contoso.se\",\"SPB\"\r\n";
    let imported = import(text.as_bytes());
    let replaced = warning(&imported, "replaced_characters").expect("warned");
    assert_eq!(replaced.users, ["jorgen@contoso.se", "x@contoso.se"]);
}

#[test]
fn formula_looking_cells_are_kept_as_text() {
    let rows = [
        admin_row(',', "a@contoso.com", "False", "Unlicensed", "=1+3").replacen(
            "User",
            "=cmd|' /C calc'!A0",
            1,
        ),
    ];
    let imported = import(admin_file(',', &rows).as_bytes());
    assert_eq!(
        imported.users[0].display_name.as_deref(),
        Some("=cmd|' /C calc'!A0")
    );
}

#[test]
fn a_row_with_too_few_or_too_many_fields_is_refused_with_its_line() {
    let good = admin_row(',', "a@contoso.com", "False", "Unlicensed", "");
    let short = good.replacen(",", "", 1);
    let long = format!("{good},extra");
    for bad in [short, long] {
        let error = refuse(admin_file(',', &[good.clone(), good.replace("a@", "b@"), bad]).as_bytes());
        assert_eq!(error.code, FileErrorCode::RaggedRow);
        assert_eq!(error.line, Some(4));
        assert!(error.message.contains("users.csv, line 4"), "{}", error.message);
        assert!(error.message.contains("header has 28"), "{}", error.message);
    }
}

#[test]
fn an_object_id_that_is_not_a_guid_is_refused_with_its_line() {
    let row = admin_row(',', "a@contoso.com", "False", "Unlicensed", "").replacen(
        "a@contoso.com,",
        "a@contoso.com,not-a-guid",
        1,
    );
    let error = refuse(admin_file(',', &[row]).as_bytes());
    assert_eq!(error.code, FileErrorCode::BadValue);
    assert_eq!(error.line, Some(2));
}

#[test]
fn entra_download_users_is_refused_with_what_to_export() {
    let text = "userPrincipalName,displayName,surname,mail,givenName,id,userType,jobTitle,department,accountEnabled,usageLocation,streetAddress,state,country,officeLocation,city,postalCode,telephoneNumber,mobilePhone,alternateEmailAddress,ageGroup,consentProvidedForMinor,legalAgeGroupClassification,companyName,creationType,directorySynced,invitationState,identityIssuer,createdDateTime\ntest12345@msobbysecoutlook.onmicrosoft.com,=3+1,=3+1,,=3+1,05f9eb61-470e-426c-b631-6db6bf429063,Member,,,True,,,,,,,,,,,,,,,,,,MSOBBYSecoutlook.onmicrosoft.com,8/19/2021 3:02:10 PM\n";
    let error = refuse(text.as_bytes());
    assert_eq!(error.code, FileErrorCode::NoLicenseData);
    assert!(error.message.contains("Microsoft Entra"), "{}", error.message);
    assert!(error.message.contains("Export users"), "{}", error.message);
}

#[test]
fn usage_report_is_refused_for_planning() {
    let text = "\u{feff}Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date,Assigned Products\n2025-01-01,554630B7593DDE8E04F27933A965D5B2,554630B7593DDE8E04F27933A965D5B2,False,,True,True,True,False,False,True,,,,,,,,,,,,,MICROSOFT 365 E5 DEVELOPER (WITHOUT WINDOWS AND AUDIO CONFERENCING)\n";
    let error = refuse(text.as_bytes());
    assert_eq!(error.code, FileErrorCode::UsageReport);
    assert!(error.message.contains("Reports → Usage → Active users"));
    assert!(error.message.contains("Users → Active users → Export users"));
}

#[test]
fn type_names_instead_of_licences_are_refused() {
    for cell in [
        "System.Object[]",
        "Microsoft.Graph.PowerShell.Models.IMicrosoftGraphAssignedLicense[]",
        "[object Object],[object Object]",
    ] {
        let text = format!("\"DisplayName\",\"UserPrincipalName\",\"AssignedLicenses\"\n\"Ann\",\"ann@contoso.com\",\"{cell}\"\n\"Bo\",\"bo@contoso.com\",\"\"\n");
        let error = refuse(text.as_bytes());
        assert_eq!(error.code, FileErrorCode::NoLicenseData, "{cell}");
        assert!(error.message.contains("type names"), "{}", error.message);
    }
}

#[test]
fn a_graph_page_without_assigned_licenses_is_refused() {
    let text =
        r#"{"value":[{"id":"15e91f38-3651-425f-810a-56e0fb00287a","userPrincipalName":"a@contoso.com"}]}"#;
    assert_eq!(refuse(text.as_bytes()).code, FileErrorCode::NoLicenseData);
}

#[test]
fn malformed_json_is_refused_with_its_line() {
    let error = refuse(b"{\n\"value\": [\n{\"userPrincipalName\": }\n]}");
    assert_eq!(error.code, FileErrorCode::BadJson);
    assert_eq!(error.line, Some(3));
}

#[test]
fn workbooks_binaries_empty_and_unknown_files_are_refused() {
    assert_eq!(refuse(b"PK\x03\x04rest of a zip").code, FileErrorCode::NotText);
    assert_eq!(refuse(b"abc\0def").code, FileErrorCode::NotText);
    assert_eq!(refuse(b"").code, FileErrorCode::Empty);
    assert_eq!(refuse(b"\xEF\xBB\xBF \r\n").code, FileErrorCode::Empty);
    assert_eq!(refuse(b"\xEF\xBB\xBFok\xFF").code, FileErrorCode::BadEncoding);
    let summary = "Tenant,License,CountUsed,CountAvailable,TotalLicenses,AssignedUsers,AssignedGroups,TermInfo\ncontoso,Office 365 E3,3,2,5,\"Ann,Bo\",,\n";
    let error = refuse(summary.as_bytes());
    assert_eq!(error.code, FileErrorCode::UnrecognisedFormat);
    assert!(error.message.contains("licence summary"), "{}", error.message);
}

#[test]
fn files_over_the_size_limit_are_refused_before_reading() {
    let path = std::env::temp_dir().join(format!("license-desk-files-large-{}.csv", std::process::id()));
    let file = std::fs::File::create(&path).expect("temp file");
    file.set_len(license_desk_files::MAX_FILE_BYTES + 1)
        .expect("sparse file");
    let error = license_desk_files::read_path(&path).expect_err("too large");
    std::fs::remove_file(&path).expect("cleanup");
    assert_eq!(error.code, FileErrorCode::TooLarge);
    assert!(error.message.contains("200 MB"), "{}", error.message);
    let missing = license_desk_files::read_path(std::path::Path::new("/nonexistent/users.csv"));
    assert_eq!(missing.expect_err("missing").code, FileErrorCode::Unreadable);
}

#[test]
fn rows_without_a_user_name_are_skipped_and_named_by_line() {
    let rows = [
        admin_row(',', "a@contoso.com", "False", "Microsoft 365 Business Basic", ""),
        admin_row(',', "", "False", "Microsoft 365 Business Basic", ""),
        admin_row(',', "b@contoso.com", "False", "", ""),
        admin_row(',', "", "False", "", ""),
    ];
    let imported = import(admin_file(',', &rows).as_bytes());
    assert_eq!(imported.users.len(), 2);
    let skipped = warning(&imported, "rows_without_upn").expect("warned");
    assert_eq!(skipped.count, 2);
    assert_eq!(skipped.lines, [3, 5], "the header is line 1");
}
