//! AWS's documented limits on KMS request members, as `ValidationException`s.

use crate::error::{AwsError, AwsResult};
use std::collections::BTreeMap;

/// AWS's message for one constraint violation on one member.
pub(crate) fn constraint(member: &str, value: impl std::fmt::Display, rule: &str) -> AwsError {
    AwsError::validation(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    ))
}

/// A string member's length must lie in `min..=max` (in characters).
pub(crate) fn length(member: &str, value: &str, min: usize, max: usize) -> AwsResult<()> {
    let n = value.chars().count();
    if n < min || n > max {
        let shown: String = value.chars().take(64).collect();
        return Err(constraint(member, shown, &format!("Member must have length {}", length_rule(min, max))));
    }
    Ok(())
}

fn length_rule(min: usize, max: usize) -> String {
    if min == 0 {
        format!("less than or equal to {max}")
    } else {
        format!("between {min} and {max}, inclusive")
    }
}

/// A blob member's size must lie in `min..=max` bytes (AWS does not echo the value).
pub(crate) fn blob_length(member: &str, len: usize, min: usize, max: usize) -> AwsResult<()> {
    if len < min || len > max {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length {}",
            length_rule(min, max)
        )));
    }
    Ok(())
}

/// An integer member must lie in `min..=max`.
pub(crate) fn range(member: &str, value: i64, min: i64, max: i64) -> AwsResult<()> {
    if value < min || value > max {
        let rule = if value < min {
            format!("Member must have value greater than or equal to {min}")
        } else {
            format!("Member must have value less than or equal to {max}")
        };
        return Err(constraint(member, value, &rule));
    }
    Ok(())
}

/// The encryption context must fit AWS's limits and our u16 length fields.
pub(crate) fn encryption_context(context: &BTreeMap<String, String>) -> AwsResult<()> {
    let total: usize = context.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > 8192 || context.len() > 4096 {
        return Err(AwsError::validation("The encryption context is too large: at most 8192 bytes of keys and values"));
    }
    if context.keys().any(|k| k.is_empty()) {
        return Err(AwsError::validation("Encryption context keys must not be empty"));
    }
    Ok(())
}

/// Grant tokens: at most 10, each 1–8192 characters.
pub(crate) fn grant_tokens(tokens: &[String]) -> AwsResult<()> {
    if tokens.len() > 10 {
        return Err(constraint("grantTokens", tokens.len(), "Member must have length less than or equal to 10"));
    }
    for token in tokens {
        length("grantTokens", token, 1, 8192)?;
    }
    Ok(())
}
