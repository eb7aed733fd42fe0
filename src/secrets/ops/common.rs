//! Shapes and checks shared by several Secrets Manager operations.

use crate::bytes::SecretBytes;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::secrets::model::{Tag, MAX_SECRET_BYTES};
use crate::secrets::validate;
use serde::{Deserialize, Serialize};

/// The response of operations that name the secret they acted on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretRef {
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `Name`.
    pub name: String,
}

/// The empty response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// A value to store, from `SecretString` / `SecretBinary`.
pub(crate) struct NewValue {
    pub(crate) bytes: SecretBytes,
    pub(crate) binary: bool,
}

/// Checks and takes the value members; `None` when neither was given.
pub(crate) fn new_value(string: Option<String>, binary: Option<SecretBytes>) -> AwsResult<Option<NewValue>> {
    match (string, binary) {
        (Some(_), Some(_)) => Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "You can't specify both a binary secret value and a string secret value in the same secret.",
        )),
        (Some(s), None) => {
            if s.is_empty() || s.len() > MAX_SECRET_BYTES {
                return Err(AwsError::validation(format!(
                    "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length between 1 and {MAX_SECRET_BYTES}, inclusive"
                )));
            }
            Ok(Some(NewValue { bytes: SecretBytes::from(s.into_bytes()), binary: false }))
        }
        (None, Some(b)) => {
            if b.is_empty() || b.len() > MAX_SECRET_BYTES {
                return Err(AwsError::validation(format!(
                    "1 validation error detected: Value at 'secretBinary' failed to satisfy constraint: Member must have length between 1 and {MAX_SECRET_BYTES}, inclusive"
                )));
            }
            Ok(Some(NewValue { bytes: b, binary: true }))
        }
        (None, None) => Ok(None),
    }
}

/// Checks a `ClientRequestToken` (32–64 characters).
pub(crate) fn check_token(token: Option<&str>) -> AwsResult<()> {
    match token {
        Some(t) => validate::length("clientRequestToken", t, 32, 64),
        None => Ok(()),
    }
}

/// Checks tags: at most 50, keys 1–128, values ≤ 256, no `aws:` keys, no duplicates.
pub(crate) fn check_tags(tags: &[Tag]) -> AwsResult<()> {
    if tags.len() > 50 {
        return Err(AwsError::new(ErrorCode::LimitExceededException, "A secret can have at most 50 tags."));
    }
    for (i, tag) in tags.iter().enumerate() {
        validate::length("tags.member.key", &tag.key, 1, 128)?;
        validate::length("tags.member.value", &tag.value, 0, 256)?;
        if tag.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(AwsError::new(
                ErrorCode::InvalidParameterException,
                "Tag keys beginning with aws: are reserved.",
            ));
        }
        if tags.iter().skip(i + 1).any(|t| t.key == tag.key) {
            return Err(AwsError::new(ErrorCode::InvalidParameterException, format!("Duplicate tag key {}.", tag.key)));
        }
    }
    Ok(())
}

/// The `aws:RequestTag/*` and `aws:TagKeys` condition keys of a request.
pub(crate) fn request_tag_context(tags: &[Tag]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        tags.iter().map(|t| (format!("aws:RequestTag/{}", t.key), t.value.clone())).collect();
    out.extend(tags.iter().map(|t| ("aws:TagKeys".to_string(), t.key.clone())));
    out
}

/// Checks a secret name: 1–512 characters of letters, digits and `/_+=.@-`.
pub(crate) fn check_name(name: &str) -> AwsResult<()> {
    validate::length("name", name, 1, 512)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)) {
        return Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
        ));
    }
    Ok(())
}

/// A day, as AWS reports `LastAccessedDate` (midnight UTC).
pub(crate) fn day_of(t: crate::clock::Timestamp) -> crate::clock::Timestamp {
    crate::clock::Timestamp(t.millis().div_euclid(crate::clock::DAY_MS) * crate::clock::DAY_MS)
}
