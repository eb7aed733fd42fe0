//! AWS Query: IAM and STS. Form parameters in (`Action=…&Version=…`,
//! lists as `Name.member.N`, maps as `Name.entry.N.key/value`), XML out.

use super::encoding::{decode_form, xml_escape};
use super::{call_context, Dialect, HttpRequest, HttpResponse, ProtocolOptions, WireError};
use crate::clock::Timestamp;
use crate::error::ErrorCode;
use crate::simulator::{Service, Simulator};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Deepest dotted parameter name accepted (`A.member.1.B.member.2.C` is 6).
const MAX_PARAM_DEPTH: usize = 16;
/// Deepest output nesting rendered as XML.
const MAX_XML_DEPTH: usize = 64;

/// The request's parameters: the query string's, then the form body's.
pub(crate) fn request_params(request: &HttpRequest) -> Vec<(String, String)> {
    let mut params = decode_form(request.query_string());
    let content_type = request.header("content-type").unwrap_or_default().to_ascii_lowercase();
    let looks_like_form = content_type.contains("x-www-form-urlencoded")
        || (content_type.is_empty() && !request.body.is_empty() && request.body.first() != Some(&b'{'));
    if looks_like_form {
        params.extend(decode_form(&String::from_utf8_lossy(&request.body)));
    }
    params
}

/// The XML namespace of a Query service's documents.
fn namespace(service: Service) -> &'static str {
    match service {
        Service::Sts => "https://sts.amazonaws.com/doc/2011-06-15/",
        _ => "https://iam.amazonaws.com/doc/2010-05-08/",
    }
}

/// Runs one AWS Query request.
pub(crate) fn handle_query(
    sim: &mut Simulator,
    request: &HttpRequest,
    options: &ProtocolOptions,
    service: Service,
    action: Option<&str>,
    version: Option<&str>,
    request_id: &str,
) -> HttpResponse {
    let ctx = match call_context(sim, request, options, Dialect::Query) {
        Ok(ctx) => ctx,
        Err(error) => return error_response(service, &error, request_id),
    };
    let Some(action) = action.filter(|a| !a.is_empty()) else {
        return error_response(service, &WireError::new("MissingAction", 400, "Missing Action"), request_id);
    };
    let invalid_action = || {
        WireError::new(
            "InvalidAction",
            400,
            format!("Could not find operation {action} for version {}", version.unwrap_or("NO_VERSION_SPECIFIED")),
        )
    };
    if !action.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return error_response(service, &invalid_action(), request_id);
    }
    let params: Vec<(String, String)> = request_params(request)
        .into_iter()
        .filter(|(name, _)| name != "Action" && name != "Version" && !name.starts_with("X-Amz-"))
        .collect();
    let input = params_to_json(&params);
    match sim.call_json(&ctx, service, action, input) {
        Ok(output) => success_response(service, action, &output, request_id),
        Err(error) if error.code == ErrorCode::UnknownOperationException => {
            error_response(service, &invalid_action(), request_id)
        }
        Err(error) => error_response(service, &error.into(), request_id),
    }
}

/// A parameter tree built from dotted names.
enum ParamNode {
    Leaf(String),
    Branch(BTreeMap<String, ParamNode>),
}

/// Turns flat Query parameters into the JSON shape the operations take:
/// `A.member.N` and `A.N` become arrays, `A.entry.N.key/value` objects,
/// other dotted names nested objects. Values stay strings.
pub(crate) fn params_to_json(params: &[(String, String)]) -> Value {
    let mut root: BTreeMap<String, ParamNode> = BTreeMap::new();
    for (name, value) in params {
        let segments: Vec<&str> = name.split('.').collect();
        if segments.len() > MAX_PARAM_DEPTH || segments.iter().any(|s| s.is_empty()) {
            continue;
        }
        insert_param(&mut root, &segments, value);
    }
    branch_to_json(&root)
}

fn insert_param(root: &mut BTreeMap<String, ParamNode>, segments: &[&str], value: &str) {
    let Some((last, parents)) = segments.split_last() else { return };
    let mut level = root;
    for segment in parents {
        let node = level.entry((*segment).to_string()).or_insert_with(|| ParamNode::Branch(BTreeMap::new()));
        match node {
            ParamNode::Branch(children) => level = children,
            // `A=1` and `A.B=2` both given: the first wins.
            ParamNode::Leaf(_) => return,
        }
    }
    level.entry((*last).to_string()).or_insert_with(|| ParamNode::Leaf(value.to_string()));
}

fn node_to_json(node: &ParamNode) -> Value {
    match node {
        ParamNode::Leaf(text) => Value::String(text.clone()),
        ParamNode::Branch(children) => branch_to_json(children),
    }
}

/// Children keyed by 1-based numbers, in numeric order; `None` if any key is not a number.
fn numbered(children: &BTreeMap<String, ParamNode>) -> Option<Vec<&ParamNode>> {
    let mut items: Vec<(u64, &ParamNode)> =
        children.iter().map(|(k, v)| k.parse::<u64>().ok().map(|n| (n, v))).collect::<Option<_>>()?;
    items.sort_by_key(|(n, _)| *n);
    Some(items.into_iter().map(|(_, v)| v).collect())
}

