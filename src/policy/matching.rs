//! Wildcard matching: actions (case-insensitive), resources and ARNs
//! (case-sensitive, segment-wise), and the `*` / `?` globs of `StringLike`.
//!
//! Patterns are compiled once when a policy is parsed; matching never
//! allocates. A `*` or `?` that came from a policy variable (`${*}`) is a
//! literal character, which is why patterns are token lists, not strings.

use super::compare;

/// One token of a compiled glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A character that must match itself.
    Lit(char),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
}

/// Tokenizes `text`, reading `*` and `?` as wildcards.
pub fn tokenize_wild(text: &str, out: &mut Vec<Tok>) {
    for c in text.chars() {
        out.push(match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            other => Tok::Lit(other),
        });
    }
}

/// Tokenizes `text` as literal characters only.
pub fn tokenize_literal(text: &str, out: &mut Vec<Tok>) {
    out.extend(text.chars().map(Tok::Lit));
}

fn chars_equal(a: char, b: char, ignore_case: bool) -> bool {
    a == b || (ignore_case && (a.eq_ignore_ascii_case(&b) || a.to_lowercase().eq(b.to_lowercase())))
}

/// Matches `text` against a token list: iterative, with one backtrack point
/// per `*`, so it runs in O(len(text) × len(pattern)) at worst and never recurses.
pub fn glob_tokens(pattern: &[Tok], text: &str, ignore_case: bool) -> bool {
    let mut pi = 0usize;
    let mut ti = 0usize;
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        let rest = text.get(ti..).unwrap_or("");
        let next_char = rest.chars().next();
        let advanced = match (pattern.get(pi), next_char) {
            (Some(Tok::Star), _) => {
                backtrack = Some((pi, ti));
                pi += 1;
                true
            }
            (Some(Tok::One), Some(c)) => {
                pi += 1;
                ti += c.len_utf8();
                true
            }
            (Some(Tok::Lit(p)), Some(c)) if chars_equal(*p, c, ignore_case) => {
                pi += 1;
                ti += c.len_utf8();
                true
            }
            (None, None) => return true,
            _ => false,
        };
        if advanced {
            continue;
        }
        // Mismatch: let the last `*` swallow one more character, if it can.
        match backtrack {
            Some((star_pi, star_ti)) => match text.get(star_ti..).and_then(|r| r.chars().next()) {
                Some(c) => {
                    let resume = star_ti + c.len_utf8();
                    backtrack = Some((star_pi, resume));
                    pi = star_pi + 1;
                    ti = resume;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// A compiled wildcard pattern with fast paths for the common shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Glob {
    /// `*`: matches everything.
    Any,
    /// No wildcard: equality.
    Exact(String),
    /// `prefix*`: the prefix must match.
    Prefix(String),
    /// Anything else.
    General(Vec<Tok>),
}

impl Glob {
    /// Compiles `text`, reading `*` and `?` as wildcards.
    pub fn compile(text: &str) -> Glob {
        if text == "*" {
            return Glob::Any;
        }
        let stars = text.matches('*').count();
        let has_one = text.contains('?');
        if stars == 0 && !has_one {
            return Glob::Exact(text.to_string());
        }
        if stars == 1 && !has_one && text.ends_with('*') {
            return Glob::Prefix(text.trim_end_matches('*').to_string());
        }
        let mut toks = Vec::with_capacity(text.len());
        tokenize_wild(text, &mut toks);
        Glob::General(toks)
    }

    /// Compiles a token list produced by variable substitution.
    pub fn from_tokens(toks: Vec<Tok>) -> Glob {
        if toks.iter().all(|t| matches!(t, Tok::Lit(_))) {
            return Glob::Exact(
                toks.iter().filter_map(|t| if let Tok::Lit(c) = t { Some(*c) } else { None }).collect(),
            );
        }
        Glob::General(toks)
    }

    /// Whether `text` matches.
    pub fn matches(&self, text: &str, ignore_case: bool) -> bool {
        match self {
            Glob::Any => true,
            Glob::Exact(p) => {
                if ignore_case {
                    p.eq_ignore_ascii_case(text) || (!p.is_ascii() && p.to_lowercase() == text.to_lowercase())
                } else {
                    compare::same(p, text)
                }
            }
            Glob::Prefix(p) => match text.get(..p.len()) {
                Some(head) => {
                    if ignore_case {
                        head.eq_ignore_ascii_case(p)
                    } else {
                        compare::same(head, p)
                    }
                }
                None => false,
            },
            Glob::General(toks) => glob_tokens(toks, text, ignore_case),
        }
    }
}

/// A compiled ARN (or resource) pattern: the six colon-separated segments
/// are matched one by one, so a `*` in the region never eats the account; a
/// pattern that is not ARN-shaped is matched as one glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArnPattern {
    /// `*`.
    Any,
    /// ARN-shaped (starts with `arn:`): arn, partition, service, region,
    /// account, resource — matched segment by segment, the last segment of
    /// the value absorbing any further colons.
    Segments(Vec<Glob>),
    /// Not ARN-shaped: one glob over the whole value.
    Whole(Glob),
}

impl ArnPattern {
    /// Compiles `text`.
    pub fn compile(text: &str) -> ArnPattern {
        if text == "*" {
            return ArnPattern::Any;
        }
        if !text.starts_with("arn:") {
            return ArnPattern::Whole(Glob::compile(text));
        }
        let segments: Vec<Glob> = text.splitn(6, ':').map(Glob::compile).collect();
        // Wildcards only in the last segment (`arn:aws:kms:us-east-1:111122223333:key/*`):
        // the exact segments before it are a literal prefix, so one glob over
        // the whole value matches exactly the same values, faster.
        let (last, before) = match segments.split_last() {
            Some(split) => split,
            None => return ArnPattern::Segments(segments),
        };
        if before.iter().all(|g| matches!(g, Glob::Exact(_))) && !matches!(last, Glob::Any) {
            return ArnPattern::Whole(Glob::compile(text));
        }
        ArnPattern::Segments(segments)
    }

    /// Compiles tokens produced by variable substitution (literal `*` stays literal).
    pub fn from_tokens(toks: Vec<Tok>) -> ArnPattern {
        if toks == [Tok::Star] {
            return ArnPattern::Any;
        }
        let mut segments: Vec<Vec<Tok>> = vec![Vec::new()];
        for tok in toks.iter() {
            let colon = matches!(tok, Tok::Lit(':'));
            if colon && segments.len() < 6 {
                segments.push(Vec::new());
            } else if let Some(last) = segments.last_mut() {
                last.push(tok.clone());
            }
        }
        let arn_shaped =
            segments.first().is_some_and(|s| s.as_slice() == [Tok::Lit('a'), Tok::Lit('r'), Tok::Lit('n')]);
        if arn_shaped {
            ArnPattern::Segments(segments.into_iter().map(Glob::from_tokens).collect())
        } else {
            ArnPattern::Whole(Glob::from_tokens(toks))
        }
    }

    /// Whether `arn` matches (case-sensitive, as resource ARNs are).
    pub fn matches(&self, arn: &str) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Whole(glob) => glob.matches(arn, false),
            ArnPattern::Segments(globs) => {
                // As `arn.splitn(globs.len(), ':')`, the last part keeping further colons.
                let mut rest = arn;
                let last = globs.len().saturating_sub(1);
                for (i, glob) in globs.iter().enumerate() {
                    let part = if i == last {
                        rest
                    } else {
                        let Some(colon) = rest.bytes().position(|b| b == b':') else { return false };
                        let part = rest.get(..colon).unwrap_or("");
                        rest = rest.get(colon + 1..).unwrap_or("");
                        part
                    };
                    if !glob.matches(part, false) {
                        return false;
                    }
                }
                true
            }
        }
    }
}

