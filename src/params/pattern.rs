//! A small regular-expression matcher for `AllowedPattern`: literals, `.`,
//! classes (`[a-z]`, `[^…]`, `\d \w \s \D \W \S`), anchors, groups with
//! alternation, and the quantifiers `* + ? {n} {n,} {n,m}` (a trailing `?`
//! makes one lazy, which does not change whether a value matches).
//!
//! Matching never backtracks, and its cost is polynomial in the value's length
//! for every pattern:
//!
//! * Normally the pattern becomes a Thompson NFA, run as a set of states over
//!   the value (Pike's simulation): `O(len × states)`, however stars and groups
//!   nest (`^((a*)*)*(b*)*$` against thousands of characters is instant).
//!   Counted repetitions are unrolled, with every count capped at `len + 1`:
//!   an atom only ever moves forward, so beyond `len + 1` repetitions every
//!   path has an empty step to spare and more repetitions reach nothing new.
//! * Counted repetitions nested inside each other can still unroll to more than
//!   [`MAX_PROGRAM`] states (`((a{1,99}){1,99}){1,99}`). Those patterns are run
//!   by a second engine that maps sets of positions to sets of positions and
//!   memoises, for each repeated group inside another repetition, where it can
//!   end from each start position: each (group, position) pair is worked out
//!   once, so the cost stays polynomial (at worst about `len⁴` set operations
//!   per group) instead of multiplying with every level of nesting.
//!
//! Both engines give the answers of a textbook regular expression (a property
//! test checks them against the `regex` crate); the earlier matcher got some
//! counted repetitions of groups that match empty wrong (`(){2}` did not match
//! the empty value).

use crate::error::{AwsError, AwsResult, ErrorCode};

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

/// Groups nest at most this deep: kmsim's own limit, not AWS's (AWS documents
/// none; its Java engine has no fixed one). Parsing and both matchers recurse a
/// few frames per nesting level, so an unbounded depth (500 nested `(` fit in
/// the 1,024-character limit) would overflow the stack: a crash natively, and
/// in wasm the loss of the whole simulator. 32 levels keep the deepest
/// recursion far inside a 1 MiB wasm stack (a test runs the deepest pattern on
/// a 256 KiB thread) and far beyond any real `AllowedPattern`. Deeper patterns
/// are refused like any other invalid one (`InvalidAllowedPatternException`).
pub const MAX_GROUP_DEPTH: usize = 32;

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
        if nfa::size(&self.alternatives, chars.len() + 1) <= MAX_PROGRAM {
            nfa::matches(&self.alternatives, &chars)
        } else {
            sets::matches(&self.alternatives, &chars)
        }
    }
}

/// Most NFA states the unrolled pattern may have; larger ones (only nested
/// counted repetitions get there) use the memoising set engine instead.
pub const MAX_PROGRAM: usize = 1 << 16;

/// Whether a consuming atom accepts `c`.
fn accepts(atom: &Atom, c: char) -> bool {
    match atom {
        Atom::Char(x) => *x == c,
        Atom::Any => c != '\n',
        Atom::Class { ranges, negated } => ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != *negated,
        Atom::Start | Atom::End | Atom::Group(_) => false,
    }
}

/// A count capped at `positions` (the value's length + 1): a repetition of an
/// atom that only moves forward reaches nothing new beyond that many rounds.
fn capped(count: usize, positions: usize) -> usize {
    count.min(positions)
}

/// The Thompson NFA and its set-of-states simulation.
mod nfa {
    use super::{accepts, capped, Atom, Seq};

    /// One NFA state.
    #[derive(Clone, Copy, Debug)]
    enum Inst<'p> {
        /// Consumes one character the atom accepts.
        Take(&'p Atom),
        /// Passes only at the start of the value.
        Start,
        /// Passes only at the end of the value.
        End,
        /// Continues at both states.
        Split(usize, usize),
        /// Continues at the state.
        Jump(usize),
        /// The pattern matched.
        Match,
    }

    /// How many states the unrolled pattern needs (saturating).
    pub(super) fn size(alts: &[Seq], positions: usize) -> usize {
        let bodies = alts.iter().fold(0usize, |n, seq| n.saturating_add(seq_size(seq, positions)));
        // A split and a jump per alternative but the last, and the final Match.
        bodies.saturating_add(alts.len().saturating_sub(1).saturating_mul(2)).saturating_add(1)
    }

