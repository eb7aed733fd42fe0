//! Reading: GetParameter, GetParameters, GetParametersByPath, GetParameterHistory.

use super::ssm_operation;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::params::access::{authorize_param, not_found, reveal};
use crate::params::model::{ParamVersion, Parameter};
use crate::params::names::{self, Selector};
use crate::secrets::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A `Parameter`, as the Get operations return it.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterValue {
    /// `Name`.
    pub name: String,
    /// `Type`.
    #[serde(rename = "Type")]
    pub param_type: String,
    /// `Value` (ciphertext in base64 for a SecureString read without decryption).
    pub value: String,
    /// `Version`.
    pub version: u64,
    /// `Selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// `LastModifiedDate`.
    #[serde(with = "epoch_seconds")]
    pub last_modified_date: Timestamp,
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
    /// `DataType`.
    pub data_type: String,
}

impl std::fmt::Debug for ParameterValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParameterValue")
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// Builds the returned shape, decrypting when asked.
fn value_of(
    sim: &mut Simulator,
    ctx: &CallContext,
    param: &Parameter,
    version: &ParamVersion,
    decrypt: bool,
    selector: Option<&Selector>,
) -> AwsResult<ParameterValue> {
    let value = reveal(sim, ctx, param, &version.value, decrypt)?;
    Ok(ParameterValue {
        name: param.name.clone(),
        param_type: version.param_type.clone(),
        value,
        version: version.version,
        selector: selector.map(Selector::text),
        last_modified_date: version.last_modified,
        arn: param.arn.clone(),
        data_type: version.data_type.clone(),
    })
}

/// Finds the parameter and the selected version for a requested name.
fn select(sim: &Simulator, ctx: &CallContext, raw: &str) -> AwsResult<(Parameter, ParamVersion, Option<Selector>)> {
    let r = names::parse_ref(ctx, raw, true)?;
    let param = sim.params.parameters.get(&r.arn).ok_or_else(|| not_found(raw))?;
    let version = match &r.selector {
        None => param.latest(),
        Some(Selector::Version(n)) => param.version(*n),
        Some(Selector::Label(l)) => param.labelled(l),
    }
    .ok_or_else(|| {
        AwsError::new(
            ErrorCode::ParameterVersionNotFound,
            format!(
                "Systems Manager could not find version {} of {}. Verify the version and try again.",
                r.selector.as_ref().map(Selector::text).unwrap_or_default(),
                r.name
            ),
        )
    })?;
    Ok((param.clone(), version.clone(), r.selector))
}

/// `GetParameter` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetParameterRequest {
    /// `Name` (name or ARN, optionally `:version` / `:label`).
    pub name: String,
    /// `WithDecryption`.
    pub with_decryption: Option<bool>,
}

/// `GetParameter` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParameterResponse {
    /// `Parameter`.
    pub parameter: ParameterValue,
}

fn get_parameter(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetParameterRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetParameterResponse> {
    audit.request_parameters = Some(json!({ "name": req.name, "withDecryption": req.with_decryption }));
    validate::length("name", &req.name, 1, 2048)?;
    let r = names::parse_ref(ctx, &req.name, true)?;
    let existing = sim.params.parameters.get(&r.arn);
    let account = existing.map_or_else(|| ctx.caller.account.clone(), |p| p.account.clone());
    authorize_param(sim, ctx, "ssm:GetParameter", &r.arn, &account, existing, Vec::new(), audit)?;
    let (param, version, selector) = select(sim, ctx, &req.name)?;
    let parameter = value_of(sim, ctx, &param, &version, req.with_decryption.unwrap_or(false), selector.as_ref())?;
    Ok(GetParameterResponse { parameter })
}

ssm_operation!(
    /// Reads one parameter (a version or label with `name:3` / `name:label`).
    GetParameter, read_only = true, GetParameterRequest => GetParameterResponse, get_parameter
);

/// `GetParameters` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetParametersRequest {
    /// `Names` (1–10).
    pub names: Vec<String>,
    /// `WithDecryption`.
    pub with_decryption: Option<bool>,
}

