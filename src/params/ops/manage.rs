//! Deleting, describing, labelling and tagging parameters.

use super::put::check_tags;
use super::read::{bad_token, check_filters, inline_policies, passes, ParameterInlinePolicy, ParameterStringFilter};
use super::ssm_operation;
use crate::clock::{epoch_seconds, Timestamp};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::params::access::{authorize_account, authorize_param, not_found};
use crate::params::model::{Parameter, Tag, MAX_LABELS_PER_VERSION};
use crate::params::names;
use crate::secrets::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The empty response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Empty {}

/// `DeleteParameter` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteParameterRequest {
    /// `Name`.
    pub name: String,
}

fn delete_parameter(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: DeleteParameterRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "name": req.name }));
    let r = names::parse_ref(ctx, &req.name, false)?;
    let existing = sim.params.parameters.get(&r.arn);
    let account = existing.map_or_else(|| ctx.caller.account.clone(), |p| p.account.clone());
    authorize_param(sim, ctx, "ssm:DeleteParameter", &r.arn, &account, existing, Vec::new(), audit)?;
    sim.params.parameters.remove(&r.arn).ok_or_else(|| not_found(&req.name))?;
    Ok(Empty {})
}

ssm_operation!(
    /// Deletes a parameter and all its versions.
    DeleteParameter, read_only = false, DeleteParameterRequest => Empty, delete_parameter
);

/// `DeleteParameters` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DeleteParametersRequest {
    /// `Names` (1–10).
    pub names: Vec<String>,
}

/// `DeleteParameters` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteParametersResponse {
    /// `DeletedParameters`.
    pub deleted_parameters: Vec<String>,
    /// `InvalidParameters`.
    pub invalid_parameters: Vec<String>,
}

fn delete_parameters(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: DeleteParametersRequest,
    audit: &mut AuditDraft,
) -> AwsResult<DeleteParametersResponse> {
    audit.request_parameters = Some(json!({ "names": req.names }));
    if req.names.is_empty() || req.names.len() > 10 {
        return Err(validate::constraint(
            "names",
            req.names.len(),
            "Member must have length between 1 and 10, inclusive",
        ));
    }
    let mut refs = Vec::new();
    for n in &req.names {
        let r = names::parse_ref(ctx, n, false)?;
        let existing = sim.params.parameters.get(&r.arn);
        let account = existing.map_or_else(|| ctx.caller.account.clone(), |p| p.account.clone());
        authorize_param(sim, ctx, "ssm:DeleteParameters", &r.arn, &account, existing, Vec::new(), audit)?;
        refs.push((n.clone(), r.arn));
    }
    let mut out = DeleteParametersResponse::default();
    for (name, arn) in refs {
        match sim.params.parameters.remove(&arn) {
            Some(_) => out.deleted_parameters.push(name),
            None => out.invalid_parameters.push(name),
        }
    }
    Ok(out)
}

ssm_operation!(
    /// Deletes up to 10 parameters; unknown names come back in InvalidParameters.
    DeleteParameters, read_only = false, DeleteParametersRequest => DeleteParametersResponse, delete_parameters
);

/// `ParametersFilter` (the older filter form of DescribeParameters).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ParametersFilter {
    /// `Key`: Name, Type, KeyId.
    pub key: String,
    /// `Values`.
    pub values: Vec<String>,
}

/// `DescribeParameters` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DescribeParametersRequest {
    /// `Filters`.
    pub filters: Option<Vec<ParametersFilter>>,
    /// `ParameterFilters`.
    pub parameter_filters: Option<Vec<ParameterStringFilter>>,
    /// `MaxResults` (1–50).
    pub max_results: Option<i64>,
    /// `NextToken`.
    pub next_token: Option<String>,
}

/// `ParameterMetadata`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterMetadata {
    /// `Name`.
    pub name: String,
    /// `ARN`.
    #[serde(rename = "ARN")]
    pub arn: String,
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
    /// `AllowedPattern`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    /// `Version`.
    pub version: u64,
    /// `Tier`.
    pub tier: String,
    /// `Policies`.
    pub policies: Vec<ParameterInlinePolicy>,
    /// `DataType`.
    pub data_type: String,
}

