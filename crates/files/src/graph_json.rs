//! A saved Microsoft Graph `/users` response: `{"value": [...]}` with
//! `assignedLicenses` and, when selected, `licenseAssignmentStates`. A page
//! with `@odata.nextLink` is one page of many.

use serde::Deserialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::builder::{Builder, Meta};
use crate::error::{FileError, FileErrorCode};
use crate::model::{Format, Imported, ImportedLicense, ImportedUser};
use crate::values::is_guest;

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(borrow)]
    value: Option<Vec<&'a RawValue>>,
}

/// A user as Graph (camelCase) or PowerShell's `ConvertTo-Json` (PascalCase) writes it.
#[derive(Deserialize)]
struct GraphUser {
    #[serde(alias = "Id")]
    id: Option<String>,
    #[serde(rename = "userPrincipalName", alias = "UserPrincipalName")]
    user_principal_name: Option<String>,
    #[serde(rename = "displayName", alias = "DisplayName")]
    display_name: Option<String>,
    #[serde(rename = "accountEnabled", alias = "AccountEnabled")]
    account_enabled: Option<bool>,
    #[serde(rename = "usageLocation", alias = "UsageLocation")]
    usage_location: Option<String>,
    #[serde(rename = "userType", alias = "UserType")]
    user_type: Option<String>,
    #[serde(rename = "assignedLicenses", alias = "AssignedLicenses")]
    assigned_licenses: Option<Vec<AssignedLicense>>,
    #[serde(rename = "licenseAssignmentStates", alias = "LicenseAssignmentStates")]
    license_assignment_states: Option<Vec<AssignmentState>>,
}

#[derive(Deserialize)]
struct AssignedLicense {
    #[serde(rename = "skuId", alias = "SkuId")]
    sku_id: String,
    #[serde(rename = "disabledPlans", alias = "DisabledPlans", default)]
    disabled_plans: Option<Vec<String>>,
}

/// One way a licence reaches a user: directly (`assignedByGroup` null) or
/// through a group. CIPP's export carries the same objects as JSON text,
/// sometimes with the product's name as `License`.
#[derive(Deserialize)]
pub(crate) struct AssignmentState {
    #[serde(rename = "skuId", alias = "SkuId", default)]
    sku_id: Option<String>,
    #[serde(rename = "License", alias = "license", default)]
    license: Option<String>,
    #[serde(rename = "assignedByGroup", alias = "AssignedByGroup", default)]
    assigned_by_group: Option<String>,
}

/// Parses CIPP's `licenseAssignmentStates` cell; `None` when it is not that JSON.
pub(crate) fn parse_states(cell: &str) -> Option<Vec<AssignmentState>> {
    serde_json::from_str(cell.trim()).ok()
}

/// Fills in `direct` and `via_groups` from the states that match each licence.
pub(crate) fn annotate(
    licenses: &mut [ImportedLicense],
    states: &[AssignmentState],
    sku_ids_of: impl Fn(usize) -> Vec<Uuid>,
) {
    for license in licenses {
        let sku_ids = sku_ids_of(license.product);
        let matching: Vec<&AssignmentState> = states
            .iter()
            .filter(|state| {
                let by_id = state
                    .sku_id
                    .as_deref()
                    .and_then(|id| Uuid::parse_str(id.trim()).ok())
                    .is_some_and(|id| sku_ids.contains(&id));
                let by_name = state
                    .license
                    .as_deref()
                    .is_some_and(|name| name.trim().eq_ignore_ascii_case(license.raw.trim()));
                by_id || by_name
            })
            .collect();
        if matching.is_empty() {
            continue;
        }
        license.direct = Some(matching.iter().any(|state| {
            state
                .assigned_by_group
                .as_deref()
                .is_none_or(|group| group.trim().is_empty())
        }));
        license.via_groups = Some(
            matching
                .iter()
                .filter_map(|state| state.assigned_by_group.as_deref())
                .filter_map(|group| Uuid::parse_str(group.trim()).ok())
                .collect(),
        );
    }
}

