//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`,
//! `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`.
//!
//! Variables are substituted only in `2012-10-17` policies; in older (or
//! versionless) policies `${…}` is plain text. A variable whose key is
//! missing (or multivalued) and has no default makes the element it sits in
//! fail to match, which is how AWS behaves.

use super::context::ContextLookup;
use super::matching::{tokenize_literal, tokenize_wild, Tok};

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text as written (may contain wildcards, depending on where it is used).
    Text(String),
    /// A character produced by `${*}`, `${?}` or `${$}`: always literal.
    Escaped(char),
    /// A context key, with an optional default.
    Var {
        /// The key as written.
        key: String,
        /// The default after the comma, if any.
        default: Option<String>,
    },
}

/// A string with policy variables, split once at parse time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// The pieces, in order.
    pub parts: Vec<Part>,
}

/// Why a template could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl Template {
    /// Splits `text` into parts; `Ok(None)` when it has no variable at all.
    pub fn parse(text: &str) -> Result<Option<Template>, TemplateError> {
        if !text.contains("${") {
            return Ok(None);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest.get(..start).unwrap_or("").to_string()));
            }
            let after = rest.get(start + 2..).unwrap_or("");
            let end =
                after.find('}').ok_or_else(|| TemplateError(format!("unterminated policy variable in \"{text}\"")))?;
            let inner = after.get(..end).unwrap_or("").trim();
            parts.push(Self::parse_var(inner, text)?);
            rest = after.get(end + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Some(Template { parts }))
    }

    fn parse_var(inner: &str, whole: &str) -> Result<Part, TemplateError> {
        match inner {
            "*" => return Ok(Part::Escaped('*')),
            "?" => return Ok(Part::Escaped('?')),
            "$" => return Ok(Part::Escaped('$')),
            _ => {}
        }
        let (key, default) = match inner.split_once(',') {
            Some((key, default)) => {
                let default = default.trim();
                let unquoted = default
                    .strip_prefix('\'')
                    .and_then(|d| d.strip_suffix('\''))
                    .ok_or_else(|| TemplateError(format!("variable default must be quoted with ' in \"{whole}\"")))?;
                (key.trim(), Some(unquoted.to_string()))
            }
            None => (inner, None),
        };
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(TemplateError(format!("invalid policy variable \"${{{inner}}}\" in \"{whole}\"")));
        }
        Ok(Part::Var { key: key.to_string(), default })
    }

    /// The context keys this template reads.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| if let Part::Var { key, .. } = p { Some(key.as_str()) } else { None })
    }

    /// Substitutes into a plain string (escapes become their character);
    /// `None` when a variable does not resolve.
    pub fn render<C: ContextLookup + ?Sized>(&self, ctx: &C) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Escaped(c) => out.push(*c),
                Part::Var { key, default } => resolve(ctx, key, default.as_deref(), |v| out.push_str(v))?,
            }
        }
        Some(out)
    }

    /// Substitutes into glob tokens: written text keeps its wildcards,
    /// substituted values and escapes are literal.
    pub fn render_tokens<C: ContextLookup + ?Sized>(&self, ctx: &C, wild_text: bool) -> Option<Vec<Tok>> {
        let mut out = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) if wild_text => tokenize_wild(t, &mut out),
                Part::Text(t) => tokenize_literal(t, &mut out),
                Part::Escaped(c) => out.push(Tok::Lit(*c)),
                Part::Var { key, default } => resolve(ctx, key, default.as_deref(), |v| tokenize_literal(v, &mut out))?,
            }
        }
        Some(out)
    }
}

/// Hands the variable's value (or its default) to `sink`; `None` when it has neither.
fn resolve<C: ContextLookup + ?Sized>(
    ctx: &C,
    key: &str,
    default: Option<&str>,
    sink: impl FnOnce(&str),
) -> Option<()> {
    let value = ctx.lookup_str(key);
    match value.as_ref().and_then(|v| v.single_text()) {
        Some(text) => sink(&text),
        None => sink(default?),
    }
    Some(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::policy::context::{string_value, ContextValue, RequestContext};
    use crate::policy::matching::Glob;

    #[test]
    fn substitutes_defaults_and_escapes() {
        let mut ctx = RequestContext::new();
        ctx.set("aws:username", string_value("alice"));
        let t = Template::parse("home/${aws:username}/${aws:PrincipalTag/team, 'none'}/${*}").unwrap().unwrap();
        assert_eq!(t.render(&ctx).as_deref(), Some("home/alice/none/*"));
        let g = Glob::from_tokens(t.render_tokens(&ctx, true).unwrap());
        assert!(g.matches("home/alice/none/*", false));
        assert!(!g.matches("home/alice/none/x", false));
    }

    #[test]
    fn unresolved_and_multivalued_do_not_render() {
        let mut ctx = RequestContext::new();
        ctx.set("aws:TagKeys", ContextValue::StringList(vec!["a".into()]));
        assert!(Template::parse("${aws:username}").unwrap().unwrap().render(&ctx).is_none());
        assert!(Template::parse("${aws:TagKeys}").unwrap().unwrap().render(&ctx).is_none());
        assert!(Template::parse("plain").unwrap().is_none());
        assert!(Template::parse("${aws:username").is_err());
        assert!(Template::parse("${a, default}").is_err());
    }
}
