//! The admin's flows in the real window against a local tenant, each
//! checked afterwards in the tenant itself (read behind the app's back):
//! chosen holders of a product, several users at once (in Swedish), an
//! account without a licensing role, a self-service product and a license
//! held through a group. Undo and resume after a kill are in `demo` and
//! `sign_in`.

use std::collections::BTreeMap;

use fantoccini::key::Key;
use graph_emulator::directory::Directory;
use license_desk_e2e::{run_with_env, App, BoxError, LocalTenant, Locator};
use uuid::Uuid;

const PREMIUM: &str = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";

async fn sign_in(app: &App) -> Result<(), BoxError> {
    app.click("button[data-action='sign-in-with-code']").await?;
    app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
    Ok(())
}

/// Every user's licenses as (product, through group) pairs, by user id.
fn holdings(tenant: &Directory) -> BTreeMap<Uuid, Vec<(Uuid, Option<Uuid>)>> {
    tenant
        .users()
        .iter()
        .map(|u| {
            let mut held: Vec<_> = tenant
                .license_states(u)
                .into_iter()
                .map(|s| (s.sku_id, s.assigned_by_group))
                .collect();
            held.sort();
            (u.id, held)
        })
        .collect()
}

/// Holders of `sku` in the order the app lists them: by name, any case.
fn holders_by_name(tenant: &Directory, sku: Uuid) -> Vec<Uuid> {
    let mut holders: Vec<_> = tenant
        .users()
        .iter()
        .filter(|u| tenant.license_states(u).iter().any(|s| s.sku_id == sku))
        .collect();
    holders.sort_by_cached_key(|u| u.display_name.to_lowercase());
    holders.iter().map(|u| u.id).collect()
}

fn holds_directly(tenant: &Directory, user: Uuid, sku: Uuid) -> bool {
    tenant.find_user(&user.to_string()).is_some_and(|u| {
        tenant
            .license_states(u)
            .iter()
            .any(|s| s.sku_id == sku && s.assigned_by_group.is_none())
    })
}

