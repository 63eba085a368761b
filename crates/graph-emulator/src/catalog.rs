//! Real Microsoft 365 products, as Microsoft publishes them ("Product names
//! and service plan identifiers for licensing"): the ids the generator and
//! the demo tenant use, so every client sees genuine `skuId`s and part numbers.
//! Each product lists a few of its service plans, enough to disable some.

use uuid::{uuid, Uuid};

use crate::model::{PrepaidUnits, Product, ServicePlan};

pub struct CatalogProduct {
    pub part_number: &'static str,
    pub sku_id: Uuid,
    pub service_plans: &'static [(&'static str, Uuid)],
}

const EXCHANGE_S_STANDARD: (&str, Uuid) = (
    "EXCHANGE_S_STANDARD",
    uuid!("9aaf7827-d63c-4b61-89c3-182f06f82e5c"),
);
const EXCHANGE_S_ENTERPRISE: (&str, Uuid) = (
    "EXCHANGE_S_ENTERPRISE",
    uuid!("efb87545-963c-4e0d-99df-69c6916d9eb0"),
);
const EXCHANGE_S_FOUNDATION: (&str, Uuid) = (
    "EXCHANGE_S_FOUNDATION",
    uuid!("113feb6c-3fe4-4440-bddc-54d774bf0318"),
);
const MCOSTANDARD: (&str, Uuid) = ("MCOSTANDARD", uuid!("0feaeb32-d00e-4d66-bd5a-43b5b83db82c"));
const FORMS_PLAN_E1: (&str, Uuid) = ("FORMS_PLAN_E1", uuid!("159f4cd6-e380-449f-a816-af1a9ef76344"));
const SHAREPOINTWAC: (&str, Uuid) = ("SHAREPOINTWAC", uuid!("e95bec33-7c88-4a70-8e19-b10bd9d0c014"));
const RMS_S_ENTERPRISE: (&str, Uuid) = ("RMS_S_ENTERPRISE", uuid!("bea4c11e-220a-4e6d-8eb8-8ea15d019f90"));
const AAD_PREMIUM: (&str, Uuid) = ("AAD_PREMIUM", uuid!("41781fb2-bc02-4b7c-bd55-b576c07bb09d"));
const MFA_PREMIUM: (&str, Uuid) = ("MFA_PREMIUM", uuid!("8a256a2b-b617-496d-b51b-e76466e88db0"));

pub const BUSINESS_PREMIUM: CatalogProduct = CatalogProduct {
    part_number: "SPB",
    sku_id: uuid!("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"),
    service_plans: &[
        EXCHANGE_S_STANDARD,
        MCOSTANDARD,
        FORMS_PLAN_E1,
        SHAREPOINTWAC,
        RMS_S_ENTERPRISE,
        AAD_PREMIUM,
    ],
};
pub const BUSINESS_BASIC: CatalogProduct = CatalogProduct {
    part_number: "O365_BUSINESS_ESSENTIALS",
    sku_id: uuid!("3b555118-da6a-4418-894f-7df1e2096870"),
    service_plans: &[EXCHANGE_S_STANDARD, MCOSTANDARD, FORMS_PLAN_E1],
};
pub const BUSINESS_STANDARD: CatalogProduct = CatalogProduct {
    part_number: "O365_BUSINESS_PREMIUM",
    sku_id: uuid!("f245ecc8-75af-4f8e-b61f-27d8114de5f3"),
    service_plans: &[EXCHANGE_S_STANDARD, MCOSTANDARD, FORMS_PLAN_E1, SHAREPOINTWAC],
};
pub const M365_E3: CatalogProduct = CatalogProduct {
    part_number: "SPE_E3",
    sku_id: uuid!("05e9a617-0261-4cee-bb44-138d3ef5d965"),
    service_plans: &[
        EXCHANGE_S_ENTERPRISE,
        RMS_S_ENTERPRISE,
        SHAREPOINTWAC,
        AAD_PREMIUM,
        MFA_PREMIUM,
    ],
};
pub const EXCHANGE_PLAN_1: CatalogProduct = CatalogProduct {
    part_number: "EXCHANGESTANDARD",
    sku_id: uuid!("4b9405b0-7788-4568-add1-99614e613b69"),
    service_plans: &[
        EXCHANGE_S_STANDARD,
        ("INTUNE_O365", uuid!("882e1d05-acd1-4ccb-8708-6ee03664b117")),
    ],
};
pub const POWER_BI_PRO: CatalogProduct = CatalogProduct {
    part_number: "POWER_BI_PRO",
    sku_id: uuid!("f8a1db68-be16-40ed-86d5-cb42ce701560"),
    service_plans: &[
        EXCHANGE_S_FOUNDATION,
        ("BI_AZURE_P2", uuid!("70d33638-9c74-4d01-bfd3-562de28bd4ba")),
    ],
};
pub const VISIO_PLAN_2: CatalogProduct = CatalogProduct {
    part_number: "VISIOCLIENT",
    sku_id: uuid!("c5928f49-12ba-48f7-ada3-0d743a3601d5"),
    service_plans: &[
        EXCHANGE_S_FOUNDATION,
        (
            "VISIO_CLIENT_SUBSCRIPTION",
            uuid!("663a804f-1c30-4ff0-9915-9db84f0d1cea"),
        ),
        ("VISIOONLINE", uuid!("2bdbaf8f-738f-4ac7-9234-3c3ee2ce7d0f")),
    ],
};
pub const PROJECT_PLAN_3: CatalogProduct = CatalogProduct {
    part_number: "PROJECTPROFESSIONAL",
    sku_id: uuid!("53818b1b-4a27-454b-8896-0dba576410e6"),
    service_plans: &[
        EXCHANGE_S_FOUNDATION,
        (
            "PROJECT_CLIENT_SUBSCRIPTION",
            uuid!("fafd7243-e5c1-4a3a-9e40-495efcb1d3c3"),
        ),
        (
            "SHAREPOINT_PROJECT",
            uuid!("fe71d6c3-a2ea-4499-9778-da042bf08063"),
        ),
    ],
};
pub const ENTRA_ID_P1: CatalogProduct = CatalogProduct {
    part_number: "AAD_PREMIUM",
    sku_id: uuid!("078d2b04-f1bd-4111-bbd4-b4b1b354cef4"),
    service_plans: &[AAD_PREMIUM, MFA_PREMIUM, EXCHANGE_S_FOUNDATION],
};
pub const COPILOT: CatalogProduct = CatalogProduct {
    part_number: "Microsoft_365_Copilot",
    sku_id: uuid!("639dec6b-bb19-468b-871c-c5c441c4b0cb"),
    service_plans: &[
        ("M365_COPILOT_APPS", uuid!("a62f8878-de10-42f3-b68f-6149a25ceb97")),
        (
            "M365_COPILOT_TEAMS",
            uuid!("b95945de-b3bd-46db-8437-f2beb6ea2347"),
        ),
        (
            "M365_COPILOT_BUSINESS_CHAT",
            uuid!("3f30311c-6b1e-48a4-ab79-725b469da960"),
        ),
    ],
};

impl CatalogProduct {
    pub fn product(&self, prepaid_units: PrepaidUnits, capability_status: &str) -> Product {
        Product {
            sku_id: self.sku_id,
            sku_part_number: self.part_number.to_owned(),
            applies_to: "User".to_owned(),
            capability_status: capability_status.to_owned(),
            prepaid_units,
            service_plans: self
                .service_plans
                .iter()
                .map(|(name, id)| ServicePlan {
                    service_plan_id: *id,
                    service_plan_name: (*name).to_owned(),
                })
                .collect(),
        }
    }
}
