//! A run's results as a person opens them: the bytes of the CSV (byte order
//! mark, the language's separator, names, formula-safe cells, CRLF), the
//! Excel workbook read back as the zip it is, and the JSON's stable keys.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use license_desk_core::overview::ExportFormat;
use license_desk_core::{ErrorCode, Language};
use license_desk_engine::export::{self, ResultRow};
use license_desk_engine::journal::{Outcome, RunKind};
use license_desk_engine::plan::{GroupRef, PlanItem, Verdict};
use license_desk_engine::run::Report;
use license_desk_tenant::model::{Organization, SubscribedSku, User};
use license_desk_tenant::TenantPicture;
use uuid::{uuid, Uuid};

const PREMIUM: Uuid = uuid!("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46");
const EXCHANGE: Uuid = uuid!("4b9405b0-7788-4568-add1-99614e613b69");
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"Click\")";

fn picture() -> TenantPicture {
    let product = |sku_id: Uuid, part: &str| -> SubscribedSku {
        serde_json::from_value(serde_json::json!({
            "skuId": sku_id, "skuPartNumber": part, "appliesTo": "User",
            "capabilityStatus": "Enabled", "consumedUnits": 3, "prepaidUnits": { "enabled": 10 }
        }))
        .unwrap()
    };
    let user = |n: u128, name: &str, upn: &str| -> User {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(n), "displayName": name, "userPrincipalName": upn
        }))
        .unwrap()
    };
    TenantPicture::live(
        Organization {
            id: Uuid::from_u128(99),
            display_name: "Contoso".into(),
            verified_domains: Vec::new(),
        },
        vec![product(PREMIUM, "SPB"), product(EXCHANGE, "EXCHANGESTANDARD")],
        Vec::new(),
        vec![
            user(1, "Åsa Öberg", "asa@contoso.com"),
            user(2, FORMULA, "-2@contoso.com"),
            user(3, "Björn Ek", "bjorn@contoso.com"),
            user(4, "Cecilia Lund", "cecilia@contoso.com"),
            user(5, "Dan Berg", "dan@contoso.com"),
        ],
        HashMap::new(),
    )
}

fn item(n: u128, upn: &str, sku_id: Uuid, verdict: Verdict) -> PlanItem {
    PlanItem {
        user: Uuid::from_u128(n).to_string(),
        user_id: Some(Uuid::from_u128(n)),
        user_principal_name: Some(upn.into()),
        sku_id,
        disabled_plans_before: Vec::new(),
        verdict,
    }
}

/// One of everything: removed, refused by Microsoft, skipped by the plan,
/// cancelled before it was sent, and not answered yet.
fn report(kind: RunKind) -> Report {
    let group = GroupRef {
        id: Uuid::from_u128(50),
        name: Some("Sales".into()),
    };
    let items = vec![
        item(1, "asa@contoso.com", PREMIUM, Verdict::Remove),
        item(2, "-2@contoso.com", PREMIUM, Verdict::Remove),
        item(
            3,
            "bjorn@contoso.com",
            PREMIUM,
            Verdict::InheritedOnly { groups: vec![group] },
        ),
        item(4, "cecilia@contoso.com", EXCHANGE, Verdict::Remove),
        item(5, "dan@contoso.com", EXCHANGE, Verdict::Remove),
    ];
    let outcomes = BTreeMap::from([
        (0, Outcome::Done),
        (
            1,
            Outcome::Failed {
                code: ErrorCode::UserNotFound,
                message: "This user no longer exists in your organisation.".into(),
            },
        ),
        (2, Outcome::Skipped),
        (3, Outcome::NotRun),
    ]);
    Report {
        run: Uuid::from_u128(7),
        kind,
        journal: "run.jsonl".into(),
        items,
        outcomes,
        cancelled: true,
        problems: Vec::new(),
    }
}

fn rows(kind: RunKind) -> Vec<ResultRow> {
    report(kind).named_rows(Some(&picture()))
}

/// The CSV's lines after its byte order mark, which it must start with.
fn csv_lines(bytes: &[u8]) -> Vec<String> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("UTF-8 with a byte order mark, as Excel needs");
    let text = std::str::from_utf8(text).unwrap();
    assert!(text.ends_with("\r\n"));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line ends with CRLF"
    );
    text.split_terminator("\r\n").map(str::to_owned).collect()
}

