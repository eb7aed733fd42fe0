//! Request context: the key/value facts a policy's conditions and variables test.
//!
//! Keys are compared case-insensitively (AWS says context key *names* are not
//! case-sensitive); values keep their case. A key that was never set stays
//! missing: missing is different from empty, and the condition operators
//! depend on that difference.

use crate::clock::Timestamp;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One value in the request context.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum ContextValue {
    /// A single string.
    String(String),
    /// A multivalued key (`aws:TagKeys`, `kms:EncryptionContextKeys`, …).
    StringList(Vec<String>),
    /// A boolean (`aws:SecureTransport`).
    Bool(bool),
    /// A number (`aws:MultiFactorAuthAge`, `kms:…` counts).
    Number(f64),
    /// An instant (`aws:CurrentTime`).
    Date(Timestamp),
    /// An IP address in text form (`aws:SourceIp`).
    Ip(String),
    /// Base64-encoded bytes.
    Binary(String),
}

/// A borrowed view of one item of a context value, so operators can compare
/// without converting (and allocating) first.
#[derive(Clone, Copy, Debug)]
pub enum ItemRef<'a> {
    /// Text (strings, IPs, base64).
    Str(&'a str),
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// An instant.
    Date(Timestamp),
}

impl ItemRef<'_> {
    /// The item as text (allocates only for numbers and dates).
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            ItemRef::Str(s) => Cow::Borrowed(s),
            ItemRef::Bool(true) => Cow::Borrowed("true"),
            ItemRef::Bool(false) => Cow::Borrowed("false"),
            ItemRef::Num(n) => Cow::Owned(format_number(*n)),
            ItemRef::Date(t) => Cow::Owned(t.to_iso8601()),
        }
    }
}

/// Formats a number without a trailing `.0` for whole values (as AWS renders them).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A value's only item as text: `None` for multivalued keys, which never
/// resolve as a single value (shared by [`ContextValue`] and [`ValueRef`]).
fn single_text_of(multivalued: bool, first: Option<ItemRef<'_>>) -> Option<Cow<'_, str>> {
    if multivalued {
        return None;
    }
    first.map(|item| match item {
        ItemRef::Str(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.as_text().into_owned()),
    })
}

impl ContextValue {
    /// Whether the key is multivalued (only lists are).
    pub fn is_multivalued(&self) -> bool {
        matches!(self, ContextValue::StringList(_))
    }

    /// How many items the value holds (a single value holds one).
    pub fn len(&self) -> usize {
        match self {
            ContextValue::StringList(items) => items.len(),
            _ => 1,
        }
    }

    /// Whether the value is an empty list.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `index`-th item, if any.
    pub fn item(&self, index: usize) -> Option<ItemRef<'_>> {
        match self {
            ContextValue::StringList(items) => items.get(index).map(|s| ItemRef::Str(s)),
            _ if index > 0 => None,
            ContextValue::String(s) | ContextValue::Ip(s) | ContextValue::Binary(s) => Some(ItemRef::Str(s)),
            ContextValue::Bool(b) => Some(ItemRef::Bool(*b)),
            ContextValue::Number(n) => Some(ItemRef::Num(*n)),
            ContextValue::Date(t) => Some(ItemRef::Date(*t)),
        }
    }

    /// Iterates over the items.
    pub fn items(&self) -> impl Iterator<Item = ItemRef<'_>> + '_ {
        (0..self.len()).filter_map(move |i| self.item(i))
    }

    /// The single value as text, for policy variables (lists never resolve).
    pub fn single_text(&self) -> Option<Cow<'_, str>> {
        single_text_of(self.is_multivalued(), self.item(0))
    }
}

/// A context value as the engine reads it: borrowed from a stored
/// [`ContextValue`] or computed on demand from the request, so a lookup
/// copies nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// A value stored in a context or given by the service.
    Stored(&'a ContextValue),
    /// A single string.
    Text(Cow<'a, str>),
    /// An IP address in text form.
    Ip(&'a str),
    /// A multivalued key holding one string (`aws:CalledVia`, `aws:PrincipalOrgPaths`).
    List1(Cow<'a, str>),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// An instant.
    Date(Timestamp),
}

impl ValueRef<'_> {
    /// Whether the key is multivalued.
    pub fn is_multivalued(&self) -> bool {
        match self {
            ValueRef::Stored(v) => v.is_multivalued(),
            ValueRef::List1(_) => true,
            _ => false,
        }
    }

    /// How many items the value holds.
    pub fn len(&self) -> usize {
        match self {
            ValueRef::Stored(v) => v.len(),
            _ => 1,
        }
    }

    /// Whether the value is an empty list.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `index`-th item, if any.
    pub fn item(&self, index: usize) -> Option<ItemRef<'_>> {
        match self {
            ValueRef::Stored(v) => v.item(index),
            _ if index > 0 => None,
            ValueRef::Text(s) | ValueRef::List1(s) => Some(ItemRef::Str(s)),
            ValueRef::Ip(s) => Some(ItemRef::Str(s)),
            ValueRef::Bool(b) => Some(ItemRef::Bool(*b)),
            ValueRef::Number(n) => Some(ItemRef::Num(*n)),
            ValueRef::Date(t) => Some(ItemRef::Date(*t)),
        }
    }

    /// Iterates over the items.
    pub fn items(&self) -> impl Iterator<Item = ItemRef<'_>> + '_ {
        (0..self.len()).filter_map(move |i| self.item(i))
    }

    /// The single value as text, for policy variables (lists never resolve).
    pub fn single_text(&self) -> Option<Cow<'_, str>> {
        single_text_of(self.is_multivalued(), self.item(0))
    }

    /// An owned copy.
    pub fn to_value(&self) -> ContextValue {
        match self {
            ValueRef::Stored(v) => (*v).clone(),
            ValueRef::Text(s) => ContextValue::String(s.to_string()),
            ValueRef::Ip(s) => ContextValue::Ip((*s).to_string()),
            ValueRef::List1(s) => ContextValue::StringList(vec![s.to_string()]),
            ValueRef::Bool(b) => ContextValue::Bool(*b),
            ValueRef::Number(n) => ContextValue::Number(*n),
            ValueRef::Date(t) => ContextValue::Date(*t),
        }
    }
}

