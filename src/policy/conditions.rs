//! Condition operators and their exact AWS semantics.
//!
//! A `Condition` block ANDs its operators and, within an operator, its keys;
//! the values listed for one key are ORed. Negated operators (`StringNotEquals`,
//! `NotIpAddress`, `ArnNotLike`, …) hold when *no* listed value matches.
//! Missing keys: a positive operator is false, a negated one true, `…IfExists`
//! true, `ForAllValues:` true (also for an empty list), `ForAnyValue:` false.

use super::compare;
use super::context::{ContextLookup, ItemRef, KnownKey, RequestContext, ValueRef};
use super::matching::{ArnPattern, Glob};
use super::variables::Template;
use crate::clock::Timestamp;
use base64::Engine;
use serde::Serialize;
use std::borrow::Cow;
use std::net::IpAddr;

/// The operator families and their members, without `Not`, `IfExists` or set qualifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BaseOp {
    /// `StringEquals`.
    StringEquals,
    /// `StringEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike`.
    StringLike,
    /// `NumericEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `DateEquals`.
    DateEquals,
    /// `DateLessThan`.
    DateLessThan,
    /// `DateLessThanEquals`.
    DateLessThanEquals,
    /// `DateGreaterThan`.
    DateGreaterThan,
    /// `DateGreaterThanEquals`.
    DateGreaterThanEquals,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    BinaryEquals,
    /// `IpAddress`.
    IpAddress,
    /// `ArnEquals` (wildcards allowed, like `ArnLike`).
    ArnEquals,
    /// `ArnLike`.
    ArnLike,
    /// `Null`.
    Null,
}

/// `ForAllValues:` / `ForAnyValue:` or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SetQualifier {
    /// No qualifier.
    None,
    /// `ForAllValues:`.
    ForAllValues,
    /// `ForAnyValue:`.
    ForAnyValue,
}

/// A parsed operator name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    /// The positive operator.
    pub base: BaseOp,
    /// Whether it is the negated form (`StringNotEquals`, `NotIpAddress`, …).
    pub negated: bool,
    /// `…IfExists`.
    pub if_exists: bool,
    /// Set qualifier.
    pub qualifier: SetQualifier,
}

impl Operator {
    /// Parses an operator name as written in a policy; `None` when unknown.
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else {
            (SetQualifier::None, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        use BaseOp::*;
        let (base, negated) = match rest {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (BinaryEquals, false),
            "IpAddress" => (IpAddress, false),
            "NotIpAddress" => (IpAddress, true),
            "ArnEquals" => (ArnEquals, false),
            "ArnNotEquals" => (ArnEquals, true),
            "ArnLike" => (ArnLike, false),
            "ArnNotLike" => (ArnLike, true),
            "Null" => (Null, false),
            _ => return None,
        };
        // `Null` takes no IfExists and no set qualifier in AWS's grammar.
        if base == Null && (if_exists || qualifier != SetQualifier::None) {
            return None;
        }
        Some(Operator { base, negated, if_exists, qualifier })
    }
}

/// An IPv4 or IPv6 network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    /// Network address.
    pub addr: IpAddr,
    /// Prefix length.
    pub prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a host network).
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr_text, prefix_text) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr_text.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix_text {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Cidr { addr, prefix })
    }

    /// Whether `ip` is inside the network (families never mix).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// A policy value converted once for its operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// Text for string equality.
    Text(String),
    /// A glob (`StringLike`).
    Glob(Glob),
    /// A number.
    Number(f64),
    /// An instant in milliseconds.
    Date(i64),
    /// A boolean.
    Bool(bool),
    /// Decoded bytes.
    Binary(Vec<u8>),
    /// A network.
    Ip(Cidr),
    /// An ARN pattern.
    Arn(ArnPattern),
    /// Not valid for the operator: never matches (validation reports it).
    Invalid,
}