#[test]
fn the_english_csv_names_people_and_products_with_commas() {
    let lines = csv_lines(&export::to_csv(&rows(RunKind::Unassign), Language::En));
    assert_eq!(
        lines,
        [
            r#""Display name","User principal name","License","Part number","SKU ID","Result","Reason""#,
            r#""Åsa Öberg","asa@contoso.com","Microsoft 365 Business Premium","SPB","cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46","Removed","""#,
            r#""'=HYPERLINK(""http://evil.example"",""Click"")","'-2@contoso.com","Microsoft 365 Business Premium","SPB","cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46","Failed","This user no longer exists in your organisation.""#,
            r#""Björn Ek","bjorn@contoso.com","Microsoft 365 Business Premium","SPB","cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46","Skipped","Held only through a group: remove it at the group.""#,
            r#""Cecilia Lund","cecilia@contoso.com","Exchange Online (Plan 1)","EXCHANGESTANDARD","4b9405b0-7788-4568-add1-99614e613b69","Not run","The run was cancelled before this was sent.""#,
            r#""Dan Berg","dan@contoso.com","Exchange Online (Plan 1)","EXCHANGESTANDARD","4b9405b0-7788-4568-add1-99614e613b69","Unknown","No answer yet: resume the run to check it against the tenant.""#,
        ]
    );
}