/// The global and KMS keys AWS fills in for every request (what
/// [`crate::policy::builder`] builds), recognised once when a policy is
/// parsed so that evaluation can read them straight from the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KnownKey {
    /// `aws:PrincipalServiceName`.
    PrincipalServiceName,
    /// `aws:PrincipalIsAWSService`.
    PrincipalIsAwsService,
    /// `aws:PrincipalArn`.
    PrincipalArn,
    /// `aws:PrincipalAccount`.
    PrincipalAccount,
    /// `aws:PrincipalOrgID`.
    PrincipalOrgId,
    /// `aws:PrincipalOrgPaths`.
    PrincipalOrgPaths,
    /// `aws:PrincipalType`.
    PrincipalType,
    /// `aws:username`.
    Username,
    /// `aws:userid`.
    Userid,
    /// `aws:PrincipalTag/<key>`.
    PrincipalTag,
    /// `aws:MultiFactorAuthPresent`.
    MultiFactorAuthPresent,
    /// `aws:SourceIp`.
    SourceIp,
    /// `aws:SecureTransport`.
    SecureTransport,
    /// `aws:CurrentTime`.
    CurrentTime,
    /// `aws:EpochTime`.
    EpochTime,
    /// `aws:RequestedRegion`.
    RequestedRegion,
    /// `aws:ResourceAccount`.
    ResourceAccount,
    /// `aws:ResourceOrgID`.
    ResourceOrgId,
    /// `aws:ResourceOrgPaths`.
    ResourceOrgPaths,
    /// `aws:ResourceTag/<key>`.
    ResourceTag,
    /// `aws:ViaAWSService`.
    ViaAwsService,
    /// `aws:CalledVia`.
    CalledVia,
    /// `aws:CalledViaFirst`.
    CalledViaFirst,
    /// `aws:CalledViaLast`.
    CalledViaLast,
    /// `kms:CallerAccount`.
    KmsCallerAccount,
    /// `kms:ViaService`.
    KmsViaService,
    /// Any other key: only the service's own context can hold it.
    Other,
}

/// Prefix of `aws:PrincipalTag/<key>` (lowercase).
pub const PRINCIPAL_TAG_PREFIX: &str = "aws:principaltag/";
/// Prefix of `aws:ResourceTag/<key>` (lowercase).
pub const RESOURCE_TAG_PREFIX: &str = "aws:resourcetag/";