/// `DescribeParameters` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeParametersResponse {
    /// `Parameters`.
    pub parameters: Vec<ParameterMetadata>,
    /// `NextToken`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn describe_parameters(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: DescribeParametersRequest,
    audit: &mut AuditDraft,
) -> AwsResult<DescribeParametersResponse> {
    audit.request_parameters = Some(
        json!({ "filters": req.filters, "parameterFilters": req.parameter_filters, "maxResults": req.max_results }),
    );
    let max = req.max_results.unwrap_or(50);
    validate::range("maxResults", max, 1, 50)?;
    if req.filters.is_some() && req.parameter_filters.is_some() {
        return Err(AwsError::validation(
            "You can use either Filters or ParameterFilters in a single request, but not both.",
        ));
    }
    let mut filters = req.parameter_filters.unwrap_or_default();
    for f in req.filters.unwrap_or_default() {
        if !["Name", "Type", "KeyId"].contains(&f.key.as_str()) {
            return Err(AwsError::new(ErrorCode::InvalidFilterKey, format!("The filter key {} is not valid.", f.key)));
        }
        let option = if f.key == "Name" { "BeginsWith" } else { "Equals" };
        filters.push(ParameterStringFilter { key: f.key, option: Some(option.to_string()), values: Some(f.values) });
    }
    check_filters(&filters, false)?;
    authorize_account(sim, ctx, "ssm:DescribeParameters")?;
    let items = sim
        .params
        .parameters
        .values()
        .filter(|p| p.account == ctx.caller.account && p.region == ctx.region)
        .filter(|p| filters.iter().all(|f| passes(p, f)))
        .filter_map(|p| metadata(p).map(|m| (p.name.clone(), m)))
        .collect::<Vec<_>>();
    let mut items = items;
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let (parameters, next_token) =
        validate::page(items, usize::try_from(max).unwrap_or(50), req.next_token.as_deref(), bad_token)?;
    Ok(DescribeParametersResponse { parameters, next_token })
}

fn metadata(p: &Parameter) -> Option<ParameterMetadata> {
    let latest = p.latest()?;
    Some(ParameterMetadata {
        name: p.name.clone(),
        arn: p.arn.clone(),
        param_type: latest.param_type.clone(),
        key_id: latest.key_id.clone(),
        last_modified_date: latest.last_modified,
        last_modified_user: latest.last_modified_user.clone(),
        description: latest.description.clone(),
        allowed_pattern: latest.allowed_pattern.clone(),
        version: latest.version,
        tier: latest.tier.clone(),
        policies: inline_policies(p),
        data_type: latest.data_type.clone(),
    })
}

ssm_operation!(
    /// Lists parameter metadata (never values).
    DescribeParameters, read_only = true, DescribeParametersRequest => DescribeParametersResponse, describe_parameters
);

/// `LabelParameterVersion` / `UnlabelParameterVersion` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LabelParameterVersionRequest {
    /// `Name`.
    pub name: String,
    /// `ParameterVersion` (default: the latest; required to unlabel).
    pub parameter_version: Option<u64>,
    /// `Labels` (1–10).
    pub labels: Vec<String>,
}

/// `LabelParameterVersion` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LabelParameterVersionResponse {
    /// `InvalidLabels`.
    pub invalid_labels: Vec<String>,
    /// `ParameterVersion`.
    pub parameter_version: u64,
}

fn find_version(param: &Parameter, requested: Option<u64>) -> AwsResult<u64> {
    let v = match requested {
        Some(n) => param.version(n),
        None => param.latest(),
    };
    v.map(|v| v.version).ok_or_else(|| {
        AwsError::new(
            ErrorCode::ParameterVersionNotFound,
            format!("Systems Manager could not find version {} of {}.", requested.unwrap_or_default(), param.name),
        )
    })
}

