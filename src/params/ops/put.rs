//! PutParameter.

use super::ssm_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::params::access::{authorize_param, seal};
use crate::params::model::{
    ParamVersion, Parameter, StoredValue, Tag, ADVANCED_MAX_BYTES, MAX_STANDARD_PARAMETERS, MAX_VERSIONS,
    STANDARD_MAX_BYTES,
};
use crate::params::{names, pattern::Pattern, policies};
use crate::secrets::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// `PutParameter` request.
#[derive(Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PutParameterRequest {
    /// `Name`.
    pub name: String,
    /// `Description`.
    pub description: Option<String>,
    /// `Value`.
    pub value: String,
    /// `Type`: String, StringList, SecureString.
    #[serde(rename = "Type")]
    pub param_type: Option<String>,
    /// `KeyId` (SecureString).
    pub key_id: Option<String>,
    /// `Overwrite`.
    pub overwrite: Option<bool>,
    /// `AllowedPattern`.
    pub allowed_pattern: Option<String>,
    /// `Tags` (not with Overwrite).
    pub tags: Option<Vec<Tag>>,
    /// `Tier`: Standard, Advanced, Intelligent-Tiering.
    pub tier: Option<String>,
    /// `Policies` (a JSON array).
    pub policies: Option<String>,
    /// `DataType`: text, aws:ec2:image, aws:ssm:integration.
    pub data_type: Option<String>,
}

/// `PutParameter` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutParameterResponse {
    /// `Version`.
    pub version: u64,
    /// `Tier`.
    pub tier: String,
}

/// Checks tags: at most 50, keys 1–128, values ≤ 256.
pub(crate) fn check_tags(tags: &[Tag]) -> AwsResult<()> {
    if tags.len() > 50 {
        return Err(AwsError::new(ErrorCode::TooManyTagsError, "The Tags parameter can have at most 50 tags."));
    }
    for t in tags {
        validate::length("tags.member.key", &t.key, 1, 128)?;
        validate::length("tags.member.value", &t.value, 0, 256)?;
    }
    Ok(())
}