/// Matches an action pattern (already lowercased at parse) against a request
/// action, ignoring case without allocating.
pub fn action_matches(pattern: &Glob, action: &str) -> bool {
    pattern.matches(action, true)
}

/// [`action_matches`] for an ASCII pattern (lowercased at parse) and an
/// ASCII `action`, given also as `lowered` (see [`ascii_lowercase_into`]):
/// plain byte comparisons, same answers.
pub fn lowered_action_matches(pattern: &Glob, lowered: &[u8], action: &str) -> bool {
    match pattern {
        Glob::Any => true,
        Glob::Exact(p) => compare::same_bytes(p.as_bytes(), lowered),
        Glob::Prefix(p) => lowered.get(..p.len()).is_some_and(|head| compare::same_bytes(head, p.as_bytes())),
        Glob::General(toks) => glob_tokens(toks, action, true),
    }
}

/// ASCII-lowercases `text` into `buffer`; `None` when it is not ASCII or does not fit.
pub fn ascii_lowercase_into<'b>(text: &str, buffer: &'b mut [u8]) -> Option<&'b [u8]> {
    let out = buffer.get_mut(..text.len())?;
    for (o, b) in out.iter_mut().zip(text.bytes()) {
        if !b.is_ascii() {
            return None;
        }
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn globs_cover_star_question_and_case() {
        assert!(Glob::compile("kms:*").matches("KMS:Decrypt", true));
        assert!(!Glob::compile("kms:*").matches("KMS:Decrypt", false));
        assert!(Glob::compile("kms:Gen*Key*").matches("kms:GenerateDataKeyPair", false));
        assert!(Glob::compile("kms:?ecrypt").matches("kms:Decrypt", false));
        assert!(!Glob::compile("kms:?ecrypt").matches("kms:ecrypt", false));
        assert!(Glob::compile("a*b*c").matches("abbbbc", false));
        assert!(!Glob::compile("a*b*c").matches("abbbbcd", false));
        assert!(Glob::compile("*").matches("", false));
        assert!(Glob::compile("é?").matches("éü", false));
        assert!(Glob::compile("ÉX").matches("éx", true));
    }

    #[test]
    fn arn_patterns_match_segment_by_segment() {
        let p = ArnPattern::compile("arn:aws:kms:*:111122223333:key/*");
        assert!(p.matches("arn:aws:kms:us-east-1:111122223333:key/abc"));
        assert!(!p.matches("arn:aws:kms:us-east-1:444455556666:key/abc"));
        // A star in the region cannot swallow the account.
        let q = ArnPattern::compile("arn:aws:kms:*:key/abc");
        assert!(!q.matches("arn:aws:kms:us-east-1:111122223333:key/abc"));
        // The resource segment's star spans '/' and ':'.
        let r = ArnPattern::compile("arn:aws:ssm:us-east-1:111122223333:parameter/*");
        assert!(r.matches("arn:aws:ssm:us-east-1:111122223333:parameter/a/b:c"));
        assert!(!ArnPattern::compile("arn:aws:s3:::Bucket").matches("arn:aws:s3:::bucket"));
    }

    #[test]
    fn substituted_star_is_literal() {
        let mut toks = Vec::new();
        tokenize_literal("a*", &mut toks);
        let g = Glob::from_tokens(toks);
        assert!(g.matches("a*", false));
        assert!(!g.matches("ab", false));
    }
}
