//! Properties: `read` never panics, whatever the bytes, and an admin center
//! export written from known users reads back as those users.

use license_desk_files::{read, Format, ADMIN_CENTER_HEADER};
use proptest::prelude::*;

const SAMPLES: &[&str] = &[
    "\u{feff}Display name,DirSyncEnabled,User principal name,Object Id,First name,Last name,When created,Soft deletion time stamp,Title,Department,Preferred data location,City,CountryOrRegion,Office,StateOrProvince,Usage location,Last dirsync time,Block credential,Licenses,Password never expires,Last password change time stamp,Mobile Phone,Phone number,Postal code,Preferred language,Street address,Fax,Proxy addresses\r\nAdmin,False,admin@contoso.com,15e91f38-3651-425f-810a-56e0fb00287a,Admin,,2022-03-18 19:49:35Z,,Tenant Admin,,,,,,,US,,True,Enterprise Mobility + Security E5+Office 365 E3,False,2022-03-18 19:49:35Z,,,,,,,\r\n",
    "\"DisplayName\",\"UserPrincipalName\",\"Licenses\"\n\"Ann\",\"ann@contoso.com\",\"contoso:SPB, contoso:FLOW_FREE\"\n",
    "\"Displayname\",\"UserPrincipalName\",\"Country\",\"LicensePlanWithEnabledService\",\"FriendlyNameOfLicensePlanAndEnabledService\"\n\"Ann\",\"ann@contoso.com\",\"-\",\"SPB[All services],FLOW_FREE[FLOW_P2_VIRAL]\",\"x\"\n",
    "\"accountEnabled\",\"userPrincipalName\",\"displayName\",\"assignedLicenses\",\"licenseAssignmentStates\"\r\n\"Yes\",\"a@contoso.com\",\"A\",\"Microsoft 365 Business Premium\",\"[{\"\"skuId\"\":\"\"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\"\",\"\"assignedByGroup\"\":null}]\"\r\n",
    "{\"@odata.nextLink\":\"x\",\"value\":[{\"id\":\"15e91f38-3651-425f-810a-56e0fb00287a\",\"userPrincipalName\":\"a@contoso.com\",\"assignedLicenses\":[{\"skuId\":\"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\",\"disabledPlans\":[]}],\"licenseAssignmentStates\":[{\"skuId\":\"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\",\"assignedByGroup\":null}]}]}",
    "sep=;\r\nBlock credential;City;Country/Region;Department;DirSyncEnabled;Display name;Fax;First name;Last dirsync time;Last name;Last password change time stamp;License assignment details;Licenses;Mobile Phone;Oath token meta data;Object Id;Office;Password never expires;Phone number;Postal code;Preferred data location;Preferred language;Proxy addresses;Release track;Soft deletion time stamp;State;Street address;Strong password required;Title;Usage location;User principal name;When created\r\nFALSKT;;;;False;A;;;;;;x;;;;;;;;;;;;;;;;;;SE;a@contoso.se;\r\n",
];

/// Product names a generated export may hold, chosen for their traps.
const PRODUCTS: &[&str] = &[
    "Microsoft 365 Business Premium",
    "Enterprise Mobility + Security E5",
    "Microsoft 365 F5 Security + Compliance Add-on",
    "Windows 365 Business 16 vCPU, 64 GB, 1 TB",
    "Microsoft 365 Business Basic",
    "Microsoft Fabric (Free)",
    "Office 365 E3",
    "Contoso Unknown Add-on",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop_oneof![
        Just(b'"'),
        Just(b','),
        Just(b';'),
        Just(b'+'),
        Just(b'\n'),
        Just(b'\r'),
        Just(b'['),
        Just(b'{'),
        Just(b':'),
        any::<u8>(),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip(at, byte)),
        (any::<usize>(), interesting).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<usize>().prop_map(Mutation::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes, "fuzz.csv");
    }

    #[test]
    fn mutated_valid_files_never_panic(
        sample in 0..SAMPLES.len(),
        mutations in proptest::collection::vec(mutation(), 1..12),
    ) {
        let mut bytes = SAMPLES[sample].as_bytes().to_vec();
        for mutation in mutations {
            let len = bytes.len().max(1);
            match mutation {
                Mutation::Flip(at, byte) => if let Some(slot) = bytes.get_mut(at % len) { *slot = byte },
                Mutation::Insert(at, byte) => bytes.insert(at % (bytes.len() + 1), byte),
                Mutation::Delete(at) => if !bytes.is_empty() { bytes.remove(at % len); },
            }
        }
        let _ = read(&bytes, "mutated.csv");
    }

    #[test]
    fn a_generated_admin_center_export_round_trips(
        users in proptest::collection::vec(
            ("[a-z]{1,8}", proptest::collection::btree_set(0..PRODUCTS.len(), 0..4), any::<bool>()),
            1..40,
        ),
    ) {
        let mut text = format!("\u{feff}{}\r\n", ADMIN_CENTER_HEADER.join(","));
        let mut expected = Vec::new();
        for (index, (name, products, blocked)) in users.iter().enumerate() {
            let upn = format!("{name}.{index}@contoso.com");
            let licenses: Vec<&str> = products.iter().map(|&p| PRODUCTS[p]).collect();
            let cell = if licenses.is_empty() { "Unlicensed".to_owned() } else { format!("\"{}\"", licenses.join("+")) };
            let mut fields = vec![String::new(); 28];
            fields[0] = name.clone();
            fields[1] = "False".to_owned();
            fields[2] = upn.clone();
            fields[17] = if *blocked { "True" } else { "False" }.to_owned();
            fields[18] = cell;
            text.push_str(&fields.join(","));
            text.push_str("\r\n");
            expected.push((upn, licenses, !blocked));
        }
        let imported = read(text.as_bytes(), "generated.csv").map_err(|e| TestCaseError::fail(e.message))?;
        prop_assert_eq!(imported.format, Format::AdminCenterUsers);
        prop_assert_eq!(imported.users.len(), expected.len());
        for (user, (upn, licenses, enabled)) in imported.users.iter().zip(&expected) {
            prop_assert_eq!(&user.user_principal_name, upn);
            prop_assert_eq!(user.account_enabled, Some(*enabled));
            let read_back: Vec<&str> = user.licenses.iter().map(|l| imported.products[l.product].raw.as_str()).collect();
            prop_assert_eq!(&read_back, licenses);
        }
        for product in &imported.products {
            let holders = expected.iter().filter(|(_, licenses, _)| licenses.contains(&product.raw.as_str())).count();
            prop_assert_eq!(product.holders as usize, holders);
        }
    }
}
