//! Member constraints as `ValidationException`s, worded as AWS words them
//! (shared by Secrets Manager and Parameter Store).

use crate::error::{AwsError, AwsResult};

/// AWS's message for one constraint violation on one member.
pub(crate) fn constraint(member: &str, value: impl std::fmt::Display, rule: &str) -> AwsError {
    AwsError::validation(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    ))
}

/// A string member's length must lie in `min..=max` characters.
pub(crate) fn length(member: &str, value: &str, min: usize, max: usize) -> AwsResult<()> {
    let n = value.chars().count();
    if n < min || n > max {
        let shown: String = value.chars().take(64).collect();
        let rule = if min == 0 {
            format!("Member must have length less than or equal to {max}")
        } else {
            format!("Member must have length between {min} and {max}, inclusive")
        };
        return Err(constraint(member, shown, &rule));
    }
    Ok(())
}

/// An integer member must lie in `min..=max`.
pub(crate) fn range(member: &str, value: i64, min: i64, max: i64) -> AwsResult<()> {
    if value < min {
        return Err(constraint(member, value, &format!("Member must have value greater than or equal to {min}")));
    }
    if value > max {
        return Err(constraint(member, value, &format!("Member must have value less than or equal to {max}")));
    }
    Ok(())
}

/// Pages `items` (sorted by their key) after an opaque token; tokens are the
/// last key returned, base64-encoded. A bad token is `bad_token`.
pub(crate) fn page<T>(
    items: Vec<(String, T)>,
    max: usize,
    token: Option<&str>,
    bad_token: impl Fn() -> AwsError,
) -> AwsResult<(Vec<T>, Option<String>)> {
    let after = match token {
        Some(t) => Some(crate::bytes::base64_decode(t).and_then(|b| String::from_utf8(b).ok()).ok_or_else(&bad_token)?),
        None => None,
    };
    let mut rest: Vec<(String, T)> = items.into_iter().filter(|(k, _)| after.as_ref().is_none_or(|a| k > a)).collect();
    let next = if rest.len() > max {
        rest.truncate(max);
        rest.last().map(|(k, _)| crate::bytes::base64_encode(k.as_bytes()))
    } else {
        None
    };
    Ok((rest.into_iter().map(|(_, t)| t).collect(), next))
}