/// Parses a date as AWS accepts it in conditions: ISO-8601 or epoch seconds.
pub fn parse_date_ms(text: &str) -> Option<i64> {
    if let Some(t) = Timestamp::parse_iso8601(text) {
        return Some(t.millis());
    }
    // `2025-06-01T12:00:00+02:00`: the clock parser takes UTC only, so shift by hand.
    if let Some((stamp, sign, hours, minutes)) = split_offset(text) {
        let base = Timestamp::parse_iso8601(&format!("{stamp}Z"))?;
        let offset_ms = (hours * 60 + minutes) * 60_000;
        return Some(base.millis() - sign * offset_ms);
    }
    let secs: f64 = text.trim().parse().ok()?;
    Timestamp::from_epoch_seconds(secs).map(Timestamp::millis)
}

/// Splits `…±hh:mm` into the local stamp, the sign and the offset.
fn split_offset(text: &str) -> Option<(&str, i64, i64, i64)> {
    let cut = text.len().checked_sub(6)?;
    let (stamp, offset) = (text.get(..cut)?, text.get(cut..)?);
    let sign = match offset.get(..1)? {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    if offset.get(3..4)? != ":" || !stamp.contains('T') {
        return None;
    }
    let hours: i64 = offset.get(1..3)?.parse().ok()?;
    let minutes: i64 = offset.get(4..6)?.parse().ok()?;
    (hours <= 23 && minutes <= 59).then_some((stamp, sign, hours, minutes))
}

fn parse_for(base: BaseOp, text: &str) -> Parsed {
    use BaseOp::*;
    match base {
        StringEquals | StringEqualsIgnoreCase => Parsed::Text(text.to_string()),
        StringLike => Parsed::Glob(Glob::compile(text)),
        NumericEquals | NumericLessThan | NumericLessThanEquals | NumericGreaterThan | NumericGreaterThanEquals => {
            text.trim().parse::<f64>().map(Parsed::Number).unwrap_or(Parsed::Invalid)
        }
        DateEquals | DateLessThan | DateLessThanEquals | DateGreaterThan | DateGreaterThanEquals => {
            parse_date_ms(text).map(Parsed::Date).unwrap_or(Parsed::Invalid)
        }
        Bool | Null => match text.to_ascii_lowercase().as_str() {
            "true" => Parsed::Bool(true),
            "false" => Parsed::Bool(false),
            _ => Parsed::Invalid,
        },
        BinaryEquals => {
            base64::engine::general_purpose::STANDARD.decode(text).map(Parsed::Binary).unwrap_or(Parsed::Invalid)
        }
        IpAddress => Cidr::parse(text).map(Parsed::Ip).unwrap_or(Parsed::Invalid),
        ArnEquals | ArnLike => Parsed::Arn(ArnPattern::compile(text)),
    }
}

/// One value listed for a condition key.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionValue {
    /// As written.
    pub raw: String,
    /// Variables in it (2012-10-17 policies only).
    pub template: Option<Template>,
    /// Pre-converted form when there are no variables.
    pub parsed: Parsed,
}

/// One `operator: { key: values }` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// Operator name as written.
    pub operator_name: String,
    /// Parsed operator (`None` when unknown: the condition never holds).
    pub operator: Option<Operator>,
    /// Context key as written.
    pub key: String,
    /// The key recognised once, so evaluation reads it without comparing names.
    pub known_key: KnownKey,
    /// The values (ORed).
    pub values: Vec<ConditionValue>,
}

/// The outcome of one condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConditionOutcome {
    /// Whether it held.
    pub passed: bool,
    /// Whether the key was missing from the request context.
    pub key_missing: bool,
}

impl Condition {
    /// Builds a condition, converting its values once.
    pub fn new(operator_name: &str, key: &str, raw_values: Vec<String>, variables: bool) -> Result<Condition, String> {
        let operator = Operator::parse(operator_name);
        let mut values = Vec::with_capacity(raw_values.len());
        for raw in raw_values {
            let template = if variables { Template::parse(&raw).map_err(|e| e.0)? } else { None };
            let parsed = match (operator, &template) {
                (Some(op), None) => parse_for(op.base, &raw),
                _ => Parsed::Invalid,
            };
            values.push(ConditionValue { raw, template, parsed });
        }
        Ok(Condition {
            operator_name: operator_name.to_string(),
            operator,
            known_key: KnownKey::of(key),
            key: key.to_string(),
            values,
        })
    }

