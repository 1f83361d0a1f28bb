//! Which documented response answers a status: an exact code beats a `4XX` range, which beats
//! `default` (OpenAPI 3.x, "Responses Object").

use crate::ir::{Response, Status};

impl Status {
    /// True when this documented status covers `code`.
    pub fn covers(self, code: u16) -> bool {
        match self {
            Status::Code(c) => c == code,
            Status::Range(digit) => digit == code / 100,
            Status::Default => true,
        }
    }

    /// How specific the status is: 0 for a code, 1 for a range, 2 for `default`.
    pub fn rank(self) -> u8 {
        match self {
            Status::Code(_) => 0,
            Status::Range(_) => 1,
            Status::Default => 2,
        }
    }

    /// A representative code: the code itself, `N00` for a range, 200 for `default`.
    pub fn representative(self) -> u16 {
        match self {
            Status::Code(c) => c,
            Status::Range(digit) => digit * 100,
            Status::Default => 200,
        }
    }

    /// As the OpenAPI document writes it: `404`, `4XX`, `default`.
    pub fn key(self) -> String {
        match self {
            Status::Code(c) => c.to_string(),
            Status::Range(digit) => format!("{digit}XX"),
            Status::Default => "default".into(),
        }
    }
}

/// The response among `responses` that documents `code`, by the precedence above.
pub fn response_for(responses: &[Response], code: u16) -> Option<&Response> {
    find_for(responses, code, |r| r.status)
}

/// [`response_for`] over anything that carries a status.
pub fn find_for<T>(items: &[T], code: u16, status: impl Fn(&T) -> Status) -> Option<&T> {
    items
        .iter()
        .filter(|item| status(item).covers(code))
        .min_by_key(|item| status(item).rank())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_beats_range_beats_default() {
        let statuses = [Status::Default, Status::Range(4), Status::Code(404)];
        let pick = |code| find_for(&statuses, code, |s| *s).copied();
        assert_eq!(pick(404), Some(Status::Code(404)));
        assert_eq!(pick(409), Some(Status::Range(4)));
        assert_eq!(pick(500), Some(Status::Default));
        assert_eq!(find_for(&statuses[1..], 500, |s| *s), None);
        assert_eq!(Status::Range(2).representative(), 200);
        assert_eq!(Status::Range(5).key(), "5XX");
    }
}