pub(crate) fn read(text: &str, encoding: &str, file_name: &str) -> Result<Imported, FileError> {
    // `ConvertTo-Json` of a user list writes a bare array.
    let parsed = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(text).map(|items| (Some(items), None))
    } else {
        serde_json::from_str::<Page>(text).map(|page| (page.value, page.next_link))
    };
    let (items, next_link) = parsed.map_err(|error| bad_json(file_name, &error))?;
    let Some(items) = items else {
        return Err(FileError::new(
            FileErrorCode::UnrecognisedFormat,
            format!(
                "{file_name} is JSON but not a list of users: a saved Graph response has a \"value\" list."
            ),
        ));
    };

    let mut builder = Builder::new(file_name);
    let mut lines = LineCounter::new(text);
    let mut any_licenses_field = false;
    let mut any_states_field = false;
    let mut any_object_id = false;
    let mut any_account_enabled = false;
    for (position, item) in items.iter().enumerate() {
        let line = lines.line_of(item.get());
        let user: GraphUser = serde_json::from_str(item.get()).map_err(|error| {
            FileError::at_line(
                FileErrorCode::BadJson,
                line,
                format!(
                    "{file_name}, line {line} (user {}): not a Graph user with assignedLicenses as \
                     [{{\"skuId\": ..., \"disabledPlans\": [...]}}] ({error}).",
                    position + 1
                ),
            )
        })?;
        let upn = user.user_principal_name.as_deref().map_or("", str::trim);
        if upn.is_empty() {
            builder.skip_row_without_upn(line);
            continue;
        }
        let object_id = match user.id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
            None => None,
            Some(id) => Some(Uuid::parse_str(id).map_err(|_| {
                FileError::at_line(
                    FileErrorCode::BadValue,
                    line,
                    format!("{file_name}, line {line}: the user's id {id:?} is not a GUID."),
                )
            })?),
        };
        any_object_id |= object_id.is_some();
        any_account_enabled |= user.account_enabled.is_some();
        any_licenses_field |= user.assigned_licenses.is_some();
        any_states_field |= user.license_assignment_states.is_some();

        let mut licenses = Vec::new();
        for assigned in user.assigned_licenses.iter().flatten() {
            let raw = assigned.sku_id.trim();
            let disabled_plans = match &assigned.disabled_plans {
                None => None,
                Some(plans) => Some(
                    plans
                        .iter()
                        .map(|plan| {
                            Uuid::parse_str(plan.trim()).map_err(|_| {
                                FileError::at_line(
                                    FileErrorCode::BadValue,
                                    line,
                                    format!(
                                        "{file_name}, line {line}: disabled plan {plan:?} is not a GUID."
                                    ),
                                )
                            })
                        })
                        .collect::<Result<Vec<Uuid>, FileError>>()?,
                ),
            };
            licenses.push(ImportedLicense {
                raw: raw.to_owned(),
                product: builder.product(raw),
                disabled_plans,
                via_groups: None,
                direct: None,
            });
        }
        if let Some(states) = &user.license_assignment_states {
            let products = builder.products();
            annotate(&mut licenses, states, |product| {
                Uuid::parse_str(products[product].raw.trim())
                    .into_iter()
                    .collect()
            });
        }
        builder.add_user(ImportedUser {
            line,
            object_id,
            guest: is_guest(upn, user.user_type.as_deref()),
            user_principal_name: upn.to_owned(),
            display_name: crate::values::text(user.display_name.as_deref()),
            account_enabled: user.account_enabled,
            usage_location: crate::values::text(user.usage_location.as_deref()),
            // Without the field Graph was not asked for licences.
            license_state_unclear: user.assigned_licenses.is_none(),
            licenses,
            conflicting_duplicate: false,
        })?;
    }
    if !items.is_empty() && !any_licenses_field {
        return Err(FileError::new(
            FileErrorCode::NoLicenseData,
            format!(
                "{file_name} is a saved Graph user list without licences: the query did not select \
                 assignedLicenses. Save it again from /users?$select=id,userPrincipalName,displayName,\
                 accountEnabled,assignedLicenses,licenseAssignmentStates, or export the users from the \
                 Microsoft 365 admin center (Users → Active users → Export users)."
            ),
        ));
    }
    Ok(builder.finish(Meta {
        format: Format::GraphUsersJson,
        format_name: Format::GraphUsersJson.human_name().to_owned(),
        encoding: encoding.to_owned(),
        delimiter: None,
        complete: next_link.is_none(),
        knows_groups: any_states_field,
        knows_disabled_plans: any_licenses_field,
        knows_object_ids: any_object_id,
        knows_account_enabled: any_account_enabled,
    }))
}

fn bad_json(file_name: &str, error: &serde_json::Error) -> FileError {
    let line = error.line().max(1);
    FileError::at_line(
        FileErrorCode::BadJson,
        line,
        format!(
            "{file_name}, line {line}: not valid JSON ({error}). A saved Graph response \
             looks like {{\"value\": [{{\"userPrincipalName\": ..., \"assignedLicenses\": [...]}}]}}."
        ),
    )
}

/// Line numbers of slices of `text`, counted forward once.
struct LineCounter<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> LineCounter<'t> {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line `slice` (a part of the text, later than earlier slices) starts on.
    fn line_of(&mut self, slice: &str) -> usize {
        let start = (slice.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .min(self.text.len());
        if start > self.offset {
            let skipped = self.text.as_bytes()[self.offset..start]
                .iter()
                .filter(|&&byte| byte == b'\n')
                .count();
            self.line += skipped;
            self.offset = start;
        }
        self.line
    }
}
