//! A small regular-expression matcher for `AllowedPattern`: literals, `.`,
//! classes (`[a-z]`, `[^…]`, `\d \w \s \D \W \S`), anchors, groups with
//! alternation, and the quantifiers `* + ? {n} {n,} {n,m}`. Matching is a
//! set-of-positions simulation: no exponential backtracking.

use crate::error::{AwsError, AwsResult, ErrorCode};
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Atom {
    Char(char),
    Any,
    Class { ranges: Vec<(char, char)>, negated: bool },
    Start,
    End,
    Group(Vec<Seq>),
}

type Seq = Vec<(Atom, usize, Option<usize>)>;

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    alternatives: Vec<Seq>,
}

fn bad(pattern: &str) -> AwsError {
    AwsError::new(
        ErrorCode::InvalidAllowedPatternException,
        format!("The allowed pattern {pattern} is not a valid regular expression."),
    )
}

fn shorthand(c: char) -> Option<(Vec<(char, char)>, bool)> {
    let digits = vec![('0', '9')];
    let word = vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
    let space = vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r'), ('\u{b}', '\u{c}')];
    match c {
        'd' => Some((digits, false)),
        'D' => Some((digits, true)),
        'w' => Some((word, false)),
        'W' => Some((word, true)),
        's' => Some((space, false)),
        'S' => Some((space, true)),
        _ => None,
    }
}

fn literal_escape(c: char) -> char {
    match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        other => other,
    }
}

/// Groups nest at most this deep. Parsing and matching recurse once per
/// level; without a bound, 500 nested `(` (within the 1,024-character limit)
/// overflow the stack (a crash, and in wasm the loss of every key).
const MAX_GROUP_DEPTH: usize = 32;

struct Parser<'a> {
    chars: Vec<char>,
    i: usize,
    source: &'a str,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.i += 1;
        c
    }

    fn alternatives(&mut self) -> AwsResult<Vec<Seq>> {
        let mut out = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.i += 1;
            out.push(self.sequence()?);
        }
        Ok(out)
    }

    fn sequence(&mut self) -> AwsResult<Seq> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let (min, max) = self.quantifier()?;
            seq.push((atom, min, max));
        }
        Ok(seq)
    }

    fn atom(&mut self) -> AwsResult<Atom> {
        let c = self.next().ok_or_else(|| bad(self.source))?;
        Ok(match c {
            '(' => {
                if self.peek() == Some('?') {
                    self.i += 1;
                    if self.next() != Some(':') {
                        return Err(bad(self.source));
                    }
                }
                if self.depth >= MAX_GROUP_DEPTH {
                    return Err(bad(self.source));
                }
                self.depth += 1;
                let alts = self.alternatives()?;
                self.depth -= 1;
                if self.next() != Some(')') {
                    return Err(bad(self.source));
                }
                Atom::Group(alts)
            }
            '[' => self.class()?,
            '.' => Atom::Any,
            '^' => Atom::Start,
            '$' => Atom::End,
            '\\' => {
                let e = self.next().ok_or_else(|| bad(self.source))?;
                match shorthand(e) {
                    Some((ranges, negated)) => Atom::Class { ranges, negated },
                    None => Atom::Char(literal_escape(e)),
                }
            }
            '*' | '+' | '?' | '{' | ')' => return Err(bad(self.source)),
            other => Atom::Char(other),
        })
    }

    fn class(&mut self) -> AwsResult<Atom> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.next().ok_or_else(|| bad(self.source))?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' {
                let e = self.next().ok_or_else(|| bad(self.source))?;
                if let Some((r, false)) = shorthand(e) {
                    ranges.extend(r);
                    continue;
                }
                literal_escape(e)
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.i + 1).is_some_and(|n| *n != ']') {
                self.i += 1;
                let hi = match self.next().ok_or_else(|| bad(self.source))? {
                    '\\' => literal_escape(self.next().ok_or_else(|| bad(self.source))?),
                    h => h,
                };
                if hi < lo {
                    return Err(bad(self.source));
                }
                ranges.push((lo, hi));
            } else {
                ranges.push((lo, lo));
            }
        }
        Ok(Atom::Class { ranges, negated })
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.chars.get(start..self.i)?.iter().collect::<String>().parse().ok()
    }

    fn quantifier(&mut self) -> AwsResult<(usize, Option<usize>)> {
        let q = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.i += 1;
                let min = self.number().ok_or_else(|| bad(self.source))?;
                let max = if self.peek() == Some(',') {
                    self.i += 1;
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number().ok_or_else(|| bad(self.source))?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') || max.is_some_and(|m| m < min) {
                    return Err(bad(self.source));
                }
                (min, max)
            }
            _ => return Ok((1, Some(1))),
        };
        self.i += 1;
        if self.peek() == Some('?') {
            self.i += 1; // lazy: same set of matches
        }
        Ok(q)
    }
}