    /// Evaluates against `ctx`.
    pub fn evaluate(&self, ctx: &RequestContext) -> ConditionOutcome {
        self.evaluate_in(ctx)
    }

    /// Evaluates against any context source.
    pub fn evaluate_in<C: ContextLookup + ?Sized>(&self, ctx: &C) -> ConditionOutcome {
        let Some(op) = self.operator else {
            return ConditionOutcome { passed: false, key_missing: false };
        };
        let value = ctx.lookup(&self.key, self.known_key);
        let missing = value.as_ref().is_none_or(ValueRef::is_empty);
        if op.base == BaseOp::Null {
            // Null: true means "the key is absent"; an empty list counts as absent.
            let passed = self.values.iter().any(|v| match v.parsed {
                Parsed::Bool(want_absent) => want_absent == missing,
                _ => false,
            });
            return ConditionOutcome { passed, key_missing: missing };
        }
        let passed = match (&value, missing) {
            (_, true) => match op.qualifier {
                SetQualifier::ForAllValues => true,
                SetQualifier::ForAnyValue => op.if_exists,
                SetQualifier::None => op.if_exists || op.negated,
            },
            (Some(value), false) => {
                let item_matches = |item: ItemRef<'_>| self.values.iter().any(|v| value_matches(op.base, v, item, ctx));
                match op.qualifier {
                    // ForAllValues: every request value must match (for negated
                    // operators: no request value may match any policy value).
                    SetQualifier::ForAllValues => value.items().all(|item| item_matches(item) != op.negated),
                    // ForAnyValue: at least one request value matches (for negated
                    // operators: at least one request value matches none).
                    SetQualifier::ForAnyValue => value.items().any(|item| item_matches(item) != op.negated),
                    // A single-valued key has one item; an unqualified
                    // multivalued key behaves like ForAnyValue, and its negation
                    // like "no item matches".
                    SetQualifier::None => value.items().any(item_matches) != op.negated,
                }
            }
            (None, false) => false,
        };
        ConditionOutcome { passed, key_missing: missing }
    }
}

fn value_matches<C: ContextLookup + ?Sized>(base: BaseOp, value: &ConditionValue, item: ItemRef<'_>, ctx: &C) -> bool {
    let parsed: Cow<'_, Parsed> = match &value.template {
        None => Cow::Borrowed(&value.parsed),
        Some(template) => match resolve_template(base, template, ctx) {
            Some(p) => Cow::Owned(p),
            None => return false,
        },
    };
    compare(base, &parsed, item)
}

fn resolve_template<C: ContextLookup + ?Sized>(base: BaseOp, template: &Template, ctx: &C) -> Option<Parsed> {
    match base {
        BaseOp::StringLike => Some(Parsed::Glob(Glob::from_tokens(template.render_tokens(ctx, true)?))),
        BaseOp::ArnEquals | BaseOp::ArnLike => {
            Some(Parsed::Arn(ArnPattern::from_tokens(template.render_tokens(ctx, true)?)))
        }
        other => Some(parse_for(other, &template.render(ctx)?)),
    }
}

fn item_number(item: ItemRef<'_>) -> Option<f64> {
    match item {
        ItemRef::Num(n) => Some(n),
        ItemRef::Str(s) => s.trim().parse().ok(),
        ItemRef::Bool(_) => None,
        ItemRef::Date(t) => Some(t.epoch_seconds()),
    }
}

fn item_date(item: ItemRef<'_>) -> Option<i64> {
    match item {
        ItemRef::Date(t) => Some(t.millis()),
        ItemRef::Num(n) => Timestamp::from_epoch_seconds(n).map(Timestamp::millis),
        ItemRef::Str(s) => parse_date_ms(s),
        ItemRef::Bool(_) => None,
    }
}