fn branch_to_json(children: &BTreeMap<String, ParamNode>) -> Value {
    if children.len() == 1 {
        if let Some(ParamNode::Branch(members)) = children.get("member") {
            if let Some(items) = numbered(members) {
                return Value::Array(items.into_iter().map(node_to_json).collect());
            }
        }
        if let Some(ParamNode::Branch(entries)) = children.get("entry") {
            if let Some(items) = numbered(entries) {
                let mut map = Map::new();
                for item in items {
                    if let ParamNode::Branch(pair) = item {
                        if let (Some(ParamNode::Leaf(key)), Some(value)) = (pair.get("key"), pair.get("value")) {
                            map.insert(key.clone(), node_to_json(value));
                        }
                    }
                }
                return Value::Object(map);
            }
        }
    }
    if !children.is_empty() {
        if let Some(items) = numbered(children) {
            return Value::Array(items.into_iter().map(node_to_json).collect());
        }
    }
    Value::Object(children.iter().map(|(k, v)| (k.clone(), node_to_json(v))).collect())
}

/// `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` (the
/// result element is left out when the operation returns nothing).
fn success_response(service: Service, action: &str, output: &Value, request_id: &str) -> HttpResponse {
    let mut xml = format!("<{action}Response xmlns=\"{}\">", namespace(service));
    let has_result = match output {
        Value::Null => false,
        Value::Object(map) => !map.is_empty(),
        _ => true,
    };
    if has_result {
        xml.push_str(&format!("<{action}Result>"));
        write_xml_children(&mut xml, output, 0);
        xml.push_str(&format!("</{action}Result>"));
    }
    xml.push_str(&format!(
        "<ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
        xml_escape(request_id)
    ));
    HttpResponse::new(200, "text/xml", xml)
}

/// An element name made safe (anything odd becomes `_`).
fn element_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' }).collect();
    match cleaned.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => cleaned,
        _ => format!("_{cleaned}"),
    }
}

/// Whether a member holds a timestamp by AWS naming (`CreateDate`, `Expiration`, …).
fn is_timestamp_member(name: &str) -> bool {
    name.ends_with("Date") || name.ends_with("Time") || name == "Expiration" || name == "PasswordLastUsed"
}

/// Writes the contents of `value`: an object's members as elements, an
/// array's items as `<member>`s, a scalar as text.
fn write_xml_children(xml: &mut String, value: &Value, depth: usize) {
    if depth > MAX_XML_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (name, member) in map {
                if member.is_null() {
                    continue;
                }
                let tag = element_name(name);
                xml.push_str(&format!("<{tag}>"));
                match member {
                    Value::Number(n) if is_timestamp_member(name) => {
                        let iso = n.as_f64().and_then(Timestamp::from_epoch_seconds).map(Timestamp::to_iso8601);
                        xml.push_str(&xml_escape(&iso.unwrap_or_else(|| n.to_string())));
                    }
                    other => write_xml_children(xml, other, depth + 1),
                }
                xml.push_str(&format!("</{tag}>"));
            }
        }
        Value::Array(items) => {
            for item in items {
                xml.push_str("<member>");
                write_xml_children(xml, item, depth + 1);
                xml.push_str("</member>");
            }
        }
        Value::String(text) => xml.push_str(&xml_escape(text)),
        Value::Number(n) => xml.push_str(&n.to_string()),
        Value::Bool(b) => xml.push_str(if *b { "true" } else { "false" }),
        Value::Null => {}
    }
}

/// `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`.
pub(crate) fn error_response(service: Service, error: &WireError, request_id: &str) -> HttpResponse {
    let fault = if error.status >= 500 { "Receiver" } else { "Sender" };
    let xml = format!(
        "<ErrorResponse xmlns=\"{}\"><Error><Type>{fault}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
        namespace(service),
        xml_escape(&error.name),
        xml_escape(&error.message),
        xml_escape(request_id)
    );
    HttpResponse::new(error.status, "text/xml", xml)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn params_nest_lists_and_maps() {
        let value = params_to_json(&pairs(&[
            ("UserName", "bob"),
            ("Tags.member.2.Key", "b"),
            ("Tags.member.1.Key", "a"),
            ("Tags.member.1.Value", "1"),
            ("PolicyArns.member.1.arn", "arn:x"),
            ("Attrs.entry.1.key", "k"),
            ("Attrs.entry.1.value", "v"),
            ("Flat.1", "x"),
            ("Flat.2", "y"),
            ("Bad..Name", "z"),
        ]));
        assert_eq!(
            value,
            json!({
                "UserName": "bob",
                "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b"}],
                "PolicyArns": [{"arn": "arn:x"}],
                "Attrs": {"k": "v"},
                "Flat": ["x", "y"]
            })
        );
    }

    #[test]
    fn xml_renders_members_timestamps_and_escapes() {
        let response = success_response(
            Service::Iam,
            "GetUser",
            &json!({"User": {"UserName": "a<b", "CreateDate": 1735689600, "Tags": [{"Key": "k"}], "Gone": null}}),
            "rid",
        );
        assert_eq!(
            response.body_text(),
            "<GetUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetUserResult><User>\
             <CreateDate>2025-01-01T00:00:00Z</CreateDate><Tags><member><Key>k</Key></member></Tags>\
             <UserName>a&lt;b</UserName></User></GetUserResult>\
             <ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetUserResponse>"
        );
        let empty = success_response(Service::Iam, "DeleteUser", &json!({}), "rid");
        assert!(!empty.body_text().contains("DeleteUserResult"));
    }
}