impl Pattern {
    /// Compiles `source`; an `InvalidAllowedPatternException` when it is not valid.
    pub fn compile(source: &str) -> AwsResult<Self> {
        if source.chars().count() > 1024 {
            return Err(bad(source));
        }
        let mut p = Parser { chars: source.chars().collect(), i: 0, source, depth: 0 };
        let alternatives = p.alternatives()?;
        if p.i < p.chars.len() {
            return Err(bad(source));
        }
        Ok(Pattern { alternatives })
    }

    /// Whether the pattern matches somewhere in `text` (anchor with `^…$`).
    pub fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        (0..=chars.len()).any(|start| !ends_alts(&self.alternatives, &chars, start).is_empty())
    }
}

fn ends_alts(alts: &[Seq], text: &[char], pos: usize) -> BTreeSet<usize> {
    alts.iter().flat_map(|seq| ends_seq(seq, text, pos)).collect()
}

fn ends_seq(seq: &Seq, text: &[char], pos: usize) -> BTreeSet<usize> {
    let mut current = BTreeSet::from([pos]);
    for (atom, min, max) in seq {
        let max = max.unwrap_or(text.len() + 1).min(text.len() + 1);
        let mut reached = BTreeSet::new();
        let mut frontier = current.clone();
        if *min == 0 {
            reached.extend(frontier.iter().copied());
        }
        for n in 1..=max {
            let next: BTreeSet<usize> = frontier.iter().flat_map(|p| ends_atom(atom, text, *p)).collect();
            if next.is_empty() {
                break;
            }
            if n >= *min {
                reached.extend(next.iter().copied());
            }
            if next == frontier {
                break;
            }
            frontier = next;
        }
        current = reached;
        if current.is_empty() {
            break;
        }
    }
    current
}

fn ends_atom(atom: &Atom, text: &[char], pos: usize) -> BTreeSet<usize> {
    let here = text.get(pos).copied();
    match atom {
        Atom::Char(c) => here.filter(|h| h == c).map(|_| pos + 1).into_iter().collect(),
        Atom::Any => here.filter(|h| *h != '\n').map(|_| pos + 1).into_iter().collect(),
        Atom::Class { ranges, negated } => here
            .filter(|h| ranges.iter().any(|(lo, hi)| lo <= h && h <= hi) != *negated)
            .map(|_| pos + 1)
            .into_iter()
            .collect(),
        Atom::Start => {
            if pos == 0 {
                BTreeSet::from([pos])
            } else {
                BTreeSet::new()
            }
        }
        Atom::End => {
            if pos == text.len() {
                BTreeSet::from([pos])
            } else {
                BTreeSet::new()
            }
        }
        Atom::Group(alts) => ends_alts(alts, text, pos),
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn common_patterns() {
        let m = |p: &str, t: &str| Pattern::compile(p).unwrap().is_match(t);
        assert!(m(r"^\d+$", "12345") && !m(r"^\d+$", "12a45") && !m(r"^\d+$", ""));
        assert!(m("^[a-z]{3,5}$", "abcd") && !m("^[a-z]{3,5}$", "abcdef") && !m("^[a-z]{3,5}$", "ab"));
        assert!(m("^(dev|prod)-[0-9]+$", "prod-12") && !m("^(dev|prod)-[0-9]+$", "test-1"));
        assert!(m("ami-[0-9a-f]{8}", "xx ami-0123abcd yy"));
        assert!(m(r"^[^\s]+$", "no-spaces") && !m(r"^[^\s]+$", "has space"));
        assert!(m("^a?b*c+$", "c") && m("^a?b*c+$", "abbbcc") && !m("^a?b*c+$", "aab"));
        assert!(m("^.*$", "anything at all"));
        for bad in ["(", "[a-", "a{2,1}", "*a", "a)"] {
            assert!(Pattern::compile(bad).is_err(), "{bad}");
        }
        let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(m(&nested(super::MAX_GROUP_DEPTH), "a"));
        assert!(Pattern::compile(&nested(super::MAX_GROUP_DEPTH + 1)).is_err());
        assert!(Pattern::compile(&nested(500)).is_err());
    }
}