#[test]
fn the_swedish_csv_uses_semicolons_and_swedish_words() {
    let lines = csv_lines(&export::to_csv(&rows(RunKind::Unassign), Language::Sv));
    assert_eq!(
        lines[0],
        r#""Visningsnamn";"Användarnamn";"Licens";"Artikelnummer";"SKU-ID";"Resultat";"Orsak""#
    );
    assert_eq!(
        lines[1],
        r#""Åsa Öberg";"asa@contoso.com";"Microsoft 365 Business Premium";"SPB";"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";"Borttagen";"""#
    );
    assert!(lines[2].starts_with(r#""'=HYPERLINK(""http://evil.example"",""Click"")";"'-2@contoso.com";"#));
    assert!(
        lines[2].ends_with(r#";"Misslyckades";"Användaren finns inte längre i organisationen.""#),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].ends_with(r#";"Hoppades över";"Tilldelas bara via en grupp: ta bort den i gruppen.""#),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].ends_with(r#";"Inte körd";"Körningen avbröts innan den skickades.""#),
        "{}",
        lines[4]
    );
    assert!(lines[5].contains(r#";"Okänt";"#), "{}", lines[5]);
}

#[test]
fn an_undo_says_put_back() {
    let en = csv_lines(&export::to_csv(&rows(RunKind::Undo), Language::En));
    assert!(en[1].ends_with(r#","Put back","""#), "{}", en[1]);
    let sv = csv_lines(&export::to_csv(&rows(RunKind::Undo), Language::Sv));
    assert!(sv[1].ends_with(r#";"Återställd";"""#), "{}", sv[1]);
    let json: serde_json::Value = serde_json::from_str(&export::to_json(&rows(RunKind::Undo))).unwrap();
    assert_eq!(json[0]["action"], "put_back");
    assert_eq!(json[0]["result"], "done");
}

#[test]
fn without_the_tenant_products_are_named_from_microsofts_table() {
    let rows = report(RunKind::Unassign).rows();
    assert_eq!(rows[0].display_name, None);
    assert_eq!(rows[0].user_principal_name.as_deref(), Some("asa@contoso.com"));
    assert_eq!(rows[0].product, "Microsoft 365 Business Premium");
    assert_eq!(rows[0].part_number.as_deref(), Some("SPB"));
}

#[test]
fn the_json_keeps_stable_keys_and_english_codes() {
    let json: serde_json::Value = serde_json::from_str(&export::to_json(&rows(RunKind::Unassign))).unwrap();
    let mut keys: Vec<&str> = json[0].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "action",
            "displayName",
            "partNumber",
            "product",
            "reason",
            "result",
            "skuId",
            "user",
            "userPrincipalName"
        ]
    );
    let results: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["done", "failed", "skipped", "not_run", "unknown"]);
    assert_eq!(json[0]["displayName"], "Åsa Öberg");
    assert_eq!(
        json[1]["displayName"], FORMULA,
        "JSON is for programs: kept as it is"
    );
    assert_eq!(
        json[1]["reason"],
        "This user no longer exists in your organisation."
    );
}

/// The named parts of a workbook, as text.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    assert!(bytes.starts_with(b"PK\x03\x04"), "an .xlsx is a zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let name = part.name().unwrap().into_owned();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            (name, text)
        })
        .collect()
}

#[test]
fn the_workbook_has_the_same_columns_a_bold_frozen_header_and_fitted_widths() {
    for (language, header, removed, sheet_name) in [
        (Language::En, "User principal name", "Removed", "Results"),
        (Language::Sv, "Användarnamn", "Borttagen", "Resultat"),
    ] {
        let parts = unzip(&export::to_xlsx(&rows(RunKind::Unassign), language).unwrap());
        let sheet = &parts["xl/worksheets/sheet1.xml"];
        let strings = &parts["xl/sharedStrings.xml"];
        for text in [
            header,
            removed,
            "Åsa Öberg",
            "asa@contoso.com",
            "Microsoft 365 Business Premium",
            "EXCHANGESTANDARD",
        ] {
            assert!(strings.contains(text), "{text} in the workbook");
        }
        // Text, never a formula: the formula-looking name is a plain string.
        assert!(!sheet.contains("<f>"), "no formulas");
        assert!(
            strings.contains("<t>=HYPERLINK(\"http://evil.example\",\"Click\")</t>"),
            "{strings}"
        );
        assert!(
            sheet.contains(r#"state="frozen""#) && sheet.contains(r#"topLeftCell="A2""#),
            "{sheet}"
        );
        assert!(sheet.contains("<autoFilter ref=\"A1:G6\""), "{sheet}");
        assert_eq!(
            sheet.matches("<col ").count(),
            7,
            "every column has a fitted width: {sheet}"
        );
        assert_eq!(sheet.matches("<row ").count(), 6, "a header and five rows");
        assert!(parts["xl/styles.xml"].contains("<b/>"), "a bold header");
        assert!(parts["xl/workbook.xml"].contains(&format!("name=\"{sheet_name}\"")));
    }
}

#[test]
fn results_are_written_whole_with_the_formats_extension() {
    let dir = std::env::temp_dir().join(format!("license-desk-export-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows = rows(RunKind::Unassign);
    let written = export::write(&dir.join("results"), &rows, ExportFormat::Xlsx, Language::En).unwrap();
    assert_eq!(written, dir.join("results.xlsx"));
    assert!(std::fs::read(&written).unwrap().starts_with(b"PK\x03\x04"));
    let named = dir.join("License Desk - Microsoft 365 Business Premium borttagen 2026-11-25.csv");
    assert_eq!(
        export::write(&named, &rows, ExportFormat::Csv, Language::Sv).unwrap(),
        named
    );
    assert!(std::fs::read(&named)
        .unwrap()
        .starts_with("\u{feff}\"Visningsnamn\";".as_bytes()));
    let json = export::write(&dir.join("r.json"), &rows, ExportFormat::Json, Language::Sv).unwrap();
    let text = std::fs::read_to_string(json).unwrap();
    assert!(text.contains("\"result\": \"not_run\"") && text.ends_with("]\n"));
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "License Desk - Microsoft 365 Business Premium borttagen 2026-11-25.csv",
            "r.json",
            "results.xlsx"
        ],
        "no temporary file left behind"
    );
    let refused = export::write(
        &dir.join("missing").join("r.csv"),
        &rows,
        ExportFormat::Csv,
        Language::En,
    );
    assert!(refused.unwrap_err().message.contains("could not be saved"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_runs_products_name_its_file() {
    let products = report(RunKind::Unassign).product_names(Some(&picture()));
    assert_eq!(
        products,
        ["Microsoft 365 Business Premium", "Exchange Online (Plan 1)"]
    );
    assert_eq!(
        export::suggested_file_name(
            &products[..1],
            RunKind::Unassign,
            Language::En,
            "2026-11-25",
            ExportFormat::Xlsx
        ),
        "License Desk - Microsoft 365 Business Premium removed 2026-11-25.xlsx"
    );
    assert_eq!(
        export::suggested_file_name(
            &products,
            RunKind::Unassign,
            Language::Sv,
            "2026-11-25",
            ExportFormat::Csv
        ),
        "License Desk - 2 licenser borttagna 2026-11-25.csv"
    );
}
