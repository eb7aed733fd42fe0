//! GetRandomPassword.

use super::secrets_operation;
use crate::error::AwsResult;
use crate::secrets::access::authorize_account;
use crate::secrets::password::{self, PasswordSpec};
use crate::secrets::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// `GetRandomPassword` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetRandomPasswordRequest {
    /// `PasswordLength` (1–4096, default 32).
    pub password_length: Option<i64>,
    /// `ExcludeCharacters`.
    pub exclude_characters: Option<String>,
    /// `ExcludeNumbers`.
    pub exclude_numbers: Option<bool>,
    /// `ExcludePunctuation`.
    pub exclude_punctuation: Option<bool>,
    /// `ExcludeUppercase`.
    pub exclude_uppercase: Option<bool>,
    /// `ExcludeLowercase`.
    pub exclude_lowercase: Option<bool>,
    /// `IncludeSpace`.
    pub include_space: Option<bool>,
    /// `RequireEachIncludedType` (default true).
    pub require_each_included_type: Option<bool>,
}

/// `GetRandomPassword` response.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRandomPasswordResponse {
    /// `RandomPassword`.
    pub random_password: String,
}

impl std::fmt::Debug for GetRandomPasswordResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GetRandomPasswordResponse { <redacted> }")
    }
}

fn get_random_password(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetRandomPasswordRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetRandomPasswordResponse> {
    audit.request_parameters = Some(json!({
        "passwordLength": req.password_length, "excludeCharacters": req.exclude_characters,
        "excludeNumbers": req.exclude_numbers, "excludePunctuation": req.exclude_punctuation,
        "excludeUppercase": req.exclude_uppercase, "excludeLowercase": req.exclude_lowercase,
        "includeSpace": req.include_space, "requireEachIncludedType": req.require_each_included_type,
    }));
    let length = req.password_length.unwrap_or(32);
    validate::range("passwordLength", length, 1, 4096)?;
    if let Some(x) = &req.exclude_characters {
        validate::length("excludeCharacters", x, 0, 4096)?;
    }
    let spec = PasswordSpec {
        length: usize::try_from(length).unwrap_or(32),
        exclude_characters: req.exclude_characters.unwrap_or_default(),
        exclude_numbers: req.exclude_numbers.unwrap_or(false),
        exclude_punctuation: req.exclude_punctuation.unwrap_or(false),
        exclude_uppercase: req.exclude_uppercase.unwrap_or(false),
        exclude_lowercase: req.exclude_lowercase.unwrap_or(false),
        include_space: req.include_space.unwrap_or(false),
        require_each_included_type: req.require_each_included_type.unwrap_or(true),
    };
    password::check(&spec)?;
    authorize_account(sim, ctx, "secretsmanager:GetRandomPassword")?;
    Ok(GetRandomPasswordResponse { random_password: password::generate(sim, &spec)? })
}

secrets_operation!(
    /// Generates a random password from the simulator's entropy.
    GetRandomPassword, read_only = true, GetRandomPasswordRequest => GetRandomPasswordResponse, get_random_password
);
