//! The series of the statistics actions: a point per `Granularity` seconds from `StartTime` to
//! `EndTime`, each 0, because no traffic flows through the emulator. Times are read as the API
//! writes them, `YYYY-MM-DD hh:mm:ss` in China time (UTC+8), with the `time` crate: a date that
//! does not exist (`2019-02-31`), a year beyond four digits or anything after the seconds is
//! `InvalidParameterValue`, never a panic.

use serde_json::{Map, Value, json};
use time::PrimitiveDateTime;
use time::macros::{format_description, offset};

use crate::error::{ApiError, code};
use crate::values::text;

/// The most points one answer holds: three days of one-minute points, the longest series the
/// documentation allows (`DescribeProxyStatistics`: "当时间范围不超过3天，支持最小粒度60秒").
/// A longer series is refused with `InvalidParameterValue`, as the API refuses a range too long
/// for its granularity.
pub(crate) const MAX_POINTS: i64 = 3 * 24 * 60;

/// The parameters a series is read from.
pub(crate) struct SeriesParams<'n> {
    pub granularity: &'n str,
    pub start: &'n str,
    pub end: &'n str,
}

/// The documented names, which every statistics action uses.
pub(crate) const SERIES_PARAMS: SeriesParams<'static> = SeriesParams {
    granularity: "Granularity",
    start: "StartTime",
    end: "EndTime",
};

/// The points of a statistics answer (`StatisticsDataInfo[]`): empty when the request gives no
/// time range (the parameters are optional for `DescribeRealServerStatistics`).
pub(crate) fn series(
    params: &Map<String, Value>,
    names: &SeriesParams<'_>,
) -> Result<Value, ApiError> {
    let granularity = params
        .get(names.granularity)
        .and_then(Value::as_u64)
        .unwrap_or(300)
        .max(1);
    let time = |name: &str| -> Result<Option<i64>, ApiError> {
        match text(params, name) {
            None => Ok(None),
            Some(t) => parse_time(t).map(Some).ok_or_else(|| {
                ApiError::new(
                    code::INVALID_PARAMETER_VALUE,
                    format!("{name} `{t}` is not a time YYYY-MM-DD hh:mm:ss"),
                )
            }),
        }
    };
    let (Some(start), Some(end)) = (time(names.start)?, time(names.end)?) else {
        return Ok(Value::Array(Vec::new()));
    };
    let invalid = |message: String| ApiError::new(code::INVALID_PARAMETER_VALUE, message);
    let span = end
        .checked_sub(start)
        .filter(|span| *span >= 0)
        .ok_or_else(|| invalid(format!("{} is before {}", names.end, names.start)))?;
    let step = i64::try_from(granularity).unwrap_or(i64::MAX);
    let count = span / step + 1;
    if count > MAX_POINTS {
        return Err(invalid(format!(
            "{} to {} at {} seconds is {count} points; the emulator answers at most {MAX_POINTS} \
             (the documented ranges: at most 3 days at 60 seconds)",
            names.start, names.end, names.granularity
        )));
    }
    // `i * step` is at most `span`, which two times of four-digit years bound: no overflow.
    Ok(Value::Array(
        (0..count)
            .map(|i| json!({"Time": start + i * step, "Data": 0.0}))
            .collect(),
    ))
}

/// `YYYY-MM-DD hh:mm:ss` in UTC+8 → unix seconds; `None` when it is not such a time.
fn parse_time(text: &str) -> Option<i64> {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let local = PrimitiveDateTime::parse(text, format).ok()?;
    Some(local.assume_offset(offset!(+8)).unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(start: &str, end: &str, granularity: u64) -> Map<String, Value> {
        serde_json::from_value(
            json!({"StartTime": start, "EndTime": end, "Granularity": granularity}),
        )
        .unwrap()
    }

    #[test]
    fn times_read_as_china_time() {
        // 2019-03-25 12:00:00 +08:00 = 04:00:00 UTC.
        assert_eq!(parse_time("2019-03-25 12:00:00"), Some(1_553_486_400));
        assert_eq!(parse_time("2019-13-25 12:00:00"), None);
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn dates_that_do_not_exist_and_trailing_parts_are_refused() {
        for bad in [
            "2019-02-31 00:00:00",
            "2019-02-29 00:00:00",
            "2019-03-25-99 12:00:00",
            "2019-03-25 12:00:00 extra",
            "2019-03-25 24:00:00",
            "2019-3-25 12:00:00",
            "１２３４-03-25 12:00:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert!(parse_time("2020-02-29 00:00:00").is_some());
    }

    #[test]
    fn a_hostile_time_is_a_documented_error_never_a_panic() {
        for (start, end) in [
            ("1000000000000-01-01 00:00:00", "2019-03-25 12:00:00"),
            ("2019-03-25 12:00:00", "9999999999999-12-31 23:59:59"),
            ("-9223372036854775808-01-01 00:00:00", "2019-03-25 12:00:00"),
            ("2019-02-31 00:00:00", "2019-03-25 12:00:00"),
        ] {
            let err = series(&params(start, end, 300), &SERIES_PARAMS).unwrap_err();
            assert_eq!(err.code, code::INVALID_PARAMETER_VALUE, "{start} {end}");
            assert!(err.message.contains("is not a time"), "{}", err.message);
        }
    }

    #[test]
    fn a_series_covers_the_range_and_refuses_too_many_points() {
        let points = series(
            &params("2019-03-25 12:00:00", "2019-03-25 13:00:00", 300),
            &SERIES_PARAMS,
        )
        .unwrap();
        let points = points.as_array().unwrap();
        assert_eq!(points.len(), 13);
        assert_eq!(points[0]["Time"], 1_553_486_400);
        assert_eq!(points[12]["Time"], 1_553_486_400 + 3600);
        // Three days at 60 seconds is the most; a minute more is refused.
        let longest = series(
            &params("2019-03-01 00:00:00", "2019-03-03 23:59:00", 60),
            &SERIES_PARAMS,
        )
        .unwrap();
        assert_eq!(longest.as_array().unwrap().len() as i64, MAX_POINTS);
        let err = series(
            &params("2019-03-01 00:00:00", "2019-03-04 00:00:00", 60),
            &SERIES_PARAMS,
        )
        .unwrap_err();
        assert_eq!(err.code, code::INVALID_PARAMETER_VALUE);
        // The widest range of four-digit years, at the largest granularity.
        let err = series(
            &params("0001-01-01 00:00:00", "9999-12-31 23:59:59", 86400),
            &SERIES_PARAMS,
        )
        .unwrap_err();
        assert_eq!(err.code, code::INVALID_PARAMETER_VALUE);
        let backwards = series(
            &params("2019-03-25 13:00:00", "2019-03-25 12:00:00", 300),
            &SERIES_PARAMS,
        )
        .unwrap_err();
        assert!(
            backwards.message.contains("before"),
            "{}",
            backwards.message
        );
        let none: Map<String, Value> = Map::new();
        assert_eq!(series(&none, &SERIES_PARAMS).unwrap(), json!([]));
    }
}
