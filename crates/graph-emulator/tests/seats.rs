//! Any sequence of assignments and removals keeps every product's seat count
//! equal to its holders, and a refused call changes nothing.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use graph_emulator::directory::Directory;
use graph_emulator::generate;
use graph_emulator::model::AssignedLicense;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Change {
    Add {
        user: usize,
        product: usize,
        disable_first_plan: bool,
    },
    Remove {
        user: usize,
        product: usize,
    },
    Swap {
        user: usize,
        from: usize,
        to: usize,
    },
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0..40usize, 0..10usize, any::<bool>()).prop_map(|(user, product, disable_first_plan)| Change::Add {
            user,
            product,
            disable_first_plan
        }),
        (0..40usize, 0..10usize).prop_map(|(user, product)| Change::Remove { user, product }),
        (0..40usize, 0..10usize, 0..10usize).prop_map(|(user, from, to)| Change::Swap { user, from, to }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn seat_counts_always_match_holders(changes in proptest::collection::vec(change(), 1..60)) {
        let tenant = generate::tenant("Seats", 40, 11);
        let products: Vec<_> = tenant.products.iter().map(|p| (p.sku_id, p.service_plans[0].service_plan_id)).collect();
        let upns: Vec<String> = tenant.users.iter().map(|u| u.user_principal_name.clone()).collect();
        let mut directory = Directory::new(tenant);
        for change in changes {
            let before = directory.tenant().clone();
            let held_before = directory.count_holders();
            let result = match change {
                Change::Add { user, product, disable_first_plan } => {
                    let (sku_id, plan) = products[product];
                    let disabled_plans = if disable_first_plan { vec![plan] } else { Vec::new() };
                    directory.assign_license(&upns[user], &[AssignedLicense { sku_id, disabled_plans }], &[]).map(|_| ())
                }
                Change::Remove { user, product } => {
                    directory.assign_license(&upns[user], &[], &[products[product].0]).map(|_| ())
                }
                Change::Swap { user, from, to } => directory
                    .assign_license(
                        &upns[user],
                        &[AssignedLicense { sku_id: products[to].0, disabled_plans: Vec::new() }],
                        &[products[from].0],
                    )
                    .map(|_| ()),
            };
            if result.is_err() {
                prop_assert_eq!(directory.tenant(), &before, "a refused call changes nothing");
            }
            let holders = directory.count_holders();
            for (sku_id, _) in &products {
                prop_assert_eq!(directory.consumed_units(*sku_id), holders.get(sku_id).copied().unwrap_or(0));
            }
            for product in &directory.tenant().products {
                let seats = product.prepaid_units.enabled + product.prepaid_units.warning;
                let now = directory.consumed_units(product.sku_id);
                let grew = now > held_before.get(&product.sku_id).copied().unwrap_or(0);
                prop_assert!(!grew || now <= seats, "no seat beyond what was bought");
            }
        }
    }
}