    fn seq_size(seq: &Seq, positions: usize) -> usize {
        seq.iter().fold(0usize, |n, (atom, min, max)| {
            let body = match atom {
                Atom::Group(alts) => size(alts, positions),
                _ => 1,
            };
            let min = capped(*min, positions);
            let tail = match max {
                None => body.saturating_add(2),
                Some(max) => capped(*max, positions).saturating_sub(min).saturating_mul(body.saturating_add(1)),
            };
            n.saturating_add(body.saturating_mul(min)).saturating_add(tail)
        })
    }

    struct Compiler<'p> {
        insts: Vec<Inst<'p>>,
        positions: usize,
    }

    impl<'p> Compiler<'p> {
        fn push(&mut self, inst: Inst<'p>) -> usize {
            self.insts.push(inst);
            self.insts.len() - 1
        }

        /// Points the second branch of the split at `at` to `target`.
        fn patch(&mut self, at: usize, target: usize) {
            match self.insts.get_mut(at) {
                Some(Inst::Split(_, second)) | Some(Inst::Jump(second)) => *second = target,
                _ => {}
            }
        }

        fn alts(&mut self, alts: &'p [Seq]) {
            let mut jumps = Vec::new();
            let last = alts.len().saturating_sub(1);
            for (i, seq) in alts.iter().enumerate() {
                if i == last {
                    self.seq(seq);
                } else {
                    let split = self.push(Inst::Split(self.insts.len() + 1, 0));
                    self.seq(seq);
                    jumps.push(self.push(Inst::Jump(0)));
                    let next = self.insts.len();
                    self.patch(split, next);
                }
            }
            let end = self.insts.len();
            for jump in jumps {
                self.patch(jump, end);
            }
        }

        fn seq(&mut self, seq: &'p Seq) {
            for (atom, min, max) in seq {
                let min = capped(*min, self.positions);
                for _ in 0..min {
                    self.atom(atom);
                }
                match max {
                    None => {
                        let split = self.push(Inst::Split(self.insts.len() + 1, 0));
                        self.atom(atom);
                        self.push(Inst::Jump(split));
                        let out = self.insts.len();
                        self.patch(split, out);
                    }
                    // `x?` repeated: the same values as nested optionals.
                    Some(max) => {
                        for _ in min..capped(*max, self.positions) {
                            let split = self.push(Inst::Split(self.insts.len() + 1, 0));
                            self.atom(atom);
                            let out = self.insts.len();
                            self.patch(split, out);
                        }
                    }
                }
            }
        }

        fn atom(&mut self, atom: &'p Atom) {
            match atom {
                Atom::Group(alts) => self.alts(alts),
                Atom::Start => {
                    self.push(Inst::Start);
                }
                Atom::End => {
                    self.push(Inst::End);
                }
                other => {
                    self.push(Inst::Take(other));
                }
            }
        }
    }

    /// Adds the states reachable from `pc` without consuming, at `pos`, to
    /// `list` (consuming states only). True when the Match state is reached.
    #[allow(clippy::too_many_arguments)]
    fn add(
        insts: &[Inst],
        seen: &mut [usize],
        stack: &mut Vec<usize>,
        list: &mut Vec<usize>,
        pc: usize,
        pos: usize,
        len: usize,
    ) -> bool {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            let Some(mark) = seen.get_mut(pc) else { continue };
            if *mark == pos {
                continue;
            }
            *mark = pos;
            match insts.get(pc) {
                Some(Inst::Take(_)) => list.push(pc),
                Some(Inst::Match) => {
                    stack.clear();
                    return true;
                }
                Some(Inst::Start) if pos == 0 => stack.push(pc + 1),
                Some(Inst::End) if pos == len => stack.push(pc + 1),
                Some(Inst::Split(a, b)) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Some(Inst::Jump(a)) => stack.push(*a),
                _ => {}
            }
        }
        false
    }

    /// Whether the pattern matches somewhere in `text`.
    pub(super) fn matches(alts: &[Seq], text: &[char]) -> bool {
        let mut compiler = Compiler { insts: Vec::new(), positions: text.len() + 1 };
        compiler.alts(alts);
        compiler.push(Inst::Match);
        let insts = compiler.insts;
        // `seen[pc] == pos`: state pc is already in the list for position pos.
        let mut seen = vec![usize::MAX; insts.len()];
        let (mut current, mut next, mut stack) = (Vec::new(), Vec::new(), Vec::new());
        for pos in 0..=text.len() {
            // Unanchored: a new attempt starts at every position.
            if add(&insts, &mut seen, &mut stack, &mut current, 0, pos, text.len()) {
                return true;
            }
            let Some(&c) = text.get(pos) else { break };
            next.clear();
            for &pc in &current {
                if let Some(Inst::Take(atom)) = insts.get(pc) {
                    if accepts(atom, c) && add(&insts, &mut seen, &mut stack, &mut next, pc + 1, pos + 1, text.len()) {
                        return true;
                    }
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        false
    }
}

/// The engine for patterns too large to unroll: each part of the pattern maps
/// a set of start positions to the set of positions where it can end.
mod sets {
    use super::{accepts, capped, Atom, Seq};
    use std::collections::HashMap;

    /// A set of positions `0..=len`, as bits.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Positions(Vec<u64>);

    impl Positions {
        fn empty(positions: usize) -> Self {
            Positions(vec![0; positions.div_ceil(64)])
        }

        fn single(positions: usize, p: usize) -> Self {
            let mut set = Self::empty(positions);
            set.insert(p);
            set
        }

        fn full(positions: usize) -> Self {
            let mut set = Self::empty(positions);
            for p in 0..positions {
                set.insert(p);
            }
            set
        }

        fn insert(&mut self, p: usize) {
            if let Some(word) = self.0.get_mut(p / 64) {
                *word |= 1 << (p % 64);
            }
        }

        fn contains(&self, p: usize) -> bool {
            self.0.get(p / 64).is_some_and(|word| word & (1 << (p % 64)) != 0)
        }

        fn is_empty(&self) -> bool {
            self.0.iter().all(|w| *w == 0)
        }

        fn union_with(&mut self, other: &Positions) {
            for (a, b) in self.0.iter_mut().zip(&other.0) {
                *a |= b;
            }
        }

        fn minus(&self, other: &Positions) -> Positions {
            Positions(self.0.iter().zip(&other.0).map(|(a, b)| a & !b).collect())
        }

        fn iter(&self) -> impl Iterator<Item = usize> + '_ {
            self.0
                .iter()
                .enumerate()
                .flat_map(|(i, word)| (0..64).filter(move |bit| word & (1u64 << bit) != 0).map(move |bit| i * 64 + bit))
        }
    }

    type Item = (Atom, usize, Option<usize>);

    struct Matcher<'t> {
        text: &'t [char],
        positions: usize,
        /// Where a repeated item inside another repetition can end, by (the
        /// item's address, start position): each pair is computed once.
        rows: HashMap<(usize, usize), Positions>,
    }

    impl Matcher<'_> {
        fn alts(&mut self, alts: &[Seq], from: &Positions, in_loop: bool) -> Positions {
            let mut out = Positions::empty(self.positions);
            for seq in alts {
                let ends = self.seq(seq, from, in_loop);
                out.union_with(&ends);
            }
            out
        }

        fn seq(&mut self, seq: &Seq, from: &Positions, in_loop: bool) -> Positions {
            let mut at = from.clone();
            for item in seq {
                if at.is_empty() {
                    break;
                }
                at = self.item(item, &at, in_loop);
            }
            at
        }

        fn item(&mut self, item: &Item, from: &Positions, in_loop: bool) -> Positions {
            let (atom, min, max) = item;
            if *min == 1 && *max == Some(1) {
                return self.atom(atom, from, in_loop);
            }
            let looping = max.is_none_or(|m| m > 1);
            if !(in_loop && looping) {
                return self.repeat(item, from, in_loop || looping);
            }
            // Applied again and again by the enclosing repetition: memoise per start.
            let id = std::ptr::from_ref(item) as usize;
            let mut out = Positions::empty(self.positions);
            for p in from.iter() {
                if !self.rows.contains_key(&(id, p)) {
                    let row = self.repeat(item, &Positions::single(self.positions, p), true);
                    self.rows.insert((id, p), row);
                }
                if let Some(row) = self.rows.get(&(id, p)) {
                    out.union_with(row);
                }
            }
            out
        }

        /// `atom{min,max}` from `from`: `min` rounds (capped), then a
        /// breadth-first search for at most `max - min` more.
        fn repeat(&mut self, (atom, min, max): &Item, from: &Positions, in_loop: bool) -> Positions {
            let mut at = from.clone();
            for _ in 0..capped(*min, self.positions) {
                let next = self.atom(atom, &at, in_loop);
                if next == at {
                    break; // a fixed point: every further round gives the same
                }
                at = next;
                if at.is_empty() {
                    return at;
                }
            }
            let extra = max.map(|m| capped(m, self.positions).saturating_sub(capped(*min, self.positions)));
            let mut reached = at.clone();
            let mut frontier = at;
            let mut round = 0;
            while extra.is_none_or(|extra| round < extra) {
                let next = self.atom(atom, &frontier, in_loop).minus(&reached);
                if next.is_empty() {
                    break;
                }
                reached.union_with(&next);
                frontier = next;
                round += 1;
            }
            reached
        }

        fn atom(&mut self, atom: &Atom, from: &Positions, in_loop: bool) -> Positions {
            let len = self.text.len();
            let mut out = Positions::empty(self.positions);
            match atom {
                Atom::Group(alts) => return self.alts(alts, from, in_loop),
                Atom::Start if from.contains(0) => out.insert(0),
                Atom::End if from.contains(len) => out.insert(len),
                Atom::Start | Atom::End => {}
                _ => {
                    for p in from.iter() {
                        if self.text.get(p).is_some_and(|c| accepts(atom, *c)) {
                            out.insert(p + 1);
                        }
                    }
                }
            }
            out
        }
    }

    /// Whether the pattern matches somewhere in `text`.
    pub(super) fn matches(alts: &[Seq], text: &[char]) -> bool {
        let positions = text.len() + 1;
        let mut matcher = Matcher { text, positions, rows: HashMap::new() };
        !matcher.alts(alts, &Positions::full(positions), false).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    impl Pattern {
        /// Both engines' answers (they must agree).
        pub(super) fn engines(&self, text: &str) -> (bool, bool) {
            let chars: Vec<char> = text.chars().collect();
            (super::nfa::matches(&self.alternatives, &chars), super::sets::matches(&self.alternatives, &chars))
        }
    }

    #[test]
    fn common_patterns() {
        let m = |p: &str, t: &str| {
            let pattern = Pattern::compile(p).unwrap();
            let (nfa, sets) = pattern.engines(t);
            assert_eq!(nfa, sets, "{p} on {t:?}");
            assert_eq!(pattern.is_match(t), nfa);
            nfa
        };
        assert!(m(r"^\d+$", "12345") && !m(r"^\d+$", "12a45") && !m(r"^\d+$", ""));
        assert!(m("^[a-z]{3,5}$", "abcd") && !m("^[a-z]{3,5}$", "abcdef") && !m("^[a-z]{3,5}$", "ab"));
        assert!(m("^(dev|prod)-[0-9]+$", "prod-12") && !m("^(dev|prod)-[0-9]+$", "test-1"));
        assert!(m("ami-[0-9a-f]{8}", "xx ami-0123abcd yy"));
        assert!(m(r"^[^\s]+$", "no-spaces") && !m(r"^[^\s]+$", "has space"));
        assert!(m("^a?b*c+$", "c") && m("^a?b*c+$", "abbbcc") && !m("^a?b*c+$", "aab"));
        assert!(m("^.*$", "anything at all"));
        assert!(m("^(?:ab|c)*?$", "abcab") && !m("^(?:ab|c)*$", "abca"));
        assert!(m("^a{2}(b|){3}$", "aab") && !m("^a{2}(b|){3}$", "aabbbb"));
        // Counted repetitions of what can match empty (the old matcher said no).
        assert!(m("^(){2}$", "") && m("^(a|){5}$", "aa") && m("^(a*){4}$", ""));
        // Anchors inside repetitions and after text (cases proptest once found).
        assert!(!m("$a{1}", "a") && !m(r"(^(\s)?.){1,3}", "\n\n_") && m(r"(^(\s)?.){1,3}", " a"));
        // Counts far beyond the value's length.
        assert!(m("^(a|){4000000000}$", "aaa") && !m("^a{4000000000}$", "aaa") && m("^a{0,4000000000}$", "aaa"));
        for bad in ["(", "[a-", "a{2,1}", "*a", "a)", "a**", "(?x)"] {
            assert!(Pattern::compile(bad).is_err(), "{bad}");
        }
        let nested = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert!(m(&nested(super::MAX_GROUP_DEPTH), "a"));
        assert!(Pattern::compile(&nested(super::MAX_GROUP_DEPTH + 1)).is_err());
        assert!(Pattern::compile(&nested(500)).is_err());
    }

    /// The pattern that hung the old backtracking-by-sets matcher, on a value
    /// near the 4 KB limit: must finish (a hang is the failure).
    #[test]
    fn nested_stars_do_not_blow_up() {
        let pattern = Pattern::compile("^((a*)*)*(b*)*$").unwrap();
        let long = "a".repeat(3000);
        assert!(pattern.is_match(&long));
        assert!(pattern.is_match(&format!("{long}{}", "b".repeat(500))));
        assert!(!pattern.is_match(&format!("{long}c")));
        assert!(!pattern.is_match(&format!("{long}ba")));
        // The set engine too, on a shorter value.
        let short = format!("{}c", "a".repeat(300));
        assert_eq!(pattern.engines(&short), (false, false));
    }

    /// Nested counted repetitions too large to unroll take the set engine.
    #[test]
    fn nested_counts_use_the_set_engine() {
        let pattern = Pattern::compile("^((a{1,40}){1,40}){1,40}$").unwrap();
        let text = "a".repeat(200);
        assert!(super::nfa::size(&pattern.alternatives, text.len() + 1) > super::MAX_PROGRAM);
        assert!(pattern.is_match(&text));
        assert!(!pattern.is_match(&format!("{text}b")));
        let exact = Pattern::compile("^((ab){7}){9}c{0,500}$").unwrap();
        assert!(exact.is_match(&format!("{}{}", "ab".repeat(63), "c".repeat(10))));
        assert!(!exact.is_match(&"ab".repeat(62)));
    }

    /// The deepest nesting the parser allows, parsed and matched by both
    /// engines on a small stack (the limit exists to keep recursion bounded).
    #[test]
    fn the_deepest_pattern_fits_a_small_stack() {
        let worker = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let depth = super::MAX_GROUP_DEPTH;
                let source = format!("{}a*|b{}+", "(?:".repeat(depth), ")".repeat(depth));
                let pattern = Pattern::compile(&source).unwrap();
                let text = "a".repeat(200);
                (pattern.is_match(&text), pattern.engines(&text))
            })
            .unwrap();
        assert_eq!(worker.join().unwrap(), (true, (true, true)));
    }
}