/// `GetParameters` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersResponse {
    /// `Parameters`.
    pub parameters: Vec<ParameterValue>,
    /// `InvalidParameters`: names not found.
    pub invalid_parameters: Vec<String>,
}

fn get_parameters(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetParametersRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetParametersResponse> {
    audit.request_parameters = Some(json!({ "names": req.names, "withDecryption": req.with_decryption }));
    if req.names.is_empty() || req.names.len() > 10 {
        return Err(validate::constraint(
            "names",
            req.names.len(),
            "Member must have length between 1 and 10, inclusive",
        ));
    }
    let mut refs = Vec::new();
    for n in &req.names {
        refs.push(names::parse_ref(ctx, n, true)?);
    }
    for r in &refs {
        let existing = sim.params.parameters.get(&r.arn);
        let account = existing.map_or_else(|| ctx.caller.account.clone(), |p| p.account.clone());
        authorize_param(sim, ctx, "ssm:GetParameters", &r.arn, &account, existing, Vec::new(), audit)?;
    }
    let mut out = GetParametersResponse::default();
    for n in req.names {
        match select(sim, ctx, &n) {
            Ok((param, version, selector)) => out.parameters.push(value_of(
                sim,
                ctx,
                &param,
                &version,
                req.with_decryption.unwrap_or(false),
                selector.as_ref(),
            )?),
            Err(_) => out.invalid_parameters.push(n),
        }
    }
    Ok(out)
}

ssm_operation!(
    /// Reads up to 10 parameters; unknown names come back in InvalidParameters.
    GetParameters, read_only = true, GetParametersRequest => GetParametersResponse, get_parameters
);

/// `ParameterStringFilter`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ParameterStringFilter {
    /// `Key`: Name, Type, KeyId, Path, Tier, DataType, Label, `tag:<key>`.
    pub key: String,
    /// `Option`: Equals, BeginsWith, Contains, Recursive, OneLevel.
    pub option: Option<String>,
    /// `Values`.
    pub values: Option<Vec<String>>,
}

/// Checks a ParameterFilters list (`by_path`: as GetParametersByPath allows).
pub(crate) fn check_filters(filters: &[ParameterStringFilter], by_path: bool) -> AwsResult<()> {
    for f in filters {
        let key_ok = f.key.starts_with("tag:")
            || ["Name", "Type", "KeyId", "Path", "Tier", "DataType", "Label"].contains(&f.key.as_str());
        if !key_ok || (by_path && ["Name", "Path", "Tier"].contains(&f.key.as_str())) {
            return Err(AwsError::new(
                ErrorCode::InvalidFilterKey,
                format!("The filter key {} is not valid here.", f.key),
            ));
        }
        let option = f.option.as_deref().unwrap_or("Equals");
        let allowed: &[&str] = match f.key.as_str() {
            "Name" => &["Equals", "BeginsWith", "Contains"],
            "Path" => &["Recursive", "OneLevel"],
            k if k.starts_with("tag:") => &["Equals"],
            _ => &["Equals", "BeginsWith"],
        };
        if !allowed.contains(&option) {
            return Err(AwsError::new(
                ErrorCode::InvalidFilterOption,
                format!("The filter option {option} is not valid for key {}.", f.key),
            ));
        }
        if f.values.as_ref().is_some_and(|v| v.is_empty() || v.len() > 50) {
            return Err(AwsError::new(
                ErrorCode::InvalidFilterValue,
                format!("The filter {} needs 1 to 50 values.", f.key),
            ));
        }
    }
    Ok(())
}

