//! Any bytes: `journal::parse` reads a record or refuses the first line,
//! never panics, and what it reads holds together: every item read is
//! settled, unknown, remaining or unreadable (exactly one), damage leaves nothing
//! "certainly never sent", and only a settled run is finished.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_engine::journal::parse;

fuzz_target!(|bytes: &[u8]| {
    let Ok(record) = parse(bytes) else { return };
    let items = record.items.len();
    let unknown = record.unknown();
    let remaining = record.remaining();
    for item in 0..items {
        let places = usize::from(record.outcomes.contains_key(&item))
            + usize::from(unknown.contains(&item))
            + usize::from(remaining.contains(&item))
            + usize::from(record.unreadable.contains(&item));
        assert_eq!(
            places, 1,
            "item {item} is settled, unknown, remaining or unreadable, once"
        );
    }
    assert!(unknown.iter().chain(&remaining).all(|&i| i < items));
    assert!(
        record.outcomes.keys().all(|&i| i < items),
        "an outcome for an item never read"
    );
    assert!(record.sent.iter().all(|&i| i < items), "a sent item never read");
    assert!(
        record.unreadable.iter().all(|&i| i < items),
        "an unreadable item never read"
    );
    assert!(
        record.done_items().count() <= record.outcomes.len(),
        "undo puts back only what was done"
    );
    if !record.damage.is_empty() {
        assert!(remaining.is_empty(), "after damage nothing is certainly unsent");
    }
    if let Some(planned) = record.planned {
        assert!(items <= planned, "more items than the first line counted");
    }
    if record.finished() || record.cancelled() {
        assert!(record.settled());
        assert!(unknown.is_empty() && remaining.is_empty());
    }
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    assert!(
        record.damage.windows(2).all(|w| w[0].line < w[1].line),
        "damage in line order, each line once"
    );
    assert!(
        record.damage.iter().all(|d| (2..=lines).contains(&d.line)),
        "damage names a whole line after the first"
    );
});
