//! Tags on keys: TagResource, UntagResource, ListResourceTags.

use super::common::check_tags;
use super::keys::{authorize_key, page, require_customer_managed, Empty};
use super::kms_operation;
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::kms::model::Tag;
use crate::kms::resolve::{require_state, Use};
use crate::kms::validate;
use crate::simulator::{AuditDraft, Simulator};
use crate::world::CallContext;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The most tags one key may carry.
pub const MAX_TAGS_PER_KEY: usize = 50;

/// `TagResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `Tags`: added, or replacing the value of a tag with the same key.
    pub tags: Vec<Tag>,
}

fn tag_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: TagResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "tags": req.tags }));
    check_tags(&req.tags)?;
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:TagResource", key, audit)?;
    require_customer_managed(key, "TagResource")?;
    require_state(key, Use::Manage)?;
    let mut tags = key.tags.clone();
    for tag in req.tags {
        match tags.iter_mut().find(|t| t.tag_key == tag.tag_key) {
            Some(existing) => existing.tag_value = tag.tag_value,
            None => tags.push(tag),
        }
    }
    if tags.len() > MAX_TAGS_PER_KEY {
        return Err(AwsError::new(
            ErrorCode::LimitExceededException,
            format!(
                "A KMS key can have at most {MAX_TAGS_PER_KEY} tags; this request would give {} {}.",
                key.arn,
                tags.len()
            ),
        ));
    }
    sim.kms.key_mut(&resolved.arn)?.tags = tags;
    Ok(Empty {})
}

kms_operation!(
    /// Adds or overwrites tags on a customer managed key.
    TagResource, read_only = false, TagResourceRequest => Empty, tag_resource
);

/// `UntagResource` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `TagKeys`: tags to remove (keys without a tag are ignored).
    pub tag_keys: Vec<String>,
}

fn untag_resource(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: UntagResourceRequest,
    audit: &mut AuditDraft,
) -> AwsResult<Empty> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "tagKeys": req.tag_keys }));
    if req.tag_keys.len() > MAX_TAGS_PER_KEY {
        return Err(validate::constraint(
            "tagKeys",
            req.tag_keys.len(),
            &format!("Member must have length less than or equal to {MAX_TAGS_PER_KEY}"),
        ));
    }
    for tag_key in &req.tag_keys {
        validate::length("tagKeys.member", tag_key, 1, 128)?;
    }
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:UntagResource", key, audit)?;
    require_customer_managed(key, "UntagResource")?;
    require_state(key, Use::Manage)?;
    sim.kms.key_mut(&resolved.arn)?.tags.retain(|t| !req.tag_keys.contains(&t.tag_key));
    Ok(Empty {})
}

kms_operation!(
    /// Removes tags from a customer managed key.
    UntagResource, read_only = false, UntagResourceRequest => Empty, untag_resource
);

/// `ListResourceTags` request.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceTagsRequest {
    /// `KeyId` (key id or ARN).
    pub key_id: String,
    /// `Limit` (1–50, default 50).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `Marker`.
    #[serde(default)]
    pub marker: Option<String>,
}

/// `ListResourceTags` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceTagsResponse {
    /// `Tags`, ordered by tag key.
    pub tags: Vec<Tag>,
    /// `NextMarker`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// `Truncated`.
    pub truncated: bool,
}

fn list_resource_tags(
    sim: &mut Simulator,
    ctx: &CallContext,
    req: ListResourceTagsRequest,
    audit: &mut AuditDraft,
) -> AwsResult<ListResourceTagsResponse> {
    audit.request_parameters = Some(json!({ "keyId": req.key_id, "limit": req.limit }));
    let resolved = sim.kms.resolve(ctx, &req.key_id, false)?;
    let key = sim.kms.key(&resolved.arn)?;
    authorize_key(sim, ctx, "kms:ListResourceTags", key, audit)?;
    let mut items: Vec<(String, Tag)> = key.tags.iter().map(|t| (t.tag_key.clone(), t.clone())).collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let (tags, next_marker) = page(items, req.limit, req.marker.as_deref(), 50, 50)?;
    Ok(ListResourceTagsResponse { truncated: next_marker.is_some(), tags, next_marker })
}

kms_operation!(
    /// Lists a key's tags.
    ListResourceTags, read_only = true, ListResourceTagsRequest => ListResourceTagsResponse, list_resource_tags
);