/// Whether a parameter passes one filter.
pub(crate) fn passes(param: &Parameter, f: &ParameterStringFilter) -> bool {
    let Some(latest) = param.latest() else { return false };
    let option = f.option.as_deref().unwrap_or("Equals");
    let values = f.values.clone().unwrap_or_default();
    let text_match = |field: &str| {
        values.iter().any(|v| match option {
            "BeginsWith" => field.starts_with(v.as_str()),
            "Contains" => field.contains(v.as_str()),
            _ => field == v,
        })
    };
    match f.key.as_str() {
        "Name" => text_match(&param.name) || text_match(param.name.trim_start_matches('/')),
        "Type" => text_match(&latest.param_type),
        "KeyId" => latest.key_id.as_deref().is_some_and(text_match),
        "Tier" => text_match(&latest.tier),
        "DataType" => text_match(&latest.data_type),
        "Label" => param.versions.iter().any(|v| v.labels.iter().any(|l| text_match(l))),
        "Path" => values.iter().any(|p| under_path(&param.name, p, option == "Recursive")),
        key => {
            let tag = key.trim_start_matches("tag:");
            param.tags.iter().any(|t| t.key == tag && (values.is_empty() || values.contains(&t.value)))
        }
    }
}

/// Whether `name` lies under `path` (directly, or anywhere below when `recursive`).
pub(crate) fn under_path(name: &str, path: &str, recursive: bool) -> bool {
    let prefix = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
    match name.strip_prefix(&prefix) {
        Some(rest) => !rest.is_empty() && (recursive || !rest.contains('/')),
        None => path == "/" && name.starts_with('/') && (recursive || name.matches('/').count() == 1),
    }
}

/// `GetParametersByPath` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetParametersByPathRequest {
    /// `Path`.
    pub path: String,
    /// `Recursive`.
    pub recursive: Option<bool>,
    /// `ParameterFilters`.
    pub parameter_filters: Option<Vec<ParameterStringFilter>>,
    /// `WithDecryption`.
    pub with_decryption: Option<bool>,
    /// `MaxResults` (1–10).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// `GetParametersByPath` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersByPathResponse {
    /// `Parameters`.
    pub parameters: Vec<ParameterValue>,
    /// `NextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub(crate) fn bad_token() -> AwsError {
    AwsError::new(ErrorCode::InvalidNextToken, "The specified token isn't valid.")
}

fn get_parameters_by_path(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetParametersByPathRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetParametersByPathResponse> {
    audit.request_parameters = Some(json!({
        "path": req.path, "recursive": req.recursive, "parameterFilters": req.parameter_filters,
        "withDecryption": req.with_decryption, "maxResults": req.max_results,
    }));
    validate::length("path", &req.path, 1, 2048)?;
    if !req.path.starts_with('/') {
        return Err(AwsError::validation("The parameter path must begin with a forward slash (/)."));
    }
    let max = req.max_results.unwrap_or(10);
    validate::range("maxResults", max, 1, 10)?;
    let filters = req.parameter_filters.unwrap_or_default();
    check_filters(&filters, true)?;
    let recursive = req.recursive.unwrap_or(false);
    let path_arn = names::arn(&req.path, &ctx.caller.account, &ctx.region);
    authorize_param(
        sim,
        ctx,
        "ssm:GetParametersByPath",
        &path_arn,
        &ctx.caller.account,
        None,
        vec![("ssm:Recursive".to_string(), recursive.to_string())],
        audit,
    )?;
    let items: Vec<(String, Parameter)> = sim
        .params
        .parameters
        .values()
        .filter(|p| p.account == ctx.caller.account && p.region == ctx.region)
        .filter(|p| under_path(&p.name, &req.path, recursive))
        .filter(|p| filters.iter().all(|f| passes(p, f)))
        .map(|p| (p.name.clone(), p.clone()))
        .collect();
    let mut items = items;
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let (page, next_token) =
        validate::page(items, usize::try_from(max).unwrap_or(10), req.next_token.as_deref(), bad_token)?;
    let mut parameters = Vec::new();
    for p in page {
        if let Some(latest) = p.latest() {
            parameters.push(value_of(sim, ctx, &p, latest, req.with_decryption.unwrap_or(false), None)?);
        }
    }
    Ok(GetParametersByPathResponse { parameters, next_token })
}

ssm_operation!(
    /// Reads the parameters under a path (one level, or recursively).
    GetParametersByPath, read_only = true, GetParametersByPathRequest => GetParametersByPathResponse, get_parameters_by_path
);

/// `ParameterInlinePolicy`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterInlinePolicy {
    /// `PolicyText`.
    pub policy_text: String,
    /// `PolicyType`.
    pub policy_type: String,
    /// `PolicyStatus`.
    pub policy_status: String,
}

