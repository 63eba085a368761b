//! Any bytes read as Microsoft 365's "active users" usage report: a report
//! or a refusal with a message, never a panic; a report's rows keep the
//! period asked for and concealed names are never taken for user names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_tenant::activity::{is_concealed_name, UsageReport};

fuzz_target!(|bytes: &[u8]| {
    match UsageReport::from_csv(bytes, 30) {
        Ok(report) => {
            assert_eq!(report.period_days, 30);
            if report.concealed {
                assert!(report.rows.iter().all(|row| is_concealed_name(&row.user_principal_name)));
            }
        }
        Err(error) => assert!(!error.message.trim().is_empty(), "a refusal with no message"),
    }
});