fn is_ami(value: &str) -> bool {
    value.strip_prefix("ami-").is_some_and(|h| {
        (8..=17).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn put_parameter(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: PutParameterRequest,
    audit: &mut AuditDraft,
) -> AwsResult<PutParameterResponse> {
    audit.request_parameters = Some(json!({
        "name": req.name, "description": req.description, "type": req.param_type, "keyId": req.key_id,
        "overwrite": req.overwrite, "allowedPattern": req.allowed_pattern, "tags": req.tags, "tier": req.tier,
        "policies": req.policies, "dataType": req.data_type,
    }));
    names::check_name(ctx, &req.name)?;
    if let Some(d) = &req.description {
        validate::length("description", d, 0, 1024)?;
    }
    if let Some(k) = &req.key_id {
        validate::length("keyId", k, 1, 256)?;
    }
    if let Some(p) = &req.policies {
        validate::length("policies", p, 1, 4096)?;
    }
    let tags = req.tags.clone().unwrap_or_default();
    check_tags(&tags)?;
    let overwrite = req.overwrite.unwrap_or(false);
    let arn = names::arn(&req.name, &ctx.caller.account, &ctx.region);
    let existing = sim.params.parameters.get(&arn);
    let latest = existing.and_then(Parameter::latest);
    if existing.is_some() && req.tags.is_some() && overwrite {
        return Err(AwsError::validation(
            "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        ));
    }
    let param_type = match (&req.param_type, latest) {
        (Some(t), _) => t.clone(),
        (None, Some(l)) => l.param_type.clone(),
        (None, None) => return Err(AwsError::validation("A parameter type is required when you create a parameter.")),
    };
    if !["String", "StringList", "SecureString"].contains(&param_type.as_str()) {
        return Err(validate::constraint(
            "type",
            &param_type,
            "Member must satisfy enum value set: [SecureString, StringList, String]",
        ));
    }
    if req.key_id.is_some() && param_type != "SecureString" {
        return Err(AwsError::validation("KeyId is required for SecureString type parameter only."));
    }
    let data_type =
        req.data_type.clone().or_else(|| latest.map(|l| l.data_type.clone())).unwrap_or_else(|| "text".to_string());
    match data_type.as_str() {
        "text" | "aws:ssm:integration" => {}
        "aws:ec2:image" => {
            if param_type != "String" || !is_ami(&req.value) {
                return Err(AwsError::validation(format!(
                    "Parameter value, {}, is not a valid aws:ec2:image data type: expected an AMI id (ami-…) in a String parameter.",
                    req.value.chars().take(64).collect::<String>()
                )));
            }
        }
        other => {
            return Err(AwsError::validation(format!(
                "The data type {other} is not supported. Use text, aws:ec2:image or aws:ssm:integration."
            )))
        }
    }
    let allowed_pattern = req.allowed_pattern.clone().or_else(|| latest.and_then(|l| l.allowed_pattern.clone()));
    if let Some(p) = &allowed_pattern {
        if !Pattern::compile(p)?.is_match(&req.value) {
            return Err(AwsError::new(
                ErrorCode::ParameterPatternMismatchException,
                format!("Parameter value, cannot be validated against allowedPattern: {p}"),
            ));
        }
    }
    let now = sim.now();
    let new_policies = match &req.policies {
        Some(text) => Some(policies::parse(text, now)?),
        None => None,
    };
    let has_policies = new_policies.as_ref().is_some_and(|p| !p.is_empty())
        || (new_policies.is_none() && existing.is_some_and(|e| !e.policies.is_empty()));
    let was_advanced = latest.is_some_and(|l| l.tier == "Advanced");
    let size = req.value.len();
    let tier = match req.tier.as_deref() {
        None | Some("Standard") if !was_advanced => "Standard",
        Some("Standard") => {
            return Err(AwsError::validation("This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier."))
        }
        None | Some("Advanced") => "Advanced",
        Some("Intelligent-Tiering") => {
            if was_advanced || size > STANDARD_MAX_BYTES || has_policies { "Advanced" } else { "Standard" }
        }
        Some(other) => {
            return Err(validate::constraint("tier", other, "Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]"))
        }
    };
    if tier == "Standard" && size > STANDARD_MAX_BYTES {
        return Err(AwsError::validation(format!(
            "Standard tier parameters support a maximum parameter value of {STANDARD_MAX_BYTES} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier."
        )));
    }
    if size > ADVANCED_MAX_BYTES {
        return Err(AwsError::validation(format!(
            "Advanced tier parameters support a maximum parameter value of {ADVANCED_MAX_BYTES} characters."
        )));
    }
    if has_policies && tier != "Advanced" {
        return Err(AwsError::validation("Parameter policies are supported only for advanced-tier parameters."));
    }
    match existing {
        Some(_) if !overwrite => return Err(AwsError::new(
            ErrorCode::ParameterAlreadyExists,
            "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
        )),
        Some(p) => {
            if p.versions.len() >= MAX_VERSIONS {
                if let Some(oldest) = p.versions.first().filter(|v| !v.labels.is_empty()) {
                    return Err(AwsError::new(
                        ErrorCode::ParameterMaxVersionLimitExceeded,
                        format!(
                            "You attempted to create a new version of {} by calling the PutParameter API with the overwrite flag. Version {}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.",
                            req.name, oldest.version
                        ),
                    ));
                }
            }
        }
        None => {
            let standard = sim
                .params
                .parameters
                .values()
                .filter(|p| p.account == ctx.caller.account && p.region == ctx.region)
                .filter(|p| p.latest().is_some_and(|l| l.tier == "Standard"))
                .count();
            if tier == "Standard" && standard >= MAX_STANDARD_PARAMETERS {
                return Err(AwsError::new(
                    ErrorCode::ParameterLimitExceeded,
                    "You have exceeded the number of parameters for this AWS account. Delete one or more parameters and try again.",
                ));
            }
        }
    }
    let mut extra = vec![("ssm:Overwrite".to_string(), overwrite.to_string())];
    if let Some(p) = &req.policies {
        extra.push(("ssm:Policies".to_string(), p.clone()));
    }
    extra.extend(tags.iter().map(|t| (format!("aws:RequestTag/{}", t.key), t.value.clone())));
    extra.extend(tags.iter().map(|t| ("aws:TagKeys".to_string(), t.key.clone())));
    authorize_param(sim, ctx, "ssm:PutParameter", &arn, &ctx.caller.account, existing, extra, audit)?;
    let description = req.description.clone().or_else(|| latest.and_then(|l| l.description.clone()));
    let prior_key = latest.filter(|l| l.param_type == "SecureString").and_then(|l| l.key_id.clone());

    // Checked and authorized: encrypt, then commit.
    let (value, key_id) = if param_type == "SecureString" {
        let key = req.key_id.clone().or(prior_key);
        let (stored, key_arn) = seal(sim, ctx, &arn, &ctx.caller.account, &ctx.region, key.as_deref(), &req.value)?;
        (stored, Some(key_arn))
    } else {
        (StoredValue::Plain(req.value.clone()), None)
    };
    let param = sim.params.parameters.entry(arn.clone()).or_insert_with(|| Parameter {
        name: req.name.clone(),
        arn: arn.clone(),
        account: ctx.caller.account.clone(),
        region: ctx.region.clone(),
        versions: Vec::new(),
        tags: tags.clone(),
        policies: Vec::new(),
    });
    if param.versions.len() >= MAX_VERSIONS {
        param.versions.remove(0);
    }
    let version = param.versions.last().map_or(1, |v| v.version + 1);
    if let Some(p) = new_policies {
        param.policies = p;
    } else {
        // NoChangeNotification counts from the latest change.
        for p in &mut param.policies {
            if p.policy_type == "NoChangeNotification" {
                if let Ok(fresh) = policies::parse(&format!("[{}]", p.text), now) {
                    if let Some(f) = fresh.into_iter().next() {
                        *p = f;
                    }
                }
            }
        }
    }
    let policy_texts = param.policies.iter().map(|p| p.text.clone()).collect();
    param.versions.push(ParamVersion {
        version,
        param_type,
        value,
        key_id,
        description,
        allowed_pattern,
        data_type,
        tier: tier.to_string(),
        labels: Vec::new(),
        last_modified: now,
        last_modified_user: ctx.caller.arn.clone(),
        policies: policy_texts,
    });
    audit.response_elements = Some(json!({ "version": version, "tier": tier }));
    Ok(PutParameterResponse { version, tier: tier.to_string() })
}

ssm_operation!(
    /// Creates a parameter or (with Overwrite) a new version of it.
    PutParameter, read_only = false, PutParameterRequest => PutParameterResponse, put_parameter
);