fn label_parameter_version(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: LabelParameterVersionRequest,
    audit: &mut AuditDraft,
) -> AwsResult<LabelParameterVersionResponse> {
    audit.request_parameters =
        Some(json!({ "name": req.name, "parameterVersion": req.parameter_version, "labels": req.labels }));
    if req.labels.is_empty() || req.labels.len() > MAX_LABELS_PER_VERSION {
        return Err(validate::constraint(
            "labels",
            req.labels.len(),
            "Member must have length between 1 and 10, inclusive",
        ));
    }
    let r = names::parse_ref(ctx, &req.name, false)?;
    let param = sim.params.parameters.get(&r.arn).ok_or_else(|| not_found(&req.name))?;
    authorize_param(sim, ctx, "ssm:LabelParameterVersion", &param.arn, &param.account, Some(param), Vec::new(), audit)?;
    let version = find_version(param, req.parameter_version)?;
    let (valid, invalid): (Vec<String>, Vec<String>) = req.labels.into_iter().partition(|l| names::valid_label(l));
    let current = param.version(version).map(|v| v.labels.clone()).unwrap_or_default();
    let added = valid.iter().filter(|l| !current.contains(l)).count();
    if current.len() + added > MAX_LABELS_PER_VERSION {
        return Err(AwsError::new(
            ErrorCode::ParameterVersionLabelLimitExceeded,
            format!("A parameter version can have at most {MAX_LABELS_PER_VERSION} labels."),
        ));
    }
    let param = sim.params.parameters.get_mut(&r.arn).ok_or_else(|| not_found(&req.name))?;
    for v in &mut param.versions {
        if v.version == version {
            for l in &valid {
                if !v.labels.contains(l) {
                    v.labels.push(l.clone());
                }
            }
        } else {
            // A label moves: it leaves any other version.
            v.labels.retain(|l| !valid.contains(l));
        }
    }
    Ok(LabelParameterVersionResponse { invalid_labels: invalid, parameter_version: version })
}

ssm_operation!(
    /// Attaches labels to a version (moving them from other versions).
    LabelParameterVersion, read_only = false, LabelParameterVersionRequest => LabelParameterVersionResponse, label_parameter_version
);

/// `UnlabelParameterVersion` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnlabelParameterVersionResponse {
    /// `RemovedLabels`.
    pub removed_labels: Vec<String>,
    /// `InvalidLabels`: labels not on that version.
    pub invalid_labels: Vec<String>,
}

fn unlabel_parameter_version(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: LabelParameterVersionRequest,
    audit: &mut AuditDraft,
) -> AwsResult<UnlabelParameterVersionResponse> {
    audit.request_parameters =
        Some(json!({ "name": req.name, "parameterVersion": req.parameter_version, "labels": req.labels }));
    if req.labels.is_empty() || req.labels.len() > MAX_LABELS_PER_VERSION {
        return Err(validate::constraint(
            "labels",
            req.labels.len(),
            "Member must have length between 1 and 10, inclusive",
        ));
    }
    let requested = req.parameter_version.ok_or_else(|| {
        AwsError::validation("1 validation error detected: Value null at 'parameterVersion' failed to satisfy constraint: Member must not be null")
    })?;
    let r = names::parse_ref(ctx, &req.name, false)?;
    let param = sim.params.parameters.get(&r.arn).ok_or_else(|| not_found(&req.name))?;
    authorize_param(
        sim,
        ctx,
        "ssm:UnlabelParameterVersion",
        &param.arn,
        &param.account,
        Some(param),
        Vec::new(),
        audit,
    )?;
    let version = find_version(param, Some(requested))?;
    let param = sim.params.parameters.get_mut(&r.arn).ok_or_else(|| not_found(&req.name))?;
    let mut out = UnlabelParameterVersionResponse::default();
    if let Some(v) = param.versions.iter_mut().find(|v| v.version == version) {
        for l in req.labels {
            if v.labels.contains(&l) {
                v.labels.retain(|x| *x != l);
                out.removed_labels.push(l);
            } else {
                out.invalid_labels.push(l);
            }
        }
    }
    Ok(out)
}

ssm_operation!(
    /// Removes labels from a version.
    UnlabelParameterVersion, read_only = false, LabelParameterVersionRequest => UnlabelParameterVersionResponse, unlabel_parameter_version
);

/// `AddTagsToResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AddTagsToResourceRequest {
    /// `ResourceType` (only `Parameter` is simulated).
    pub resource_type: String,
    /// `ResourceId` (the parameter name).
    pub resource_id: String,
    /// `Tags`.
    pub tags: Vec<Tag>,
}

