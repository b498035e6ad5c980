//! Panel data: observations of one indicator over units and years.

/// One value of an indicator: unit (ISO3), year, value and an optional
/// source flag (e.g. NCSES `na` / `ne`, UN `e` for estimated). A flagged
/// observation may have no value (`NaN`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Observation {
    pub unit: String,
    pub year: i32,
    pub value: f64,
    pub flag: Option<String>,
    /// Set when the source suppressed the value, or some of the parts it
    /// is made of, as below a publication threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub censored: Option<Censoring>,
}

impl Observation {
    /// An observation with no flag and nothing censored.
    pub fn new(unit: impl Into<String>, year: i32, value: f64) -> Observation {
        Observation { unit: unit.into(), year, value, flag: None, censored: None }
    }

    /// True when the source published nothing for it but "below the
    /// threshold": the value is unknown (`NaN`) and below `censored.upper`
    /// (the threshold, or for a sum of parts the threshold times the parts).
    pub fn is_censored(&self) -> bool {
        self.censored.as_ref().is_some_and(|c| c.published == 0)
    }
}

/// What a source suppressed. A value made of `parts` parts (an annual
/// value of four quarters) of which `published` were published: with none
/// published the value is only known to be below `below`; with some, the
/// value stands with the suppressed parts counted at half the threshold,
/// and lies between `lower` and `upper`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Censoring {
    /// The source's threshold: suppressed parts are below it.
    pub below: f64,
    pub published: u32,
    pub parts: u32,
    /// Bounds of the true value (suppressed parts at 0 and at the threshold).
    pub lower: f64,
    pub upper: f64,
}

impl Censoring {
    /// "< 100", or "2 of 4 quarters published, the others < 100".
    pub fn describe(&self, part: &str) -> String {
        if self.published == 0 {
            format!("< {} (below the source's publication threshold)", fmt(self.upper))
        } else {
            format!(
                "{} of {} {part}s published, the others < {} (counted as {}): the true value is between {} and {}",
                self.published,
                self.parts,
                fmt(self.below),
                fmt(self.below / 2.0),
                fmt(self.lower),
                fmt(self.upper)
            )
        }
    }
}

fn fmt(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { format!("{x:.2}") }
}
