//! Collects users and the products they hold into an [`Imported`]:
//! products interned once per spelling, duplicate rows collapsed or
//! flagged, and the warnings an admin needs before trusting the file.

use std::collections::HashMap;

use uuid::Uuid;

use crate::error::{FileError, FileErrorCode};
use crate::model::{
    Format, Imported, ImportedLicense, ImportedProduct, ImportedUser, Resolution, Warning, WarningCode,
};
use crate::names;
use crate::MAX_USERS;

/// What a format knows, fixed before its rows are read.
pub(crate) struct Meta {
    pub format: Format,
    pub format_name: String,
    pub encoding: String,
    pub delimiter: Option<char>,
    pub complete: bool,
    pub knows_groups: bool,
    pub knows_disabled_plans: bool,
    pub knows_object_ids: bool,
    pub knows_account_enabled: bool,
}

pub(crate) struct Builder<'f> {
    file_name: &'f str,
    products: Vec<ImportedProduct>,
    product_by_raw: HashMap<String, usize>,
    users: Vec<ImportedUser>,
    user_by_upn: HashMap<String, usize>,
    user_by_object_id: HashMap<Uuid, usize>,
    identical_duplicates: Vec<String>,
    conflicting_duplicates: Vec<String>,
    rows_without_upn: Vec<usize>,
    warnings: Vec<Warning>,
}