impl KnownKey {
    /// The single-name keys with their names as AWS writes them, in the
    /// order the context builder emits them.
    pub const NAMED: [(KnownKey, &'static str); 24] = [
        (KnownKey::PrincipalServiceName, "aws:PrincipalServiceName"),
        (KnownKey::PrincipalIsAwsService, "aws:PrincipalIsAWSService"),
        (KnownKey::PrincipalArn, "aws:PrincipalArn"),
        (KnownKey::PrincipalAccount, "aws:PrincipalAccount"),
        (KnownKey::PrincipalOrgId, "aws:PrincipalOrgID"),
        (KnownKey::PrincipalOrgPaths, "aws:PrincipalOrgPaths"),
        (KnownKey::PrincipalType, "aws:PrincipalType"),
        (KnownKey::Username, "aws:username"),
        (KnownKey::Userid, "aws:userid"),
        (KnownKey::MultiFactorAuthPresent, "aws:MultiFactorAuthPresent"),
        (KnownKey::SourceIp, "aws:SourceIp"),
        (KnownKey::SecureTransport, "aws:SecureTransport"),
        (KnownKey::CurrentTime, "aws:CurrentTime"),
        (KnownKey::EpochTime, "aws:EpochTime"),
        (KnownKey::RequestedRegion, "aws:RequestedRegion"),
        (KnownKey::ResourceAccount, "aws:ResourceAccount"),
        (KnownKey::ResourceOrgId, "aws:ResourceOrgID"),
        (KnownKey::ResourceOrgPaths, "aws:ResourceOrgPaths"),
        (KnownKey::ViaAwsService, "aws:ViaAWSService"),
        (KnownKey::CalledVia, "aws:CalledVia"),
        (KnownKey::CalledViaFirst, "aws:CalledViaFirst"),
        (KnownKey::CalledViaLast, "aws:CalledViaLast"),
        (KnownKey::KmsCallerAccount, "kms:CallerAccount"),
        (KnownKey::KmsViaService, "kms:ViaService"),
    ];

    /// Classifies a key as written (case-insensitively).
    pub fn of(key: &str) -> KnownKey {
        if let Some((known, _)) = Self::NAMED.iter().find(|(_, name)| name.eq_ignore_ascii_case(key)) {
            return *known;
        }
        if starts_with_ignore_case(key, PRINCIPAL_TAG_PREFIX) {
            KnownKey::PrincipalTag
        } else if starts_with_ignore_case(key, RESOURCE_TAG_PREFIX) {
            KnownKey::ResourceTag
        } else {
            KnownKey::Other
        }
    }
}

/// Whether `text` starts with `prefix` (ASCII lowercase), ignoring ASCII case.
pub fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Where conditions, policy variables and grant constraints read context values.
pub trait ContextLookup {
    /// The value of `key` (as written; `known` is [`KnownKey::of`] of it), if set.
    fn lookup(&self, key: &str, known: KnownKey) -> Option<ValueRef<'_>>;

    /// Calls `f` with every entry that is only stored (not computed), in order,
    /// each key once: what grant constraints read the encryption context from.
    fn for_each_stored<'s>(&'s self, f: &mut dyn FnMut(&'s str, &'s ContextValue));

    /// Looks up a key given as text.
    fn lookup_str(&self, key: &str) -> Option<ValueRef<'_>> {
        self.lookup(key, KnownKey::of(key))
    }
}

impl ContextLookup for RequestContext {
    fn lookup(&self, key: &str, _known: KnownKey) -> Option<ValueRef<'_>> {
        self.get(key).map(ValueRef::Stored)
    }

    fn for_each_stored<'s>(&'s self, f: &mut dyn FnMut(&'s str, &'s ContextValue)) {
        for (k, v) in &self.entries {
            f(k, v);
        }
    }
}

/// The request context: an ordered list of case-insensitive keys and values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestContext {
    entries: Vec<(Cow<'static, str>, ContextValue)>,
}

impl RequestContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty context with room for `n` keys.
    pub fn with_capacity(n: usize) -> Self {
        RequestContext { entries: Vec::with_capacity(n) }
    }

    /// Sets `key` (replacing any value under the same key in any case).
    pub fn set(&mut self, key: impl Into<Cow<'static, str>>, value: ContextValue) {
        let key = key.into();
        if let Some(slot) = self.entries.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            slot.1 = value;
        } else {
            self.entries.push((key, value));
        }
    }

    /// Appends without checking for an existing key (the builder knows its keys are distinct).
    pub(crate) fn push_unchecked(&mut self, key: impl Into<Cow<'static, str>>, value: ContextValue) {
        self.entries.push((key.into(), value));
    }

    /// Removes `key`, making it missing again.
    pub fn remove(&mut self, key: &str) {
        self.entries.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
    }

    /// Looks `key` up, case-insensitively.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        // Later entries win, so extras given by a service override builder defaults.
        self.entries.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// All entries, in insertion order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Convenience constructor for a string value.
pub fn string_value(text: &str) -> ContextValue {
    ContextValue::String(text.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_values_are_not() {
        let mut ctx = RequestContext::new();
        ctx.set("aws:PrincipalTag/Dept", string_value("Eng"));
        assert_eq!(ctx.get("AWS:principaltag/dept"), Some(&string_value("Eng")));
        assert_ne!(ctx.get("aws:principaltag/dept"), Some(&string_value("eng")));
        ctx.set("AWS:PRINCIPALTAG/DEPT", string_value("Ops"));
        assert_eq!(ctx.len(), 1);
        ctx.remove("aws:principalTag/dept");
        assert!(ctx.get("aws:PrincipalTag/Dept").is_none());
    }

    #[test]
    fn lists_are_multivalued_and_never_resolve_as_variables() {
        let list = ContextValue::StringList(vec!["a".into(), "b".into()]);
        assert!(list.is_multivalued());
        assert_eq!(list.items().count(), 2);
        assert!(list.single_text().is_none());
        assert_eq!(ContextValue::Bool(true).single_text().as_deref(), Some("true"));
        assert_eq!(ContextValue::Number(3.0).single_text().as_deref(), Some("3"));
        assert!(ContextValue::StringList(vec![]).is_empty());
    }
}
