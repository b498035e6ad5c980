//! Why a build failed: the step, the year, what is at fault (an indicator
//! or aggregate, a unit, one unit's value) and what went wrong, as typed
//! fields, so callers can group failures without parsing the message.
//!
//! The text shown is the step, then the year, then the names the subject
//! puts first, then the message:
//! `aggregate: 2018: unit AUT: Ship of Physical is 0, but …`.

use std::fmt;

/// What a build error is about, and how its text names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The step's settings or its inputs as a whole; the message says which.
    Step,
    /// An indicator or aggregate, named inside the message
    /// (`indicator x has no observed values, …`).
    Code(String),
    /// One indicator, named first: `indicator {code}: {message}`.
    Indicator(String),
    /// One unit, named first, at the indicator or aggregate `code` (which
    /// the message names): `unit {unit}: {message}`.
    Unit { unit: String, code: String },
    /// One unit's value of an indicator, both named first:
    /// `indicator {code}, unit {unit}: {message}`.
    Value { code: String, unit: String },
}

/// A step could not be carried out on these inputs. `step` names the step
/// (`impute`, `normalise`…); `subject` the indicator, aggregate or unit at
/// fault, if any; the message says what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildError {
    pub step: &'static str,
    /// The year it failed in, when several are built together
    /// ([`crate::pipeline::build_years`]).
    pub year: Option<i32>,
    pub subject: Subject,
    /// What went wrong, after the names the subject puts first.
    pub message: String,
}

impl BuildError {
    /// An error about the step's settings or inputs as a whole.
    pub fn new(step: &'static str, message: impl Into<String>) -> Self {
        Self::about(step, Subject::Step, message)
    }

    /// An error about `subject`.
    pub fn about(step: &'static str, subject: Subject, message: impl Into<String>) -> Self {
        BuildError { step, year: None, subject, message: message.into() }
    }

    /// The same error, in the build of `year`.
    pub fn in_year(self, year: i32) -> Self {
        BuildError { year: Some(year), ..self }
    }

    /// The indicator or aggregate at fault, if one is.
    pub fn code(&self) -> Option<&str> {
        match &self.subject {
            Subject::Step => None,
            Subject::Code(code) | Subject::Indicator(code) => Some(code),
            Subject::Unit { code, .. } | Subject::Value { code, .. } => Some(code),
        }
    }

    /// The unit at fault, if one is.
    pub fn unit(&self) -> Option<&str> {
        match &self.subject {
            Subject::Unit { unit, .. } | Subject::Value { unit, .. } => Some(unit),
            Subject::Step | Subject::Code(_) | Subject::Indicator(_) => None,
        }
    }
}

impl BuildError {
    /// The error without its year and unit, so that the same failure groups
    /// across units and years (`aggregate: indicator Ship: …`).
    pub fn cause(&self) -> String {
        struct Cause<'a>(&'a BuildError);
        impl fmt::Display for Cause<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, false)
            }
        }
        Cause(self).to_string()
    }

    /// The text: step, then (`whole`) the year, then the subject, then the message.
    fn write(&self, f: &mut fmt::Formatter<'_>, whole: bool) -> fmt::Result {
        write!(f, "{}: ", self.step)?;
        if let Some(year) = self.year.filter(|_| whole) {
            write!(f, "{year}: ")?;
        }
        match &self.subject {
            Subject::Step | Subject::Code(_) => {}
            Subject::Indicator(code) => write!(f, "indicator {code}: ")?,
            Subject::Unit { unit, .. } if whole => write!(f, "unit {unit}: ")?,
            Subject::Unit { .. } => {}
            Subject::Value { code, unit } if whole => write!(f, "indicator {code}, unit {unit}: ")?,
            Subject::Value { code, .. } => write!(f, "indicator {code}: ")?,
        }
        f.write_str(&self.message)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, true)
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names_year_then_subject() {
        let e = |s: Subject| BuildError::about("normalise", s, "m");
        assert_eq!(BuildError::new("screen", "m").to_string(), "screen: m");
        assert_eq!(e(Subject::Code("x".into())).to_string(), "normalise: m");
        assert_eq!(e(Subject::Indicator("x".into())).to_string(), "normalise: indicator x: m");
        assert_eq!(e(Subject::Unit { unit: "AUT".into(), code: "P".into() }).to_string(), "normalise: unit AUT: m");
        let v = e(Subject::Value { code: "x".into(), unit: "AUT".into() }).in_year(2018);
        assert_eq!(v.to_string(), "normalise: 2018: indicator x, unit AUT: m");
        assert_eq!((v.code(), v.unit(), v.year), (Some("x"), Some("AUT"), Some(2018)));
    }
}
