//! The admin's own product names (`product-names.csv` in the app's data
//! folder), as the command line uses them: they win over Microsoft's names
//! wherever a name is shown, and a line that cannot be used is said on
//! standard error while the rest is used and the command goes on.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::process::Command;

const REPORT: &str = "\"DisplayName\",\"UserPrincipalName\",\"Licenses\"\n\"Ann\",\"ann@contoso.com\",\"SPB, CONTOSO_ADDON\"\n\"Bo\",\"bo@contoso.com\",\"ENTERPRISEPACK\"\n";

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("license-desk-names-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data/com.licensedesk.desktop")).unwrap();
    std::fs::write(dir.join("report.csv"), REPORT).unwrap();
    dir
}

/// `inspect --json` of the report, with `dir/data` as the data folder:
/// each product's name, and what was said on standard error.
fn inspect(dir: &std::path::Path) -> (Vec<String>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_license-desk"))
        .args(["inspect", dir.join("report.csv").to_str().unwrap(), "--json"])
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names = json["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    (names, stderr)
}

#[test]
fn the_admins_names_win_and_a_bad_line_is_said_not_fatal() {
    let dir = folder("own");
    let (names, said) = inspect(&dir);
    assert_eq!(
        names,
        ["Microsoft 365 Business Premium", "CONTOSO_ADDON", "Office 365 E3"],
        "no file: Microsoft's names, an unknown product as written"
    );
    assert_eq!(said, "");

    std::fs::write(
        dir.join("data/com.licensedesk.desktop/product-names.csv"),
        "\u{feff}Part number;Name\r\nspb;Business Premium (office staff)\r\nCONTOSO_ADDON;Contoso add-on\r\nEMS;\r\n",
    )
    .unwrap();
    let (names, said) = inspect(&dir);
    assert_eq!(
        names,
        [
            "Business Premium (office staff)",
            "Contoso add-on",
            "Office 365 E3"
        ]
    );
    assert!(
        said.contains("warning: product-names.csv: line 4: no name for EMS: the line is skipped."),
        "{said}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_file_that_cannot_be_used_leaves_microsofts_names() {
    let dir = folder("bad");
    std::fs::write(
        dir.join("data/com.licensedesk.desktop/product-names.csv"),
        "SPB,Business Premium (office staff)\n",
    )
    .unwrap();
    let (names, said) = inspect(&dir);
    assert_eq!(names[0], "Microsoft 365 Business Premium");
    assert!(
        said.contains("needs a first line naming its two columns"),
        "{said}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn microsofts_table_as_last_downloaded_names_newer_products() {
    let dir = folder("downloaded");
    let report = "\"DisplayName\",\"UserPrincipalName\",\"Licenses\"\n\"Ann\",\"ann@contoso.com\",\"SPB, CONTOSO_COPILOT\"\n";
    std::fs::write(dir.join("report.csv"), report).unwrap();
    let cached = dir.join("data/com.licensedesk.desktop/microsoft-product-table.csv");
    let newer = format!(
        "{}Contoso Copilot Add-on,CONTOSO_COPILOT,0f5d9d7b-3c36-4b6f-9a0d-2d9b7c1e5a11,COPILOT_X,1b2c3d4e-5f60-4718-89ab-cdef01234567,Copilot X\r\n",
        license_desk_files::catalog::SOURCE_CSV
    );
    std::fs::write(&cached, newer).unwrap();
    let (names, said) = inspect(&dir);
    assert_eq!(
        names,
        ["Microsoft 365 Business Premium", "Contoso Copilot Add-on"]
    );
    assert_eq!(said, "");

    // The admin's own name still wins.
    std::fs::write(
        dir.join("data/com.licensedesk.desktop/product-names.csv"),
        "Part number,Name\nCONTOSO_COPILOT,Copilot for the office\n",
    )
    .unwrap();
    assert_eq!(inspect(&dir).0[1], "Copilot for the office");
    std::fs::remove_file(dir.join("data/com.licensedesk.desktop/product-names.csv")).unwrap();

    // A copy saved before the carried table's date is older than it: unused.
    let long_ago = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_577_836_800); // 2020-01-01
    std::fs::File::options()
        .write(true)
        .open(&cached)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    assert_eq!(inspect(&dir).0[1], "CONTOSO_COPILOT");

    // Something that is not the table is never used.
    std::fs::write(&cached, "<html>Sorry</html>").unwrap();
    let (names, _) = inspect(&dir);
    assert_eq!(names[1], "CONTOSO_COPILOT");
    std::fs::remove_dir_all(dir).ok();
}