/// `RemoveTagsFromResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RemoveTagsFromResourceRequest {
    /// `ResourceType`.
    pub resource_type: String,
    /// `ResourceId`.
    pub resource_id: String,
    /// `TagKeys`.
    pub tag_keys: Vec<String>,
}

/// `ListTagsForResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListTagsForResourceRequest {
    /// `ResourceType`.
    pub resource_type: String,
    /// `ResourceId`.
    pub resource_id: String,
}

/// `ListTagsForResource` response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceResponse {
    /// `TagList`.
    pub tag_list: Vec<Tag>,
}

fn tagged<'a>(sim: &'a Simulator, ctx: &CallContext, resource_type: &str, id: &str) -> AwsResult<&'a Parameter> {
    if resource_type != "Parameter" {
        return Err(AwsError::new(
            ErrorCode::InvalidResourceType,
            format!("The resource type {resource_type} is not valid here."),
        ));
    }
    let r = names::parse_ref(ctx, id, false)?;
    sim.params
        .parameters
        .get(&r.arn)
        .ok_or_else(|| AwsError::new(ErrorCode::InvalidResourceId, format!("The resource ID {id} is not valid.")))
}

fn add_tags_to_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: AddTagsToResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters =
        Some(json!({ "resourceType": req.resource_type, "resourceId": req.resource_id, "tags": req.tags }));
    check_tags(&req.tags)?;
    let param = tagged(sim, ctx, &req.resource_type, &req.resource_id)?;
    let mut extra: Vec<(String, String)> =
        req.tags.iter().map(|t| (format!("aws:RequestTag/{}", t.key), t.value.clone())).collect();
    extra.extend(req.tags.iter().map(|t| ("aws:TagKeys".to_string(), t.key.clone())));
    authorize_param(sim, ctx, "ssm:AddTagsToResource", &param.arn, &param.account, Some(param), extra, audit)?;
    let mut tags = param.tags.clone();
    for t in req.tags {
        match tags.iter_mut().find(|x| x.key == t.key) {
            Some(x) => x.value = t.value,
            None => tags.push(t),
        }
    }
    check_tags(&tags)?;
    let arn = param.arn.clone();
    if let Some(p) = sim.params.parameters.get_mut(&arn) {
        p.tags = tags;
    }
    Ok(Empty {})
}

ssm_operation!(
    /// Adds or replaces tags on a parameter.
    AddTagsToResource, read_only = false, AddTagsToResourceRequest => Empty, add_tags_to_resource
);

fn remove_tags_from_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: RemoveTagsFromResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters =
        Some(json!({ "resourceType": req.resource_type, "resourceId": req.resource_id, "tagKeys": req.tag_keys }));
    let param = tagged(sim, ctx, &req.resource_type, &req.resource_id)?;
    let extra = req.tag_keys.iter().map(|k| ("aws:TagKeys".to_string(), k.clone())).collect();
    authorize_param(sim, ctx, "ssm:RemoveTagsFromResource", &param.arn, &param.account, Some(param), extra, audit)?;
    let arn = param.arn.clone();
    if let Some(p) = sim.params.parameters.get_mut(&arn) {
        p.tags.retain(|t| !req.tag_keys.contains(&t.key));
    }
    Ok(Empty {})
}

ssm_operation!(
    /// Removes tags from a parameter.
    RemoveTagsFromResource, read_only = false, RemoveTagsFromResourceRequest => Empty, remove_tags_from_resource
);

fn list_tags_for_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListTagsForResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListTagsForResourceResponse> {
    audit.request_parameters = Some(json!({ "resourceType": req.resource_type, "resourceId": req.resource_id }));
    let param = tagged(sim, ctx, &req.resource_type, &req.resource_id)?;
    authorize_param(sim, ctx, "ssm:ListTagsForResource", &param.arn, &param.account, Some(param), Vec::new(), audit)?;
    Ok(ListTagsForResourceResponse { tag_list: param.tags.clone() })
}

ssm_operation!(
    /// Lists a parameter's tags.
    ListTagsForResource, read_only = true, ListTagsForResourceRequest => ListTagsForResourceResponse, list_tags_for_resource
);
