//! Reading Query-protocol input (every value a string) and the checks IAM
//! applies to names, paths and ARNs; shared response pieces.

use crate::clock::Timestamp;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::policy::Tag;
use crate::simulator::{AccessRequest, ResourceKind, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A tag as the Query protocol sends it (`Tags.member.N.Key/Value`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    /// `Key`.
    pub key: String,
    /// `Value`.
    #[serde(default)]
    pub value: String,
}

/// Tags as the world stores them.
pub(crate) fn world_tags(tags: &[TagInput]) -> AwsResult<Vec<Tag>> {
    if tags.len() > 50 {
        return Err(AwsError::new(ErrorCode::LimitExceeded, "Cannot exceed quota for TagsPerResource: 50"));
    }
    for tag in tags {
        length("tags.member.key", &tag.key, 1, 128)?;
        length("tags.member.value", &tag.value, 0, 256)?;
    }
    Ok(tags.iter().map(|t| Tag { key: t.key.clone(), value: t.value.clone() }).collect())
}

/// Tags in responses.
pub(crate) fn tag_output(tags: &[Tag]) -> Option<Vec<TagInput>> {
    (!tags.is_empty()).then(|| tags.iter().map(|t| TagInput { key: t.key.clone(), value: t.value.clone() }).collect())
}

/// A number sent as a string (the Query protocol) or as a number (JSON callers).
pub(crate) fn number(member: &str, value: Option<&Value>) -> AwsResult<Option<i64>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| not_a_number(member, &n.to_string())),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| not_a_number(member, s)),
        Some(other) => Err(not_a_number(member, &other.to_string())),
    }
}

fn not_a_number(member: &str, text: &str) -> AwsError {
    AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value '{text}' at '{member}' failed to satisfy constraint: Member must be a number"))
}

/// IAM's length constraint message.
pub(crate) fn length(member: &str, value: &str, min: usize, max: usize) -> AwsResult<()> {
    let n = value.chars().count();
    if n < min {
        return Err(AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}")));
    }
    if n > max {
        return Err(AwsError::new(ErrorCode::ValidationError, format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}")));
    }
    Ok(())
}

/// A user, role, group or policy name: 1–`max` of `[\w+=,.@-]`.
pub(crate) fn entity_name(member: &str, name: &str, max: usize) -> AwsResult<()> {
    length(member, name, 1, max)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)) {
        return Err(AwsError::new(
            ErrorCode::ValidationError,
            format!("1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"),
        ));
    }
    Ok(())
}

/// A path: `/` or `/a/b/` (default `/`).
pub(crate) fn entity_path(path: Option<String>) -> AwsResult<String> {
    let path = path.unwrap_or_else(|| "/".to_string());
    length("path", &path, 1, 512)?;
    if !path.starts_with('/') || !path.ends_with('/') || path.contains("//") {
        return Err(AwsError::new(
            ErrorCode::ValidationError,
            format!("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters. ({path})"),
        ));
    }
    Ok(path)
}

/// `NoSuchEntity` in IAM's wording.
pub(crate) fn no_such(kind: &str, name: &str) -> AwsError {
    AwsError::new(ErrorCode::NoSuchEntity, format!("The {kind} with name {name} cannot be found."))
}

/// A managed policy ARN: `arn:aws:iam::<account|aws>:policy/…`.
pub(crate) fn check_policy_arn(arn: &str) -> AwsResult<()> {
    let mut parts = arn.splitn(6, ':');
    let ok = parts.next() == Some("arn")
        && parts.next() == Some("aws")
        && parts.next() == Some("iam")
        && parts.next() == Some("")
        && parts.next().is_some_and(|a| a == "aws" || crate::world::is_account_id(a))
        && parts.next().is_some_and(|r| r.starts_with("policy/") && r.len() > "policy/".len());
    if ok {
        Ok(())
    } else {
        Err(AwsError::new(ErrorCode::InvalidInput, format!("ARN {arn} is not valid.")))
    }
}

/// Epoch seconds, as the Query layer turns them into ISO-8601 `…Date` members.
pub(crate) fn seconds(at: Timestamp) -> i64 {
    at.millis().div_euclid(1000)
}

/// `PermissionsBoundary` in User and Role responses.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BoundaryOutput {
    /// Always `Policy`.
    pub permissions_boundary_type: String,
    /// The policy ARN.
    pub permissions_boundary_arn: String,
}

/// The boundary of a user or role, as responses show it.
pub(crate) fn boundary_output(arn: Option<&String>) -> Option<BoundaryOutput> {
    arn.map(|a| BoundaryOutput { permissions_boundary_type: "Policy".to_string(), permissions_boundary_arn: a.clone() })
}

/// Asks the engine whether the caller may do an IAM `action` on `resource_arn`
/// (identity policies only: IAM entities have no resource policies).
pub(crate) fn authorize_iam(
    sim: &Simulator,
    ctx: &CallContext,
    action: &str,
    resource_arn: &str,
    tags: &[TagInput],
) -> AwsResult<()> {
    let mut request = AccessRequest::new(action, resource_arn, &ctx.caller.account, ResourceKind::Other);
    for tag in tags {
        request.extra_context.push((format!("aws:RequestTag/{}", tag.key), tag.value.clone()));
        request.extra_context.push(("aws:TagKeys".to_string(), tag.key.clone()));
    }
    sim.authorize(ctx, &request)
}

/// Random text from the simulator's entropy: `len` characters of `alphabet`.
pub(crate) fn random_text(sim: &mut Simulator, alphabet: &[u8], len: usize) -> AwsResult<String> {
    let mut bytes = vec![0u8; len];
    sim.random_bytes(&mut bytes)?;
    Ok(bytes
        .iter()
        .filter_map(|b| alphabet.get(usize::from(*b) % alphabet.len().max(1)).map(|c| char::from(*c)))
        .collect())
}

/// The characters of access key ids after their prefix.
pub(crate) const KEY_ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The characters of secret access keys and session tokens.
pub(crate) const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
