//! Cell values as tools and Excel locales write them.

/// `True`/`False` in the spellings files carry: the portal's, CIPP's
/// `Yes`/`No`, and Excel's localized words after a re-save (sv `SANT`/
/// `FALSKT`, pt `VERDADEIRO`/`FALSO`, de `WAHR`/`FALSCH`, ...). Anything
/// else is unknown rather than guessed.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    const TRUE: &[&str] = &[
        "true",
        "yes",
        "1",
        "sant",
        "ja",
        "verdadeiro",
        "verdadero",
        "wahr",
        "vrai",
        "vero",
        "waar",
        "sand",
        "tosi",
        "prawda",
        "sim",
        "sí",
        "si",
        "oui",
    ];
    const FALSE: &[&str] = &[
        "false", "no", "0", "falskt", "nej", "nein", "falso", "falsch", "faux", "onwaar", "falsk", "epätosi",
        "fałsz", "não", "nao", "non",
    ];
    let value = value.trim().to_lowercase();
    if TRUE.contains(&value.as_str()) {
        Some(true)
    } else if FALSE.contains(&value.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// What tools write for "no licences": the admin center's `Unlicensed`
/// (left in English by localized portals), CIPP's `No Licenses Assigned`,
/// AdminDroid's `-`.
pub(crate) fn means_no_licenses(cell: &str) -> bool {
    let cell = cell.trim();
    cell.is_empty()
        || cell == "-"
        || cell.eq_ignore_ascii_case("Unlicensed")
        || cell.eq_ignore_ascii_case("No Licenses Assigned")
}

/// A .NET or JavaScript type name where values should be: PowerShell's
/// `Export-Csv` of a collection (`System.Object[]`), a Graph SDK model
/// type, or an old CIPP export's `[object Object]`.
pub(crate) fn is_type_name(cell: &str) -> bool {
    let cell = cell.trim();
    cell.contains("[object Object]")
        || cell.starts_with("System.")
        || cell.starts_with("Microsoft.Graph.")
        || cell.starts_with("Microsoft.Online.")
        || cell.starts_with("@{")
}

/// An external (B2B) account.
pub(crate) fn is_guest(user_principal_name: &str, user_type: Option<&str>) -> bool {
    user_principal_name.to_ascii_uppercase().contains("#EXT#")
        || user_type.is_some_and(|kind| kind.trim().eq_ignore_ascii_case("Guest"))
}

/// An optional text value: empty means absent.
pub(crate) fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}