fn compare(base: BaseOp, parsed: &Parsed, item: ItemRef<'_>) -> bool {
    use BaseOp::*;
    match (base, parsed) {
        (StringEquals, Parsed::Text(t)) => compare::same(&item.as_text(), t),
        (StringEqualsIgnoreCase, Parsed::Text(t)) => {
            let text = item.as_text();
            text.eq_ignore_ascii_case(t) || (!text.is_ascii() && text.to_lowercase() == t.to_lowercase())
        }
        (StringLike, Parsed::Glob(g)) => g.matches(&item.as_text(), false),
        (NumericEquals, Parsed::Number(n)) => item_number(item).is_some_and(|x| x == *n),
        (NumericLessThan, Parsed::Number(n)) => item_number(item).is_some_and(|x| x < *n),
        (NumericLessThanEquals, Parsed::Number(n)) => item_number(item).is_some_and(|x| x <= *n),
        (NumericGreaterThan, Parsed::Number(n)) => item_number(item).is_some_and(|x| x > *n),
        (NumericGreaterThanEquals, Parsed::Number(n)) => item_number(item).is_some_and(|x| x >= *n),
        (DateEquals, Parsed::Date(d)) => item_date(item).is_some_and(|x| x == *d),
        (DateLessThan, Parsed::Date(d)) => item_date(item).is_some_and(|x| x < *d),
        (DateLessThanEquals, Parsed::Date(d)) => item_date(item).is_some_and(|x| x <= *d),
        (DateGreaterThan, Parsed::Date(d)) => item_date(item).is_some_and(|x| x > *d),
        (DateGreaterThanEquals, Parsed::Date(d)) => item_date(item).is_some_and(|x| x >= *d),
        (Bool, Parsed::Bool(b)) => match item {
            ItemRef::Bool(x) => x == *b,
            ItemRef::Str(s) => s.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
            _ => false,
        },
        (BinaryEquals, Parsed::Binary(bytes)) => match item {
            ItemRef::Str(s) => base64::engine::general_purpose::STANDARD.decode(s).is_ok_and(|x| &x == bytes),
            _ => false,
        },
        (IpAddress, Parsed::Ip(cidr)) => match item {
            ItemRef::Str(s) => s.trim().parse::<IpAddr>().is_ok_and(|ip| cidr.contains(ip)),
            _ => false,
        },
        (ArnEquals | ArnLike, Parsed::Arn(p)) => p.matches(&item.as_text()),
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::policy::context::{string_value, ContextValue};

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition::new(op, key, values.iter().map(|s| s.to_string()).collect(), true).unwrap()
    }

    fn ctx(pairs: &[(&'static str, ContextValue)]) -> RequestContext {
        let mut c = RequestContext::new();
        for (k, v) in pairs {
            c.set(*k, v.clone());
        }
        c
    }

    fn list(items: &[&str]) -> ContextValue {
        ContextValue::StringList(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn missing_keys_follow_aws_rules() {
        let empty = RequestContext::new();
        assert!(!cond("StringEquals", "k", &["a"]).evaluate(&empty).passed);
        assert!(cond("StringNotEquals", "k", &["a"]).evaluate(&empty).passed);
        assert!(cond("StringEqualsIfExists", "k", &["a"]).evaluate(&empty).passed);
        assert!(cond("ForAllValues:StringEquals", "k", &["a"]).evaluate(&empty).passed);
        assert!(!cond("ForAnyValue:StringEquals", "k", &["a"]).evaluate(&empty).passed);
        assert!(!cond("ForAnyValue:StringNotEquals", "k", &["a"]).evaluate(&empty).passed);
        assert!(cond("Null", "k", &["true"]).evaluate(&empty).passed);
        let with_empty_list = ctx(&[("k", list(&[]))]);
        assert!(cond("ForAllValues:StringEquals", "k", &["a"]).evaluate(&with_empty_list).passed);
        assert!(cond("Null", "k", &["true"]).evaluate(&with_empty_list).passed);
    }

    #[test]
    fn set_operators() {
        let c = ctx(&[("aws:TagKeys", list(&["a", "b"]))]);
        assert!(cond("ForAllValues:StringEquals", "aws:tagkeys", &["a", "b", "c"]).evaluate(&c).passed);
        assert!(!cond("ForAllValues:StringEquals", "aws:tagkeys", &["a"]).evaluate(&c).passed);
        assert!(cond("ForAnyValue:StringEquals", "aws:tagkeys", &["b"]).evaluate(&c).passed);
        assert!(!cond("ForAllValues:StringNotEquals", "aws:tagkeys", &["a"]).evaluate(&c).passed);
        assert!(cond("ForAllValues:StringNotEquals", "aws:tagkeys", &["x"]).evaluate(&c).passed);
        assert!(cond("ForAnyValue:StringNotEquals", "aws:tagkeys", &["a"]).evaluate(&c).passed);
        assert!(!cond("ForAnyValue:StringNotEquals", "aws:tagkeys", &["a", "b"]).evaluate(&c).passed);
    }

    #[test]
    fn typed_operators() {
        let c = ctx(&[
            ("n", ContextValue::Number(5.0)),
            ("d", string_value("2025-01-02T00:00:00Z")),
            ("ip", ContextValue::Ip("10.1.2.3".into())),
            ("ip6", ContextValue::Ip("2001:db8::1".into())),
            ("b", ContextValue::Bool(false)),
            ("arn", string_value("arn:aws:iam::111122223333:role/x")),
            ("bin", string_value("aGVsbG8=")),
            ("s", string_value("Hello")),
        ]);
        assert!(cond("NumericLessThan", "n", &["6"]).evaluate(&c).passed);
        assert!(!cond("NumericGreaterThanEquals", "n", &["6"]).evaluate(&c).passed);
        assert!(cond("NumericNotEquals", "n", &["6"]).evaluate(&c).passed);
        assert!(cond("DateGreaterThan", "d", &["2025-01-01T00:00:00Z"]).evaluate(&c).passed);
        assert!(cond("DateLessThan", "d", &["1800000000"]).evaluate(&c).passed);
        assert!(cond("DateEquals", "d", &["2025-01-02T02:00:00+02:00"]).evaluate(&c).passed);
        assert!(cond("DateEquals", "d", &["2025-01-01T19:00:00-05:00"]).evaluate(&c).passed);
        assert!(cond("IpAddress", "ip", &["10.0.0.0/8"]).evaluate(&c).passed);
        assert!(cond("NotIpAddress", "ip", &["192.168.0.0/16"]).evaluate(&c).passed);
        assert!(cond("IpAddress", "ip6", &["2001:db8::/32"]).evaluate(&c).passed);
        assert!(!cond("IpAddress", "ip6", &["10.0.0.0/8"]).evaluate(&c).passed);
        assert!(cond("Bool", "b", &["false"]).evaluate(&c).passed);
        assert!(cond("ArnLike", "arn", &["arn:aws:iam::*:role/*"]).evaluate(&c).passed);
        assert!(!cond("ArnNotEquals", "arn", &["arn:aws:iam::111122223333:role/*"]).evaluate(&c).passed);
        assert!(cond("BinaryEquals", "bin", &["aGVsbG8="]).evaluate(&c).passed);
        assert!(cond("StringEqualsIgnoreCase", "s", &["hello"]).evaluate(&c).passed);
        assert!(!cond("StringEquals", "s", &["hello"]).evaluate(&c).passed);
        assert!(cond("StringLike", "s", &["H*o"]).evaluate(&c).passed);
        assert!(!cond("NoSuchOperator", "s", &["Hello"]).evaluate(&c).passed);
    }

    #[test]
    fn operator_names_parse() {
        let op = Operator::parse("ForAnyValue:StringNotLikeIfExists").unwrap();
        assert_eq!(
            (op.base, op.negated, op.if_exists, op.qualifier),
            (BaseOp::StringLike, true, true, SetQualifier::ForAnyValue)
        );
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("stringequals").is_none());
    }
}