/// Differential tests against the `regex` crate over random small patterns in
/// the supported syntax (values over an ASCII alphabet, where `\d \w \s` mean
/// the same in both).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod differential {
    use super::Pattern;
    use proptest::prelude::*;

    fn atom() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec!["a", "b", "0", "_", " ", r"\-", r"\.", r"\n", "."]).prop_map(String::from),
            prop::sample::select(vec![r"\d", r"\w", r"\s", r"\D", r"\W", r"\S"]).prop_map(String::from),
            prop::sample::select(vec!["[ab]", "[^a]", "[a-b0]", r"[\d_]", r"[^\s]", "[^ab0]", "[b-]", "[.]"])
                .prop_map(String::from),
            prop::sample::select(vec!["^", "$"]).prop_map(String::from),
        ]
    }

    fn quantifier() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "", "", "", "*", "+", "?", "{0}", "{1}", "{2}", "{3}", "{0,}", "{2,}", "{0,1}", "{1,3}", "{2,2}", "*?",
            "+?", "{1,2}?",
        ])
        .prop_map(String::from)
    }

    fn pattern() -> impl Strategy<Value = String> {
        let leaf = (atom(), quantifier()).prop_map(|(a, q)| format!("{a}{q}"));
        leaf.prop_recursive(4, 24, 4, |inner| {
            let sequence = prop::collection::vec(inner, 0..4).prop_map(|v| v.concat());
            prop_oneof![
                sequence.clone(),
                (prop::collection::vec(sequence, 1..4), quantifier(), any::<bool>()).prop_map(
                    |(alternatives, q, non_capturing)| {
                        format!("({}{}){q}", if non_capturing { "?:" } else { "" }, alternatives.join("|"))
                    }
                ),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        #[test]
        fn both_engines_agree_with_the_regex_crate(
            source in pattern(),
            texts in prop::collection::vec("[ab0_ .\n-]{0,10}", 6),
        ) {
            let ours = Pattern::compile(&source).unwrap();
            // The regex crate refuses a few forms we accept (e.g. a quantified anchor).
            let Ok(reference) = regex::Regex::new(&source) else { return Ok(()) };
            for text in &texts {
                let expected = reference.is_match(text);
                let (nfa, sets) = ours.engines(text);
                prop_assert_eq!(nfa, expected, "NFA: pattern {:?} on {:?}", source, text);
                prop_assert_eq!(sets, expected, "sets: pattern {:?} on {:?}", source, text);
                prop_assert_eq!(ours.is_match(text), expected);
            }
        }
    }
}