#[tokio::test]
async fn chosen_holders_of_a_product_lose_it_and_the_history_undoes_it() {
    let tenant = LocalTenant::start("licenses@northwindtraders.example");
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("chosen_holders_of_a_product", &env, |app| async move {
        let result = async {
            let premium: Uuid = PREMIUM.parse()?;
            let before = control.state().await?;
            let chosen: Vec<Uuid> = holders_by_name(&before, premium).into_iter().take(3).collect();
            let direct = chosen
                .iter()
                .filter(|u| holds_directly(&before, **u, premium))
                .count();
            assert!(direct > 0, "the first holders include a direct one");

            sign_in(&app).await?;
            app.click("nav button[data-view='licenses']").await?;
            app.click("tr[data-part-number='SPB'] button[data-action='show-holders']")
                .await?;
            let boxes = "[data-testid='holders'] .user-row input[type='checkbox']";
            app.wait_for(Locator::Css(boxes)).await;
            let rows = app.client.find_all(Locator::Css(boxes)).await?;
            rows[0].click().await?;
            // A range with the keyboard: Shift+Space on the third.
            rows[2].send_keys(&format!("{}{}", Key::Shift, ' ')).await?;
            app.wait_for_text(
                "[data-testid='holders'] [data-testid='selected-count']",
                "3 selected",
            )
            .await?;
            app.click("button[data-action='unassign-chosen']").await?;
            app.wait_for_text_containing(
                "[data-testid='plan-counts']",
                &format!("Will be removed: {direct}"),
            )
            .await?;
            app.click("button[data-action='confirm-removal']").await?;
            app.wait_for_text_containing(
                "[data-testid='run-result']",
                &format!("Done: {direct} removed, 0 failed"),
            )
            .await?;
            app.click("button[data-action='close-removal']").await?;

            let after = control.state().await?;
            let (was, now) = (holdings(&before), holdings(&after));
            for (user, held) in &was {
                let expected: Vec<_> = if chosen.contains(user) {
                    held.iter()
                        .copied()
                        .filter(|(sku, group)| !(*sku == premium && group.is_none()))
                        .collect()
                } else {
                    held.clone()
                };
                assert_eq!(now[user], expected, "user {user}");
            }

            // The run history lists it; undo from there puts it all back.
            app.click("nav button[data-view='history']").await?;
            let outcome = app
                .wait_for_text_containing(
                    "[data-testid='run-history'] [data-testid='run-outcome']",
                    "Finished",
                )
                .await?;
            assert!(outcome.contains(&format!("{direct} done, 0 failed")), "{outcome}");
            app.click("[data-testid='run-history'] button[data-action='undo-run']")
                .await?;
            app.click("button[data-action='confirm-undo']").await?;
            app.wait_for_text(
                "[data-testid='run-result']",
                &format!("Put back: {direct}, failed: 0."),
            )
            .await?;
            assert_eq!(holdings(&control.state().await?), was, "undo restores the tenant");
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}

#[tokio::test]
async fn several_disabled_users_lose_every_license_in_swedish() {
    let tenant = LocalTenant::start("admin@northwindtraders.example");
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("several_users_in_swedish", &env, |app| async move {
        let result = async {
            let before = control.state().await?;
            let disabled: Vec<Uuid> = before
                .users()
                .iter()
                .filter(|u| !u.account_enabled && !before.license_states(u).is_empty())
                .map(|u| u.id)
                .collect();
            let direct: usize = disabled
                .iter()
                .filter_map(|id| before.find_user(&id.to_string()))
                .map(|u| u.assigned_licenses.len())
                .sum();
            assert!(disabled.len() > 1 && direct > 0);

            sign_in(&app).await?;
            app.click("nav button[data-view='settings']").await?;
            app.click("#language option[value='sv']").await?;
            app.click("nav button[data-view='users']").await?;
            app.click("[data-testid='user-filter'] option[value='disabled_licensed']")
                .await?;
            app.wait_for_text(
                "[data-testid='user-count']",
                &format!("{} användare", disabled.len()),
            )
            .await?;
            app.click("input[data-action='select-all']").await?;
            app.wait_for_text(
                ".list-tools [data-testid='selected-count']",
                &format!("{} markerade", disabled.len()),
            )
            .await?;
            let manage = app
                .wait_for(Locator::Css("button[data-action='manage-licenses']"))
                .await;
            assert_eq!(manage.text().await?, "Hantera produktlicenser");
            manage.click().await?;
            // "Unassign all" is the first choice.
            app.click("button[data-action='save-many']").await?;
            app.wait_for_text_containing("[data-testid='plan-counts']", &format!("Tas bort: {direct}"))
                .await?;
            app.click("button[data-action='confirm-removal']").await?;
            app.wait_for_text_containing(
                "[data-testid='run-result']",
                &format!("Klart. Borttagna: {direct},"),
            )
            .await?;

            let after = control.state().await?;
            for id in &disabled {
                let user = after
                    .find_user(&id.to_string())
                    .ok_or("the user is still there")?;
                assert!(
                    user.assigned_licenses.is_empty(),
                    "{} holds nothing directly",
                    user.user_principal_name
                );
            }
            let (was, now) = (holdings(&before), holdings(&after));
            for (user, held) in &was {
                if disabled.contains(user) {
                    let through_groups: Vec<_> = held.iter().copied().filter(|(_, g)| g.is_some()).collect();
                    assert_eq!(now[user], through_groups, "group licenses stay with their groups");
                } else {
                    assert_eq!(&now[user], held, "nobody else changes");
                }
            }
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}

#[tokio::test]
async fn an_account_without_a_licensing_role_can_look_but_not_change() {
    let tenant = LocalTenant::start("reader@northwindtraders.example");
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("without_a_licensing_role", &env, |app| async move {
        let result = async {
            sign_in(&app).await?;
            let notice = app
                .wait_for(Locator::Css("[data-testid='admin']"))
                .await
                .text()
                .await?;
            assert!(
                notice.contains(
                    "This account cannot change licenses. A Global, License or User Administrator can."
                ),
                "{notice}"
            );
            app.click(".user-row input[type='checkbox']").await?;
            let manage = app
                .wait_for(Locator::Css("button[data-action='manage-licenses']"))
                .await;
            assert!(!manage.is_enabled().await?, "Manage product licenses is disabled");

            app.click("nav button[data-view='licenses']").await?;
            app.wait_for(Locator::Css("table.products")).await;
            let remove_all = app.plan_removal_from_all_holders("SPB").await?;
            assert!(
                !remove_all.is_enabled().await?,
                "removing from the holders is disabled"
            );
            app.click("[data-testid='holders'] .user-row input[type='checkbox']")
                .await?;
            let unassign = app
                .wait_for(Locator::Css("button[data-action='unassign-chosen']"))
                .await;
            assert!(!unassign.is_enabled().await?);
            assert_eq!(
                control.license_writes().await?,
                0,
                "nothing was sent to the tenant"
            );
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}

#[tokio::test]
async fn a_self_service_product_is_locked_with_its_reason() {
    let tenant = LocalTenant::start("licenses@northwindtraders.example");
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("a_self_service_product", &env, |app| async move {
        let result = async {
            sign_in(&app).await?;
            app.click("nav button[data-view='licenses']").await?;
            let row = "tr[data-part-number='VISIOCLIENT']";
            let reason = app
                .wait_for(Locator::Css(&format!("{row} [data-testid='self-service']")))
                .await
                .text()
                .await?;
            assert!(reason.contains("Bought by a user (self-service)"), "{reason}");
            let remove = app
                .plan_removal_from_all_holders(
                    row.trim_start_matches("tr[data-part-number='")
                        .trim_end_matches("']"),
                )
                .await?;
            assert!(!remove.is_enabled().await?);
            let warning = app
                .wait_for(Locator::Css("[data-testid='holders'] .warning"))
                .await
                .text()
                .await?;
            assert!(warning.contains("Take the subscription over"), "{warning}");
            app.click("[data-testid='holders'] input[data-action='select-all']")
                .await?;
            let unassign = app
                .wait_for(Locator::Css("button[data-action='unassign-chosen']"))
                .await;
            assert!(!unassign.is_enabled().await?);
            assert_eq!(control.license_writes().await?, 0);
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}

#[tokio::test]
async fn a_license_held_through_a_group_stays_with_the_group() {
    let tenant = LocalTenant::start("licenses@northwindtraders.example");
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("a_license_held_through_a_group", &env, |app| async move {
        let result = async {
            let before = control.state().await?;
            // Someone holding a product only through a group, and that product.
            let (member, sku, group) = before
                .users()
                .iter()
                .find_map(|u| {
                    let states = before.license_states(u);
                    states.iter().find_map(|s| {
                        let group = s.assigned_by_group?;
                        let direct = states
                            .iter()
                            .any(|d| d.sku_id == s.sku_id && d.assigned_by_group.is_none());
                        (!direct && !before.is_self_service_sku(s.sku_id)).then_some((u, s.sku_id, group))
                    })
                })
                .ok_or("the demo tenant has a group-only holder")?;
            let group_name = before
                .find_group(group)
                .ok_or("the group exists")?
                .display_name
                .clone();
            let part_number = before
                .tenant()
                .products
                .iter()
                .find(|p| p.sku_id == sku)
                .ok_or("the product exists")?
                .sku_part_number
                .clone();

            sign_in(&app).await?;
            app.wait_for(Locator::Css("[data-testid='user-search']"))
                .await
                .send_keys(&member.user_principal_name)
                .await?;
            let row = format!(".user-row[data-upn='{}']", member.user_principal_name);
            app.click(&format!("{row} button.user-open")).await?;
            let panel = app
                .wait_for(Locator::Css("[data-testid='licenses-and-apps']"))
                .await;
            let locked = panel
                .find(Locator::Css(&format!("input[data-sku='{sku}']")))
                .await?;
            assert!(
                !locked.is_enabled().await?,
                "a group's license cannot be unticked here"
            );
            let text = panel.text().await?;
            assert!(
                text.contains(&format!("through {group_name}: change it at the group")),
                "{text}"
            );

            // Removing the product from every holder leaves this one to the group.
            app.click("nav button[data-view='licenses']").await?;
            app.plan_removal_from_all_holders(&part_number)
                .await?
                .click()
                .await?;
            app.wait_for(Locator::Css("[data-testid='plan-counts']")).await;
            app.wait_for_text_containing(
                "[data-testid='plan-people'] [data-verdict='inherited_only']",
                &format!("held only through {group_name}: remove it at the group"),
            )
            .await?;
            app.click("button[data-action='confirm-removal']").await?;
            app.wait_for(Locator::Css("[data-testid='run-result']")).await;

            let after = control.state().await?;
            assert!(
                after
                    .license_states(after.find_user(&member.id.to_string()).ok_or("still there")?)
                    .iter()
                    .any(|s| s.sku_id == sku && s.assigned_by_group == Some(group)),
                "the group still gives it"
            );
            assert!(
                after
                    .users()
                    .iter()
                    .all(|u| !u.assigned_licenses.iter().any(|l| l.sku_id == sku)),
                "nobody holds it directly any more"
            );
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}