impl<'f> Builder<'f> {
    pub fn new(file_name: &'f str) -> Builder<'f> {
        Builder {
            file_name,
            products: Vec::new(),
            product_by_raw: HashMap::new(),
            users: Vec::new(),
            user_by_upn: HashMap::new(),
            user_by_object_id: HashMap::new(),
            identical_duplicates: Vec::new(),
            conflicting_duplicates: Vec::new(),
            rows_without_upn: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The index of the product written as `raw`, resolving it the first time.
    pub fn product(&mut self, raw: &str) -> usize {
        if let Some(&index) = self.product_by_raw.get(raw) {
            return index;
        }
        let resolution = names::resolve(raw);
        let index = self.products.len();
        self.products.push(ImportedProduct {
            raw: raw.to_owned(),
            free_or_trial: names::free_or_trial(&resolution),
            resolution,
            holders: 0,
        });
        self.product_by_raw.insert(raw.to_owned(), index);
        index
    }

    pub fn products(&self) -> &[ImportedProduct] {
        &self.products
    }

    /// Warns about the file as a whole, counting nothing.
    pub fn warn(&mut self, code: WarningCode, message: String) {
        self.warnings.push(Warning {
            code,
            message,
            users: Vec::new(),
            count: 0,
            products: Vec::new(),
            lines: Vec::new(),
        });
    }

    /// Warns about `count` things (values, rows) of the file.
    pub fn warn_counting(&mut self, code: WarningCode, message: String, count: usize) {
        self.warn(code, message);
        if let Some(warning) = self.warnings.last_mut() {
            warning.count = count;
        }
    }

    fn warn_about(&mut self, code: WarningCode, message: String, users: Vec<String>) {
        self.warn_counting(code, message, users.len());
        if let Some(warning) = self.warnings.last_mut() {
            warning.users = users;
        }
    }

    pub fn skip_row_without_upn(&mut self, line: usize) {
        self.rows_without_upn.push(line);
    }

    /// Adds a user, collapsing an identical repeat and flagging a
    /// conflicting one (same UPN, or same object id under another UPN).
    pub fn add_user(&mut self, mut user: ImportedUser) -> Result<(), FileError> {
        // The same product listed twice in one cell is one licence.
        let mut seen = Vec::with_capacity(user.licenses.len());
        user.licenses.retain(|license| {
            let first = !seen.contains(&license.product);
            seen.push(license.product);
            first
        });
        let upn_key = user.user_principal_name.to_lowercase();
        if let Some(&existing) = self.user_by_upn.get(&upn_key) {
            let earlier = &mut self.users[existing];
            if same_content(earlier, &user) {
                self.identical_duplicates.push(user.user_principal_name);
            } else {
                earlier.conflicting_duplicate = true;
                self.conflicting_duplicates.push(user.user_principal_name);
            }
            return Ok(());
        }
        if let Some(object_id) = user.object_id {
            if let Some(&existing) = self.user_by_object_id.get(&object_id) {
                self.users[existing].conflicting_duplicate = true;
                user.conflicting_duplicate = true;
                self.conflicting_duplicates
                    .push(self.users[existing].user_principal_name.clone());
                self.conflicting_duplicates.push(user.user_principal_name.clone());
            } else {
                self.user_by_object_id.insert(object_id, self.users.len());
            }
        }
        if self.users.len() >= MAX_USERS {
            return Err(FileError::at_line(
                FileErrorCode::TooManyUsers,
                user.line,
                format!(
                    "{}, line {}: the file lists more than {MAX_USERS} users, more than one import takes. \
                     Split it, or open the tenant online.",
                    self.file_name, user.line
                ),
            ));
        }
        self.user_by_upn.insert(upn_key, self.users.len());
        self.users.push(user);
        Ok(())
    }

    pub fn finish(mut self, meta: Meta) -> Imported {
        for user in &self.users {
            for license in &user.licenses {
                self.products[license.product].holders += 1;
            }
        }
        self.warn_about_rows();
        self.warn_about_products();
        self.warn_about_users(&meta);
        Imported {
            format: meta.format,
            format_name: meta.format_name,
            encoding: meta.encoding,
            delimiter: meta.delimiter,
            complete: meta.complete,
            knows_groups: meta.knows_groups,
            knows_disabled_plans: meta.knows_disabled_plans,
            knows_object_ids: meta.knows_object_ids,
            knows_account_enabled: meta.knows_account_enabled,
            users: self.users,
            products: self.products,
            warnings: self.warnings,
        }
    }

    fn warn_about_rows(&mut self) {
        if !self.identical_duplicates.is_empty() {
            let users = dedup(std::mem::take(&mut self.identical_duplicates));
            self.warn_about(
                WarningCode::DuplicateRows,
                format!(
                    "{} user(s) are listed more than once with the same content; each is read once.",
                    users.len()
                ),
                users,
            );
        }
        if !self.conflicting_duplicates.is_empty() {
            let users = dedup(std::mem::take(&mut self.conflicting_duplicates));
            self.warn_about(
                WarningCode::ConflictingDuplicates,
                format!(
                    "{} user(s) are listed more than once with different licences or details. \
                     The file cannot say which row is right, so nothing can be planned for them from it.",
                    users.len()
                ),
                users,
            );
        }
        if !self.rows_without_upn.is_empty() {
            let lines = std::mem::take(&mut self.rows_without_upn);
            self.warn_counting(
                WarningCode::RowsWithoutUpn,
                format!(
                    "{} row(s) have no user principal name and were skipped (lines {}).",
                    lines.len(),
                    list_lines(&lines)
                ),
                lines.len(),
            );
            if let Some(warning) = self.warnings.last_mut() {
                warning.lines = lines.into_iter().take(SHOWN_LINES).collect();
            }
        }
    }

    fn warn_about_products(&mut self) {
        let describe = |products: &[&ImportedProduct]| {
            products
                .iter()
                .map(|product| format!("\"{}\" ({} user(s))", product.raw, product.holders))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let unknown: Vec<&ImportedProduct> = self
            .products
            .iter()
            .filter(|product| product.resolution == Resolution::Unknown)
            .collect();
        let ambiguous: Vec<&ImportedProduct> = self
            .products
            .iter()
            .filter(|product| matches!(product.resolution, Resolution::Ambiguous { .. }))
            .collect();
        let renamed: Vec<&ImportedProduct> = self
            .products
            .iter()
            .filter(|product| matches!(product.resolution, Resolution::Alias { .. }))
            .collect();
        let mut warnings = Vec::new();
        if !unknown.is_empty() {
            warnings.push((
                WarningCode::UnknownProducts,
                &unknown,
                format!(
                    "Not in Microsoft's product list: {}. They are shown as written; \
                     removals of them can be planned only once the tenant is open.",
                    describe(&unknown)
                ),
            ));
        }
        if !ambiguous.is_empty() {
            warnings.push((
                WarningCode::AmbiguousProducts,
                &ambiguous,
                format!(
                    "These names belong to more than one product: {}. \
                     Which one each user holds is settled against the tenant.",
                    describe(&ambiguous)
                ),
            ));
        }
        if !renamed.is_empty() {
            warnings.push((
                WarningCode::RenamedProducts,
                &renamed,
                format!(
                    "Written with an older or other-language name: {}.",
                    describe(&renamed)
                ),
            ));
        }
        let warnings: Vec<Warning> = warnings
            .into_iter()
            .map(|(code, products, message)| Warning {
                code,
                message,
                users: Vec::new(),
                count: products.len(),
                products: products.iter().map(|p| (p.raw.clone(), p.holders)).collect(),
                lines: Vec::new(),
            })
            .collect();
        self.warnings.extend(warnings);
    }

    fn warn_about_users(&mut self, meta: &Meta) {
        let unclear: Vec<String> = self
            .users
            .iter()
            .filter(|user| user.license_state_unclear)
            .map(|user| user.user_principal_name.clone())
            .collect();
        if !unclear.is_empty() {
            self.warn_about(
                WarningCode::LicenseStateUnclear,
                format!(
                    "For {} user(s) the file hints at licences it does not list \
                     (assignment errors or a missing licence value); they are not treated as unlicensed.",
                    unclear.len()
                ),
                unclear,
            );
        }
        let replaced: Vec<String> = self
            .users
            .iter()
            .filter(|user| {
                has_replaced_letters(&user.user_principal_name)
                    || user.display_name.as_deref().is_some_and(has_replaced_letters)
            })
            .map(|user| user.user_principal_name.clone())
            .collect();
        if !replaced.is_empty() {
            self.warn_about(
                WarningCode::ReplacedCharacters,
                format!(
                    "{} user(s) have \"?\" where letters were: the file was saved as ASCII \
                     (Windows PowerShell 5.1 without -Encoding UTF8) and lost characters such as å, ä, ö. \
                     Names may be wrong; export again with UTF-8.",
                    replaced.len()
                ),
                replaced,
            );
        }
        if !meta.complete {
            self.warn(
                WarningCode::PartialFile,
                "This file lists only some users (for example only licensed ones, or one page of \
                 results). A user missing from it may still exist and hold licences."
                    .to_owned(),
            );
        }
    }
}

fn same_content(earlier: &ImportedUser, later: &ImportedUser) -> bool {
    let licenses = |user: &ImportedUser| {
        let mut licenses: Vec<ImportedLicense> = user.licenses.clone();
        licenses.sort_by_key(|license| license.product);
        licenses
    };
    earlier.object_id == later.object_id
        && earlier.user_principal_name == later.user_principal_name
        && earlier.display_name == later.display_name
        && earlier.account_enabled == later.account_enabled
        && earlier.usage_location == later.usage_location
        && earlier.license_state_unclear == later.license_state_unclear
        && licenses(earlier) == licenses(later)
}

/// A `?` next to a letter: what an ASCII encoder leaves of å, ä, ö, é...
fn has_replaced_letters(text: &str) -> bool {
    let characters: Vec<char> = text.chars().collect();
    characters.iter().enumerate().any(|(index, &character)| {
        character == '?'
            && (index
                .checked_sub(1)
                .and_then(|before| characters.get(before))
                .is_some_and(|c| c.is_alphabetic())
                || characters.get(index + 1).is_some_and(|c| c.is_alphabetic()))
    })
}

fn dedup(mut upns: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    upns.retain(|upn| seen.insert(upn.to_lowercase()));
    upns
}

/// Lines named in a warning; the rest are counted.
const SHOWN_LINES: usize = 10;

fn list_lines(lines: &[usize]) -> String {
    let mut listed: Vec<String> = lines.iter().take(SHOWN_LINES).map(usize::to_string).collect();
    if lines.len() > SHOWN_LINES {
        listed.push(format!("and {} more", lines.len() - SHOWN_LINES));
    }
    listed.join(", ")
}

/// A licence with nothing known beyond the product.
pub(crate) fn plain_license(raw: &str, product: usize) -> ImportedLicense {
    ImportedLicense {
        raw: raw.to_owned(),
        product,
        disabled_plans: None,
        via_groups: None,
        direct: None,
    }
}
