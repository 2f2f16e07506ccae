//! Parameter bounds: each bound is written once, as a [`Bound`] constant next to the parameters
//! it limits. Validation checks values with [`Bound::check`], the typed `ParamOutOfRange` error
//! carries the [`OutOfRange`] it returns, and the docs' parameter tables are rendered from the
//! same constants ([`Row`]).

use std::fmt::Display;

/// Seconds in a minute.
pub const MINUTE: u64 = 60;
/// Seconds in an hour.
pub const HOUR: u64 = 3_600;
/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// The range a parameter must lie in: `min ..= max`, or `min ..< max` when `max_exclusive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound<T> {
    /// The parameter's name as in messages.
    pub name: &'static str,
    /// Smallest allowed value.
    pub min: T,
    /// Largest allowed value, or the first refused one when `max_exclusive`.
    pub max: T,
    /// Whether `max` itself is refused.
    pub max_exclusive: bool,
    /// How the range text writes `max`, when not as its number (`2^128-1`).
    pub max_text: Option<&'static str>,
}

/// A value outside its [`Bound`]: what the contracts' `ParamOutOfRange` errors carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfRange {
    /// The parameter's name.
    pub name: &'static str,
    /// The refused value.
    pub value: String,
    /// The range, as [`Bound::range`] writes it.
    pub range: String,
}

impl<T: PartialOrd + Display> Bound<T> {
    /// `min ..= max`.
    pub const fn inclusive(name: &'static str, min: T, max: T) -> Self {
        Self {
            name,
            min,
            max,
            max_exclusive: false,
            max_text: None,
        }
    }

    /// `min ..< max`.
    pub const fn exclusive(name: &'static str, min: T, max: T) -> Self {
        Self {
            name,
            min,
            max,
            max_exclusive: true,
            max_text: None,
        }
    }

    /// The same bound with `max` written as `text` in the range text.
    pub const fn with_max_text(mut self, text: &'static str) -> Self {
        self.max_text = Some(text);
        self
    }

    /// Whether `value` lies in the range.
    pub fn contains(&self, value: &T) -> bool {
        *value >= self.min
            && if self.max_exclusive {
                *value < self.max
            } else {
                *value <= self.max
            }
    }

    /// The range as the errors and docs write it: `60 ..= 7776000`, `0.5 ..< 1`.
    pub fn range(&self) -> String {
        let op = if self.max_exclusive { "..<" } else { "..=" };
        match self.max_text {
            Some(max) => format!("{} {op} {max}", self.min),
            None => format!("{} {op} {}", self.min, self.max),
        }
    }

    /// `Ok` when `value` lies in the range, else what was refused.
    pub fn check(&self, value: T) -> Result<T, OutOfRange> {
        if self.contains(&value) {
            Ok(value)
        } else {
            Err(OutOfRange {
                name: self.name,
                value: value.to_string(),
                range: self.range(),
            })
        }
    }

    /// The docs' row of this bound, with the parameter's default.
    pub fn row(&self, default: impl Display) -> Row {
        Row {
            name: self.name,
            default: default.to_string(),
            range: self.range(),
        }
    }
}

/// One line of a parameter table in the docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Parameter name.
    pub name: &'static str,
    /// Its default.
    pub default: String,
    /// Its range.
    pub range: String,
}

/// A parameter table as Markdown (`| parameter | default | range |`).
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::from("| parameter | default | range |\n| --- | --- | --- |\n");
    for row in rows {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            row.name, row.default, row.range
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::Decimal;

    #[test]
    fn inclusive_and_exclusive_ends() {
        let b = Bound::inclusive("x", 1u64, 10);
        assert!(b.contains(&1) && b.contains(&10));
        assert!(!b.contains(&0) && !b.contains(&11));
        assert_eq!(b.range(), "1 ..= 10");
        let e = Bound::exclusive("t", Decimal::percent(50), Decimal::one());
        assert!(e.contains(&Decimal::percent(50)));
        assert!(!e.contains(&Decimal::one()));
        assert_eq!(e.range(), "0.5 ..< 1");
        assert_eq!(
            e.check(Decimal::one()),
            Err(OutOfRange {
                name: "t",
                value: "1".into(),
                range: "0.5 ..< 1".into()
            })
        );
        assert_eq!(b.check(5), Ok(5));
    }
}
