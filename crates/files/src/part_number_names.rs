//! Products' names by part number, whatever the case or the spaces around
//! it: what the admin's own names and a downloaded product table both are.

use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartNumberNames {
    /// By upper-cased, trimmed part number.
    names: HashMap<String, String>,
}

impl PartNumberNames {
    fn key(part_number: &str) -> String {
        part_number.trim().to_uppercase()
    }

    /// Names `part_number`, in place of any earlier name.
    pub fn insert(&mut self, part_number: &str, name: String) {
        self.names.insert(Self::key(part_number), name);
    }

    pub fn get(&self, part_number: &str) -> Option<&str> {
        self.names.get(&Self::key(part_number)).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}
