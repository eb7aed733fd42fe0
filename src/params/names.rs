//! Parameter names, hierarchies, ARNs, selectors and labels, with AWS's rules.

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::world::{CallContext, PARTITION};

/// Most levels in a hierarchy.
pub const MAX_LEVELS: usize = 15;
/// Longest ARN a parameter may have (name, path and ARN prefix together).
pub const MAX_ARN_LENGTH: usize = 1011;

/// The ARN of parameter `name` in `account` / `region`.
pub fn arn(name: &str, account: &str, region: &str) -> String {
    format!("arn:{PARTITION}:ssm:{region}:{account}:parameter/{}", name.strip_prefix('/').unwrap_or(name))
}

/// Checks a name for PutParameter.
pub(crate) fn check_name(ctx: &CallContext, name: &str) -> AwsResult<()> {
    crate::secrets::validate::length("name", name, 1, 2048)?;
    let invalid = |why: &str| AwsError::validation(format!("Parameter name: {why}"));
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c)) {
        return Err(invalid("can only contain letters, numbers and the symbols _ . - /"));
    }
    if name.contains('/') && !name.starts_with('/') {
        return Err(invalid("a name with a hierarchy must be fully qualified (begin with /)"));
    }
    if name.ends_with('/') || name.contains("//") {
        return Err(invalid("hierarchy levels can't be empty"));
    }
    let first = name.trim_start_matches('/').split('/').next().unwrap_or_default().to_ascii_lowercase();
    if first.starts_with("aws") || first.starts_with("ssm") {
        return Err(AwsError::validation(format!(
            "No access to reserved parameter name: {name}. Names beginning with aws or ssm (case-insensitive) are reserved."
        )));
    }
    let levels = name.trim_start_matches('/').split('/').count();
    if levels > MAX_LEVELS {
        return Err(AwsError::new(
            ErrorCode::HierarchyLevelLimitExceededException,
            format!("A hierarchy can have a maximum of {MAX_LEVELS} levels."),
        ));
    }
    if arn(name, &ctx.caller.account, &ctx.region).len() > MAX_ARN_LENGTH {
        return Err(invalid(&format!("the parameter's full ARN can have at most {MAX_ARN_LENGTH} characters")));
    }
    Ok(())
}

/// A name as a request gives it: name or ARN, with an optional `:version` or `:label` selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameRef {
    /// The bare name.
    pub name: String,
    /// The ARN (in the caller's account and region, unless an ARN was given).
    pub arn: String,
    /// `:3` or `:label`.
    pub selector: Option<Selector>,
}

/// A version selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Selector {
    /// `name:3`.
    Version(u64),
    /// `name:label`.
    Label(String),
}

impl Selector {
    /// `:3` / `:label`, as the response's `Selector`.
    pub(crate) fn text(&self) -> String {
        match self {
            Selector::Version(v) => format!(":{v}"),
            Selector::Label(l) => format!(":{l}"),
        }
    }
}

/// Parses a requested name (name or ARN, optional selector).
pub(crate) fn parse_ref(ctx: &CallContext, raw: &str, allow_selector: bool) -> AwsResult<NameRef> {
    let (account, region, rest) = if raw.starts_with("arn:") {
        let parts: Vec<&str> = raw.splitn(6, ':').collect();
        let [_, _, service, region, account, resource] = parts.as_slice() else {
            return Err(AwsError::validation(format!("Invalid parameter ARN {raw}")));
        };
        let name = resource
            .strip_prefix("parameter")
            .filter(|_| *service == "ssm")
            .ok_or_else(|| AwsError::validation(format!("Invalid parameter ARN {raw}")))?;
        let name = if name.starts_with("//") { name.trim_start_matches('/').to_string() } else { name.to_string() };
        (account.to_string(), region.to_string(), name)
    } else {
        (ctx.caller.account.clone(), ctx.region.clone(), raw.to_string())
    };
    let (name, selector) = match rest.rsplit_once(':') {
        Some((n, s)) => {
            if !allow_selector {
                return Err(AwsError::validation(
                    "Parameter name: a selector (:version or :label) is not allowed here",
                ));
            }
            let sel = match s.parse::<u64>() {
                Ok(v) => Selector::Version(v),
                Err(_) => Selector::Label(s.to_string()),
            };
            (n.to_string(), Some(sel))
        }
        None => (rest, None),
    };
    // An ARN's resource is "parameter/<name without slash>"; a hierarchical name begins with '/'.
    let lookup =
        if raw.starts_with("arn:") { name.strip_prefix('/').unwrap_or(&name).to_string() } else { name.clone() };
    let arn = arn(&lookup, &account, &region);
    Ok(NameRef { name, arn, selector })
}

/// Whether a label follows AWS's rules.
pub(crate) fn valid_label(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    !label.is_empty()
        && label.len() <= 100
        && label.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !label.starts_with(|c: char| c.is_ascii_digit())
        && !lower.starts_with("aws")
        && !lower.starts_with("ssm")
}
