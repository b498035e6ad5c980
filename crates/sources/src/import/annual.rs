//! The `annual` rules: how a year's value is made from its quarters
//! (GitHub Innovation Graph files are quarterly).

use serde::{Deserialize, Serialize};

/// Quarterly to annual: the catalogue's `annual` (default `q4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Annual {
    /// The fourth quarter's value (none if it is missing).
    #[default]
    Q4,
    /// The mean of the quarters present.
    Mean,
    /// The sum of the quarters present.
    Sum,
}

impl Annual {
    /// Every rule, in the order the messages list them.
    pub const ALL: [Annual; 3] = [Annual::Q4, Annual::Mean, Annual::Sum];

    /// The rule's name in the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            Annual::Q4 => "q4",
            Annual::Mean => "mean",
            Annual::Sum => "sum",
        }
    }

    /// The rule a catalogue name means, read as the catalogue is read.
    pub fn from_name(name: &str) -> Option<Annual> {
        super::entry::by_serde_name(name)
    }

    /// One year's value from its quarters: `q4` (the fourth quarter, none if
    /// it is missing), `mean` of the quarters present, or their `sum`.
    pub fn annualise(self, quarters: impl Iterator<Item = (i32, f64)>) -> Option<f64> {
        let qs: Vec<(i32, f64)> = quarters.collect();
        match self {
            Annual::Q4 => qs.iter().find(|q| q.0 == 4).map(|q| q.1),
            Annual::Mean => (!qs.is_empty()).then(|| qs.iter().map(|q| q.1).sum::<f64>() / qs.len() as f64),
            Annual::Sum => Some(qs.iter().map(|q| q.1).sum::<f64>()),
        }
    }
}

impl std::fmt::Display for Annual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_catalogue_words_and_the_rules_add_up_quarters() {
        for a in Annual::ALL {
            assert_eq!(Annual::from_name(a.as_str()), Some(a), "{a}");
        }
        assert_eq!(Annual::from_name("Q4"), None);
        let qs = || [(1, 1.0), (2, 2.0), (4, 6.0)].into_iter();
        assert_eq!(Annual::Q4.annualise(qs()), Some(6.0));
        assert_eq!(Annual::Mean.annualise(qs()), Some(3.0));
        assert_eq!(Annual::Sum.annualise(qs()), Some(9.0));
        assert_eq!(Annual::Q4.annualise(qs().take(2)), None);
        assert_eq!(Annual::Mean.annualise(std::iter::empty()), None);
    }
}
