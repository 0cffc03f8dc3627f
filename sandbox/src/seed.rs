//! Deterministic demo data: the same "realistic" tolerances, groups and payment methods on
//! every machine, so screenshots, tests and bug reports agree. A small xorshift generator with
//! a fixed seed is enough; nothing here needs to be unpredictable.

use crate::tenant::{SeedGroup, SeedPaymentMethod, SeedTolerance};

/// How many tolerances the demo tenant's `DEMO_LIVE` starts with.
pub const DEMO_TOLERANCES: u32 = 300;

const PAYMENT_METHODS: &[(&str, &str)] = &[
    ("ACH", "Automated Clearing House debit"),
    ("CHECK", "Paper check"),
    ("CARD", "Credit or debit card"),
    ("EFT", "Electronic funds transfer"),
    ("WIRE", "Wire transfer"),
    ("LOCKBOX", "Bank lockbox"),
    ("PAYROLL", "Payroll deduction"),
    ("COUPON", "Coupon book"),
];

const GROUP_NAMES: &[&str] = &[
    "Acme Manufacturing",
    "Blue Ridge Schools",
    "Cedar Valley Health",
    "Delta Freight Lines",
    "Evergreen Credit Union",
    "Fairview County",
    "Granite Construction Co",
    "Harbor Point Hotels",
    "Ironwood Logistics",
    "Juniper Software",
    "Keystone Dental Group",
    "Lakeside Foods",
    "Maple Grove Clinic",
    "Northstar Energy",
    "Oakridge University",
    "Pinecrest Retail",
    "Quarry Hill Mining",
    "Riverbend Farms",
    "Summit Legal Partners",
    "Tidewater Marine",
    "Union Street Bakery",
    "Valley Transit",
    "Westfield Printing",
    "Yellowstone Outfitters",
];

const USERS: &[&str] = &["JSMITH", "MLOPEZ", "AKUMAR", "TNGUYEN", "RBROWN", "LCHEN"];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub fn demo_groups() -> Vec<SeedGroup> {
    GROUP_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| SeedGroup {
            id: group_id(i),
            name: Some((*name).to_string()),
        })
        .collect()
}

fn group_id(index: usize) -> String {
    format!("GRP{:03}", index + 1)
}

pub fn demo_payment_methods() -> Vec<SeedPaymentMethod> {
    PAYMENT_METHODS
        .iter()
        .map(|(code, description)| SeedPaymentMethod {
            code: (*code).to_string(),
            description: Some((*description).to_string()),
        })
        .collect()
}

/// `count` tolerances keyed 1..=count: amounts from 0.50 to 25.00 in quarter steps, most with
/// a group and a payment method, entered between 2023 and 2025 by a handful of users.
pub fn demo_tolerances(count: u32) -> Vec<SeedTolerance> {
    let mut rng = XorShift(0x5EED_7013_A4CE_0001);
    // 2023-01-02T08:00:00Z, then up to three years of seconds.
    let start: i64 = 1_672_646_400;
    (1..=count)
        .map(|key| {
            let quarters = 2 + rng.below(99) as i32; // 0.50 ..= 25.00
            let group = (rng.below(10) < 8).then(|| group_id(rng.below(24) as usize));
            let method = (rng.below(10) < 9)
                .then(|| PAYMENT_METHODS[rng.below(PAYMENT_METHODS.len() as u64) as usize].0);
            let entered = start + rng.below(3 * 365 * 86_400) as i64;
            let updated = entered + rng.below(180 * 86_400) as i64;
            let entry_user = USERS[rng.below(USERS.len() as u64) as usize];
            let update_user = USERS[rng.below(USERS.len() as u64) as usize];
            SeedTolerance {
                key: key as i32,
                tolerance1: f64::from(quarters) * 0.25,
                group_id: group,
                payment_method: method.map(str::to_string),
                entry_date: Some(crate::datetime::format_unix(entered)),
                entry_user: Some(entry_user.to_string()),
                update_date: Some(crate::datetime::format_unix(updated)),
                update_user: Some(update_user.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_deterministic_and_in_range() {
        let first = demo_tolerances(DEMO_TOLERANCES);
        let second = demo_tolerances(DEMO_TOLERANCES);
        assert_eq!(first.len(), 300);
        for (a, b) in first.iter().zip(&second) {
            assert_eq!((a.key, a.tolerance1), (b.key, b.tolerance1));
            assert_eq!(a.group_id, b.group_id);
            assert!((0.5..=25.0).contains(&a.tolerance1), "{}", a.tolerance1);
            assert!(a.entry_date <= a.update_date);
        }
        let methods: std::collections::HashSet<_> = first
            .iter()
            .filter_map(|t| t.payment_method.clone())
            .collect();
        for method in ["ACH", "CHECK", "CARD", "EFT"] {
            assert!(methods.contains(method), "{method}");
        }
        assert!(first.iter().any(|t| t.group_id.is_none()));
    }
}
