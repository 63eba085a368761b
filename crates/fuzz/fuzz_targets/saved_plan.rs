//! Any bytes read as a saved plan: a plan or a refusal with a message,
//! never a panic; a plan read back is written back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_engine::saved_plan::SavedPlan;

fuzz_target!(|bytes: &[u8]| {
    match SavedPlan::parse(bytes, "fuzz.json") {
        Ok(plan) => {
            let again = SavedPlan::parse(plan.to_text().as_bytes(), "again.json").expect("a plan it wrote reads back");
            assert_eq!(again, plan);
        }
        Err(error) => assert!(!error.message.trim().is_empty(), "a refusal with no message"),
    }
});
