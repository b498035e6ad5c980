//! Units (countries) and their non-indicator columns.

/// A text column of unit metadata used for grouping (e.g. `EurAsia_group`).
/// `None` is a missing entry.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupColumn {
    pub name: String,
    pub values: Vec<Option<String>>,
}

/// A numeric column of unit metadata (a denominator such as `GDP`).
/// Missing entries are `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericColumn {
    pub name: String,
    pub values: Vec<f64>,
}

/// The units of an index and their metadata, in input order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitTable {
    pub codes: Vec<String>,
    pub names: Vec<Option<String>>,
    pub groups: Vec<GroupColumn>,
    pub denominators: Vec<NumericColumn>,
}

impl UnitTable {
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| c == code)
    }

    pub fn group(&self, name: &str) -> Option<&GroupColumn> {
        self.groups.iter().find(|g| g.name == name)
    }

    pub fn denominator(&self, name: &str) -> Option<&NumericColumn> {
        self.denominators.iter().find(|g| g.name == name)
    }
}