/// The policies of a parameter, as responses show them.
pub(crate) fn inline_policies(param: &Parameter) -> Vec<ParameterInlinePolicy> {
    param
        .policies
        .iter()
        .map(|p| ParameterInlinePolicy {
            policy_text: p.text.clone(),
            policy_type: p.policy_type.clone(),
            policy_status: p.status.clone(),
        })
        .collect()
}

/// `ParameterHistory`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterHistory {
    /// `Name`.
    pub name: String,
    /// `Type`.
    #[serde(rename = "Type")]
    pub param_type: String,
    /// `KeyId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// `LastModifiedDate`.
    #[serde(with = "epoch_seconds")]
    pub last_modified_date: Timestamp,
    /// `LastModifiedUser`.
    pub last_modified_user: String,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `Value`.
    pub value: String,
    /// `AllowedPattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    /// `Version`.
    pub version: u64,
    /// `Labels`.
    pub labels: Vec<String>,
    /// `Tier`.
    pub tier: String,
    /// `Policies`.
    pub policies: Vec<ParameterInlinePolicy>,
    /// `DataType`.
    pub data_type: String,
}

impl std::fmt::Debug for ParameterHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParameterHistory")
            .field("name", &self.name)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// `GetParameterHistory` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GetParameterHistoryRequest {
    /// `Name`.
    pub name: String,
    /// `WithDecryption`.
    pub with_decryption: Option<bool>,
    /// `MaxResults` (1–50).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// `GetParameterHistory` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParameterHistoryResponse {
    /// `Parameters`.
    pub parameters: Vec<ParameterHistory>,
    /// `NextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn get_parameter_history(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: GetParameterHistoryRequest,
    audit: &mut AuditDraft,
) -> AwsResult<GetParameterHistoryResponse> {
    audit.request_parameters =
        Some(json!({ "name": req.name, "withDecryption": req.with_decryption, "maxResults": req.max_results }));
    let max = req.max_results.unwrap_or(50);
    validate::range("maxResults", max, 1, 50)?;
    let r = names::parse_ref(ctx, &req.name, false)?;
    let param = sim.params.parameters.get(&r.arn).cloned().ok_or_else(|| not_found(&req.name))?;
    authorize_param(sim, ctx, "ssm:GetParameterHistory", &param.arn, &param.account, Some(&param), Vec::new(), audit)?;
    let items = param.versions.iter().map(|v| (format!("{:020}", v.version), v.clone())).collect();
    let (page, next_token) =
        validate::page(items, usize::try_from(max).unwrap_or(50), req.next_token.as_deref(), bad_token)?;
    let mut parameters = Vec::new();
    for v in page {
        let value = reveal(sim, ctx, &param, &v.value, req.with_decryption.unwrap_or(false))?;
        parameters.push(ParameterHistory {
            name: param.name.clone(),
            param_type: v.param_type.clone(),
            key_id: v.key_id.clone(),
            last_modified_date: v.last_modified,
            last_modified_user: v.last_modified_user.clone(),
            description: v.description.clone(),
            value,
            allowed_pattern: v.allowed_pattern.clone(),
            version: v.version,
            labels: v.labels.clone(),
            tier: v.tier.clone(),
            policies: v
                .policies
                .iter()
                .map(|t| ParameterInlinePolicy {
                    policy_text: t.clone(),
                    policy_type: serde_json::from_str::<serde_json::Value>(t)
                        .ok()
                        .and_then(|j| j.get("Type").and_then(|x| x.as_str().map(str::to_string)))
                        .unwrap_or_default(),
                    policy_status: "Pending".to_string(),
                })
                .collect(),
            data_type: v.data_type.clone(),
        });
    }
    Ok(GetParameterHistoryResponse { parameters, next_token })
}

ssm_operation!(
    /// Lists every kept version of a parameter.
    GetParameterHistory, read_only = true, GetParameterHistoryRequest => GetParameterHistoryResponse, get_parameter_history
);
